"""实践锻炼 and 岗位交流 pages: anonymous, without permission, out of scope, permitted; forms; flat query counts."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadres.models import PostAssignment
from cadres.services.cadres import post_start
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, log_in, role_user
from training.models import PracticePlacement, RotationPlan
from training.services import practice as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    return {
        "office": office, "finance": finance,
        "staff": role_user(Role.PERSONNEL, username="staff"),
        "leader": role_user(Role.LEADER, username="leader"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "admin": role_user(Role.SYSTEM_ADMIN, username="sysadmin"),
        "own": member(office, "本科室甲"),
        "other": member(finance, "他科室乙"),
    }


def member(department, name=None, *, years=6):
    cadre = CadreFactory(department=department, **({"name": name} if name else {}))
    today = timezone.localdate()
    post_start(actor=UserFactory(username=f"f{cadre.pk}"), cadre=cadre, department=department, title="副科长",
               level="52", start_date=today.replace(year=today.year - years))
    cadre.refresh_from_db()
    return cadre


def placement(world, cadre="own"):
    today = timezone.localdate()
    return services.placement_create(actor=world["staff"], placement=PracticePlacement(
        cadre=world[cadre] if isinstance(cadre, str) else cadre, kind="secondment", host="区政务服务中心",
        role="挂任副主任", planned_start=today, planned_end=today + dt.timedelta(days=180)))


def rotation(world, cadre="own", day=None):
    return services.rotation_create(actor=world["staff"], plan=RotationPlan(
        cadre=world[cadre] if isinstance(cadre, str) else cadre, to_department=world["office"],
        to_title="综合科副科长", to_level="52", planned_date=day or timezone.localdate(), reason="交流"))


PAGES = ["training:placement_list", "training:placement_export", "training:placement_create",
         "training:rotation_list", "training:rotation_export", "training:rotation_candidates",
         "training:rotation_candidates_export"]


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
    placement(world)
    rotation(world)
    log_in(client, world["staff"])
    assert client.get(reverse(name)).status_code == 200


def test_the_detail_pages_and_forms_open_for_staff(client, world):
    made, plan = placement(world), rotation(world)
    log_in(client, world["staff"])
    for url in (reverse("training:placement_detail", args=[made.pk]),
                reverse("training:placement_update", args=[made.pk]),
                reverse("training:rotation_detail", args=[plan.pk]),
                reverse("training:rotation_create", args=[world["other"].pk])):
        assert client.get(url).status_code == 200, url
    response = client.get(reverse("training:rotation_create", args=[world["other"].pk]))
    assert response.context["from_post"].title == "副科长"  # the current post: the one the cadre moves from
    assert response.context["form"].initial["to_level"] == "52"  # a rotation keeps the level unless changed


def test_a_department_head_sees_only_their_units_and_gets_404_elsewhere(client, world):
    own, other = placement(world), placement(world, "other")
    own_plan, other_plan = rotation(world), rotation(world, "other")
    log_in(client, world["head"])
    html = client.get(reverse("training:placement_list")).content.decode()
    assert "本科室甲" in html and "他科室乙" not in html
    html = client.get(reverse("training:rotation_list")).content.decode()
    assert "本科室甲" in html and "他科室乙" not in html
    candidates = client.get(reverse("training:rotation_candidates"))
    assert [c.name for c in candidates.context["candidates"]] == ["本科室甲"]
    before = AuditEvent.objects.filter(event="access_denied").count()
    assert client.get(reverse("training:placement_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("training:rotation_detail", args=[other_plan.pk])).status_code == 404
    assert AuditEvent.objects.filter(event="access_denied").count() == before + 2
    assert client.get(reverse("training:placement_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("training:rotation_detail", args=[own_plan.pk])).status_code == 200
    # Read only: no writing page, no step.
    assert client.get(reverse("training:placement_create")).status_code == 403
    assert client.post(reverse("training:placement_start", args=[own.pk])).status_code == 403
    assert client.post(reverse("training:rotation_carry_out", args=[own_plan.pk])).status_code == 403
    for name in ("training:placement_export", "training:rotation_export", "training:rotation_candidates_export"):
        export = client.get(reverse(name))
        sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
        assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["本科室甲"], name


def test_exports_are_audited_and_refused_without_the_export_right(client, world):
    placement(world)
    discipline = role_user(Role.DISCIPLINE, username="jijian")
    log_in(client, discipline)
    assert client.get(reverse("training:placement_list")).status_code == 200
    assert client.get(reverse("training:placement_export")).status_code == 403
    log_in(client, world["staff"])
    response = client.get(reverse("training:placement_export"), {"state": "planned"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.filter(event="export", object_type="training.practiceplacement").get()
    assert event.detail == {"filters": {"state": "planned"}, "rows": 1}


def test_staff_register_start_and_end_a_placement_through_the_forms(client, world):
    today = timezone.localdate()
    log_in(client, world["staff"])
    response = client.post(reverse("training:placement_create"), {
        "cadre": world["own"].pk, "kind": "grass_roots", "host": "城关街道办事处", "role": "挂任副主任",
        "mentor": "李书记", "planned_start": f"{today:%Y-%m-%d}",
        "planned_end": f"{today + dt.timedelta(days=90):%Y-%m-%d}"})
    made = PracticePlacement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("training:placement_detail", args=[made.pk])
    response = client.post(reverse("training:placement_start", args=[made.pk]), {"started_on": f"{today:%Y-%m-%d}"})
    assert response.status_code == 302
    # An end without its assessment text comes back with the error on the form, nothing saved.
    response = client.post(reverse("training:placement_end", args=[made.pk]),
                           {"ended_on": f"{today:%Y-%m-%d}", "assessment": "good", "assessment_text": ""})
    assert response.status_code == 200 and response.context["end_form"].errors["assessment_text"]
    assert PracticePlacement.objects.get().state == "under_way"
    response = client.post(reverse("training:placement_end", args=[made.pk]),
                           {"ended_on": f"{today:%Y-%m-%d}", "assessment": "good", "assessment_text": "表现良好"})
    assert response.status_code == 302
    assert PracticePlacement.objects.get().state == "ended"


def test_a_forged_cadre_outside_scope_does_not_validate(client, world):
    head_writer = role_user(Role.PERSONNEL, username="staff_scoped")
    log_in(client, head_writer)
    response = client.post(reverse("training:placement_create"), {"cadre": 999999, "kind": "grass_roots"})
    assert response.status_code == 200 and response.context["form"].errors["cadre"]
    assert not PracticePlacement.objects.exists()


def test_staff_plan_and_carry_out_a_rotation_through_the_pages(client, world):
    today = timezone.localdate()
    log_in(client, world["staff"])
    response = client.post(reverse("training:rotation_create", args=[world["other"].pk]), {
        "to_department": world["office"].pk, "to_title": "综合科副科长", "to_level": "52",
        "planned_date": f"{today:%Y-%m-%d}", "reason": "同一岗位任职满5年", "document": "区财党组〔2026〕3号"})
    plan = RotationPlan.objects.get()
    assert response.status_code == 302 and plan.from_post.title == "副科长"
    response = client.post(reverse("training:rotation_carry_out", args=[plan.pk]), follow=True)
    assert "已执行岗位交流" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == "done" and PostAssignment.objects.get(pk=plan.new_post_id).start_date == today
    response = client.post(reverse("training:rotation_carry_out", args=[plan.pk]), follow=True)
    assert services.ROTATION_NOT_PLANNED.format(state="已交流") in response.content.decode()


def test_a_second_plan_for_the_same_cadre_comes_back_with_the_message(client, world):
    rotation(world, "other", day=timezone.localdate() + dt.timedelta(days=30))
    log_in(client, world["staff"])
    response = client.post(reverse("training:rotation_create", args=[world["other"].pk]), {
        "to_department": world["office"].pk, "to_title": "人事科副科长", "planned_date": "2027-01-01",
        "reason": "交流"})
    assert response.status_code == 200
    assert services.ROTATION_ALREADY_PLANNED.format(name="他科室乙") in response.content.decode()


@pytest.mark.parametrize("name", ["training:placement_list", "training:rotation_list", "training:rotation_candidates"])
def test_list_pages_make_the_same_number_of_queries_whatever_the_rows(client, world, name):
    log_in(client, world["staff"])
    counts = []
    for target in (2, 8):
        while PracticePlacement.objects.count() < target:
            cadre = member(world["finance"])
            placement(world, cadre)
            rotation(world, cadre, day=timezone.localdate() + dt.timedelta(days=10))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    # Session, user, permissions, the settings row where the page reads it, the page's count and its rows:
    # a fixed number whatever the rows (each row's cadre, unit, posts and plan come through joins and subqueries).
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("name", ["training:placement_export", "training:rotation_export",
                                  "training:rotation_candidates_export"])
def test_exports_make_the_same_number_of_queries_whatever_the_rows(client, world, name):
    log_in(client, world["staff"])
    counts = []
    for target in (2, 8):
        while PracticePlacement.objects.count() < target:
            cadre = member(world["finance"])
            placement(world, cadre)
            rotation(world, cadre, day=timezone.localdate() + dt.timedelta(days=10))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    # The rows in one query with their joins, plus session, permissions and the one audit row.
    assert counts[0] == counts[1], counts


def test_the_placement_list_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for _ in range(5):
        placement(world, member(world["finance"]))
    log_in(client, world["staff"])
    client.get(reverse("training:placement_list"))  # warm the session's desk counts
    # 1 session, 1 user, 1 the second-factor device, 2 the user's and their groups' permissions, 1 the count,
    # 1 the settings row (the reminder window), 1 the role shown in the top bar, 1 the filter bar's unit
    # choices, 1 the rows with their cadre, unit and author (joins), 3 the session's rolling expiry written
    # back (savepoint, update, release).
    with django_assert_num_queries(13):
        response = client.get(reverse("training:placement_list"))
    assert len(response.context["placements"]) == 5
