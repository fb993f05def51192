"""The report archive's pages (issue 15 item 4): list, run, report page and progress, downloads, 已报送.

Each view anonymous (to the login), without permission (403), out of scope (404, audited as 越权访问)
and with permission. A 科室负责人 sees the reports of units inside their grants only, never the bureau's.
Query counts are pinned and do not grow with the archive.
"""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadre_office.reports import messages, services
from cadre_office.reports.models import MonthlyReport
from tests.factories import DepartmentFactory, log_in, role_user
from tests.reports.conftest import NOVEMBER, PDF_BYTES, XLSX_BYTES

pytestmark = pytest.mark.django_db

State = MonthlyReport.State


@pytest.fixture
def world(db, fake_build):
    """A bureau report (v1 已报送, v2 ready), one of 办公室's sub-unit (ready) and one of 财务科 (ready)."""
    office = DepartmentFactory(name="办公室")
    archive = DepartmentFactory(name="档案组", parent=office)
    finance = DepartmentFactory(name="财务科")
    staff = role_user("人事干部", first_name="王人事")
    head = role_user("科室负责人", departments=[office])

    def built(department, month=NOVEMBER):
        report = services.monthly_report_request(month=month, department=department, user=staff, enqueue=False)
        return services.monthly_report_build(report_id=report.pk)

    bureau_v1 = services.monthly_report_mark_reported(report=built(None), user=staff)
    return {"office": office, "archive": archive, "finance": finance, "staff": staff, "head": head,
            "bureau_v1": bureau_v1, "bureau_v2": built(None), "own": built(archive), "other": built(finance),
            "built": built}


def urls(report) -> list[str]:
    return [reverse(name, args=[report.pk]) for name in (
        "reports:monthly_detail", "reports:monthly_status", "reports:monthly_xlsx", "reports:monthly_pdf",
        "reports:monthly_submit")]


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    for url in [reverse("reports:index"), reverse("reports:monthly_run"), *urls(world["own"])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_accounts_without_the_permission_are_refused(client, world):
    log_in(client, role_user("系统管理员"))
    for url in [reverse("reports:index"), reverse("reports:monthly_run"), *urls(world["own"])]:
        assert client.get(url).status_code == 403, url
    log_in(client, role_user("局领导"))  # reads and downloads, neither runs nor marks
    assert client.get(reverse("reports:monthly_run")).status_code == 403
    assert client.post(reverse("reports:monthly_run"), {"month": "2026-10", "scope": "bureau"}).status_code == 403
    assert client.post(reverse("reports:monthly_submit", args=[world["bureau_v2"].pk])).status_code == 403
    assert client.get(reverse("reports:monthly_xlsx", args=[world["bureau_v2"].pk])).status_code == 200


def test_the_archive_lists_every_version_with_who_and_when(client, world, django_assert_num_queries):
    log_in(client, world["staff"])
    # session, user, second-factor device, user and group permissions (2), the filter bar's units (scope
    # choices), the count, the user's groups (the header's role), the page (reports with unit and people in
    # one join), and the session's save (savepoint, update, release).
    with django_assert_num_queries(12):
        response = client.get(reverse("reports:index"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = list(response.context["reports"])
    assert [(r.department, r.version) for r in rows] == [
        (None, 2), (None, 1), (world["archive"], 1), (world["finance"], 1)]  # v2 beside v1
    assert "已报送" in html and "王人事" in html and "标记已报送" in html
    for _ in range(5):
        world["built"](world["office"], month=dt.date(2026, 10, 1))
        world["built"](world["finance"], month=dt.date(2026, 9, 1))
    with django_assert_num_queries(12):  # the same whatever the archive holds
        assert client.get(reverse("reports:index")).status_code == 200


def test_the_archive_filters_by_month_scope_and_state(client, world):
    log_in(client, world["staff"])
    index = reverse("reports:index")
    listed = lambda **query: [r.pk for r in client.get(index, query).context["reports"]]  # noqa: E731
    assert listed(scope="bureau") == [world["bureau_v2"].pk, world["bureau_v1"].pk]
    assert listed(scope=str(world["finance"].pk)) == [world["other"].pk]
    assert listed(state="reported") == [world["bureau_v1"].pk]
    assert listed(month="2026-11", scope="bureau", state="ready") == [world["bureau_v2"].pk]
    assert listed(month="2026-10") == []
    response = client.get(index, {"month": "2026-13"})  # a wrong month: the form's error, not a 500
    assert response.status_code == 200


def test_a_department_head_sees_only_reports_inside_their_units(client, world):
    log_in(client, world["head"])
    response = client.get(reverse("reports:index"))
    assert [r.pk for r in response.context["reports"]] == [world["own"].pk]
    assert "全局" not in [label for _, label in response.context["filter_form"].fields["scope"].choices]
    assert client.get(reverse("reports:monthly_detail", args=[world["own"].pk])).status_code == 200
    assert client.get(reverse("reports:monthly_pdf", args=[world["own"].pk])).status_code == 200


def test_out_of_scope_reports_are_not_found_and_the_attempt_is_audited(client, world):
    log_in(client, world["head"])
    for report in (world["bureau_v1"], world["other"]):
        for url in urls(report)[:4]:
            assert client.get(url).status_code == 404, url
    denied = AuditEvent.objects.filter(event="access_denied", user=world["head"])
    assert denied.count() == 8
    assert {e.object_id for e in denied} == {str(world["bureau_v1"].pk), str(world["other"].pk)}
    assert not AuditEvent.objects.filter(event="download", user=world["head"]).exists()


def test_downloads_carry_the_chinese_name_and_are_audited(client, world):
    log_in(client, world["staff"])
    report = world["bureau_v1"]
    response = client.get(reverse("reports:monthly_xlsx", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(XLSX_BYTES)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "2026年11月科级干部月报（全局）第1版.xlsx" in unquote(response["Content-Disposition"])
    response = client.get(reverse("reports:monthly_pdf", args=[report.pk]))
    assert b"".join(response.streaming_content).startswith(PDF_BYTES)
    assert response["Content-Type"] == "application/pdf"
    assert "2026年11月科级干部月报（全局）第1版.pdf" in unquote(response["Content-Disposition"])
    audits = AuditEvent.objects.filter(event="download", user=world["staff"]).order_by("pk")
    assert [(a.detail["month"], a.detail["scope"], a.detail["version"], a.detail["format"]) for a in audits] == [
        ("2026-11", "全局", 1, "xlsx"), ("2026-11", "全局", 1, "pdf")]
    assert {a.object_id for a in audits} == {str(report.pk)}


def test_a_report_not_built_has_nothing_to_download(client, world):
    log_in(client, world["staff"])
    queued = services.monthly_report_request(month=dt.date(2026, 10, 1), department=None, user=world["staff"],
                                             enqueue=False)
    assert client.get(reverse("reports:monthly_xlsx", args=[queued.pk])).status_code == 404
    assert not AuditEvent.objects.filter(event="download").exists()


def test_running_queues_the_job_and_sends_to_the_reports_page(client, world, django_capture_on_commit_callbacks):
    log_in(client, world["staff"])
    form = client.get(reverse("reports:monthly_run"))
    assert form.context["form"]["month"].value() == services.last_month()
    assert form.context["form"].fields["scope"].choices[0][0] == "bureau"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:monthly_run"), {"month": "2026-10", "scope": str(world["office"].pk)})
    report = MonthlyReport.objects.get(month=dt.date(2026, 10, 1))
    assert response.status_code == 302 and response["Location"] == reverse("reports:monthly_detail", args=[report.pk])
    assert (report.department, report.requested_by, report.state) == (world["office"], world["staff"], State.READY)

    response = client.post(reverse("reports:monthly_run"), {"month": "2999-01", "scope": "bureau"})
    assert response.status_code == 200 and messages.MONTH_IN_FUTURE in response.content.decode()
    response = client.post(reverse("reports:monthly_run"), {"month": "2026-13", "scope": "bureau"})
    assert messages.MONTH_INVALID in response.content.decode()


def test_the_reports_page_shows_the_versions_and_the_frozen_one_says_who_reported_it(client, world,
                                                                                      django_assert_num_queries):
    log_in(client, world["staff"])
    # session, user, second-factor device, permissions (2), the report (with unit and people), the user's groups
    # (the header's role), the versions (with their people), and the session's save (savepoint, update, release).
    with django_assert_num_queries(11):
        response = client.get(reverse("reports:monthly_detail", args=[world["bureau_v1"].pk]))
    html = response.content.decode()
    assert [v.version for v in response.context["versions"]] == [2, 1]
    assert 'data-testid="frozen"' in html and "王人事" in html and "本版本已冻结" in html
    assert reverse("reports:monthly_submit", args=[world["bureau_v1"].pk]) not in html
    html = client.get(reverse("reports:monthly_detail", args=[world["bureau_v2"].pk])).content.decode()
    assert reverse("reports:monthly_submit", args=[world["bureau_v2"].pk]) in html


def test_the_progress_fragment_polls_while_queued_and_reloads_the_page_once_built(client, world):
    log_in(client, world["staff"])
    queued = services.monthly_report_request(month=dt.date(2026, 10, 1), department=None, user=world["staff"],
                                             enqueue=False)
    url = reverse("reports:monthly_status", args=[queued.pk])
    assert client.get(url)["Location"] == reverse("reports:monthly_detail", args=[queued.pk])  # not htmx
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in response.content.decode() and "HX-Refresh" not in response
    services.monthly_report_build(report_id=queued.pk)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and 'data-testid="download-xlsx"' in response.content.decode()


def test_marking_reported_asks_first_then_freezes(client, world):
    log_in(client, world["staff"])
    report = world["bureau_v2"]
    url = reverse("reports:monthly_submit", args=[report.pk])
    assert 'data-testid="confirm-submit"' in client.get(url).content.decode()
    report.refresh_from_db()
    assert report.state == State.READY  # asking is not marking
    response = client.post(url)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.reported_by) == (State.REPORTED, world["staff"])
    response = client.post(url, follow=True)  # a second time: refused, said so
    assert "已冻结" in response.content.decode()
