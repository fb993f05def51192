"""定期考察 pages: anonymous, without permission, out of scope (404), permitted; query counts flat in the rows."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from cadre_office.audit.models import AuditEvent
from cadre_office.desk import tasks_for
from cadres.timeline import sources
from oversight import messages_inspection as msg
from oversight import services
from oversight.models import AnnualAppraisal, InspectionShortcoming, InspectionVisit, QuarterlyGrade, QuarterlyReview
from tests.factories import CadreFactory, DepartmentFactory, log_in
from tests.oversight.inspection_helpers import LAST_YEAR, PERIOD, all_graded, make_world

pytestmark = pytest.mark.django_db
YEAR, QUARTER = PERIOD


@pytest.fixture
def world(db):
    return make_world()


def grid(world, unit="office", action=""):
    name = f"oversight:quarterly_{action}" if action else "oversight:quarterly_grid"
    return reverse(name, args=[world[unit].pk, YEAR, QUARTER])


def annual(world, unit="office"):
    return reverse("oversight:annual_grid", args=[world[unit].pk, LAST_YEAR])


def test_anonymous_users_are_sent_to_login(client, world):
    for url in (reverse("oversight:quarterly_overview"), grid(world), grid(world, action="confirm"),
                annual(world), reverse("oversight:settings")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_role_without_the_permission_is_refused(client, world):
    log_in(client, world["sysadmin"])
    for url in (reverse("oversight:quarterly_overview"), grid(world), annual(world), reverse("oversight:settings")):
        assert client.get(url).status_code == 403


def test_a_head_sees_and_enters_only_their_units(client, world):
    log_in(client, world["head"])
    overview = client.get(reverse("oversight:quarterly_overview") + f"?year={YEAR}&quarter={QUARTER}")
    assert overview.status_code == 200
    assert [row.unit.name for row in overview.context["rows"]] == ["办公室", "档案组"]
    assert client.get(grid(world)).status_code == 200
    assert client.get(grid(world, "archive")).status_code == 200
    assert client.get(grid(world, "finance")).status_code == 404
    stranger = world["other"][0]
    assert client.post(grid(world, "finance"), {f"grade_{stranger.pk}": "good"}).status_code == 404
    assert not QuarterlyGrade.objects.exists()
    assert AuditEvent.objects.filter(event="access_denied", object_type="cadres.department").count() == 2
    # Annual grades and the confirmation are personnel staff's.
    assert client.get(annual(world)).status_code == 403
    assert client.post(grid(world, action="confirm")).status_code == 403


def test_a_head_fills_and_submits_then_personnel_confirms(client, world):
    log_in(client, world["head"])
    a, b, c = world["own"]
    data = {f"grade_{a.pk}": "good", f"grade_{b.pk}": "fair", f"note_{b.pk}": "", f"grade_{c.pk}": "poor",
            f"note_{c.pk}": "多次迟到", "action": "submit"}
    response = client.post(grid(world), data)
    assert response.status_code == 302
    review = QuarterlyReview.objects.get()
    assert review.state == "submitted"
    page = client.get(grid(world))
    assert not page.context["editable"] and "已提交，待确认" in page.text
    log_in(client, world["staff"])
    assert client.post(grid(world, action="confirm")).status_code == 302
    review.refresh_from_db()
    assert review.state == "confirmed" and review.confirmed_by == world["staff"]
    page = client.get(grid(world))
    assert "已确认并锁定" in page.text and 'name="reason"' in page.text


def test_a_forged_cadre_posted_to_the_grid_is_refused_with_the_message(client, world):
    log_in(client, world["head"])
    stranger = world["other"][0]
    response = client.post(grid(world), {f"grade_{world['own'][0].pk}": "good", f"grade_{stranger.pk}": "good"})
    assert response.status_code == 200
    assert response.context["errors"] == [msg.GRID_FOREIGN_CADRE.format(name="钱五", unit="办公室",
                                                                        period=f"{YEAR}年第三季度")]
    assert not QuarterlyGrade.objects.exists()


def test_reopen_without_a_reason_says_so(client, world):
    services.quarterly_grades_save(actor=world["head"], department=world["office"], year=YEAR, quarter=QUARTER,
                                   grades=all_graded(world["own"]), submit=True)
    log_in(client, world["staff"])
    response = client.post(grid(world, action="reopen"), {"reason": ""}, follow=True)
    assert msg.GRID_REOPEN_REASON in response.text
    assert QuarterlyReview.objects.get().state == "submitted"
    client.post(grid(world, action="reopen"), {"reason": "请核实"})
    assert QuarterlyReview.objects.get().state == "draft"


def test_the_template_download_is_audited_and_the_upload_is_checked_before_parsing(client, world):
    log_in(client, world["head"])
    response = client.get(grid(world, action="template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(event="export", object_type="cadres.department").count() == 1
    assert client.get(grid(world, "finance", action="template")).status_code == 404
    not_xlsx = io.BytesIO(b"a,b,c")
    not_xlsx.name = "grid.csv"
    response = client.post(grid(world, action="import"), {"file": not_xlsx})
    assert response.status_code == 200 and msg.IMPORT_NOT_XLSX in response.text
    book = Workbook()
    book.active.append(["编号", "姓名", "等次"])
    book.active.append([world["own"][0].pk, "王一", "较好"])
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "grid.xlsx"
    assert client.post(grid(world, action="import"), {"file": upload}).status_code == 302
    assert QuarterlyGrade.objects.get().grade == "fair"


def test_personnel_enter_annual_grades_and_see_conflicts_before_saving(client, world):
    import datetime as dt

    from oversight.models import DisciplineAction

    CadreFactory.create_batch(20, department=world["finance"])
    a, b, _c = world["own"]
    DisciplineAction.objects.create(cadre=a, kind="warning", decided_on=dt.date(LAST_YEAR, 5, 1),
                                    effect_until=dt.date(LAST_YEAR, 11, 1))
    log_in(client, world["staff"])
    page = client.get(annual(world))
    assert page.status_code == 200
    conflict = msg.CONFLICT_EXCLUDE.format(name="王一", year=LAST_YEAR, kind="警告", decided=f"{LAST_YEAR}-05-01")
    assert conflict in page.text
    response = client.post(annual(world), {f"grade_{a.pk}": "excellent", f"grade_{b.pk}": "competent"})
    assert response.status_code == 200 and response.context["errors"] == [conflict]
    assert not AnnualAppraisal.objects.exists()
    assert client.post(annual(world), {f"grade_{a.pk}": "competent", f"grade_{b.pk}": "excellent"}).status_code == 302
    assert dict(AnnualAppraisal.objects.values_list("cadre__name", "grade")) == {"王一": "competent",
                                                                                "李二": "excellent"}
    # Leaders and discipline inspection read; they cannot save.
    for reader in ("leader", "discipline"):
        log_in(client, world[reader])
        assert client.get(annual(world)).status_code == 200
        assert client.post(annual(world), {f"grade_{a.pk}": "basic"}).status_code == 403


def test_settings_are_personnel_staffs_to_change(client, world):
    log_in(client, world["leader"])
    assert client.get(reverse("oversight:settings")).status_code == 200
    assert client.post(reverse("oversight:settings"), {"excellent_share_percent": 25}).status_code == 403
    log_in(client, world["staff"])
    response = client.post(reverse("oversight:settings"), {"excellent_share_percent": 30})
    assert response.status_code == 200 and "excellent_share_percent" in response.context["form"].errors
    assert client.post(reverse("oversight:settings"), {"excellent_share_percent": 25}).status_code == 302
    rule = reverse("oversight:conflict_rule_create")
    assert client.post(rule, {"name": "当年受严重警告处分的不得确定为优秀", "kinds": ["serious_warning"],
                              "condition": "decided", "outcome": "exclude_excellent", "is_active": "on",
                              "sort_order": 30}).status_code == 302


# --- query counts: flat in the rows ---------------------------------------------------------------


def _units(n, cadres_each):
    for index in range(n):
        unit = DepartmentFactory(name=f"批量科{index}")
        CadreFactory.create_batch(cadres_each, department=unit)


def test_the_quarterly_overview_costs_the_same_with_more_units(client, world, django_assert_num_queries):
    log_in(client, world["staff"])
    url = reverse("oversight:quarterly_overview") + f"?year={YEAR}&quarter={QUARTER}"
    client.get(url)
    # Session and user (2), permissions (2), the units with their rosters (1), the grids with their
    # counts (1), the navigation's desk lines (4: grids awaiting confirmation, units not submitted, the
    # year not complete, and the other apps' counts the base template reads) — whatever the number of units.
    with django_assert_num_queries(_count(client, url)) as few:
        client.get(url)
    _units(5, 3)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def test_the_grids_cost_the_same_with_more_cadres(client, world, django_assert_num_queries):
    log_in(client, world["staff"])
    for url in (grid(world), annual(world)):
        baseline = _count(client, url)
        CadreFactory.create_batch(6, department=world["office"])
        with django_assert_num_queries(baseline):
            client.get(url)


def test_the_annual_overview_costs_the_same_with_more_units(client, world, django_assert_num_queries):
    log_in(client, world["staff"])
    url = reverse("oversight:annual_overview") + f"?year={LAST_YEAR}"
    baseline = _count(client, url)
    _units(4, 2)
    with django_assert_num_queries(baseline):
        client.get(url)


# --- timeline and desk -----------------------------------------------------------------------------


def test_the_timeline_sources_cost_one_query_each(world, django_assert_num_queries):
    import datetime as dt

    a = world["own"][0]
    services.quarterly_grades_save(actor=world["head"], department=world["office"], year=YEAR, quarter=QUARTER,
                                   grades=all_graded(world["own"], "fair"), submit=True)
    services.quarterly_review_confirm(actor=world["staff"], review=QuarterlyReview.objects.get())
    AnnualAppraisal.objects.create(cadre=a, year=LAST_YEAR - 1, grade="excellent")
    visit = InspectionVisit.objects.create(
        cadre=a, visited_on=dt.date(LAST_YEAR, 11, 1), inspectors="组织人事科 张某",
        **{f"{key}_rating": "good" for key, _ in InspectionVisit.ASPECTS})
    for text in ("统筹能力不足", "调研不够"):
        InspectionShortcoming.objects.create(cadre=a, visit=visit, area="performance", description=text)
    for user in (world["head"], world["staff"]):
        user.get_all_permissions()  # loaded once per request by the timeline page; not the sources'
    (appraisal,) = sources({"appraisal"})
    (inspection,) = sources({"inspection"})
    with django_assert_num_queries(1):
        entries = appraisal.entries(cadre=a, user=world["staff"])
    assert sorted(entry.title for entry in entries) == [
        f"{LAST_YEAR - 1}年度考核：优秀", f"{YEAR}年第3季度平时考核：较好"]
    with django_assert_num_queries(1):
        (entry,) = inspection.entries(cadre=a, user=world["staff"])
    assert "工作实绩方面统筹能力不足" in entry.detail and "调研不够" in entry.detail
    assert len(inspection.entries(cadre=a, user=world["head"])) == 1  # their unit's cadre, as on the record page
    assert inspection.entries(cadre=a, user=world["sysadmin"]) == []


def test_the_desk_tells_the_head_and_personnel_what_is_due(world, django_assert_num_queries):
    import datetime as dt

    from oversight.desk_inspection import inspection_tasks

    today = dt.date(LAST_YEAR, 10, 15)  # the first month of Q4: the third quarter's grid is due
    for user in (world["head"], world["staff"]):
        user.get_all_permissions()  # loaded once per request by the page around the desk; not the provider's
    with django_assert_num_queries(1):
        (line,) = inspection_tasks(user=world["head"], today=today)
    assert line.count == 2 and f"year={YEAR}&quarter=3&state=pending" in line.url
    services.quarterly_grades_save(actor=world["head"], department=world["office"], year=YEAR, quarter=3,
                                   grades=all_graded(world["own"]), submit=True)
    assert inspection_tasks(user=world["head"], today=today)[0].count == 1
    with django_assert_num_queries(3):
        lines = inspection_tasks(user=world["staff"], today=today)
    assert [(line.title, line.count) for line in lines] == [
        (f"{YEAR}年第三季度平时考核待确认", 1), (f"{YEAR}年第三季度平时考核未提交的单位", 2),
        (f"{YEAR - 1}年度考核未录入完整的单位", 3)]
    assert tasks_for(world["sysadmin"], today=today) == []
