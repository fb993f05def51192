"""积分管理 and 谈心谈话 pages: anonymous, without permission, out of scope, permitted; flat query counts."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadre_office.desk import tasks_for
from cadres import timeline
from oversight.models import PointEntry, PointRule, Talk, TalkFollowUp, TalkPlan
from oversight.services import point_entry_approve, point_entry_create, talk_create, talk_plan_save, talk_raise
from oversight.services import points as point_messages
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    rule = PointRule.objects.create(name="视图测试表彰", category="bonus", points=Decimal(5), yearly_cap=None,
                                    validity_months=12, evidence_required=True, evidence_hint="文号",
                                    reviewer_role=Role.PERSONNEL)
    return {
        "office": office, "finance": finance, "rule": rule,
        "staff": role_user(Role.PERSONNEL, username="staff"),
        "staff2": role_user(Role.PERSONNEL, username="staff2"),
        "leader": role_user(Role.LEADER, username="leader"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "admin": role_user(Role.SYSTEM_ADMIN, username="sysadmin"),
        "own": CadreFactory(department=office, name="本科室甲", current_level="52"),
        "other": CadreFactory(department=finance, name="他科室乙", current_level="52"),
    }


def entry(world, cadre="own", by="staff"):
    return point_entry_create(actor=world[by], cadre=world[cadre], rule=world["rule"],
                              occurred_on=timezone.localdate(), evidence="区委〔2026〕9号")


def talk(world, cadre="own"):
    return talk_create(actor=world["staff"], talk=Talk(cadre=world[cadre], kind="daily", talker=world["leader"],
                                                       held_on=timezone.localdate(), praise="肯定", place="会议室"))


PAGES = ["oversight:points_entries", "oversight:points_review", "oversight:points_ranking", "oversight:points_rules",
         "oversight:points_entry_create", "oversight:talk_list", "oversight:talk_create", "oversight:followup_list",
         "oversight:talk_plan", "oversight:talk_coverage"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_a_system_administrator_is_refused(client, world, name):
    log_in(client, world["admin"])
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_personnel_staff_open_every_page(client, world, name):
    entry(world)
    talk(world)
    talk_plan_save(actor=world["staff"], plan=TalkPlan(year=timezone.localdate().year, leader=world["leader"]))
    log_in(client, world["staff"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "日常监督" in response.content.decode()


def test_a_department_head_sees_only_their_units_entries_talks_and_ranking(client, world):
    entry(world), entry(world, cadre="other")
    talk(world), talk(world, cadre="other")
    log_in(client, world["head"])
    html = client.get(reverse("oversight:points_entries")).content.decode()
    assert "本科室甲" in html and "他科室乙" not in html
    html = client.get(reverse("oversight:talk_list")).content.decode()
    assert "本科室甲" in html and "他科室乙" not in html
    ranking = client.get(reverse("oversight:points_ranking"))
    assert [c.name for c in ranking.context["cadres"]] == ["本科室甲"]
    export = client.get(reverse("oversight:points_ranking_export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["本科室甲"]


def test_out_of_scope_talk_and_review_are_404_and_audited(client, world):
    other_talk, other_entry = talk(world, cadre="other"), entry(world, cadre="other")
    log_in(client, world["head"])
    before = AuditEvent.objects.filter(event="access_denied").count()
    assert client.get(reverse("oversight:talk_detail", args=[other_talk.pk])).status_code == 404
    assert AuditEvent.objects.filter(event="access_denied").count() == before + 1
    # A reviewer outside their scope (a leader reviews all, so use a head with the review right absent): 403.
    assert client.post(reverse("oversight:points_entry_review", args=[other_entry.pk])).status_code == 403


def test_personnel_approve_an_entry_by_post_and_a_second_click_is_refused(client, world):
    pending = entry(world)
    log_in(client, world["staff2"])
    url = reverse("oversight:points_entry_review", args=[pending.pk])
    response = client.post(url, {"decision": "approve", "note": "属实"}, follow=True)
    assert PointEntry.objects.get(pk=pending.pk).state == "approved"
    assert "已审核通过" in response.content.decode()
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert point_messages.NOT_PENDING.format(state="已通过") in response.content.decode()


def test_the_author_sees_the_refusal_and_nothing_changes(client, world):
    pending = entry(world)
    log_in(client, world["staff"])
    response = client.post(reverse("oversight:points_entry_review", args=[pending.pk]), {"decision": "approve"},
                           follow=True)
    assert point_messages.OWN_ENTRY in response.content.decode()
    assert PointEntry.objects.get(pk=pending.pk).state == "pending"


def test_a_review_without_csrf_token_is_refused(world):
    pending = entry(world)
    client = Client(enforce_csrf_checks=True)
    log_in(client, world["staff2"])
    response = client.post(reverse("oversight:points_entry_review", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 403
    assert PointEntry.objects.get(pk=pending.pk).state == "pending"


def test_entering_points_for_a_forged_cadre_outside_scope_is_refused(client, world):
    log_in(client, world["head"])
    response = client.post(reverse("oversight:points_entry_create"), {
        "cadre": world["other"].pk, "rule": world["rule"].pk, "occurred_on": "2026-11-01", "evidence": "x"})
    assert response.status_code == 200 and response.context["form"].errors["cadre"]
    assert not PointEntry.objects.exists()


def test_personnel_record_a_due_talk_through_the_form(client, world):
    due = talk_raise(actor=world["staff"], cadre=world["own"], kind="appointment",
                     due_on=timezone.localdate() + dt.timedelta(days=20), reason="任办公室副主任", source="t:1")
    log_in(client, world["staff"])
    response = client.post(reverse("oversight:talk_record", args=[due.pk]), {
        "talker": world["leader"].pk, "held_on": f"{timezone.localdate():%Y-%m-%d}", "place": "党组书记办公室",
        "praise": "政治坚定", "shortcomings": "", "requirements": "尽快进入角色"})
    assert response.status_code == 302
    due.refresh_from_db()
    assert (due.state, due.talker, due.recorded_by) == ("held", world["leader"], world["staff"])
    response = client.post(reverse("oversight:followup_create", args=[due.pk]),
                           {"item": "一个月内提交工作思路", "due_on": "2026-12-31"})
    assert response.status_code == 302 and TalkFollowUp.objects.filter(talk=due).count() == 1


def test_a_leader_cannot_record_a_talk_held_by_someone_else(client, world):
    log_in(client, world["leader"])
    response = client.post(reverse("oversight:talk_create"), {
        "cadre": world["own"].pk, "kind": "daily", "talker": world["staff"].pk,
        "held_on": f"{timezone.localdate():%Y-%m-%d}", "praise": "好"})
    assert response.status_code == 200 and not Talk.objects.exists()


@pytest.mark.parametrize(("name", "rows"), [
    ("oversight:points_entries", (2, 8)), ("oversight:points_review", (2, 8)), ("oversight:points_ranking", (2, 8)),
    ("oversight:talk_list", (2, 8)), ("oversight:followup_list", (2, 8)), ("oversight:talk_coverage", (2, 8)),
])
def test_list_pages_make_the_same_number_of_queries_whatever_the_rows(client, world, name, rows):
    talk_plan_save(actor=world["staff"], plan=TalkPlan(year=timezone.localdate().year, leader=world["leader"]))
    log_in(client, world["staff2"])
    counts = []
    for target in rows:
        while PointEntry.objects.count() < target:
            cadre = CadreFactory(department=world["office"], current_level="52")
            point_entry_create(actor=world["staff"], cadre=cadre, rule=world["rule"],
                               occurred_on=timezone.localdate(), evidence="文号")
            made = talk_create(actor=world["staff"], talk=Talk(cadre=cadre, kind="daily", talker=world["staff"],
                                                                held_on=timezone.localdate(), praise="好"))
            TalkFollowUp.objects.create(talk=made, item="整改", due_on=timezone.localdate())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    # Session, user, permissions, the desk's counts in the navigation, the page's count and its rows: a fixed
    # number whatever the rows (the rows come with their cadre, unit and users through joins).
    assert counts[0] == counts[1], counts


def test_timeline_sources_take_one_query_whatever_the_entries(world, django_assert_num_queries):
    for _ in range(3):
        point_entry_approve(actor=world["staff2"], entry=entry(world))
        talk(world)
    sources = {source.kind: source for source in timeline.sources({"points", "talk"})}
    user = world["staff"]
    user.has_perm("cadres.view_cadre")  # load the permission cache, as the page has by then
    with django_assert_num_queries(1):  # the entries with their rule
        points = sources["points"].entries(cadre=world["own"], user=user)
    with django_assert_num_queries(1):  # the talks with their talker
        talks = sources["talk"].entries(cadre=world["own"], user=user)
    assert len(points) == 3 and points[0].title == "视图测试表彰（+5分）"
    assert len(talks) == 3


def test_the_desk_counts_what_is_mine(world):
    today = timezone.localdate()
    entry(world)
    talk_raise(actor=world["staff"], cadre=world["own"], kind="reminder", due_on=today - dt.timedelta(days=1),
               reason="诫勉", source="t:overdue")
    talk_plan_save(actor=world["staff"], plan=TalkPlan(year=today.year, leader=world["leader"]))
    staff2 = {task.title: task for task in tasks_for(world["staff2"], today=today)}
    assert staff2["积分记录待审核"].count == 1
    assert staff2["谈话已逾期"].count == 1 and staff2["谈话已逾期"].url.endswith("?due=overdue")
    author = {task.title for task in tasks_for(world["staff"], today=today)}
    assert "积分记录待审核" not in author  # their own entry is not theirs to review
    leader = {task.title: task for task in tasks_for(world["leader"], today=today)}
    assert leader[f"{today.year}年度谈心谈话计划尚未谈话"].count == 2


def test_the_selection_case_page_shows_each_candidates_points(client, db):
    from selection.views.cases import step_url
    from tests.selection.conftest import Workflow, ensure_default_template

    ensure_default_template()
    wf = Workflow()
    case = wf.new_case()
    first, second = [c.cadre for c in case.candidates.order_by("number")]
    rule = PointRule.objects.create(name="选拔页测试", category="bonus", points=Decimal("2.5"), validity_months=12,
                                    evidence_required=False, reviewer_role=Role.PERSONNEL)
    entered = point_entry_create(actor=wf.staff, cadre=first, rule=rule, occurred_on=timezone.localdate())
    point_entry_approve(actor=wf.staff2, entry=entered)
    log_in(client, wf.staff)
    response = client.get(step_url(case.pk))
    points = {row.cadre.pk: row.points for row in response.context["candidate_rows"]}
    assert points == {first.pk: Decimal("2.5"), second.pk: 0}
    assert 'data-testid="candidate-points">2.5<' in response.content.decode()
