"""What one part of oversight tells another, through hooks (``cadres.events.Hook``).

The parts (定期考察, 积分, 谈心, 动态管理, 备案) are written apart; where one must act on another's
record, the sender calls ``send`` at the point the change is made (inside its transaction) and the
receiver registers from ``OversightConfig.ready``. Selection sends ``talk_required`` at step 15.

Hooks:

``talk_required``
    A talk is now due with a cadre (an appointment at step 15 → 任职谈话 within a month; a
    discipline or a 较差 quarterly grade → 提醒谈话). Arguments: ``actor``, ``cadre``, ``kind`` (a
    talk kind's code: "appointment", "reminder" …), ``due_on`` (a date), ``reason`` (Chinese, shown
    on the to-do desk), ``source`` (a short key of what raised it, e.g. "quarterly:123", so the same
    event twice raises one talk). Registered: the talks service creates the talk as due.

``record_changed``
    A record the 动态管理 flag rules read changed for ``cadre`` (a grade confirmed, points approved,
    an evaluation entered). Arguments: ``actor``, ``cadre``. Registered: the flag rules re-evaluate
    that cadre.

``decision_made``
    A 动态管理 decision was made about ``cadre`` (``decision_make``, inside its transaction, after the
    decision and the post changes are saved). Arguments: ``actor``, ``cadre``, ``decision`` (the saved
    ``AdjustmentDecision``; ``pool_exit`` says whether it also takes the cadre out of the reserve pool).
    Registered: training ends the cadre's active pool membership when the decision takes them out of
    the pool (``pool_exit``) or out of the section-level team (调出).
"""

from cadres.events import Hook

talk_required = Hook("talk_required")
record_changed = Hook("record_changed")
decision_made = Hook("decision_made")
