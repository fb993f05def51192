"""个人培养计划 services and selectors: the plan, its rows, activation, reviews, progress, reviews due."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadres import timeline
from tests.factories import CadreFactory, DepartmentFactory, role_user
from tests.training.factories_plans import (
    EnrolmentFactory,
    PlacementFactory,
    PlanFactory,
    PoolMemberFactory,
    ProgrammeFactory,
    RotationFactory,
    shortcoming,
)
from training.models import DevelopmentPlan, PlanGap, PlanGoal, PlanItem, PlanReview, PoolMember
from training.selectors import plans as selectors
from training.services import plans as services

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def staff():
    return role_user(Role.PERSONNEL, first_name="人事干部甲")


@pytest.fixture
def leader():
    return role_user(Role.LEADER, first_name="王局长")


@pytest.fixture
def member():
    return PoolMemberFactory(cadre=CadreFactory(name="欧阳明华"))


def snapshot():
    return (DevelopmentPlan.objects.count(), PlanGap.objects.count(), PlanGoal.objects.count(),
            PlanItem.objects.count(), PlanReview.objects.count(), AuditEvent.objects.count(),
            sorted(DevelopmentPlan.objects.values_list("pk", "state", "direction", "mentor_id")))


def refused(call, message):
    """Assert ``call`` raises a ValidationError with exactly ``message`` and changes nothing."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert snapshot() == before


def create(actor, member, **kwargs):
    options = {"start_year": 2026, "end_year": 2028, "direction": "综合管理", **kwargs}
    return services.plan_create(actor=actor, member=member, **options)


def active_plan(staff, member, **kwargs):
    plan = create(staff, member, **kwargs)
    services.plan_row_save(actor=staff, row=PlanGoal(plan=plan, text="胜任科室副职岗位", due_year=2027))
    services.plan_row_save(actor=staff, row=PlanItem(plan=plan, kind="training", title="参加中青班", due_year=2026))
    return services.plan_activate(actor=staff, plan=plan)


# --- making the plan ------------------------------------------------------------------------------


def test_a_plan_is_made_in_draft_with_the_chosen_open_shortcomings_as_gaps(staff, member):
    first = shortcoming(member.cadre, "统筹协调能力有待提高")
    shortcoming(member.cadre, "基层工作经历较少")  # left unticked
    mentor = CadreFactory(name="李副局长")
    plan = create(staff, member, mentor=mentor, mentor_note="每季度谈心一次", shortcomings=[first],
                  extra_gaps=["经济工作经验不足", "  "])
    assert (plan.state, plan.cadre, plan.mentor, plan.created_by) == ("draft", member.cadre, mentor, staff)
    assert [(gap.text, gap.shortcoming) for gap in plan.gaps.all()] == [
        ("工作实绩：统筹协调能力有待提高", first), ("经济工作经验不足", None)]
    assert plan.history.get().history_user == staff
    event = AuditEvent.objects.get(event="create", detail__plan_id=plan.pk)
    assert (event.object_type, event.detail["action"]) == ("cadres.cadre", "制定个人培养计划")


def test_one_plan_per_membership(staff, member):
    create(staff, member)
    refused(lambda: create(staff, member), services.PLAN_EXISTS.format(name="欧阳明华"))


def test_no_plan_for_a_member_who_left_the_pool(staff):
    member = PoolMemberFactory(cadre=CadreFactory(name="赵六"), state=PoolMember.State.LEFT,
                               left_on=dt.date(2026, 6, 1))
    refused(lambda: create(staff, member), services.MEMBER_NOT_ACTIVE.format(name="赵六"))


def test_the_mentor_is_not_the_cadre_themself(staff, member):
    refused(lambda: create(staff, member, mentor=member.cadre), services.MENTOR_IS_CADRE)


def test_only_the_cadres_own_open_shortcomings_become_gaps(staff, member):
    other = shortcoming(CadreFactory())
    resolved = shortcoming(member.cadre, resolved_on=dt.date(2026, 6, 1))
    refused(lambda: create(staff, member, shortcomings=[other]), services.SHORTCOMING_NOT_OPEN)
    refused(lambda: create(staff, member, shortcomings=[resolved]), services.SHORTCOMING_NOT_OPEN)


def test_a_leader_reads_and_reviews_but_does_not_write_plans(leader, member):
    refused(lambda: create(leader, member), services.CANNOT_WRITE)


# --- the rows -------------------------------------------------------------------------------------


def test_an_item_links_a_programme_running_in_its_year_only(staff, member):
    plan = create(staff, member)
    programme = ProgrammeFactory(start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 20))
    item = PlanItem(plan=plan, kind="training", title="参加中青班", due_year=2026, programme=programme)
    refused(lambda: services.plan_row_save(actor=staff, row=item), services.PROGRAMME_WRONG_YEAR.format(year=2026))
    item.due_year = 2027
    assert services.plan_row_save(actor=staff, row=item).pk


def test_a_programme_spanning_two_years_serves_either_year(staff, member):
    plan = create(staff, member)
    programme = ProgrammeFactory(start_date=dt.date(2026, 12, 20), end_date=dt.date(2027, 1, 10))
    for year in (2026, 2027):
        services.plan_row_save(actor=staff, row=PlanItem(plan=plan, kind="training", title="跨年培训班",
                                                         due_year=year, programme=programme))
    assert plan.items.count() == 2


def test_an_item_links_only_this_cadres_placement_and_rotation(staff, member):
    plan = create(staff, member)
    placement = PlacementFactory()  # another cadre's
    item = PlanItem(plan=plan, kind="practice", title="到街道挂职", due_year=2026, placement=placement)
    refused(lambda: services.plan_row_save(actor=staff, row=item), services.RECORD_OF_OTHER_CADRE)
    rotation = RotationFactory()
    item = PlanItem(plan=plan, kind="rotation", title="交流到业务科室", due_year=2027, rotation=rotation)
    refused(lambda: services.plan_row_save(actor=staff, row=item), services.RECORD_OF_OTHER_CADRE)


def test_an_item_links_only_a_record_of_its_kind_and_a_gap_of_its_plan(staff, member):
    plan = create(staff, member)
    placement = PlacementFactory(cadre=member.cadre)
    item = PlanItem(plan=plan, kind="training", title="参加中青班", due_year=2026, placement=placement)
    refused(lambda: services.plan_row_save(actor=staff, row=item),
            services.LINK_WRONG_KIND.format(kind="理论培训", what="培训项目"))
    other_gap = PlanGap.objects.create(plan=PlanFactory(), text="别人的短板")
    item = PlanItem(plan=plan, kind="training", title="参加中青班", due_year=2026, gap=other_gap)
    refused(lambda: services.plan_row_save(actor=staff, row=item), services.GAP_OF_OTHER_PLAN)


def test_rows_fall_within_the_plans_years(staff, member):
    plan = create(staff, member)
    refused(lambda: services.plan_row_save(actor=staff, row=PlanGoal(plan=plan, text="目标", due_year=2030)),
            services.YEAR_OUTSIDE_PLAN.format(start=2026, end=2028))


def test_deleting_a_gap_keeps_the_items_that_addressed_it(staff, member):
    plan = create(staff, member, extra_gaps=["经济工作经验不足"])
    gap = plan.gaps.get()
    item = services.plan_row_save(actor=staff, row=PlanItem(plan=plan, kind="practice", title="到经济部门跟班",
                                                            due_year=2027, gap=gap))
    services.plan_row_delete(actor=staff, row=gap)
    item.refresh_from_db()
    assert item.gap is None and item.history.latest().history_change_reason == "删除培养短板"


# --- the plan's states ----------------------------------------------------------------------------


def test_a_plan_is_activated_once_it_has_a_goal_and_an_item_and_then_closed(staff, member):
    plan = create(staff, member)
    refused(lambda: services.plan_activate(actor=staff, plan=plan), services.NOTHING_PLANNED)
    plan = active_plan(staff, PoolMemberFactory())
    assert plan.state == "active"
    refused(lambda: services.plan_activate(actor=staff, plan=plan), services.NOT_DRAFT.format(state="实施中"))
    refused(lambda: services.plan_close(actor=staff, plan=plan, reason=" "), services.CLOSE_REASON_REQUIRED)
    services.plan_close(actor=staff, plan=plan, reason="培养期满")
    plan.refresh_from_db()
    assert plan.state == "closed" and plan.history.latest().history_change_reason == "结束培养计划：培养期满"
    refused(lambda: services.plan_row_save(actor=staff, row=PlanGoal(plan=plan, text="新目标", due_year=2027)),
            services.PLAN_CLOSED)


# --- reviews --------------------------------------------------------------------------------------


def review(actor, plan, year=2026, half=2, today=TODAY):
    return services.plan_review_record(actor=actor, plan=plan, year=year, half=half, rating="good",
                                       progress="按计划参加了中青班", next_steps="安排到基层锻炼", today=today)


def test_a_leader_reviews_an_active_plan_once_per_half(staff, leader, member):
    plan = active_plan(staff, member)
    saved = review(leader, plan)
    assert (saved.reviewer, saved.reviewed_on, saved.get_half_display()) == (leader, TODAY, "下半年")
    refused(lambda: review(staff, plan), services.HALF_REVIEWED.format(period="2026年下半年"))
    assert AuditEvent.objects.filter(event="workflow", detail__action="培养计划考评", user=leader).exists()


def test_no_review_of_a_half_not_yet_begun(staff, member):
    plan = active_plan(staff, member)
    refused(lambda: review(staff, plan, year=2027, half=1), services.HALF_NOT_BEGUN.format(period="2027年上半年"))


def test_no_review_of_a_draft_or_closed_plan(staff, member):
    plan = create(staff, member)
    refused(lambda: review(staff, plan), services.REVIEW_NOT_ACTIVE.format(state="尚未启动实施"))
    plan = active_plan(staff, PoolMemberFactory())
    services.plan_close(actor=staff, plan=plan, reason="已提拔使用")
    refused(lambda: review(staff, plan), services.REVIEW_NOT_ACTIVE.format(state="已结束"))


def test_a_department_head_may_not_review(member, staff):
    plan = active_plan(staff, member)
    head = role_user(Role.DEPARTMENT_HEAD, departments=[member.cadre.department])
    refused(lambda: review(head, plan), services.CANNOT_REVIEW)


# --- progress and reviews due ---------------------------------------------------------------------


def test_progress_counts_the_items_whose_linked_record_is_done(staff, member):
    cadre = member.cadre
    plan = create(staff, member, extra_gaps=["基层经验不足"])
    done_programme, open_programme = ProgrammeFactory(), ProgrammeFactory()
    EnrolmentFactory(programme=done_programme, cadre=cadre, state="completed", hours=Decimal(60),
                     credited_on=dt.date(2026, 9, 30))
    EnrolmentFactory(programme=done_programme, cadre=CadreFactory())  # someone else's enrolment: no matter
    EnrolmentFactory(programme=open_programme, cadre=cadre)
    ended = PlacementFactory(cadre=cadre, state="ended", ended_on=dt.date(2026, 8, 31), assessment="good",
                             started_on=dt.date(2026, 3, 1))
    rotation = RotationFactory(cadre=cadre)
    for kind, link in (("training", {"programme": done_programme}), ("training", {"programme": open_programme}),
                       ("practice", {"placement": ended}), ("rotation", {"rotation": rotation}),
                       ("training", {})):
        services.plan_row_save(actor=staff, row=PlanItem(plan=plan, kind=kind, title="安排", due_year=2026, **link))
    services.plan_row_save(actor=staff, row=PlanGoal(plan=plan, text="目标", due_year=2027, achieved=True))
    gap = plan.gaps.get()
    gap.closed = True
    services.plan_row_save(actor=staff, row=gap)

    row = selectors.with_progress(DevelopmentPlan.objects.filter(pk=plan.pk), today=TODAY).get()
    progress = selectors.progress_of(row)
    assert (progress.items_done, progress.items_total, progress.percent) == (2, 5, 40)
    assert (progress.goals_done, progress.goals_total, progress.gaps_closed, progress.gaps_total) == (1, 1, 1, 1)
    assert [item.done for item in selectors.plan_items(plan)] == [True, False, True, False, False]

    RotationFactory._meta.model.objects.filter(pk=rotation.pk).update(state="done", done_on=dt.date(2026, 11, 1))
    row = selectors.with_progress(DevelopmentPlan.objects.filter(pk=plan.pk), today=TODAY).get()
    assert selectors.progress_of(row).items_done == 3


def _due(plan, today):
    return selectors.plans_due_for_review(plan.created_by, today=today).filter(pk=plan.pk).exists()


def test_a_review_falls_due_in_the_last_month_of_the_half_and_stays_due_when_missed(staff, member):
    plan = active_plan(staff, member)
    DevelopmentPlan.objects.filter(pk=plan.pk).update(created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    assert not _due(plan, dt.date(2026, 5, 31))  # H1, not yet its last month
    assert _due(plan, dt.date(2026, 6, 1))  # June: H1 due
    assert _due(plan, dt.date(2026, 7, 15))  # H1 missed: still due
    review(staff, plan, year=2026, half=1, today=dt.date(2026, 7, 15))
    assert not _due(plan, dt.date(2026, 7, 15))
    assert _due(plan, dt.date(2026, 12, 1))  # December: H2 due
    review(staff, plan, year=2026, half=2, today=dt.date(2026, 12, 1))
    assert not _due(plan, dt.date(2026, 12, 31))


def test_a_plan_made_after_a_half_ended_owes_no_review_for_it(staff, member):
    plan = active_plan(staff, member)
    DevelopmentPlan.objects.filter(pk=plan.pk).update(created_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    assert not _due(plan, dt.date(2026, 11, 2))
    assert _due(plan, dt.date(2026, 12, 2))
    draft = create(staff, PoolMemberFactory())
    assert not _due(draft, dt.date(2026, 12, 2))  # drafts are not reviewed


def test_the_desk_line_counts_the_plans_due_in_scope(staff, member):
    from training.registry_plans import plans_to_review

    active_plan(staff, member)
    [task] = plans_to_review(user=staff, today=TODAY)
    assert (task.title, task.count, task.url) == ("培养计划待考评", 1, "/training/plans/?plan=due")
    head = role_user(Role.DEPARTMENT_HEAD, departments=[member.cadre.department])
    assert plans_to_review(user=head, today=TODAY) == []  # no right to review: no line


def test_the_plan_list_costs_the_same_queries_whatever_the_number_of_plans(staff):
    def add(n):
        for _ in range(n):
            plan = active_plan(staff, PoolMemberFactory())
            review(staff, plan)
        PoolMemberFactory()  # one without a plan

    add(1)
    with CaptureQueriesContext(connection) as few:
        rows = list(selectors.plan_filterset(staff, {}, today=TODAY).qs)
        [selectors.progress_of(row) for row in rows if getattr(row, "plan", None)]
    add(4)
    with CaptureQueriesContext(connection) as many:
        rows = list(selectors.plan_filterset(staff, {}, today=TODAY).qs)
        progress = [selectors.progress_of(row) for row in rows if getattr(row, "plan", None)]
    assert len(rows) == 7 and all(p.items_total == 1 and p.last_review == "2026年下半年 好" for p in progress)
    # 1: the members, their cadres, units, plans and mentors joined, progress as subqueries of the one query.
    assert len(few) == len(many) == 1, "\n".join(q["sql"][:200] for q in many.captured_queries)


def test_the_list_filters_by_plan_state_and_due(staff):
    plan = active_plan(staff, PoolMemberFactory(cadre=CadreFactory(name="甲")))
    create(staff, PoolMemberFactory(cadre=CadreFactory(name="乙")))
    PoolMemberFactory(cadre=CadreFactory(name="丙"))
    PoolMemberFactory(cadre=CadreFactory(name="丁"), state="left", left_on=dt.date(2026, 6, 1))

    def names(**data):
        return sorted(row.cadre.name for row in selectors.plan_filterset(staff, data, today=TODAY).qs)

    assert names() == ["丙", "乙", "甲"]
    assert names(plan="none") == ["丙"]
    assert names(plan="draft") == ["乙"]
    assert names(plan="due") == ["甲"]
    assert names(pool="left") == ["丁"]
    assert names(pool="all") == ["丁", "丙", "乙", "甲"]
    review(staff, plan)
    assert names(plan="due") == []


def test_the_timeline_shows_the_plan_made_and_each_review(staff, leader, member):
    from training.registry_plans import PlansSource

    plan = active_plan(staff, member, mentor=CadreFactory(name="李副局长"))
    review(leader, plan)
    entries = PlansSource().entries(cadre=member.cadre, user=leader)
    assert [entry.title for entry in entries] == ["制定个人培养计划", "培养计划考评：2026年下半年 好"]
    assert "培养导师：李副局长" in entries[0].detail
    assert any(isinstance(source, PlansSource) for source in timeline.sources({"training"}))


def test_a_department_head_sees_their_units_plans_only(staff):
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    own = active_plan(staff, PoolMemberFactory(cadre=CadreFactory(department=office)))
    active_plan(staff, PoolMemberFactory(cadre=CadreFactory(department=finance)))
    head = role_user(Role.DEPARTMENT_HEAD, departments=[office])
    assert list(selectors.plans_visible_to(head)) == [own]
    assert [row.plan for row in selectors.plan_filterset(head, {}, today=TODAY).qs] == [own]


def test_the_plans_years_may_not_shrink_past_its_rows(staff, member):
    plan = active_plan(staff, member)  # a goal due 2027
    plan.end_year = 2026
    refused(lambda: services.plan_update(actor=staff, plan=plan), services.ROWS_OUTSIDE_YEARS)
    plan.end_year, plan.direction = 2029, "经济工作"
    services.plan_update(actor=staff, plan=plan)
    plan.refresh_from_db()
    assert (plan.end_year, plan.direction, plan.state) == (2029, "经济工作", "active")
