"""Browser journey of the monthly report's archive (issue 15 acceptance) with a real Celery worker.

Personnel staff run last month's report for the bureau and watch its progress bar while a real worker
process (``celery worker``, Redis database 14, a queue of its own: tests/dashboard/test_worker.py) builds
the real workbook and PDF; download both files (an xlsx openpyxl reads, a PDF); mark it 已报送; run it again
and see version 2 beside the frozen version 1. Nothing is built inside a web request: the page only queues.

The app's message goes to the test worker's queue: ``build_monthly_report.delay`` is pointed at it (with a
two-second countdown, so the queued state and its progress bar are on the page before the worker starts).
The worker reads and writes the live server's database (a file on SQLite, the test database on PostgreSQL)
and the test's MEDIA_ROOT, so the page serves the files the worker stored. Without Redis the journey fails.
"""

import datetime as dt
import io
import re

import openpyxl
import pytest

from cadre_office.reports import services
from cadre_office.reports.models import MonthlyReport
from cadres.codes import LeadershipLevel
from tests.browser.conftest import assert_accessible, log_in
from tests.dashboard.test_worker import running_worker
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"
BUILD_TIMEOUT = 90_000  # ms: a worker on a busy CI machine renders the PDF in seconds, not minutes


@pytest.fixture
def roster(transactional_db):
    office = DepartmentFactory(name="办公室")
    for name, level, title, birth in (("张正", LeadershipLevel.TOWNSHIP_CHIEF, "科长", dt.date(1980, 3, 1)),
                                      ("王副", LeadershipLevel.TOWNSHIP_DEPUTY, "副科长", dt.date(1990, 6, 1))):
        PostFactory(cadre=CadreFactory(name=name, department=office, birth_date=birth), level=level, title=title,
                    start_date=dt.date(2020, 1, 1))
    return role_user("人事干部", username="renshi_r", first_name="王人事", password=PASSWORD)


def download(page, testid: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(f"#report-status [data-testid={testid}]")
    done = info.value
    with open(done.path(), "rb") as handle:
        return done.suggested_filename, handle.read()


def wait_built(page) -> None:
    page.wait_for_selector("#report-status[data-state=ready], #report-status[data-state=failed]",
                           timeout=BUILD_TIMEOUT)
    assert page.get_attribute("#report-status", "data-state") == "ready", page.inner_text("#report-status")


def test_staff_run_last_months_report_download_it_mark_it_reported_and_run_it_again(
        page, roster, tmp_path, settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))  # the worker stores where the page reads
    month = services.last_month()
    label = f"{month:%Y年%m月}科级干部月报（全局）"
    with running_worker(tmp_path) as worker:
        monkeypatch.setattr("cadre_office.reports.tasks.build_monthly_report.delay", lambda pk: worker.client.send_task(
            "reports.build_monthly_report", args=[pk], queue=worker.queue, countdown=2))
        log_in(page, "renshi_r", PASSWORD)
        page.goto(page.base_url + "/reports/")
        page.click("[data-testid=run-report]")
        assert page.input_value("#id_month") == f"{month:%Y-%m}"  # last month by default
        assert page.input_value("#id_scope") == "bureau"
        page.click("[data-testid=run-submit]")

        assert page.inner_text("[data-testid=report-title]") == f"{label}第1版"
        status = page.locator("#report-status")
        assert status.get_attribute("data-state") in ("queued", "running")
        assert page.locator("[data-testid=report-progress]").is_visible()
        wait_built(page)
        assert_accessible(page)  # the report's page, built (WCAG 2.1 AA)

        name, xlsx = download(page, "download-xlsx")
        assert name == f"{label}第1版.xlsx"
        workbook = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
        assert workbook.sheetnames
        name, pdf = download(page, "download-pdf")
        assert name == f"{label}第1版.pdf" and pdf.startswith(b"%PDF-")

        page.click("#report-status [data-testid=submit]")
        page.click("[data-testid=confirm-submit]")
        page.wait_for_selector("[data-testid=frozen]")
        assert "王人事" in page.inner_text("#report-status")

        page.click("[data-testid=run-again]")
        assert page.input_value("#id_month") == f"{month:%Y-%m}"
        page.click("[data-testid=run-submit]")
        assert page.inner_text("[data-testid=report-title]") == f"{label}第2版"
        wait_built(page)
        versions = page.locator("[data-testid=version-row]")
        assert versions.count() == 2
        assert re.search(r"第2版\s*已生成", versions.nth(0).inner_text())
        assert re.search(r"第1版\s*已报送", versions.nth(1).inner_text())

        page.goto(page.base_url + "/reports/")
        rows = page.locator("[data-testid=report-row]")
        assert [rows.nth(i).get_attribute("data-version") for i in range(rows.count())] == ["2", "1"]
        assert "已报送" in rows.nth(1).inner_text() and "王人事" in rows.nth(1).inner_text()
        assert_accessible(page)
        assert "Traceback" not in worker.output(last=1_000_000)

    v1, v2 = MonthlyReport.objects.order_by("version")
    assert (v1.state, v2.state) == (MonthlyReport.State.REPORTED, MonthlyReport.State.READY)
    assert v1.xlsx.name != v2.xlsx.name and v1.xlsx.read()[:2] == b"PK"
