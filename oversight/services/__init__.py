"""Every write of the oversight app, one module per subject; the public names are re-exported here.

- ``records``: 年度考核 and 处分/诫勉 entered on a cadre through the roster's child-record core.
- ``points``: 积分管理, the rule table and the ledger with its review.
- ``talks``: 谈心谈话, due talks raised by events, talks held, follow-ups and the yearly plan.
"""

from oversight.services.points import (
    point_entry_approve,
    point_entry_create,
    point_entry_reject,
    point_rule_save,
    point_rules_seed,
)
from oversight.services.records import (
    DUPLICATE_YEAR,
    EFFECT_BEFORE_DECISION,
    appraisal_check,
    appraisal_delete,
    appraisal_save,
    discipline_check,
    discipline_delete,
    discipline_save,
)
from oversight.services.talks import (
    follow_up_add,
    follow_up_complete,
    talk_cancel,
    talk_create,
    talk_plan_save,
    talk_raise,
    talk_record_held,
)

__all__ = [
    "DUPLICATE_YEAR",
    "EFFECT_BEFORE_DECISION",
    "appraisal_check",
    "appraisal_delete",
    "appraisal_save",
    "discipline_check",
    "discipline_delete",
    "discipline_save",
    "follow_up_add",
    "follow_up_complete",
    "point_entry_approve",
    "point_entry_create",
    "point_entry_reject",
    "point_rule_save",
    "point_rules_seed",
    "talk_cancel",
    "talk_create",
    "talk_plan_save",
    "talk_raise",
    "talk_record_held",
]
