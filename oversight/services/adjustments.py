"""Writes of 动态管理: raising flags by the rules, deciding on a flagged cadre, the rules, 民主测评.

A decision changes posts only through the roster's services (``cadres.services.cadres``
``post_end`` / ``post_start``): each post ended or begun gets its history row and its audit row
on the cadre as if entered on the record page; the decision adds its own row and one audit row.
Once it commits, the dashboard recomputes the effective date (``cadres.events.roster_changed``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres import events as roster_events
from cadres.codes import SECTION_LEVELS, PersonnelStatus
from cadres.models import Cadre
from cadres.services.cadres import post_end, post_start
from cadres.services.records import child_record_delete, child_record_save
from oversight import events, flags
from oversight.models import AdjustmentDecision, AdjustmentFlag, FlagRule, RecognitionEvaluation

NO_OPEN_FLAG = "该干部没有待研判的预警，无需作出处理决定。"
NOT_IN_SERVICE = "{name}已不在职，不能作出调整决定。"
NO_SECTION_POST = "{name}目前未担任科级领导职务，无需调出科级干部队伍。"
REASSIGN_NEEDS_POST = "调整岗位须填写新任职单位、新任职务和职务层次。"
REMOVE_NEW_POST_NOT_SECTION = "调出科级干部队伍后的职务不能是科级领导职务。"
EFFECTIVE_BEFORE_DECISION = "生效日期不能早于决定日期。"
EFFECTIVE_BEFORE_POST = "生效日期不能早于现任职务的任职时间（{date}）。"
REASON_REQUIRED = "请填写处理理由。"
THRESHOLD_REQUIRED = "“{rule}”须设置下限。"
APPROVING_OVER_PARTICIPANTS = "认可票数不能多于参评人数。"


@transaction.atomic
def flags_raise(*, actor, day: dt.date | None = None, cadre_ids=None) -> list[AdjustmentFlag]:
    """Run every active rule over the team (or the cadres ``cadre_ids``) and raise the new flags.

    A flag already raised on the same basis (cadre, rule, key), open or closed, is not raised
    again: a decision on it stands until the facts change (a new year's grade makes a new key).
    """
    day = day or timezone.localdate()
    members = flags.team(day, Cadre.objects.filter(pk__in=cadre_ids) if cadre_ids is not None else None)
    rules = [rule for rule in FlagRule.objects.filter(active=True) if rule.code in flags.EVALUATORS]
    raised = []
    for rule in rules:
        hits = flags.EVALUATORS[rule.code](rule, members.values("pk"), day)
        if not hits:
            continue
        seen = set(AdjustmentFlag.objects.filter(rule=rule, cadre_id__in=list(hits))
                   .values_list("cadre_id", "key"))
        for cadre_id, (key, evidence) in sorted(hits.items()):
            if (cadre_id, key) in seen:
                continue
            flag = AdjustmentFlag(cadre_id=cadre_id, rule=rule, key=key, evidence=evidence[:200], raised_on=day)
            tracked_save(flag, actor=actor, reason=f"预警：{rule}")
            raised.append(flag)
    if raised:
        audit_record(Event.CREATE, actor=actor, object_type="oversight.adjustmentflag",
                     object_repr=f"动态管理预警 {len(raised)} 条",
                     detail={"flags": [flag.pk for flag in raised], "day": day.isoformat()})
    return raised


def flags_raise_for(*, actor, cadre, **kwargs) -> list[AdjustmentFlag]:
    """The ``oversight.events.record_changed`` receiver: run the rules for that one cadre now."""
    return flags_raise(actor=actor, cadre_ids=[cadre.pk])


def _end_section_posts(*, actor, cadre: Cadre, effective_date: dt.date, reason: str) -> list:
    posts = list(cadre.posts.open().filter(level__in=SECTION_LEVELS).order_by("pk"))
    late = [post.start_date for post in posts if post.start_date and post.start_date >= effective_date]
    if late:
        raise ValidationError({"effective_date": EFFECTIVE_BEFORE_POST.format(date=f"{max(late):%Y-%m-%d}")})
    last_day = effective_date - dt.timedelta(days=1)
    return [post_end(actor=actor, post=post, end_date=last_day, reason=reason) for post in posts]


@transaction.atomic
def decision_make(*, actor, cadre: Cadre, outcome: str, reason: str, decided_on: dt.date, effective_date: dt.date,
                  document: str = "", new_department=None, new_title: str = "", new_level: str = "",
                  pool_exit: bool = False) -> AdjustmentDecision:
    """Decide on a flagged cadre: 调出科级干部队伍, 调整岗位 or 保留; close the cadre's open flags.

    - 调出: every open 正科/副科 leadership post ends the day before ``effective_date``; a new
      post without leadership level (``new_title``, in ``new_department`` or the cadre's unit) may
      follow from that day. The cadre stays in service, outside the team.
    - 调整岗位: the new post (unit, title, level) begins on ``effective_date``; the open posts end the
      day before.
    - 保留: posts unchanged; the reason is recorded.
    Refused, with nothing written, when the cadre has no open flag, has left service, or the
    dates or the new post do not fit. ``pool_exit`` also takes the cadre out of the reserve pool
    (后备干部库); the hook ``events.decision_made`` tells whoever keeps the pool.
    """
    locked = Cadre.objects.select_for_update().get(pk=cadre.pk)
    open_flags = list(AdjustmentFlag.objects.select_for_update().filter(cadre=locked, state=AdjustmentFlag.State.OPEN))
    if not open_flags:
        raise ValidationError(NO_OPEN_FLAG)
    if locked.status != PersonnelStatus.ACTIVE:
        raise ValidationError(NOT_IN_SERVICE.format(name=locked.name))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    if effective_date < decided_on:
        raise ValidationError({"effective_date": EFFECTIVE_BEFORE_DECISION})
    Outcome = AdjustmentDecision.Outcome
    label = Outcome(outcome).label
    history_reason = f"动态管理：{label}"
    if outcome == Outcome.REMOVE:
        if new_level in SECTION_LEVELS:
            raise ValidationError({"new_level": REMOVE_NEW_POST_NOT_SECTION})
        if not locked.posts.open().filter(level__in=SECTION_LEVELS).exists():
            raise ValidationError(NO_SECTION_POST.format(name=locked.name))
        _end_section_posts(actor=actor, cadre=locked, effective_date=effective_date, reason=history_reason)
        if new_title.strip():
            post_start(actor=actor, cadre=locked, department=new_department or locked.department,
                       title=new_title.strip(), level="", start_date=effective_date, document=document,
                       close_previous=False, reason=history_reason)
    elif outcome == Outcome.REASSIGN:
        if not (new_department and new_title.strip() and new_level):
            raise ValidationError(REASSIGN_NEEDS_POST)
        late = [p.start_date for p in locked.posts.open() if p.start_date and p.start_date >= effective_date]
        if late:
            raise ValidationError({"effective_date": EFFECTIVE_BEFORE_POST.format(date=f"{max(late):%Y-%m-%d}")})
        post_start(actor=actor, cadre=locked, department=new_department, title=new_title.strip(), level=new_level,
                   start_date=effective_date, document=document, close_previous=True, reason=history_reason)
    decision = AdjustmentDecision(
        cadre=locked, outcome=outcome, reason=reason, decided_on=decided_on, effective_date=effective_date,
        document=document.strip(), decided_by=actor,
        new_department=new_department if outcome != Outcome.KEEP else None,
        new_title=new_title.strip() if outcome != Outcome.KEEP else "",
        new_level=new_level if outcome == Outcome.REASSIGN else "", pool_exit=pool_exit,
    )
    tracked_save(decision, actor=actor, reason=history_reason)
    for flag in open_flags:
        flag.state, flag.decision = AdjustmentFlag.State.CLOSED, decision
        tracked_save(flag, actor=actor, reason=history_reason, update_fields=["state", "decision"])
    audit_record(Event.WORKFLOW, actor=actor, obj=locked,
                 detail={"reason": reason, "action": history_reason, "decision": decision.pk,
                         "flags": [flag.pk for flag in open_flags], "effective_date": effective_date.isoformat()})
    events.decision_made.send(actor=actor, cadre=locked, decision=decision)
    if outcome != Outcome.KEEP:
        roster_events.roster_changed.send(as_of=effective_date)
    return decision


@transaction.atomic
def flag_rule_update(*, actor, rule: FlagRule, active: bool, times: int, window: int, threshold, note: str = "",
                     ) -> FlagRule:
    """Change a rule's switch and numbers (the rule's code and evaluator stay)."""
    if rule.code in (FlagRule.Code.LOW_POINTS, FlagRule.Code.LOW_RECOGNITION) and threshold is None:
        raise ValidationError({"threshold": THRESHOLD_REQUIRED.format(rule=rule.get_code_display())})
    rule.active, rule.times, rule.window, rule.threshold, rule.note = active, times, window, threshold, note
    tracked_save(rule, actor=actor, reason="修改预警规则")
    audit_record(Event.UPDATE, actor=actor, obj=rule, detail={"rule": rule.code, "active": active, "times": times,
                                                              "window": window, "threshold": str(threshold)})
    return rule


def recognition_check(evaluation: RecognitionEvaluation) -> None:
    if evaluation.approving is not None and evaluation.participants is not None \
            and evaluation.approving > evaluation.participants:
        raise ValidationError({"approving": APPROVING_OVER_PARTICIPANTS})


def recognition_save(*, actor, evaluation: RecognitionEvaluation, reason: str = "") -> RecognitionEvaluation:
    """Add or correct a 民主测评 result (through the child-record core; its kind re-checks the flags)."""
    return child_record_save(actor=actor, obj=evaluation, reason=reason)


def recognition_delete(*, actor, evaluation: RecognitionEvaluation) -> None:
    child_record_delete(actor=actor, obj=evaluation)
