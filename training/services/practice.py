"""Writes of 实践锻炼 (placements) and 岗位交流 (rotation plans).

Every function is atomic and writes the history row (naming ``actor``) and one audit row on the
cadre in the same transaction. The rules live here, not in the views:

- a placement goes planned → under way (``started_on``) → ended (``ended_on``, an assessment and its
  text), or planned → cancelled (with a reason); it is edited only while planned. Each step locks the
  row and re-reads its state, so a second click finds it already moved on;
- a rotation plan names the cadre's current open post (``from_post``) and the post they move to on
  ``planned_date``; one plan at a time per cadre. Carrying it out starts the new post through the
  roster's ``post_start`` on that date (the open post ends the day before, both kept in the history),
  never by editing the current post in place (a move to another unit changes the cadre's 工作单位 too,
  as the roster's 调动 does); then the dashboard recomputes that date
  (``cadres.events.roster_changed``). A plan dated in the future waits for the daily task
  (``training.tasks.carry_out_rotations``), which carries out every plan that has fallen due.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres import events as roster_events
from cadres.codes import PersonnelStatus
from cadres.models import Cadre, PostAssignment
from cadres.permissions import can_see_cadre
from cadres.services.cadres import cadre_update, current_post, post_end, post_start
from training.models import PracticePlacement, RotationPlan

logger = logging.getLogger(__name__)

NOT_IN_SCOPE = "该干部不在您的管辖范围内。"
NOT_IN_SERVICE = "{name}已不在职（{status}），不能安排实践锻炼或岗位交流。"
CANNOT_WRITE_PLACEMENT = "您没有登记实践锻炼的权限。"
CANNOT_WRITE_ROTATION = "您没有办理岗位交流的权限。"
PLACEMENT_ENDS_BEFORE_START = "计划结束日期不能早于计划开始日期。"
PLACEMENT_NOT_PLANNED = "该实践锻炼已{state}，不能再修改或开始。"
PLACEMENT_NOT_UNDER_WAY = "该实践锻炼{state}，不能办理期满。"
PLACEMENT_CANNOT_CANCEL = "该实践锻炼已{state}，不能取消。"
STARTED_IN_FUTURE = "实际开始日期不能晚于今天。"
ENDED_IN_FUTURE = "实际结束日期不能晚于今天。"
ENDED_BEFORE_START = "实际结束日期不能早于实际开始日期（{day}）。"
ASSESSMENT_REQUIRED = "期满须填写考核等次。"
ASSESSMENT_TEXT_REQUIRED = "期满须填写考核评价。"
CANCEL_REASON_REQUIRED = "取消须说明原因。"
ROTATION_ALREADY_PLANNED = "{name}已有一项待交流的计划，请先执行或取消该计划。"
ROTATION_NO_POST = "{name}没有现任职务，无法制定岗位交流计划；请先在干部档案中登记任职。"
ROTATION_SAME_POST = "拟任单位和职务与现任职务相同，不构成岗位交流。"
ROTATION_NOT_PLANNED = "该交流计划已{state}，不能再办理。"
ROTATION_NOT_DUE = "计划交流日期（{day}）未到，到期后由系统自动执行，或届时手工执行。"
ROTATION_BEFORE_POST_START = "计划交流日期须晚于现任职务的任职时间（{day}）。"
ROTATION_FROM_POST_CHANGED = "原任职务“{title}”已于{day}免去，交流计划已不符合实际，请取消后重新制定。"

ROTATION_REASON = "岗位交流"
# Carrying out writes the roster: a new post, the old one ended, the cadre's unit where it changes.
CARRY_OUT_PERMISSIONS = ("training.change_rotationplan", "cadres.add_postassignment", "cadres.change_postassignment",
                         "cadres.change_cadre")


def _check_cadre(*, actor, cadre: Cadre) -> None:
    if not can_see_cadre(actor, cadre):
        raise ValidationError(NOT_IN_SCOPE)
    if cadre.status != PersonnelStatus.ACTIVE:
        raise ValidationError(NOT_IN_SERVICE.format(name=cadre.name, status=cadre.get_status_display()))


def _audit(event, *, actor, cadre: Cadre, record: str, pk: int, action: str, **detail) -> None:
    audit_record(event, actor=actor, obj=cadre, detail={"record": record, "record_id": pk, "action": action, **detail})


# --- placements --------------------------------------------------------------------------------------


def _check_placement_writer(actor) -> None:
    if not actor.has_perm("training.change_practiceplacement"):
        raise ValidationError(CANNOT_WRITE_PLACEMENT)


def _check_placement_dates(placement: PracticePlacement) -> None:
    if placement.planned_start and placement.planned_end and placement.planned_end < placement.planned_start:
        raise ValidationError({"planned_end": PLACEMENT_ENDS_BEFORE_START})


def _locked_placement(placement: PracticePlacement) -> PracticePlacement:
    return PracticePlacement.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=placement.pk)


@transaction.atomic
def placement_create(*, actor, placement: PracticePlacement) -> PracticePlacement:
    """Register a planned placement of ``placement.cadre`` (the host, the role and the planned dates)."""
    if not actor.has_perm("training.add_practiceplacement"):
        raise ValidationError(CANNOT_WRITE_PLACEMENT)
    _check_cadre(actor=actor, cadre=placement.cadre)
    _check_placement_dates(placement)
    placement.state, placement.created_by = PracticePlacement.State.PLANNED, actor
    placement.started_on = placement.ended_on = None
    placement.assessment = placement.assessment_text = ""
    tracked_save(placement, actor=actor, reason="登记实践锻炼")
    _audit(Event.CREATE, actor=actor, cadre=placement.cadre, record="实践锻炼", pk=placement.pk,
           action="登记实践锻炼", host=placement.host)
    return placement


@transaction.atomic
def placement_update(*, actor, placement: PracticePlacement) -> PracticePlacement:
    """Correct a placement still planned (its kind, host, role, mentor, planned dates, note)."""
    _check_placement_writer(actor)
    locked = _locked_placement(placement)
    if locked.state != PracticePlacement.State.PLANNED:
        raise ValidationError(PLACEMENT_NOT_PLANNED.format(state=locked.get_state_display()))
    if not can_see_cadre(actor, locked.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    _check_placement_dates(placement)
    fields = ["kind", "host", "role", "mentor", "planned_start", "planned_end", "note"]
    for field in fields:
        setattr(locked, field, getattr(placement, field))
    tracked_save(locked, actor=actor, reason="修改实践锻炼", update_fields=fields)
    _audit(Event.UPDATE, actor=actor, cadre=locked.cadre, record="实践锻炼", pk=locked.pk, action="修改实践锻炼")
    return locked


@transaction.atomic
def placement_start(*, actor, placement: PracticePlacement, started_on: dt.date,
                    today: dt.date | None = None) -> PracticePlacement:
    """Record that a planned placement began on ``started_on`` (today or earlier): it is under way."""
    today = today or timezone.localdate()
    _check_placement_writer(actor)
    locked = _locked_placement(placement)
    if locked.state != PracticePlacement.State.PLANNED:
        raise ValidationError(PLACEMENT_NOT_PLANNED.format(state=locked.get_state_display()))
    _check_cadre(actor=actor, cadre=locked.cadre)
    if started_on > today:
        raise ValidationError({"started_on": STARTED_IN_FUTURE})
    locked.state, locked.started_on = PracticePlacement.State.UNDER_WAY, started_on
    tracked_save(locked, actor=actor, reason="实践锻炼开始", update_fields=["state", "started_on"])
    _audit(Event.WORKFLOW, actor=actor, cadre=locked.cadre, record="实践锻炼", pk=locked.pk, action="实践锻炼开始",
           started_on=started_on.isoformat())
    return locked


@transaction.atomic
def placement_end(*, actor, placement: PracticePlacement, ended_on: dt.date, assessment: str,
                  assessment_text: str, today: dt.date | None = None) -> PracticePlacement:
    """Close a placement under way on ``ended_on`` with its assessment (等次 and 评价, both required)."""
    today = today or timezone.localdate()
    assessment_text = (assessment_text or "").strip()
    _check_placement_writer(actor)
    locked = _locked_placement(placement)
    if locked.state != PracticePlacement.State.UNDER_WAY:
        state = "尚未开始" if locked.state == PracticePlacement.State.PLANNED else f"已{locked.get_state_display()}"
        raise ValidationError(PLACEMENT_NOT_UNDER_WAY.format(state=state))
    if not can_see_cadre(actor, locked.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    if ended_on > today:
        raise ValidationError({"ended_on": ENDED_IN_FUTURE})
    if ended_on < locked.started_on:
        raise ValidationError({"ended_on": ENDED_BEFORE_START.format(day=f"{locked.started_on:%Y-%m-%d}")})
    if assessment not in PracticePlacement.Assessment.values:
        raise ValidationError({"assessment": ASSESSMENT_REQUIRED})
    if not assessment_text:
        raise ValidationError({"assessment_text": ASSESSMENT_TEXT_REQUIRED})
    locked.state, locked.ended_on = PracticePlacement.State.ENDED, ended_on
    locked.assessment, locked.assessment_text = assessment, assessment_text
    tracked_save(locked, actor=actor, reason="实践锻炼期满",
                 update_fields=["state", "ended_on", "assessment", "assessment_text"])
    _audit(Event.WORKFLOW, actor=actor, cadre=locked.cadre, record="实践锻炼", pk=locked.pk, action="实践锻炼期满",
           ended_on=ended_on.isoformat(), assessment=locked.get_assessment_display())
    return locked


@transaction.atomic
def placement_cancel(*, actor, placement: PracticePlacement, reason: str) -> PracticePlacement:
    """Cancel a placement that has not begun, saying why (one under way is ended, with its assessment)."""
    reason = (reason or "").strip()
    _check_placement_writer(actor)
    locked = _locked_placement(placement)
    if locked.state != PracticePlacement.State.PLANNED:
        raise ValidationError(PLACEMENT_CANNOT_CANCEL.format(state=locked.get_state_display()))
    if not can_see_cadre(actor, locked.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    if not reason:
        raise ValidationError({"reason": CANCEL_REASON_REQUIRED})
    locked.state, locked.cancel_reason = PracticePlacement.State.CANCELLED, reason[:200]
    tracked_save(locked, actor=actor, reason="取消实践锻炼", update_fields=["state", "cancel_reason"])
    _audit(Event.WORKFLOW, actor=actor, cadre=locked.cadre, record="实践锻炼", pk=locked.pk, action="取消实践锻炼",
           reason=locked.cancel_reason)
    return locked


# --- rotation plans ---------------------------------------------------------------------------------


def open_post_of(cadre: Cadre):
    """Return the cadre's current open post (the one a rotation moves them from), or None."""
    return current_post(cadre.posts.open())


def _check_rotation_writer(actor) -> None:
    if not actor.has_perm("training.change_rotationplan"):
        raise ValidationError(CANNOT_WRITE_ROTATION)


def _late_open_posts(cadre: Cadre, day: dt.date) -> list[dt.date]:
    """The start dates of the cadre's open posts on or after ``day`` (a move on ``day`` cannot end them)."""
    return [post.start_date for post in cadre.posts.open() if post.start_date and post.start_date >= day]


@transaction.atomic
def rotation_create(*, actor, plan: RotationPlan) -> RotationPlan:
    """Plan moving ``plan.cadre`` from their current open post to the post named, on ``planned_date``."""
    if not actor.has_perm("training.add_rotationplan"):
        raise ValidationError(CANNOT_WRITE_ROTATION)
    # Lock the cadre: two plans made for the same cadre at the same moment queue here.
    cadre = Cadre.objects.select_for_update().get(pk=plan.cadre_id)
    _check_cadre(actor=actor, cadre=cadre)
    if RotationPlan.objects.filter(cadre=cadre, state=RotationPlan.State.PLANNED).exists():
        raise ValidationError(ROTATION_ALREADY_PLANNED.format(name=cadre.name))
    post = open_post_of(cadre)
    if post is None:
        raise ValidationError(ROTATION_NO_POST.format(name=cadre.name))
    if (post.department_id, post.title.strip(), post.level) == (plan.to_department_id, plan.to_title.strip(),
                                                                 plan.to_level):
        raise ValidationError({"to_title": ROTATION_SAME_POST})
    late = _late_open_posts(cadre, plan.planned_date)
    if late:
        raise ValidationError({"planned_date": ROTATION_BEFORE_POST_START.format(day=f"{max(late):%Y-%m-%d}")})
    plan.cadre, plan.from_post, plan.created_by = cadre, post, actor
    plan.state, plan.done_on, plan.new_post = RotationPlan.State.PLANNED, None, None
    plan.to_title = plan.to_title.strip()
    try:
        with transaction.atomic():
            tracked_save(plan, actor=actor, reason="制定岗位交流计划")
    except IntegrityError:  # the partial unique constraint, should a plan have slipped in meanwhile
        raise ValidationError(ROTATION_ALREADY_PLANNED.format(name=cadre.name)) from None
    _audit(Event.CREATE, actor=actor, cadre=cadre, record="岗位交流", pk=plan.pk, action="制定岗位交流计划",
           from_post=post.title, to=f"{plan.to_department.name} {plan.to_title}",
           planned_date=plan.planned_date.isoformat())
    return plan


def _locked_plan(plan: RotationPlan) -> RotationPlan:
    # ``of=self``: PostgreSQL locks no row of an outer join (``from_post`` may be null); the cadre is
    # locked on its own where the plan changes the roster.
    return RotationPlan.objects.select_for_update(of=("self",)) \
        .select_related("cadre", "from_post", "to_department").get(pk=plan.pk)


@transaction.atomic
def rotation_cancel(*, actor, plan: RotationPlan, reason: str) -> RotationPlan:
    """Cancel a plan not yet carried out, saying why."""
    reason = (reason or "").strip()
    _check_rotation_writer(actor)
    locked = _locked_plan(plan)
    if locked.state != RotationPlan.State.PLANNED:
        raise ValidationError(ROTATION_NOT_PLANNED.format(state=locked.get_state_display()))
    if not can_see_cadre(actor, locked.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    if not reason:
        raise ValidationError({"reason": CANCEL_REASON_REQUIRED})
    locked.state, locked.cancel_reason = RotationPlan.State.CANCELLED, reason[:200]
    tracked_save(locked, actor=actor, reason="取消岗位交流计划", update_fields=["state", "cancel_reason"])
    _audit(Event.WORKFLOW, actor=actor, cadre=locked.cadre, record="岗位交流", pk=locked.pk,
           action="取消岗位交流计划", reason=locked.cancel_reason)
    return locked


def _carry_out(*, actor, plan: RotationPlan, today: dt.date) -> RotationPlan:
    """Lock, re-check and carry out ``plan`` (the checks of the plan and the cadre, not of ``actor``)."""
    locked = _locked_plan(plan)
    if locked.state != RotationPlan.State.PLANNED:
        raise ValidationError(ROTATION_NOT_PLANNED.format(state=locked.get_state_display()))
    day = locked.planned_date
    if day > today:
        raise ValidationError(ROTATION_NOT_DUE.format(day=f"{day:%Y-%m-%d}"))
    cadre = Cadre.objects.select_for_update().get(pk=locked.cadre_id)
    if cadre.status != PersonnelStatus.ACTIVE:
        raise ValidationError(NOT_IN_SERVICE.format(name=cadre.name, status=cadre.get_status_display()))
    old = locked.from_post
    if old is not None and old.end_date is not None:
        raise ValidationError(ROTATION_FROM_POST_CHANGED.format(title=old.title, day=f"{old.end_date:%Y-%m-%d}"))
    late = _late_open_posts(cadre, day)
    if late:
        raise ValidationError(ROTATION_BEFORE_POST_START.format(day=f"{max(late):%Y-%m-%d}"))
    # The roster's own services: the post rotated from ends on day - 1 and the new one starts on ``day``,
    # each with its history row and audit row on the cadre; the cached current post follows. Only that
    # post ends: a concurrent post (兼职) the plan does not name stays open.
    if old is not None:
        post_end(actor=actor, post=PostAssignment.objects.select_for_update().get(pk=old.pk),
                 end_date=day - dt.timedelta(days=1), reason=ROTATION_REASON)
    new = post_start(actor=actor, cadre=cadre, department=locked.to_department, title=locked.to_title,
                     level=locked.to_level, start_date=day, document=locked.document, close_previous=old is None,
                     reason=ROTATION_REASON)
    if cadre.department_id != locked.to_department_id:
        # A move to another unit changes the cadre's 工作单位 as the roster's 调动 does, so the unit's
        # figures (the dashboard groups by it) and the unit heads' scope follow the cadre.
        cadre_update(actor=actor, cadre=cadre, data={"department": locked.to_department}, reason=ROTATION_REASON)
    locked.state, locked.done_on, locked.new_post = RotationPlan.State.DONE, day, new
    tracked_save(locked, actor=actor, reason="执行岗位交流", update_fields=["state", "done_on", "new_post"])
    _audit(Event.WORKFLOW, actor=actor, cadre=cadre, record="岗位交流", pk=locked.pk, action="执行岗位交流",
           from_post=old.title if old else "", to=f"{locked.to_department.name} {locked.to_title}",
           done_on=day.isoformat())
    # Once this commits, the dashboard recomputes the day of the move (and today).
    roster_events.roster_changed.send(as_of=day)
    return locked


@transaction.atomic
def rotation_carry_out(*, actor, plan: RotationPlan, today: dt.date | None = None) -> RotationPlan:
    """Carry out a plan that has fallen due: the new post from ``planned_date``, the old one ended the day before."""
    _check_rotation_writer(actor)
    if not actor.has_perms(CARRY_OUT_PERMISSIONS):
        raise ValidationError(CANNOT_WRITE_ROTATION)
    if not can_see_cadre(actor, plan.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    return _carry_out(actor=actor, plan=plan, today=today or timezone.localdate())


def rotations_carry_out_due(*, actor, today: dt.date) -> tuple[int, int]:
    """Carry out every planned plan dated ``today`` or earlier; return (carried out, refused).

    Each plan in its own transaction: one refused (the cadre left service, the post changed) stays
    planned, is logged, and shows on the 工作台 as due for staff to settle; the others go ahead.
    """
    done = refused = 0
    due = RotationPlan.objects.filter(state=RotationPlan.State.PLANNED, planned_date__lte=today) \
        .order_by("planned_date", "pk").values_list("pk", flat=True)
    for pk in list(due):
        try:
            with transaction.atomic():
                _carry_out(actor=actor, plan=RotationPlan(pk=pk), today=today)
            done += 1
        except ValidationError as exc:
            refused += 1
            logger.warning("rotation plan %s not carried out: %s", pk, "；".join(exc.messages))
    return done, refused


# --- export ---------------------------------------------------------------------------------------------


def _export(*, actor, data, title: str, object_type: str, columns, rows, filename: str):
    from training.services.exports import export_workbook

    today = timezone.localdate()
    return export_workbook(actor=actor, data=data, title=title, heading=f"{title}（截至 {today:%Y-%m-%d}）",
                           columns=columns, rows=rows, object_type=object_type, object_repr=title,
                           filename=f"{filename}_{today:%Y%m%d}.xlsx")


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _planned_text(day) -> str:
    return f"已制定（{day:%Y-%m-%d}）" if day else "未制定"


def placements_export(*, actor, data):
    """Return the placements ``actor`` may see, filtered as the list page is, as a workbook; audited."""
    from cadre_office.xlsx import Column
    from training.selectors.practice import placement_filterset

    rows = list(placement_filterset(actor, data).qs)
    columns = [
        Column("姓名", lambda p: p.cadre.name, 10), Column("工作单位", lambda p: p.cadre.department.name, 18),
        Column("锻炼类型", lambda p: p.get_kind_display(), 12), Column("锻炼单位", lambda p: p.host, 20, wrap=True),
        Column("挂任职务或岗位", lambda p: p.role, 18, wrap=True), Column("导师", lambda p: p.mentor, 10),
        Column("计划开始", lambda p: _day(p.planned_start), 12), Column("计划结束", lambda p: _day(p.planned_end), 12),
        Column("实际开始", lambda p: _day(p.started_on), 12), Column("实际结束", lambda p: _day(p.ended_on), 12),
        Column("状态", lambda p: p.get_state_display(), 8), Column("期满考核", lambda p: p.get_assessment_display(), 8),
        Column("考核评价", lambda p: p.assessment_text, 30, wrap=True),
    ]
    return _export(actor=actor, data=data, title="实践锻炼", object_type="training.practiceplacement",
                   columns=columns, rows=rows, filename="实践锻炼")


def rotations_export(*, actor, data):
    """Return the rotation plans ``actor`` may see, filtered as the list page is, as a workbook; audited."""
    from cadre_office.xlsx import Column
    from training.selectors.practice import rotation_filterset

    rows = list(rotation_filterset(actor, data).qs)
    columns = [
        Column("姓名", lambda r: r.cadre.name, 10), Column("工作单位", lambda r: r.cadre.department.name, 18),
        Column("原任职务", lambda r: r.from_post.title if r.from_post else "", 18, wrap=True),
        Column("交流到单位", lambda r: r.to_department.name, 18),
        Column("拟任职务", lambda r: r.to_title, 18, wrap=True),
        Column("职务层次", lambda r: r.get_to_level_display(), 12),
        Column("计划交流日期", lambda r: _day(r.planned_date), 13),
        Column("交流理由", lambda r: r.reason, 30, wrap=True),
        Column("文号", lambda r: r.document, 16), Column("状态", lambda r: r.get_state_display(), 8),
        Column("交流日期", lambda r: _day(r.done_on), 12),
    ]
    return _export(actor=actor, data=data, title="岗位交流计划", object_type="training.rotationplan",
                   columns=columns, rows=rows, filename="岗位交流计划")


def rotation_candidates_export(*, actor, data):
    """Return the rotation candidates ``actor`` may see, filtered as the page is, as a workbook; audited."""
    from cadre_office.xlsx import Column
    from training.selectors.practice import candidate_filterset, years_in_post

    today = timezone.localdate()
    filterset = candidate_filterset(actor, data)
    rows = list(filterset.qs)
    columns = [
        Column("姓名", lambda c: c.name, 10), Column("工作单位", lambda c: c.department.name, 18),
        Column("现任职务", lambda c: c.current_post_title, 20, wrap=True),
        Column("职务层次", lambda c: c.get_current_level_display(), 12),
        Column("任现职时间", lambda c: _day(c.current_post_start), 12),
        Column("任现职年限", lambda c: years_in_post(c.current_post_start, today), 10),
        Column("交流计划", lambda c: _planned_text(c.planned_rotation_date), 16),
    ]
    return _export(actor=actor, data=data, title=f"岗位交流人选（同一岗位任职满{filterset.min_years}年）",
                   object_type="training.rotationplan", columns=columns, rows=rows, filename="岗位交流人选")
