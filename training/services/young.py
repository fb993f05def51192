"""Writes of the young-cadre round (年轻干部选育), its nominations, the review gate and the reserve pool.

Every function is atomic and writes the history row (naming ``actor``) and one audit row in the same
transaction. The rules live here, not in the views:

- a round goes 推荐中 (open) → 审批中 (review) → 已结束 (closed), one service per step; it closes only when
  no nomination is pending; its quota cannot drop below the nominations already approved;
- a nomination is made while the round is open, on or before its deadline, once per cadre per round,
  for an eligible cadre in the nominator's scope who is not already in the pool (``selectors.young``
  defines eligibility); it is withdrawn while pending;
- the review gate opens when the round is under review: a leader approves, or not with a reason, once
  (the round and the nomination are locked and re-read), never a nomination they recorded or
  recommended, never beyond the quota; an approval puts the cadre in the pool (后备干部, entered on the
  decision's date);
- a member leaves the pool only through a 动态管理 decision (``oversight.events.decision_made``).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres.permissions import can_see_cadre
from training.models import Nomination, PoolMember, YoungCadreRound
from training.selectors import young as selectors
from training.services.exports import Column, ExportFile, export_workbook

# Rounds.
CANNOT_MANAGE_ROUNDS = "您没有管理年轻干部选育的权限。"
WRONG_ROUND_STATE = "选育年度当前为“{state}”，不能{action}。"
PENDING_LEFT = "尚有{count}条推荐待审批，审批完毕后才能结束本年度选育。"
QUOTA_BELOW_APPROVED = "已同意{approved}人，选育名额不能少于已同意人数。"
# Nominations.
CANNOT_NOMINATE = "您没有推荐年轻干部人选的权限。"
NOT_IN_SCOPE = "该干部不在您的管辖范围内。"
ROUND_NOT_OPEN = "选育年度当前为“{state}”，不能再推荐。"
PAST_DEADLINE = "推荐已于{deadline}截止，不能再推荐。"
ALREADY_NOMINATED = "{name}已在{year}年度被推荐，同一年度只能推荐一次。"
ALREADY_IN_POOL = "{name}已在后备干部库中，无须再推荐。"
NOT_IN_SERVICE = "{name}不在职，不能推荐。"
TOO_OLD = "{name}至{day}年满{age}周岁，超过本年度年龄上限{limit}周岁。"
NOT_EDUCATED = "{name}的最高学历低于本年度学历要求（{band}及以上）。"
RECOMMENDER_REQUIRED = "组织推荐须填写推荐人（单位）。"
REASON_REQUIRED = "须填写推荐理由（个人自荐的，填写本人陈述）。"
CANNOT_WITHDRAW = "只能撤回本人登记的推荐。"
NOT_PENDING = "该推荐已{state}，不能再{action}。"
# The review gate.
CANNOT_DECIDE = "您没有审批年轻干部推荐人选的权限。"
NOT_UNDER_REVIEW = "选育年度当前为“{state}”，审批中的年度才能审批推荐人选。"
OWN_NOMINATION = "不能审批本人推荐或登记的人选，请由其他领导审批。"
QUOTA_FULL = "本年度选育名额{quota}人已满（已同意{approved}人），不能再同意。"
DECISION_REASON_REQUIRED = "不同意的，须填写理由。"
# The pool.
NOT_IN_POOL = "{name}不在后备干部库中。"


def _require(actor, permission: str, message: str) -> None:
    if not actor.has_perm(permission):
        raise ValidationError(message)


# --- rounds -------------------------------------------------------------------------------------------


def round_defaults(*, today: dt.date | None = None) -> dict:
    """Return a new round's initial values: next year's round unless this year's is missing, the settings' rules."""
    from training.models import TrainingSettings

    today = today or timezone.localdate()
    settings = TrainingSettings.current()
    year = today.year if not YoungCadreRound.objects.filter(year=today.year).exists() else today.year + 1
    return {"year": year, "name": f"{year}年度年轻干部选育", "quota": 10, "age_limit": settings.young_age_limit,
            "min_education": settings.young_min_education, "nomination_deadline": today + dt.timedelta(days=30)}


@transaction.atomic
def round_create(*, actor, round_: YoungCadreRound) -> YoungCadreRound:
    """Open a year's round (推荐中) with its quota, eligibility and deadline."""
    _require(actor, "training.add_youngcadreround", CANNOT_MANAGE_ROUNDS)
    round_.state, round_.created_by = YoungCadreRound.State.OPEN, actor
    tracked_save(round_, actor=actor, reason="启动年轻干部选育")
    audit_record(Event.CREATE, actor=actor, obj=round_, detail={"year": round_.year, "quota": round_.quota})
    return round_


@transaction.atomic
def round_update(*, actor, round_: YoungCadreRound) -> YoungCadreRound:
    """Change a round's name, quota, eligibility, deadline or requirements while it is not closed."""
    _require(actor, "training.change_youngcadreround", CANNOT_MANAGE_ROUNDS)
    locked = YoungCadreRound.objects.select_for_update().get(pk=round_.pk)
    if locked.state == YoungCadreRound.State.CLOSED:
        raise ValidationError(WRONG_ROUND_STATE.format(state=locked.get_state_display(), action="修改"))
    approved = locked.nominations.filter(state=Nomination.State.APPROVED).count()
    if round_.quota is not None and round_.quota < approved:
        raise ValidationError({"quota": QUOTA_BELOW_APPROVED.format(approved=approved)})
    round_.state, round_.created_by_id = locked.state, locked.created_by_id
    tracked_save(round_, actor=actor, reason="修改年轻干部选育")
    audit_record(Event.UPDATE, actor=actor, obj=round_, detail={"quota": round_.quota})
    return round_


# (from, to): what the step is called in messages and history.
ROUND_STEPS = {
    (YoungCadreRound.State.OPEN, YoungCadreRound.State.REVIEW): "结束推荐、提交审批",
    (YoungCadreRound.State.REVIEW, YoungCadreRound.State.CLOSED): "结束本年度选育",
}


@transaction.atomic
def round_advance(*, actor, round_: YoungCadreRound, to: str) -> YoungCadreRound:
    """Move a round one step: open → review (nominations close), review → closed (every nomination decided)."""
    _require(actor, "training.change_youngcadreround", CANNOT_MANAGE_ROUNDS)
    locked = YoungCadreRound.objects.select_for_update().get(pk=round_.pk)
    action = ROUND_STEPS.get((locked.state, to))
    if action is None:
        wanted = next((label for (_, target), label in ROUND_STEPS.items() if target == to), "进行此操作")
        raise ValidationError(WRONG_ROUND_STATE.format(state=locked.get_state_display(), action=wanted))
    if to == YoungCadreRound.State.CLOSED:
        pending = locked.nominations.filter(state=Nomination.State.PENDING).count()
        if pending:
            raise ValidationError(PENDING_LEFT.format(count=pending))
    locked.state = to
    tracked_save(locked, actor=actor, reason=action, update_fields=["state"], clean=False)
    audit_record(Event.WORKFLOW, actor=actor, obj=locked, detail={"action": action, "state": to})
    return locked


# --- nominations --------------------------------------------------------------------------------------


@transaction.atomic
def nomination_create(*, actor, round_: YoungCadreRound, cadre, kind: str, reason: str, recommender: str = "",
                      recommended_by=None, today: dt.date | None = None) -> Nomination:
    """Nominate ``cadre`` in ``round_``: 组织推荐 (who recommends, why) or 个人自荐 (the cadre's statement).

    ``recommended_by`` is the account that recommends (a leader whose recommendation staff record);
    by default the actor for a recommendation, nobody for a self-recommendation. Neither that account
    nor the actor may decide the nomination.
    """
    today = today or timezone.localdate()
    _require(actor, "training.nominate", CANNOT_NOMINATE)
    if not can_see_cadre(actor, cadre):
        raise ValidationError(NOT_IN_SCOPE)
    locked = YoungCadreRound.objects.select_for_update().get(pk=round_.pk)
    if locked.state != YoungCadreRound.State.OPEN:
        raise ValidationError(ROUND_NOT_OPEN.format(state=locked.get_state_display()))
    if today > locked.nomination_deadline:
        raise ValidationError(PAST_DEADLINE.format(deadline=f"{locked.nomination_deadline:%Y-%m-%d}"))
    if Nomination.objects.filter(round=locked, cadre=cadre).exists():
        raise ValidationError(ALREADY_NOMINATED.format(name=cadre.name, year=locked.year))
    if PoolMember.objects.filter(cadre=cadre, state=PoolMember.State.ACTIVE).exists():
        raise ValidationError(ALREADY_IN_POOL.format(name=cadre.name))
    reasons = selectors.ineligibility(locked, cadre)
    if reasons:
        raise ValidationError(reasons)
    reason, recommender = (reason or "").strip(), (recommender or "").strip()
    if kind == Nomination.Kind.RECOMMENDED and not recommender:
        raise ValidationError({"recommender": RECOMMENDER_REQUIRED})
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    if kind == Nomination.Kind.SELF:
        recommender, recommended_by = "", None
    else:
        recommended_by = recommended_by or actor
    nomination = Nomination(round=locked, cadre=cadre, kind=kind, recommender=recommender,
                            recommended_by=recommended_by, reason=reason, created_by=actor)
    tracked_save(nomination, actor=actor, reason=f"年轻干部{nomination.get_kind_display()}")
    audit_record(Event.CREATE, actor=actor, obj=cadre,
                 detail={"record": "年轻干部推荐", "nomination_id": nomination.pk, "year": locked.year, "kind": kind})
    return nomination


def _locked_pending(nomination: Nomination, action: str) -> Nomination:
    locked = Nomination.objects.select_for_update().select_related("cadre", "round").get(pk=nomination.pk)
    if locked.state != Nomination.State.PENDING:
        raise ValidationError(NOT_PENDING.format(state=locked.get_state_display(), action=action))
    return locked


@transaction.atomic
def nomination_withdraw(*, actor, nomination: Nomination) -> Nomination:
    """Withdraw a pending nomination (who recorded it, or personnel staff)."""
    _require(actor, "training.nominate", CANNOT_NOMINATE)
    locked = _locked_pending(nomination, "撤回")
    if locked.created_by_id != actor.pk and not actor.has_perm("training.change_nomination"):
        raise ValidationError(CANNOT_WITHDRAW)
    if not can_see_cadre(actor, locked.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    locked.state = Nomination.State.WITHDRAWN
    tracked_save(locked, actor=actor, reason="撤回年轻干部推荐", update_fields=["state"], clean=False)
    audit_record(Event.WORKFLOW, actor=actor, obj=locked.cadre,
                 detail={"record": "年轻干部推荐", "nomination_id": locked.pk, "action": "撤回"})
    return locked


def _gate(*, actor, nomination: Nomination, action: str) -> tuple[YoungCadreRound, Nomination]:
    """Lock the round, then the nomination; refuse unless ``actor`` may decide it now."""
    _require(actor, "training.decide_nomination", CANNOT_DECIDE)
    round_ = YoungCadreRound.objects.select_for_update().get(pk=nomination.round_id)
    locked = _locked_pending(nomination, action)
    if round_.state != YoungCadreRound.State.REVIEW:
        raise ValidationError(NOT_UNDER_REVIEW.format(state=round_.get_state_display()))
    if actor.pk in (locked.created_by_id, locked.recommended_by_id):
        raise ValidationError(OWN_NOMINATION)
    if not can_see_cadre(actor, locked.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    return round_, locked


def _decide(*, actor, nomination: Nomination, state: str, reason: str) -> Nomination:
    nomination.state, nomination.decided_by, nomination.decided_at = state, actor, timezone.now()
    nomination.decision_reason = reason
    label = "同意年轻干部人选" if state == Nomination.State.APPROVED else "不同意年轻干部人选"
    tracked_save(nomination, actor=actor, reason=label, clean=False,
                 update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    audit_record(Event.WORKFLOW, actor=actor, obj=nomination.cadre,
                 detail={"record": "年轻干部推荐", "nomination_id": nomination.pk, "action": label, "note": reason})
    return nomination


@transaction.atomic
def nomination_approve(*, actor, nomination: Nomination, reason: str = "") -> Nomination:
    """Approve a pending nomination within the quota; the cadre enters the pool (后备干部) on the decision's date."""
    round_, locked = _gate(actor=actor, nomination=nomination, action="审批")
    approved = round_.nominations.filter(state=Nomination.State.APPROVED).count()
    if approved >= round_.quota:
        raise ValidationError(QUOTA_FULL.format(quota=round_.quota, approved=approved))
    if PoolMember.objects.select_for_update().filter(cadre=locked.cadre, state=PoolMember.State.ACTIVE).exists():
        raise ValidationError(ALREADY_IN_POOL.format(name=locked.cadre.name))
    _decide(actor=actor, nomination=locked, state=Nomination.State.APPROVED, reason=(reason or "").strip())
    member = PoolMember(cadre=locked.cadre, kind=PoolMember.Kind.RESERVE, nomination=locked,
                        entered_on=timezone.localdate(locked.decided_at))
    tracked_save(member, actor=actor, reason=f"{round_.year}年度年轻干部选育入库")
    audit_record(Event.CREATE, actor=actor, obj=locked.cadre,
                 detail={"record": "后备干部库", "pool_member_id": member.pk, "action": "入库"})
    return locked


@transaction.atomic
def nomination_reject(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """Decide not to approve a pending nomination, saying why."""
    reason = (reason or "").strip()
    _round, locked = _gate(actor=actor, nomination=nomination, action="审批")
    if not reason:
        raise ValidationError({"reason": DECISION_REASON_REQUIRED})
    return _decide(actor=actor, nomination=locked, state=Nomination.State.REJECTED, reason=reason)


# --- the pool -----------------------------------------------------------------------------------------


@transaction.atomic
def pool_leave_by_decision(*, actor, cadre, decision) -> PoolMember | None:
    """End ``cadre``'s active membership by a 动态管理 decision that takes them out of the pool.

    The ``oversight.events.decision_made`` receiver: called for every decision, it acts only when the
    decision says ``pool_exit`` or takes the cadre out of the section-level team (调出), and the cadre
    is in the pool. Return the membership ended, or None.
    """
    if not (decision.pool_exit or decision.outcome == "remove"):
        return None
    member = PoolMember.objects.select_for_update().filter(cadre=cadre, state=PoolMember.State.ACTIVE).first()
    if member is None:
        return None
    member.state, member.left_on, member.decision = PoolMember.State.LEFT, decision.effective_date, decision
    member.left_reason = f"动态管理：{decision.get_outcome_display()}（{decision.reason}）"[:200]
    tracked_save(member, actor=actor, reason="动态管理决定调出后备干部库",
                 update_fields=["state", "left_on", "left_reason", "decision"])
    audit_record(Event.WORKFLOW, actor=actor, obj=cadre,
                 detail={"record": "后备干部库", "pool_member_id": member.pk, "action": "出库",
                         "decision": decision.pk})
    return member


# --- exports ------------------------------------------------------------------------------------------


def nominations_export(*, actor, round_: YoungCadreRound, data) -> ExportFile:
    """Return the round's nominations ``actor`` may see, filtered by ``data``, as a workbook; audited."""
    rows = list(selectors.nomination_filterset(actor, round_, data).qs)
    columns = [
        Column("姓名", lambda n: n.cadre.name, 10),
        Column("工作单位", lambda n: n.cadre.department.name, 20),
        Column("现任职务", lambda n: n.cadre.current_post_title, 20),
        Column("出生日期", lambda n: n.cadre.birth_date, 12),
        Column("年龄", lambda n: n.age, 6),
        Column("最高学历", lambda n: n.education_label, 14),
        Column("推荐方式", lambda n: n.get_kind_display(), 10),
        Column("推荐人（单位）", lambda n: n.recommender, 16),
        Column("推荐理由", lambda n: n.reason, 40, wrap=True),
        Column("状态", lambda n: n.get_state_display(), 8),
        Column("审批人", lambda n: n.decided_by.get_full_name() or n.decided_by.username if n.decided_by else "", 10),
        Column("审批意见", lambda n: n.decision_reason, 24, wrap=True),
    ]
    heading = f"{round_.name}推荐人选（年龄计算至{selectors.reference_date(round_.year):%Y-%m-%d}）"
    return export_workbook(actor=actor, data=data, title="推荐人选", heading=heading, columns=columns, rows=rows,
                           object_type="training.nomination", object_repr=f"{round_.name}推荐人选",
                           filename=f"年轻干部推荐人选_{round_.year}.xlsx", year=round_.year)


def pool_export(*, actor, data) -> ExportFile:
    """Return the pool members ``actor`` may see, filtered by ``data``, as a workbook; audited."""
    rows = list(selectors.pool_filterset(actor, data).qs)
    columns = [
        Column("姓名", lambda m: m.cadre.name, 10),
        Column("工作单位", lambda m: m.cadre.department.name, 20),
        Column("现任职务", lambda m: m.cadre.current_post_title, 20),
        Column("出生日期", lambda m: m.cadre.birth_date, 12),
        Column("年龄", lambda m: m.age, 6),
        Column("类别", lambda m: m.get_kind_display(), 10),
        Column("入库日期", lambda m: m.entered_on, 12),
        Column("来源", lambda m: f"{m.nomination.round.year}年度选育" if m.nomination_id else "", 14),
        Column("状态", lambda m: m.get_state_display(), 8),
        Column("出库日期", lambda m: m.left_on, 12),
        Column("出库原因", lambda m: m.left_reason, 30, wrap=True),
    ]
    heading = f"后备干部库（截至{timezone.localdate():%Y-%m-%d}）"
    return export_workbook(actor=actor, data=data, title="后备干部库", heading=heading, columns=columns, rows=rows,
                           object_type="training.poolmember", object_repr="后备干部库", filename="后备干部库.xlsx")
