"""实践锻炼 and 岗位交流: the placement steps, rotation plans and carrying them out, candidates, desk and record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadre_office.dashboard.figures import counted_cadres
from cadre_office.dashboard.models import Figure, Snapshot
from cadre_office.desk import tasks_for
from cadres import timeline
from cadres.models import Cadre, PostAssignment
from cadres.services.cadres import cadre_set_status, post_start
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, role_user
from training import tasks
from training.models import PracticePlacement, RotationPlan, TrainingSettings
from training.selectors.practice import candidate_filterset, candidates_queryset
from training.services import practice as services

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def world(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    return {
        "office": office, "finance": finance,
        "staff": role_user(Role.PERSONNEL, username="staff"),
        "leader": role_user(Role.LEADER, username="leader"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
    }


def member(department, *, name=None, level="52", title="副科长", start=dt.date(2019, 3, 1)):
    """A cadre with an open post entered through the roster's service (the cached current post set)."""
    cadre = CadreFactory(department=department, **({"name": name} if name else {}))
    post_start(actor=UserFactory(username=f"f{cadre.pk}"), cadre=cadre, department=department, title=title,
               level=level, start_date=start)
    cadre.refresh_from_db()
    return cadre


def placement(world, cadre, **kwargs):
    values = {"kind": "grass_roots", "host": "城关街道办事处", "role": "挂任街道办事处副主任",
              "planned_start": TODAY - dt.timedelta(days=200), "planned_end": TODAY + dt.timedelta(days=20)} | kwargs
    return services.placement_create(actor=world["staff"], placement=PracticePlacement(cadre=cadre, **values))


def plan(world, cadre, *, day=TODAY, to=None, title="综合科副科长", level="52"):
    return services.rotation_create(actor=world["staff"], plan=RotationPlan(
        cadre=cadre, to_department=to or world["finance"], to_title=title, to_level=level, planned_date=day,
        reason="同一岗位任职满5年", document="区财党组〔2026〕12号"))


def placement_state(pk):
    row = PracticePlacement.objects.get(pk=pk)
    return (row.state, row.started_on, row.ended_on, row.assessment, row.assessment_text, row.cancel_reason,
            row.history.count(), AuditEvent.objects.filter(object_id=str(row.cadre_id)).count())


def rotation_state(pk):
    row = RotationPlan.objects.get(pk=pk)
    return (row.state, row.done_on, row.new_post_id, row.history.count(),
            list(PostAssignment.objects.filter(cadre=row.cadre_id).values_list("pk", "start_date", "end_date")),
            Cadre.objects.get(pk=row.cadre_id).department_id,
            AuditEvent.objects.filter(object_id=str(row.cadre_id)).count())


def refused(call, message, state):
    """Assert ``call`` raises a ValidationError with exactly ``message`` and ``state()`` did not change."""
    before = state()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert state() == before


# --- placements ------------------------------------------------------------------------------------------


def test_a_placement_goes_planned_under_way_ended_with_history_and_audit(world):
    cadre = member(world["office"])
    made = placement(world, cadre)
    assert (made.state, made.created_by) == ("planned", world["staff"])
    started = services.placement_start(actor=world["staff"], placement=made, started_on=TODAY - dt.timedelta(days=190),
                                       today=TODAY)
    assert (started.state, started.started_on) == ("under_way", TODAY - dt.timedelta(days=190))
    ended = services.placement_end(actor=world["staff"], placement=made, ended_on=TODAY, assessment="excellent",
                                   assessment_text="  扎根基层，群众评价好  ", today=TODAY)
    assert (ended.state, ended.ended_on, ended.assessment, ended.assessment_text) == (
        "ended", TODAY, "excellent", "扎根基层，群众评价好")
    reasons = list(ended.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["登记实践锻炼", "实践锻炼开始", "实践锻炼期满"]
    actions = AuditEvent.objects.filter(object_id=str(cadre.pk), detail__record="实践锻炼").order_by("pk")
    assert list(actions.values_list("detail__action", flat=True)) == ["登记实践锻炼", "实践锻炼开始", "实践锻炼期满"]


def test_ending_needs_an_assessment_and_its_text_and_a_sensible_date(world):
    made = placement(world, member(world["office"]))
    services.placement_start(actor=world["staff"], placement=made, started_on=TODAY - dt.timedelta(days=10),
                             today=TODAY)
    state = lambda: placement_state(made.pk)  # noqa: E731
    end = services.placement_end
    refused(lambda: end(actor=world["staff"], placement=made, ended_on=TODAY, assessment="", assessment_text="好",
                        today=TODAY), services.ASSESSMENT_REQUIRED, state)
    refused(lambda: end(actor=world["staff"], placement=made, ended_on=TODAY, assessment="good", assessment_text=" ",
                        today=TODAY), services.ASSESSMENT_TEXT_REQUIRED, state)
    refused(lambda: end(actor=world["staff"], placement=made, ended_on=TODAY + dt.timedelta(days=1),
                        assessment="good", assessment_text="好", today=TODAY), services.ENDED_IN_FUTURE, state)
    refused(lambda: end(actor=world["staff"], placement=made, ended_on=TODAY - dt.timedelta(days=11),
                        assessment="good", assessment_text="好", today=TODAY),
            services.ENDED_BEFORE_START.format(day=f"{TODAY - dt.timedelta(days=10):%Y-%m-%d}"), state)


def test_wrong_state_steps_are_refused_and_change_nothing(world):
    made = placement(world, member(world["office"]))
    state = lambda: placement_state(made.pk)  # noqa: E731
    refused(lambda: services.placement_end(actor=world["staff"], placement=made, ended_on=TODAY, assessment="good",
                                           assessment_text="好", today=TODAY),
            services.PLACEMENT_NOT_UNDER_WAY.format(state="尚未开始"), state)
    services.placement_start(actor=world["staff"], placement=made, started_on=TODAY, today=TODAY)
    refused(lambda: services.placement_start(actor=world["staff"], placement=made, started_on=TODAY, today=TODAY),
            services.PLACEMENT_NOT_PLANNED.format(state="锻炼中"), state)
    refused(lambda: services.placement_cancel(actor=world["staff"], placement=made, reason="另有安排"),
            services.PLACEMENT_CANNOT_CANCEL.format(state="锻炼中"), state)
    made.host = "改过的单位"
    refused(lambda: services.placement_update(actor=world["staff"], placement=made),
            services.PLACEMENT_NOT_PLANNED.format(state="锻炼中"), state)
    assert PracticePlacement.objects.get(pk=made.pk).host == "城关街道办事处"


def test_a_planned_placement_is_edited_or_cancelled_with_a_reason(world):
    made = placement(world, member(world["office"]))
    made.role = "挂任社区党委副书记"
    services.placement_update(actor=world["staff"], placement=made)
    assert PracticePlacement.objects.get(pk=made.pk).role == "挂任社区党委副书记"
    state = lambda: placement_state(made.pk)  # noqa: E731
    refused(lambda: services.placement_cancel(actor=world["staff"], placement=made, reason=" "),
            services.CANCEL_REASON_REQUIRED, state)
    cancelled = services.placement_cancel(actor=world["staff"], placement=made, reason="因工作需要另行安排")
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "因工作需要另行安排")


def test_placement_dates_scope_service_and_permission(world):
    own, other = member(world["office"]), member(world["finance"])
    with pytest.raises(ValidationError) as exc:
        placement(world, own, planned_end=TODAY - dt.timedelta(days=300))
    assert exc.value.messages == [services.PLACEMENT_ENDS_BEFORE_START]
    with pytest.raises(ValidationError) as exc:
        services.placement_create(actor=world["head"], placement=PracticePlacement(
            cadre=other, kind="front_line", host="h", role="r", planned_start=TODAY, planned_end=TODAY))
    assert exc.value.messages == [services.CANNOT_WRITE_PLACEMENT]  # a head reads placements only
    cadre_set_status(actor=world["staff"], cadre=own, status="retired", status_date=TODAY - dt.timedelta(days=1),
                     reason="退休")
    own.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        placement(world, own)
    assert exc.value.messages == [services.NOT_IN_SERVICE.format(name=own.name, status="退休")]
    assert not PracticePlacement.objects.exists()


def test_starting_in_the_future_is_refused(world):
    made = placement(world, member(world["office"]))
    refused(lambda: services.placement_start(actor=world["staff"], placement=made,
                                             started_on=TODAY + dt.timedelta(days=1), today=TODAY),
            services.STARTED_IN_FUTURE, lambda: placement_state(made.pk))


# --- rotation plans ---------------------------------------------------------------------------------------


def test_a_plan_names_the_current_open_post_and_one_plan_at_a_time(world):
    cadre = member(world["office"])
    made = plan(world, cadre)
    assert made.from_post == PostAssignment.objects.get(cadre=cadre)
    assert (made.state, made.created_by) == ("planned", world["staff"])
    with pytest.raises(ValidationError) as exc:
        plan(world, cadre, title="人事科副科长")
    assert exc.value.messages == [services.ROTATION_ALREADY_PLANNED.format(name=cadre.name)]
    assert RotationPlan.objects.filter(cadre=cadre).count() == 1


def test_a_plan_is_refused_without_a_post_into_the_same_post_or_before_the_post_began(world):
    bare = CadreFactory(department=world["office"])
    with pytest.raises(ValidationError) as exc:
        plan(world, bare)
    assert exc.value.messages == [services.ROTATION_NO_POST.format(name=bare.name)]
    cadre = member(world["office"], start=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError) as exc:
        plan(world, cadre, to=world["office"], title="副科长")
    assert exc.value.messages == [services.ROTATION_SAME_POST]
    with pytest.raises(ValidationError) as exc:
        plan(world, cadre, day=dt.date(2024, 6, 1))
    assert exc.value.messages == [services.ROTATION_BEFORE_POST_START.format(day="2024-06-01")]
    assert not RotationPlan.objects.exists()


def test_carrying_out_writes_the_post_history_on_its_date_and_the_dashboard_reflects_it(
        world, django_capture_on_commit_callbacks):
    """The acceptance test: old post ends the day before, new post starts on the date, the dashboard follows."""
    day = dt.date(2026, 11, 16)
    cadre = member(world["office"], start=dt.date(2019, 3, 1))
    old = PostAssignment.objects.get(cadre=cadre)
    made = plan(world, cadre, day=day)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        done = services.rotation_carry_out(actor=world["staff"], plan=made, today=TODAY)
    old.refresh_from_db()
    new = PostAssignment.objects.get(cadre=cadre, end_date__isnull=True)
    assert old.end_date == day - dt.timedelta(days=1)
    assert (new.department, new.title, new.level, new.start_date, new.document) == (
        world["finance"], "综合科副科长", "52", day, "区财党组〔2026〕12号")
    assert (done.state, done.done_on, done.new_post, done.from_post) == ("done", day, new, old)
    # History rows: the old post's end and the new post, each naming the actor and the reason.
    assert old.history.first().history_change_reason == services.ROTATION_REASON
    assert old.history.first().history_user == world["staff"]
    assert new.history.get().history_change_reason == services.ROTATION_REASON
    cadre.refresh_from_db()
    assert (cadre.current_post_title, cadre.current_post_start) == ("综合科副科长", day)
    assert cadre.department == world["finance"]  # the 工作单位 follows, as the roster's 调动 does
    assert AuditEvent.objects.filter(object_id=str(cadre.pk), detail__action="执行岗位交流").count() == 1
    # The dashboard: the cadre counts in 办公室 the day before and in 财务科 on the day.
    assert counted_cadres(day - dt.timedelta(days=1)).filter(pk=cadre.pk, post__department=world["office"]).exists()
    assert counted_cadres(day).filter(pk=cadre.pk, post__department=world["finance"]).exists()
    assert callbacks, "the dashboard's recompute is queued once the rotation commits"
    snapshot = Snapshot.objects.get(as_of=day)
    totals = dict(Figure.objects.filter(snapshot=snapshot, code="fk_total", department__in=[
        world["office"], world["finance"]]).values_list("department__name", "numerator"))
    assert totals.get("财务科", 0) == 1 and totals.get("办公室", 0) == 0


def test_carrying_out_ends_only_the_post_rotated_from_and_keeps_a_concurrent_post(world):
    """A 兼职 post the plan does not name stays open; only the plan's post ends the day before."""
    day = dt.date(2026, 11, 16)
    cadre = member(world["office"], start=dt.date(2019, 3, 1))
    main_post = PostAssignment.objects.get(cadre=cadre)
    concurrent = post_start(actor=world["staff"], cadre=cadre, department=world["office"], title="工会主席",
                            start_date=dt.date(2020, 5, 1), close_previous=False)
    made = plan(world, cadre, day=day)
    assert made.from_post_id == main_post.pk or made.from_post_id == concurrent.pk
    rotated_from = PostAssignment.objects.get(pk=made.from_post_id)
    other = concurrent if rotated_from.pk == main_post.pk else main_post
    services.rotation_carry_out(actor=world["staff"], plan=made, today=TODAY)
    rotated_from.refresh_from_db()
    other.refresh_from_db()
    assert rotated_from.end_date == day - dt.timedelta(days=1)
    assert other.end_date is None
    assert PostAssignment.objects.filter(cadre=cadre, end_date__isnull=True).count() == 2


def test_carrying_out_is_refused_when_not_due_not_planned_or_the_cadre_left(world):
    cadre = member(world["office"])
    future = plan(world, cadre, day=TODAY + dt.timedelta(days=5))
    state = lambda: rotation_state(future.pk)  # noqa: E731
    refused(lambda: services.rotation_carry_out(actor=world["staff"], plan=future, today=TODAY),
            services.ROTATION_NOT_DUE.format(day=f"{TODAY + dt.timedelta(days=5):%Y-%m-%d}"), state)
    services.rotation_cancel(actor=world["staff"], plan=future, reason="暂缓交流")
    refused(lambda: services.rotation_carry_out(actor=world["staff"], plan=future, today=TODAY),
            services.ROTATION_NOT_PLANNED.format(state="已取消"), state)

    leaving = member(world["office"])
    due = plan(world, leaving, day=TODAY)
    cadre_set_status(actor=world["staff"], cadre=leaving, status="transferred",
                     status_date=TODAY - dt.timedelta(days=1), reason="调往区发改委")
    refused(lambda: services.rotation_carry_out(actor=world["staff"], plan=due, today=TODAY),
            services.NOT_IN_SERVICE.format(name=leaving.name, status="调出"), lambda: rotation_state(due.pk))


def test_carrying_out_is_refused_when_the_post_changed_after_planning(world):
    cadre = member(world["office"], start=dt.date(2019, 3, 1))
    made = plan(world, cadre, day=dt.date(2026, 11, 1))
    # Meanwhile the cadre got another post from a later date (the planned post ended the day before it).
    post_start(actor=world["staff"], cadre=cadre, department=world["office"], title="科长", level="51",
               start_date=dt.date(2026, 11, 20))
    old = PostAssignment.objects.get(pk=made.from_post_id)
    refused(lambda: services.rotation_carry_out(actor=world["staff"], plan=made, today=TODAY),
            services.ROTATION_FROM_POST_CHANGED.format(title="副科长", day="2026-11-19"),
            lambda: rotation_state(made.pk))
    assert old.end_date == dt.date(2026, 11, 19)


def test_a_second_carry_out_is_refused(world):
    made = plan(world, member(world["office"]), day=TODAY)
    services.rotation_carry_out(actor=world["staff"], plan=made, today=TODAY)
    refused(lambda: services.rotation_carry_out(actor=world["staff"], plan=made, today=TODAY),
            services.ROTATION_NOT_PLANNED.format(state="已交流"), lambda: rotation_state(made.pk))


def test_a_leader_and_a_head_may_not_carry_out_or_cancel(world):
    made = plan(world, member(world["office"]), day=TODAY)
    for user in (world["leader"], world["head"]):
        refused(lambda user=user: services.rotation_carry_out(actor=user, plan=made, today=TODAY),
                services.CANNOT_WRITE_ROTATION, lambda: rotation_state(made.pk))
        refused(lambda user=user: services.rotation_cancel(actor=user, plan=made, reason="x"),
                services.CANNOT_WRITE_ROTATION, lambda: rotation_state(made.pk))


def test_the_daily_task_carries_out_due_plans_only_and_is_idempotent(world):
    due = plan(world, member(world["office"]), day=TODAY - dt.timedelta(days=1))
    later = plan(world, member(world["office"]), day=TODAY + dt.timedelta(days=1))
    stuck_cadre = member(world["office"])
    stuck = plan(world, stuck_cadre, day=TODAY)
    cadre_set_status(actor=world["staff"], cadre=stuck_cadre, status="retired", status_date=TODAY,
                     reason="退休")
    assert tasks.carry_out_rotations.delay(TODAY.isoformat()).get() == 1
    assert RotationPlan.objects.get(pk=due.pk).state == "done"
    assert RotationPlan.objects.get(pk=later.pk).state == "planned"
    assert RotationPlan.objects.get(pk=stuck.pk).state == "planned"  # refused, left for staff (desk line)
    new = RotationPlan.objects.get(pk=due.pk).new_post
    assert new.history.get().history_user.username == tasks.ROTATION_ACCOUNT
    assert tasks.carry_out_rotations(TODAY.isoformat()) == 0


# --- candidates, desk, record ---------------------------------------------------------------------------


def test_candidates_are_those_in_the_same_post_for_the_set_years_in_scope(world):
    today = timezone.localdate()
    long = member(world["office"], name="任职六年", start=today.replace(year=today.year - 6))
    exactly = member(world["office"], name="刚满五年", start=today.replace(year=today.year - 5))
    member(world["office"], name="任职四年", start=today.replace(year=today.year - 4))
    member(world["finance"], name="他科室七年", start=today.replace(year=today.year - 7))
    gone = member(world["office"], name="已退休", start=today.replace(year=today.year - 9))
    cadre_set_status(actor=world["staff"], cadre=gone, status="retired", status_date=today, reason="退休")
    names = lambda user, **data: [c.name for c in candidate_filterset(user, data).qs]  # noqa: E731
    assert names(world["staff"]) == ["他科室七年", "任职六年", "刚满五年"]
    assert names(world["head"]) == ["任职六年", "刚满五年"]
    assert names(world["staff"], years="6") == ["他科室七年", "任职六年"]
    TrainingSettings.objects.create(pk=1, same_post_years=4)
    assert len(names(world["staff"])) == 4
    plan(world, long, day=today + dt.timedelta(days=30))
    rows = {c.name: c for c in candidates_queryset(world["staff"], years=5)}
    assert rows["任职六年"].planned_rotation_date == today + dt.timedelta(days=30)
    assert rows["刚满五年"].planned_rotation_date is None
    assert names(world["staff"], planned="no") == ["他科室七年", "刚满五年", "任职四年"]
    assert exactly.pk in {c.pk for c in candidates_queryset(world["staff"], years=5)}


def test_the_desk_shows_placements_ending_overdue_rotations_due_and_candidates(world):
    today = timezone.localdate()
    recent = today.replace(year=today.year - 1)
    soon = placement(world, member(world["office"], start=recent), planned_start=today - dt.timedelta(days=100),
                     planned_end=today + dt.timedelta(days=10))
    late = placement(world, member(world["finance"], start=recent), planned_start=today - dt.timedelta(days=100),
                     planned_end=today - dt.timedelta(days=1))
    placement(world, member(world["office"], start=recent), planned_start=today - dt.timedelta(days=100),
              planned_end=today + dt.timedelta(days=90))  # under way, not ending soon
    for made in PracticePlacement.objects.all():
        services.placement_start(actor=world["staff"], placement=made, started_on=made.planned_start, today=today)
    member(world["office"], start=today.replace(year=today.year - 8))
    stuck = member(world["office"], start=today.replace(year=today.year - 1))
    plan(world, stuck, day=today)  # due, not yet carried out
    lines = {task.title: task for task in tasks_for(world["staff"], today=today)}
    assert lines["实践锻炼即将期满"].count == 1 and lines["实践锻炼即将期满"].tone == "warning"
    assert lines["实践锻炼已到期未结束"].count == 1 and lines["实践锻炼已到期未结束"].tone == "danger"
    assert lines["岗位交流已到期待执行"].count == 1
    assert lines["同一岗位任职满5年"].count == 1 and lines["同一岗位任职满5年"].tone == "primary"
    assert lines["同一岗位任职满5年"].url.endswith("?planned=no")
    assert {soon.pk, late.pk} <= set(PracticePlacement.objects.values_list("pk", flat=True))
    practice_lines = {"实践锻炼即将期满", "实践锻炼已到期未结束", "岗位交流已到期待执行", "同一岗位任职满5年"}
    assert not {t.title for t in tasks_for(world["head"], today=today)} & practice_lines  # a head acts on none


def test_the_record_shows_placements_and_rotations_in_one_query_each(world, django_assert_num_queries):
    cadre = member(world["office"], start=dt.date(2019, 3, 1))
    made = placement(world, cadre)
    services.placement_start(actor=world["staff"], placement=made, started_on=TODAY - dt.timedelta(days=190),
                             today=TODAY)
    services.placement_end(actor=world["staff"], placement=made, ended_on=TODAY - dt.timedelta(days=1),
                           assessment="good", assessment_text="表现良好", today=TODAY)
    placement(world, cadre, host="区政务服务中心", planned_start=TODAY, planned_end=TODAY + dt.timedelta(days=90))
    services.rotation_carry_out(actor=world["staff"], plan=plan(world, cadre, day=TODAY - dt.timedelta(days=1)),
                                today=TODAY)
    sources = [source for source in timeline.sources({"training"})
               if type(source).__name__ in ("PlacementSource", "RotationSource")]
    user = world["staff"]
    user.has_perm("cadres.view_cadre")  # the permission cache, as the page has it by then
    entries = []
    for source in sources:
        with django_assert_num_queries(1):
            entries += source.entries(cadre=cadre, user=user)
    titles = [entry.title for entry in entries]
    assert "基层实践锻炼：城关街道办事处（挂任街道办事处副主任）" in titles
    assert "基层实践锻炼：区政务服务中心（挂任街道办事处副主任）" in titles
    assert "岗位交流：从办公室副科长 到 财务科综合科副科长" in titles
    ended = next(e for e in entries if "城关" in e.title)
    assert ended.detail.startswith("期满考核：良好；表现良好") and ended.until == TODAY - dt.timedelta(days=1)
    other = member(world["finance"])
    assert all(source.entries(cadre=other, user=world["head"]) == [] for source in sources)


def test_a_cadre_object_is_untouched_in_place_by_a_rotation(world):
    """Never the current post edited in place: the old row keeps its title, unit and start."""
    cadre = member(world["office"], start=dt.date(2019, 3, 1))
    old = PostAssignment.objects.get(cadre=cadre)
    services.rotation_carry_out(actor=world["staff"], plan=plan(world, cadre, day=TODAY), today=TODAY)
    old.refresh_from_db()
    assert (old.title, old.department, old.start_date) == ("副科长", world["office"], dt.date(2019, 3, 1))
    assert Cadre.objects.get(pk=cadre.pk).posts.count() == 2


def test_the_demo_is_written_once_through_the_services(world):
    from training.demo_practice import ensure_demo_practice

    role_user(Role.PERSONNEL, username="renshi")
    today = timezone.localdate()
    for name in ("行政审批科", "法规科", "宣传科"):
        DepartmentFactory(name=name)
    for index in range(10):
        member(world["office"] if index == 0 else world["finance"], start=today.replace(year=today.year - 1))
    for _ in range(3):
        member(world["finance"], start=today.replace(year=today.year - 7))
    written = ensure_demo_practice(today=today)
    assert written == PracticePlacement.objects.count() + RotationPlan.objects.count() > 0
    assert set(PracticePlacement.objects.values_list("state", flat=True)) == {"planned", "under_way", "ended"}
    assert RotationPlan.objects.filter(state="planned").count() == 3
    assert ensure_demo_practice(today=today) == 0


def test_a_post_reads_as_people_say_it():
    from types import SimpleNamespace

    from training.selectors.practice import post_text

    unit = SimpleNamespace(name="行政审批科", short_name="审批科")
    assert post_text(unit, "副科长") == "行政审批科副科长"
    assert post_text(unit, "行政审批科副科长") == "行政审批科副科长"
    assert post_text(unit, "审批科科长") == "审批科科长"
