"""Writes of 个人培养计划: the plan of a pool member, its gaps, goals and planned items, its state, its reviews.

Every function is atomic, validates with ``full_clean``, writes the history row (naming ``actor`` and
why) and one audit row on the cadre in the same transaction. The rules live here:

- one plan per pool membership, for an active member in the user's scope; the mentor is another cadre
  the user may see; the gaps are prefilled from the open shortcomings of the cadre's 考察 (only the
  cadre's own, still open) plus any the staff add;
- a planned item links only a record of its own kind: a programme running in the item's year, a
  placement or a rotation plan of the plan's cadre; a gap only of the same plan; its year lies within
  the plan's years;
- a plan goes 草拟 → 实施中 (with at least one goal and one planned item) → 已结束; a closed plan is not
  edited any more;
- a review is recorded for an active plan, for a half that has begun, once per half (the plan is
  locked and re-read, so two reviewers at the same moment cannot both record one).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_delete, tracked_save
from cadres.permissions import can_see_cadre
from training.models import DevelopmentPlan, PlanGap, PlanGoal, PlanItem, PlanReview, PoolMember
from training.selectors.plans import half_label, half_start
from training.services.exports import Column, ExportFile, export_workbook

CANNOT_WRITE = "您没有制定或修改个人培养计划的权限。"
CANNOT_REVIEW = "您没有考评个人培养计划的权限。"
NOT_IN_SCOPE = "该干部不在您的管辖范围内。"
MEMBER_NOT_ACTIVE = "{name}已出库，不能再制定培养计划。"
PLAN_EXISTS = "{name}的本次入库已有培养计划，请在原计划上修改。"
MENTOR_IS_CADRE = "培养导师不能是本人。"
MENTOR_NOT_VISIBLE = "培养导师须为您管辖范围内的干部。"
SHORTCOMING_NOT_OPEN = "只能选择该干部本人尚未整改的考察问题。"
PLAN_CLOSED = "培养计划已结束，不能再修改。"
YEAR_OUTSIDE_PLAN = "年度须在计划的{start}—{end}年之内。"
GAP_OF_OTHER_PLAN = "所针对的短板须是本计划的短板。"
LINK_WRONG_KIND = "“{kind}”类安排只能关联{what}。"
PROGRAMME_WRONG_YEAR = "所选培训项目不在{year}年举办，请选择当年的项目或修改计划年度。"
RECORD_OF_OTHER_CADRE = "只能关联本人的实践锻炼或岗位交流记录。"
NOT_DRAFT = "培养计划已{state}，不能再次启动实施。"
NOTHING_PLANNED = "培养计划至少要有一项培养目标和一项培养安排，才能启动实施。"
NOT_ACTIVE_TO_CLOSE = "只有实施中的培养计划才能结束。"
CLOSE_REASON_REQUIRED = "结束培养计划须说明原因。"
REVIEW_NOT_ACTIVE = "培养计划{state}，只有实施中的计划才能考评。"
HALF_NOT_BEGUN = "{period}尚未开始，不能考评。"
HALF_REVIEWED = "{period}已考评，每半年只考评一次。"
ROWS_OUTSIDE_YEARS = "计划中已有目标或安排的年度不在新的起止年度之内，请先调整它们。"

LINK_WHAT = {PlanItem.Kind.TRAINING: "培训项目", PlanItem.Kind.PRACTICE: "实践锻炼记录",
             PlanItem.Kind.ROTATION: "岗位交流记录"}
LINK_FIELDS = {PlanItem.Kind.TRAINING: "programme", PlanItem.Kind.PRACTICE: "placement",
               PlanItem.Kind.ROTATION: "rotation"}


def _require_write(actor, cadre) -> None:
    if not actor.has_perm("training.change_developmentplan"):
        raise ValidationError(CANNOT_WRITE)
    if not can_see_cadre(actor, cadre):
        raise ValidationError(NOT_IN_SCOPE)


def _audit(event, *, actor, plan, action: str, **detail) -> None:
    audit_record(event, actor=actor, obj=plan.cadre,
                 detail={"record": "个人培养计划", "plan_id": plan.pk, "action": action, **detail})


def _check_mentor(actor, plan: DevelopmentPlan) -> None:
    if plan.mentor_id is None:
        return
    if plan.mentor_id == plan.cadre_id:
        raise ValidationError({"mentor": MENTOR_IS_CADRE})
    if not can_see_cadre(actor, plan.mentor):
        raise ValidationError({"mentor": MENTOR_NOT_VISIBLE})


def _locked_open_plan(plan: DevelopmentPlan) -> DevelopmentPlan:
    """Lock and re-read ``plan``; refuse when it is closed."""
    plan = DevelopmentPlan.objects.select_for_update().select_related("cadre").get(pk=plan.pk)
    if plan.state == DevelopmentPlan.State.CLOSED:
        raise ValidationError(PLAN_CLOSED)
    return plan


# --- the plan -------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, member: PoolMember, start_year: int, end_year: int, direction: str, mentor=None,
                mentor_note: str = "", shortcomings=(), extra_gaps=()) -> DevelopmentPlan:
    """Write the plan of ``member`` in draft, with a gap per chosen 考察 shortcoming and per extra text."""
    # Lock the membership: two people writing its plan at the same moment make one plan, not an error page.
    member = PoolMember.objects.select_for_update().select_related("cadre").get(pk=member.pk)
    cadre = member.cadre
    if not actor.has_perm("training.add_developmentplan"):
        raise ValidationError(CANNOT_WRITE)
    if not can_see_cadre(actor, cadre):
        raise ValidationError(NOT_IN_SCOPE)
    if member.state != PoolMember.State.ACTIVE:
        raise ValidationError(MEMBER_NOT_ACTIVE.format(name=cadre.name))
    if DevelopmentPlan.objects.filter(member=member).exists():
        raise ValidationError(PLAN_EXISTS.format(name=cadre.name))
    shortcomings = list(shortcomings)
    if any(item.cadre_id != cadre.pk or item.resolved_on is not None for item in shortcomings):
        raise ValidationError({"shortcomings": SHORTCOMING_NOT_OPEN})
    plan = DevelopmentPlan(member=member, cadre=cadre, start_year=start_year, end_year=end_year,
                           direction=(direction or "").strip(), mentor=mentor, mentor_note=(mentor_note or "").strip(),
                           created_by=actor)
    _check_mentor(actor, plan)
    tracked_save(plan, actor=actor, reason="制定个人培养计划")
    gaps = [PlanGap(plan=plan, text=f"{item.get_area_display()}：{item.description}"[:300], shortcoming=item)
            for item in shortcomings]
    gaps += [PlanGap(plan=plan, text=text.strip()[:300]) for text in extra_gaps if text.strip()]
    for gap in gaps:
        tracked_save(gap, actor=actor, reason="制定个人培养计划")
    _audit(Event.CREATE, actor=actor, plan=plan, action="制定个人培养计划", gaps=len(gaps))
    return plan


@transaction.atomic
def plan_update(*, actor, plan: DevelopmentPlan) -> DevelopmentPlan:
    """Save the changed years, direction and mentor of ``plan`` (an unsaved copy of the row, from a form)."""
    current = _locked_open_plan(plan)
    _require_write(actor, current.cadre)
    plan.member_id, plan.cadre_id, plan.state, plan.created_by_id = (
        current.member_id, current.cadre_id, current.state, current.created_by_id)
    _check_mentor(actor, plan)
    rows = list(plan.items.values_list("due_year", flat=True)) + list(plan.goals.values_list("due_year", flat=True))
    if any(not plan.start_year <= year <= plan.end_year for year in rows):
        raise ValidationError({"end_year": ROWS_OUTSIDE_YEARS})
    tracked_save(plan, actor=actor, reason="修改个人培养计划",
                 update_fields=["start_year", "end_year", "direction", "mentor", "mentor_note"])
    _audit(Event.UPDATE, actor=actor, plan=plan, action="修改个人培养计划")
    return plan


@transaction.atomic
def plan_activate(*, actor, plan: DevelopmentPlan) -> DevelopmentPlan:
    """草拟 → 实施中, once the plan has a goal and a planned item."""
    plan = DevelopmentPlan.objects.select_for_update().select_related("cadre").get(pk=plan.pk)
    _require_write(actor, plan.cadre)
    if plan.state != DevelopmentPlan.State.DRAFT:
        raise ValidationError(NOT_DRAFT.format(state=plan.get_state_display()))
    if not (plan.goals.exists() and plan.items.exists()):
        raise ValidationError(NOTHING_PLANNED)
    plan.state = DevelopmentPlan.State.ACTIVE
    tracked_save(plan, actor=actor, reason="启动实施培养计划", update_fields=["state"])
    _audit(Event.WORKFLOW, actor=actor, plan=plan, action="启动实施培养计划")
    return plan


@transaction.atomic
def plan_close(*, actor, plan: DevelopmentPlan, reason: str) -> DevelopmentPlan:
    """实施中 → 已结束, saying why (the period is over, the cadre was promoted or left the pool)."""
    reason = (reason or "").strip()
    plan = DevelopmentPlan.objects.select_for_update().select_related("cadre").get(pk=plan.pk)
    _require_write(actor, plan.cadre)
    if plan.state != DevelopmentPlan.State.ACTIVE:
        raise ValidationError(NOT_ACTIVE_TO_CLOSE)
    if not reason:
        raise ValidationError({"reason": CLOSE_REASON_REQUIRED})
    plan.state = DevelopmentPlan.State.CLOSED
    tracked_save(plan, actor=actor, reason=f"结束培养计划：{reason}", update_fields=["state"])
    _audit(Event.WORKFLOW, actor=actor, plan=plan, action="结束培养计划", reason=reason)
    return plan


# --- gaps, goals and items ------------------------------------------------------------------------


def _check_year(plan, year, field="due_year") -> None:
    if year is not None and not plan.start_year <= year <= plan.end_year:
        raise ValidationError({field: YEAR_OUTSIDE_PLAN.format(start=plan.start_year, end=plan.end_year)})


def _check_item(plan: DevelopmentPlan, item: PlanItem) -> None:
    _check_year(plan, item.due_year)
    if item.gap_id and item.gap.plan_id != plan.pk:
        raise ValidationError({"gap": GAP_OF_OTHER_PLAN})
    own = LINK_FIELDS.get(item.kind)
    for field in LINK_FIELDS.values():
        if field != own and getattr(item, f"{field}_id"):
            raise ValidationError({field: LINK_WRONG_KIND.format(kind=PlanItem.Kind(item.kind).label,
                                                                 what=LINK_WHAT[item.kind])})
    if item.programme_id and not (item.programme.start_date.year <= item.due_year <= item.programme.end_date.year):
        raise ValidationError({"programme": PROGRAMME_WRONG_YEAR.format(year=item.due_year)})
    for field in ("placement", "rotation"):
        record = getattr(item, field) if getattr(item, f"{field}_id") else None
        if record is not None and record.cadre_id != plan.cadre_id:
            raise ValidationError({field: RECORD_OF_OTHER_CADRE})


ROW_LABELS = {PlanGap: "培养短板", PlanGoal: "培养目标", PlanItem: "培养安排"}


@transaction.atomic
def plan_row_save(*, actor, row) -> PlanGap | PlanGoal | PlanItem:
    """Add or change a gap, goal or planned item of an open plan (``row.plan`` set)."""
    plan = _locked_open_plan(row.plan)
    _require_write(actor, plan.cadre)
    row.plan = plan
    if isinstance(row, PlanGoal):
        _check_year(plan, row.due_year)
    elif isinstance(row, PlanItem):
        _check_item(plan, row)
    adding = row._state.adding
    label = ROW_LABELS[type(row)]
    action = f"{'新增' if adding else '修改'}{label}"
    tracked_save(row, actor=actor, reason=action)
    _audit(Event.CREATE if adding else Event.UPDATE, actor=actor, plan=plan, action=action, row_id=row.pk,
           text=str(row))
    return row


@transaction.atomic
def plan_row_delete(*, actor, row) -> None:
    """Delete a gap, goal or planned item of an open plan (items that addressed a deleted gap keep their place)."""
    plan = _locked_open_plan(row.plan)
    _require_write(actor, plan.cadre)
    action = f"删除{ROW_LABELS[type(row)]}"
    pk, text = row.pk, str(row)
    if isinstance(row, PlanGap):
        # The items that addressed it stay, addressing no gap: cleared here so their history says so.
        for item in row.items.all():
            item.gap = None
            tracked_save(item, actor=actor, reason=action, clean=False, update_fields=["gap"])
    tracked_delete(row, actor=actor, reason=action)
    _audit(Event.DELETE, actor=actor, plan=plan, action=action, row_id=pk, text=text)


# --- reviews --------------------------------------------------------------------------------------


@transaction.atomic
def plan_review_record(*, actor, plan: DevelopmentPlan, year: int, half: int, rating: str, progress: str,
                       next_steps: str = "", today: dt.date | None = None) -> PlanReview:
    """Record the review of ``plan`` for ``year``/``half`` (begun, not yet reviewed), by ``actor``, today."""
    today = today or timezone.localdate()
    if not actor.has_perm("training.review_plan"):
        raise ValidationError(CANNOT_REVIEW)
    plan = DevelopmentPlan.objects.select_for_update().select_related("cadre").get(pk=plan.pk)
    if not can_see_cadre(actor, plan.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    if plan.state != DevelopmentPlan.State.ACTIVE:
        raise ValidationError(REVIEW_NOT_ACTIVE.format(
            state="尚未启动实施" if plan.state == DevelopmentPlan.State.DRAFT else "已结束"))
    period = half_label(year, half)
    if half_start(year, half) > today:
        raise ValidationError(HALF_NOT_BEGUN.format(period=period))
    if plan.reviews.filter(year=year, half=half).exists():
        raise ValidationError(HALF_REVIEWED.format(period=period))
    review = PlanReview(plan=plan, year=year, half=half, reviewed_on=today, rating=rating,
                        progress=(progress or "").strip(), next_steps=(next_steps or "").strip(), reviewer=actor)
    tracked_save(review, actor=actor, reason=f"培养计划考评：{period}")
    _audit(Event.WORKFLOW, actor=actor, plan=plan, action="培养计划考评", period=period,
           rating=review.get_rating_display())
    return review


# --- the export -----------------------------------------------------------------------------------


def plans_export(*, actor, data, today: dt.date | None = None) -> ExportFile:
    """Return the plan list ``actor`` may see, filtered by ``data``, as a workbook; the export is audited."""
    from training.selectors.plans import plan_filterset, progress_of

    today = today or timezone.localdate()
    rows = list(plan_filterset(actor, data, today=today).qs)
    for row in rows:
        row.the_plan = getattr(row, "plan", None)
        row.progress = progress_of(row) if row.the_plan else None

    def plan_value(getter):
        return lambda row: getter(row.the_plan, row.progress) if row.the_plan else "—"

    columns = [
        Column("姓名", lambda row: row.cadre.name, 10),
        Column("工作单位", lambda row: row.cadre.department.name, 20),
        Column("现任职务", lambda row: row.cadre.current_post_title, 20),
        Column("类别", lambda row: row.get_kind_display(), 10),
        Column("入库日期", lambda row: row.entered_on, 12),
        Column("在库状态", lambda row: row.get_state_display(), 8),
        Column("计划状态", lambda row: row.the_plan.get_state_display() if row.the_plan else "未制定", 8),
        Column("计划年度", plan_value(lambda plan, p: f"{plan.start_year}—{plan.end_year}"), 12),
        Column("培养方向", plan_value(lambda plan, p: plan.direction), 16),
        Column("培养导师", plan_value(lambda plan, p: plan.mentor.name if plan.mentor else "—"), 10),
        Column("培养安排（已完成/计划）", plan_value(lambda plan, p: f"{p.items_done}/{p.items_total}"), 12),
        Column("培养目标（已实现/计划）", plan_value(lambda plan, p: f"{p.goals_done}/{p.goals_total}"), 12),
        Column("短板（已补齐/计划）", plan_value(lambda plan, p: f"{p.gaps_closed}/{p.gaps_total}"), 12),
        Column("最近考评", plan_value(lambda plan, p: p.last_review or "—"), 16),
        Column("待考评", plan_value(lambda plan, p: "是" if p.review_due else ""), 8),
    ]
    heading = f"个人培养计划一览（{today:%Y-%m-%d}）"
    return export_workbook(actor=actor, data=data, title="个人培养计划", heading=heading, columns=columns, rows=rows,
                           object_type="training.developmentplan", object_repr="个人培养计划一览",
                           filename=f"个人培养计划_{today:%Y%m%d}.xlsx")
