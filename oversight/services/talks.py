"""Writes of 谈心谈话: due talks raised by events, talks recorded as held, follow-ups, the yearly plan.

Who may record which talk is decided here: personnel staff (``record_any_talk``) record any talk;
a leader (``record_own_talk``) records only the talks they held themselves (the talker is them).
Every write is atomic with its history row and one audit row on the cadre.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres.permissions import can_see_cadre
from oversight.models import Talk, TalkFollowUp, TalkPlan

CANNOT_RECORD = "您没有记录谈心谈话的权限。"
ONLY_OWN = "局领导只能记录本人主持的谈话，谈话人须为您本人。"
NOT_IN_SCOPE = "该干部不在您的管辖范围内。"
NOT_DUE = "该谈话已{state}，不能再办理。"
HELD_ON_REQUIRED = "请填写谈话日期。"
HELD_IN_FUTURE = "谈话日期不能晚于今天。"
TALKER_REQUIRED = "请选择谈话人，或填写系统外谈话人的姓名。"
SUMMARY_REQUIRED = "请至少填写“肯定成绩”“指出不足”“提出要求”中的一项。"
CANCEL_REASON_REQUIRED = "取消谈话须说明原因。"
FOLLOW_UP_DONE = "该跟踪事项已于{day}完成。"
FOLLOW_UP_RESULT_REQUIRED = "请填写完成情况。"
FOLLOW_UP_NOT_HELD = "谈话完成后才能添加跟踪事项。"
CANNOT_PLAN = "您没有维护谈心谈话计划的权限。"
PLAN_KINDS_UNKNOWN = "计入的谈话类型无效。"
LEADER_NOT_LEADER = "主要领导须为“局领导”角色的用户。"


def may_record(user, talker=None) -> bool:
    """Return whether ``user`` may record a talk held by ``talker`` (a user, or None for an outsider)."""
    if user.has_perm("oversight.record_any_talk"):
        return True
    return user.has_perm("oversight.record_own_talk") and talker is not None and talker.pk == user.pk


def _check_writer(*, actor, talk: Talk) -> None:
    if not (actor.has_perm("oversight.record_any_talk") or actor.has_perm("oversight.record_own_talk")):
        raise ValidationError(CANNOT_RECORD)
    if not may_record(actor, talk.talker):
        raise ValidationError({"talker": ONLY_OWN})
    if not can_see_cadre(actor, talk.cadre):
        raise ValidationError(NOT_IN_SCOPE)


def _check_held(talk: Talk, today: dt.date) -> None:
    if talk.held_on is None:
        raise ValidationError({"held_on": HELD_ON_REQUIRED})
    if talk.held_on > today:
        raise ValidationError({"held_on": HELD_IN_FUTURE})
    if talk.talker_id is None and not talk.talker_name.strip():
        raise ValidationError({"talker": TALKER_REQUIRED})
    if not (talk.praise.strip() or talk.shortcomings.strip() or talk.requirements.strip()):
        raise ValidationError(SUMMARY_REQUIRED)


def _audit(event, *, actor, talk: Talk, action: str) -> None:
    audit_record(event, actor=actor, obj=talk.cadre,
                 detail={"record": "谈心谈话", "talk_id": talk.pk, "kind": talk.get_kind_display(), "action": action})


@transaction.atomic
def talk_create(*, actor, talk: Talk, today: dt.date | None = None) -> Talk:
    """Record an ad-hoc talk already held (日常谈心, a 离任谈话 …)."""
    today = today or timezone.localdate()
    _check_writer(actor=actor, talk=talk)
    _check_held(talk, today)
    talk.state, talk.recorded_by, talk.source = Talk.State.HELD, actor, None
    tracked_save(talk, actor=actor, reason="记录谈心谈话")
    _audit(Event.CREATE, actor=actor, talk=talk, action="记录谈话")
    return talk


@transaction.atomic
def talk_record_held(*, actor, talk: Talk, today: dt.date | None = None) -> Talk:
    """Record a due talk as held: ``talk`` carries the talker, date, place and summary from the form."""
    today = today or timezone.localdate()
    current = Talk.objects.select_for_update().get(pk=talk.pk)
    if current.state != Talk.State.DUE:
        raise ValidationError(NOT_DUE.format(state=current.get_state_display().removeprefix("已")))
    _check_writer(actor=actor, talk=talk)
    _check_held(talk, today)
    talk.state, talk.recorded_by = Talk.State.HELD, actor
    tracked_save(talk, actor=actor, reason="谈话已完成")
    _audit(Event.UPDATE, actor=actor, talk=talk, action="记录谈话完成")
    return talk


@transaction.atomic
def talk_cancel(*, actor, talk: Talk, reason: str) -> Talk:
    """Cancel a due talk (the cadre left, the event was withdrawn), saying why."""
    reason = (reason or "").strip()
    talk = Talk.objects.select_for_update(of=("self",)).select_related("cadre", "talker").get(pk=talk.pk)
    if talk.state != Talk.State.DUE:
        raise ValidationError(NOT_DUE.format(state=talk.get_state_display().removeprefix("已")))
    if not actor.has_perm("oversight.record_any_talk"):
        raise ValidationError(CANNOT_RECORD)
    if not can_see_cadre(actor, talk.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    if not reason:
        raise ValidationError({"reason": CANCEL_REASON_REQUIRED})
    talk.state, talk.cancel_reason = Talk.State.CANCELLED, reason
    tracked_save(talk, actor=actor, reason="取消谈话", update_fields=["state", "cancel_reason"], clean=False)
    _audit(Event.UPDATE, actor=actor, talk=talk, action="取消谈话")
    return talk


def talk_raise(*, actor, cadre, kind: str, due_on: dt.date, reason: str = "", source: str) -> Talk:
    """Create the due talk an event asks for, once per ``source`` (the receiver of ``talk_required``)."""
    existing = Talk.objects.filter(source=source).first()
    if existing is not None:
        return existing
    talk = Talk(cadre=cadre, kind=kind, due_on=due_on, reason=reason[:200], source=source, state=Talk.State.DUE)
    try:
        with transaction.atomic():
            tracked_save(talk, actor=actor, reason="应谈话提醒")
    except IntegrityError:
        # The same event raised at the same moment by another transaction: theirs stands.
        return Talk.objects.get(source=source)
    _audit(Event.CREATE, actor=actor, talk=talk, action=f"生成应谈话：{reason}"[:200])
    return talk


def on_talk_required(*, actor, cadre, kind, due_on, reason="", source, **kwargs) -> None:
    """The receiver registered on ``oversight.events.talk_required`` (from ``OversightConfig.ready``)."""
    talk_raise(actor=actor, cadre=cadre, kind=kind, due_on=due_on, reason=reason, source=source)



# --- follow-ups ------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_add(*, actor, follow_up: TalkFollowUp) -> TalkFollowUp:
    """Add a thing the cadre is to do after a held talk, by a date."""
    talk = Talk.objects.select_related("cadre", "talker").get(pk=follow_up.talk_id)
    _check_writer(actor=actor, talk=talk)
    if talk.state != Talk.State.HELD:
        raise ValidationError(FOLLOW_UP_NOT_HELD)
    tracked_save(follow_up, actor=actor, reason="添加谈话跟踪事项")
    _audit(Event.CREATE, actor=actor, talk=talk, action=f"添加跟踪事项：{follow_up.item}"[:200])
    return follow_up


@transaction.atomic
def follow_up_complete(*, actor, follow_up: TalkFollowUp, done_on: dt.date, result: str) -> TalkFollowUp:
    """Mark a follow-up done on ``done_on`` with its result (once)."""
    follow_up = TalkFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    talk = Talk.objects.select_related("cadre", "talker").get(pk=follow_up.talk_id)
    _check_writer(actor=actor, talk=talk)
    if follow_up.done_on is not None:
        raise ValidationError(FOLLOW_UP_DONE.format(day=f"{follow_up.done_on:%Y-%m-%d}"))
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": FOLLOW_UP_RESULT_REQUIRED})
    follow_up.done_on, follow_up.result = done_on, result
    tracked_save(follow_up, actor=actor, reason="跟踪事项完成", update_fields=["done_on", "result"])
    _audit(Event.UPDATE, actor=actor, talk=talk, action=f"跟踪事项完成：{follow_up.item}"[:200])
    return follow_up


# --- the yearly plan -------------------------------------------------------------------------------


@transaction.atomic
def talk_plan_save(*, actor, plan: TalkPlan) -> TalkPlan:
    """Set the year's plan: which leader, which kinds count, how many talks per cadre at least."""
    from cadre_office.accounts.roles import Role

    if not actor.has_perm("oversight.change_talkplan" if plan.pk else "oversight.add_talkplan"):
        raise ValidationError(CANNOT_PLAN)
    if not set(plan.kinds or []) <= set(Talk.Kind.values):
        raise ValidationError({"kinds": PLAN_KINDS_UNKNOWN})
    if plan.leader_id and not plan.leader.groups.filter(name=Role.LEADER).exists():
        raise ValidationError({"leader": LEADER_NOT_LEADER})
    adding = plan._state.adding
    tracked_save(plan, actor=actor, reason="设置年度谈心谈话计划")
    audit_record(Event.CREATE if adding else Event.UPDATE, actor=actor, obj=plan)
    return plan
