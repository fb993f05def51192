"""理论培训 pages: anonymous, without permission, out of scope, with permission; query counts; exports; import."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cadre_office import desk
from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadres import timeline
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user
from tests.training.factories_programmes import ProgrammeFactory
from training.models import Enrolment, TrainingSettings
from training.registry_programmes import TrainingSource, appointment_training_due, hours_short_this_year
from training.services.programmes import enrolment_complete, enrolments_add
from training.services.programmes_import import HEADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    staff = role_user(Role.PERSONNEL, username="staff", first_name="人事甲")
    programme = ProgrammeFactory(name="科级干部政策理论培训班", hours=Decimal("40"), start_date=dt.date(2026, 9, 1),
                                 end_date=dt.date(2026, 9, 5))
    own = CadreFactory(department=office, name="张三", current_level="51")
    other = CadreFactory(department=finance, name="李四", current_level="52")
    enrolments_add(actor=staff, programme=programme, cadres=[own, other])
    return {"office": office, "finance": finance, "programme": programme, "own": own, "other": other,
            "staff": staff, "leader": role_user(Role.LEADER, username="leader"),
            "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
            "admin": role_user("系统管理员", username="sysadmin")}


def enrolment(world, which="other"):
    return Enrolment.objects.get(cadre=world[which])


PAGES = [
    lambda w: reverse("training:programme_list"),
    lambda w: reverse("training:programme_calendar"),
    lambda w: reverse("training:programme_detail", args=[w["programme"].pk]),
    lambda w: reverse("training:hours_table"),
    lambda w: reverse("training:hours_shortfall"),
    lambda w: reverse("training:appointment_due"),
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_goes_to_login_and_a_role_without_training_gets_403(client, world, url):
    response = client.get(url(world))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    log_in(client, world["admin"])
    assert client.get(url(world)).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_readers_open_every_page(client, world, url):
    for role in ("staff", "leader", "head"):
        log_in(client, world[role])
        assert client.get(url(world)).status_code == 200, role


def test_the_detail_lists_only_the_enrolments_in_scope(client, world):
    log_in(client, world["head"])
    response = client.get(reverse("training:programme_detail", args=[world["programme"].pk]))
    assert [e.cadre.name for e in response.context["enrolments"]] == ["张三"]
    log_in(client, world["staff"])
    response = client.get(reverse("training:programme_detail", args=[world["programme"].pk]))
    assert {e.cadre.name for e in response.context["enrolments"]} == {"张三", "李四"}


def test_an_enrolment_out_of_scope_is_404_and_a_head_may_not_record(client, world):
    log_in(client, world["head"])
    assert client.get(reverse("training:enrolment_complete", args=[enrolment(world).pk])).status_code == 403
    log_in(client, world["leader"])
    assert client.post(reverse("training:enrolment_withdraw", args=[enrolment(world).pk])).status_code == 403


def test_a_unit_out_of_scope_is_404_in_the_hours_drill_down(client, world):
    log_in(client, world["head"])
    assert client.get(reverse("training:hours_unit", args=[world["finance"].pk])).status_code == 404
    assert client.get(reverse("training:hours_unit_export", args=[world["finance"].pk])).status_code == 404
    response = client.get(reverse("training:hours_unit", args=[world["office"].pk]))
    assert [c.name for c in response.context["cadres"]] == ["张三"]
    rows = client.get(reverse("training:hours_table")).context["rows"]
    assert [r["name"] for r in rows] == ["办公室"]


def test_personnel_staff_create_a_programme_and_complete_an_enrolment(client, world):
    log_in(client, world["staff"])
    response = client.post(reverse("training:programme_create"), {
        "name": "法治政府建设专题培训", "category": "law", "kind": "general", "mode": "online", "organiser": "区司法局",
        "start_date": "2026-10-10", "end_date": "2026-10-09", "hours": "12"})
    assert response.status_code == 200 and "结束日期不能早于开始日期。" in response.content.decode()
    response = client.post(reverse("training:programme_create"), {
        "name": "法治政府建设专题培训", "category": "law", "kind": "general", "mode": "online", "organiser": "区司法局",
        "start_date": "2026-10-10", "end_date": "2026-10-12", "hours": "12"})
    assert response.status_code == 302
    response = client.post(reverse("training:enrolment_complete", args=[enrolment(world).pk]),
                           {"hours": "", "credited_on": "", "certificate_no": "DX-9"})
    assert response.status_code == 302
    assert (enrolment(world).hours, enrolment(world).credited_on) == (Decimal("40"), dt.date(2026, 9, 5))
    response = client.post(reverse("training:enrolment_withdraw", args=[enrolment(world).pk]), follow=True)
    assert "已结业，不能退训" in response.content.decode()


def test_enrolment_search_finds_cadres_in_scope_and_enrols_them(client, world):
    fresh = CadreFactory(department=world["office"], name="欧阳明华")
    programme = ProgrammeFactory()
    log_in(client, world["staff"])
    response = client.get(reverse("training:enrolment_create", args=[programme.pk]) + "?q=ouyang")
    assert [c.name for c in response.context["results"]] == ["欧阳明华"]
    response = client.post(reverse("training:enrolment_create", args=[programme.pk]), {"cadres": [fresh.pk]})
    assert response.status_code == 302 and Enrolment.objects.filter(programme=programme, cadre=fresh).exists()


def _workbook(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, programme, content, name="考勤.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("training:attendance_import", args=[programme.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def test_import_pages_show_row_errors_or_preview_then_confirm(client, world):
    log_in(client, world["staff"])
    own, other = world["own"], world["other"]
    response = _upload(client, world["programme"], _workbook([["张三", own.id_number, 50, 0, "是", "", ""]]))
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-error-rows"' in body and "第2行" in body
    assert not Enrolment.objects.filter(state="completed").exists()
    response = _upload(client, world["programme"], _workbook([["张三", own.id_number, 40, 0, "是", "", ""],
                                                              ["李四", other.id_number, 38, 1, "否", "", ""]]))
    assert response.status_code == 302
    confirm = reverse("training:attendance_confirm", args=[world["programme"].pk])
    assert len(client.get(confirm).context["rows"]) == 2
    response = client.post(confirm, {"action": "confirm"})
    assert response.status_code == 302
    assert enrolment(world, "own").state == "completed" and enrolment(world).attended_hours == Decimal("38")
    assert client.get(confirm).status_code == 302  # nothing left to confirm


def test_a_department_head_cannot_import(client, world):
    log_in(client, world["head"])
    assert client.get(reverse("training:attendance_import", args=[world["programme"].pk])).status_code == 403
    assert client.get(reverse("training:attendance_template", args=[world["programme"].pk])).status_code == 403


def test_settings_page_is_for_personnel_staff(client, world):
    log_in(client, world["leader"])
    assert client.get(reverse("training:settings")).status_code == 403
    log_in(client, world["staff"])
    data = {"required_hours": "80", "required_days": "12", "hours_per_day": "7.5", "promotion_training_months": "12",
            "same_post_years": "5", "young_age_limit": "35", "young_min_education": "bachelor",
            "placement_reminder_days": "30"}
    assert client.post(reverse("training:settings"), data).status_code == 302
    assert TrainingSettings.current().required_hours == Decimal("80")


# --- query counts that do not grow with the rows -------------------------------------------------------


def _fill(world, n):
    programmes = [ProgrammeFactory(start_date=dt.date(2026, 4, 1 + i), end_date=dt.date(2026, 4, 2 + i))
                  for i in range(n)]
    for i, programme in enumerate(programmes):
        cadre = CadreFactory(department=world["office"] if i % 2 else world["finance"], current_level="52")
        enrolment_complete(actor=world["staff"], enrolment=enrolments_add(actor=world["staff"], programme=programme,
                                                                         cadres=[cadre])[0],
                           today=dt.date(2026, 12, 2))


def _count(client, django_assert_num_queries, url, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


# Every page costs 9 queries of its own kind: the session, the user, the user's OTP device, the user's and the
# groups' permissions, the user's groups (navigation), and the session's save (savepoint, update, release).
# On top, each page's own (below). The numbers are the same with 2 and with 8 rows.
BASE = 9


@pytest.mark.parametrize("rows", [2, 8])
def test_list_pages_query_counts_do_not_grow_with_rows(client, world, django_assert_num_queries, rows):
    _fill(world, rows)
    log_in(client, world["staff"])
    client.get(reverse("training:programme_list"))  # warm the session's caches
    # programme list: the count, the page of programmes with their scoped counts
    _count(client, django_assert_num_queries, reverse("training:programme_list"), BASE + 2)
    # calendar: the month's programmes
    _count(client, django_assert_num_queries, reverse("training:programme_calendar") + "?month=2026-04", BASE + 1)
    # hours table: the settings, the grouped query (cadres LEFT JOIN their hours, by unit), the units' names
    _count(client, django_assert_num_queries, reverse("training:hours_table"), BASE + 3)
    # shortfall: the settings, the count, the filter's units, the page
    _count(client, django_assert_num_queries, reverse("training:hours_shortfall"), BASE + 4)
    # the unit's cadres: the unit (in scope), the settings, the count, the page
    _count(client, django_assert_num_queries, reverse("training:hours_unit", args=[world["office"].pk]), BASE + 4)
    # the programme detail: the programme, its enrolments with their cadres and units
    _count(client, django_assert_num_queries, reverse("training:programme_detail", args=[world["programme"].pk]),
           BASE + 2)


@pytest.mark.parametrize("name", ["programme_export", "hours_table_export", "hours_shortfall_export",
                                  "appointment_due_export"])
def test_exports_are_scoped_and_audited(client, world, name):
    _fill(world, 2)
    log_in(client, world["head"])
    response = client.get(reverse(f"training:{name}"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    assert "李四" not in text and "财务科" not in text
    assert AuditEvent.objects.filter(event="export", user=world["head"]).count() == 1


def test_exports_need_the_export_right(client, world):
    log_in(client, role_user("纪检监察", username="jijian"))
    assert client.get(reverse("training:hours_table")).status_code == 200
    assert client.get(reverse("training:hours_table_export")).status_code == 403


# --- the record and the desk ------------------------------------------------------------------------------


def test_the_timeline_shows_completed_training_in_one_query(world, django_assert_num_queries):
    enrolment_complete(actor=world["staff"], enrolment=enrolment(world, "own"), certificate_no="DX-1",
                       today=dt.date(2026, 12, 2))
    staff = world["staff"]
    staff.has_perm("training.view_enrolment")  # permissions cached
    with django_assert_num_queries(1):
        entries = TrainingSource().entries(cadre=world["own"], user=staff)
    assert [(e.title, e.on, e.until) for e in entries] == [
        ("参加培训：科级干部政策理论培训班（40学时）", dt.date(2026, 9, 1), dt.date(2026, 9, 5))]
    assert any(isinstance(s, TrainingSource) for s in timeline.sources({"training"}))
    assert TrainingSource().entries(cadre=world["other"], user=world["head"]) == []


def test_desk_lines(world):
    world["own"].current_post_start = dt.date(2026, 6, 1)
    world["own"].save()
    lines = appointment_training_due(user=world["staff"], today=dt.date(2026, 12, 2))
    assert [(t.title, t.count) for t in lines] == [("任职培训待完成", 1)]
    assert appointment_training_due(user=world["head"], today=dt.date(2026, 12, 2)) == []
    assert hours_short_this_year(user=world["staff"], today=dt.date(2026, 9, 30)) == []  # before October
    lines = hours_short_this_year(user=world["head"], today=dt.date(2026, 12, 2))
    assert [(t.title, t.count, t.tone) for t in lines] == [("本年度学时未达标", 1, "warning")]
    assert hours_short_this_year in desk._providers
