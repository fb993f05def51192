"""The report archive's services (issue 15 items 1 and 4): ask, build, mark 已报送, versions, lost jobs.

Idempotent per (month, scope): the open version is rebuilt in place; a frozen (已报送) one never
changes, and asking again makes the next version beside it. The job stores its files under names of
our own making; a failing build is stored failed with a Chinese reason and logged; a job lost past
BACKGROUND_JOB_TIMEOUT fails like the dashboard's.
"""

import datetime as dt
import logging
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from cadre_office.audit.models import AuditEvent
from cadre_office.jobs import JOB_TIMED_OUT
from cadre_office.reports import messages, services
from cadre_office.reports.models import MonthlyReport
from cadre_office.reports.structure import monthly_report_figures
from cadres.codes import LeadershipLevel
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, role_user
from tests.reports.conftest import NOVEMBER, PDF_BYTES, XLSX_BYTES

pytestmark = pytest.mark.django_db

State = MonthlyReport.State


@pytest.fixture
def staff(db):
    return role_user("人事干部", first_name="王人事")


def ask(staff, capture, *, month=NOVEMBER, department=None):
    """Ask for a report and let its transaction commit (the job runs then, in-process in the tests)."""
    with capture(execute=True):
        report = services.monthly_report_request(month=month, department=department, user=staff)
    report.refresh_from_db()
    return report


def test_asking_queues_a_job_that_builds_the_files_and_the_figures(staff, fake_build,
                                                                   django_capture_on_commit_callbacks):
    office = DepartmentFactory(name="办公室")
    PostFactory(cadre=CadreFactory(department=office), level=LeadershipLevel.TOWNSHIP_CHIEF, title="科长",
                start_date=dt.date(2020, 1, 1))
    report = ask(staff, django_capture_on_commit_callbacks, month=dt.date(2026, 11, 17))

    assert (report.month, report.department, report.version, report.state) == (NOVEMBER, None, 1, State.READY)
    assert report.requested_by == staff and report.started_at and report.finished_at
    assert report.xlsx.name == "reports/2026/2026-11-全局-v1.xlsx"
    assert report.pdf.name == "reports/2026/2026-11-全局-v1.pdf"
    assert report.xlsx.read().startswith(XLSX_BYTES) and report.pdf.read().startswith(PDF_BYTES)
    assert report.figures == monthly_report_figures(NOVEMBER)  # the same numbers as --json
    assert report.figures["structure"]["正科"]["total"] == 1
    assert fake_build == [(NOVEMBER, None, "全局")]
    reasons = list(report.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["生成月度报表", "开始生成", "生成完成"]
    audit = AuditEvent.objects.get(object_type="reports.monthlyreport")
    assert (audit.event, audit.user) == ("create", staff)
    assert (audit.detail["month"], audit.detail["scope"], audit.detail["version"]) == ("2026-11", "全局", 1)


def test_a_unit_report_covers_its_subtree_and_its_file_names_carry_the_units_id_not_its_name(
        staff, fake_build, django_capture_on_commit_callbacks):
    office = DepartmentFactory(name="办公室/../x")
    report = ask(staff, django_capture_on_commit_callbacks, department=office)
    assert fake_build == [(NOVEMBER, [office], "办公室/../x")]
    assert report.xlsx.name == f"reports/2026/2026-11-单位{office.pk}-v1.xlsx"
    assert services.report_label(report) == "2026年11月科级干部月报（办公室/../x）第1版"


def test_asking_again_rebuilds_the_open_version_in_place_and_replaces_its_files(
        staff, fake_build, django_capture_on_commit_callbacks, settings):
    first = ask(staff, django_capture_on_commit_callbacks)
    other = role_user("人事干部")
    again = ask(other, django_capture_on_commit_callbacks)

    assert again.pk == first.pk and again.version == 1 and again.state == State.READY
    assert again.requested_by == other
    assert again.xlsx.name == first.xlsx.name  # the same name: the old file was removed first
    assert again.xlsx.read() == XLSX_BYTES + b"2"
    stored = sorted(p.name for p in (settings.MEDIA_ROOT / "reports" / "2026").iterdir())
    assert stored == ["2026-11-全局-v1.pdf", "2026-11-全局-v1.xlsx"]
    assert MonthlyReport.objects.count() == 1 and len(fake_build) == 2


def test_a_failed_version_is_rebuilt_in_place(staff, fake_build, django_capture_on_commit_callbacks):
    report = ask(staff, django_capture_on_commit_callbacks)
    MonthlyReport.objects.filter(pk=report.pk).update(state=State.FAILED, error="x")
    again = ask(staff, django_capture_on_commit_callbacks)
    assert (again.pk, again.state, again.error) == (report.pk, State.READY, "")


def test_a_report_queued_or_running_is_not_sent_twice(staff, fake_build, django_capture_on_commit_callbacks):
    with mock.patch("cadre_office.reports.tasks.build_monthly_report.delay") as delay:
        first = ask(staff, django_capture_on_commit_callbacks)
        second = ask(staff, django_capture_on_commit_callbacks)
    assert first.pk == second.pk and second.state == State.QUEUED
    delay.assert_called_once_with(first.pk)


def test_marking_reported_freezes_the_version_and_asking_again_makes_version_2_beside_it(
        staff, fake_build, django_capture_on_commit_callbacks):
    first = ask(staff, django_capture_on_commit_callbacks)
    leader = role_user("人事干部", first_name="李报送")
    frozen = services.monthly_report_mark_reported(report=first, user=leader)
    assert (frozen.state, frozen.reported_by) == (State.REPORTED, leader) and frozen.reported_at
    files = (frozen.xlsx.name, frozen.pdf.name)

    second = ask(staff, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.version == 2 and second.state == State.READY
    assert second.xlsx.name == "reports/2026/2026-11-全局-v2.xlsx"
    first.refresh_from_db()
    assert first.state == State.REPORTED and (first.xlsx.name, first.pdf.name) == files
    assert first.xlsx.read() == XLSX_BYTES + b"1"  # untouched by the second build
    assert services.monthly_report_build(report_id=first.pk).state == State.REPORTED  # a stray job: nothing
    assert len(fake_build) == 2
    assert AuditEvent.objects.filter(event="workflow", object_id=str(first.pk)).get().detail["action"] == "标记已报送"

    third = ask(staff, django_capture_on_commit_callbacks)  # version 2 is open: rebuilt, no version 3
    assert third.pk == second.pk and MonthlyReport.objects.count() == 2


def test_only_a_ready_report_can_be_marked_reported_and_only_once(staff, fake_build,
                                                                   django_capture_on_commit_callbacks):
    queued = services.monthly_report_request(month=NOVEMBER, department=None, user=staff, enqueue=False)
    with pytest.raises(services.ReportError) as refused:
        services.monthly_report_mark_reported(report=queued, user=staff)
    assert refused.value.message == messages.NOT_READY_TO_SUBMIT.format(state="排队中")
    built = services.monthly_report_build(report_id=queued.pk)
    services.monthly_report_mark_reported(report=built, user=staff)
    with pytest.raises(services.ReportError, match="已冻结"):
        services.monthly_report_mark_reported(report=built, user=staff)


def test_a_month_not_yet_begun_is_refused(staff):
    next_month = (timezone.localdate().replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    with pytest.raises(services.ReportError) as refused:
        services.monthly_report_request(month=next_month, department=None, user=staff)
    assert refused.value.message == messages.MONTH_IN_FUTURE
    assert not MonthlyReport.objects.exists()


def test_a_failing_build_is_stored_failed_with_a_chinese_reason_and_logged(staff, monkeypatch, caplog,
                                                                             django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr("cadre_office.reports.services.build_files", broken)
    with caplog.at_level(logging.ERROR, logger="cadre_office.reports.services"):
        report = ask(staff, django_capture_on_commit_callbacks)
    assert (report.state, report.error) == (State.FAILED, messages.BUILD_FAILED)
    assert not report.xlsx and not report.pdf
    assert "2026-11-全局-v1" in caplog.text and "boom" in caplog.text


def test_with_the_broker_down_the_report_fails_saying_so(staff, django_capture_on_commit_callbacks):
    with mock.patch("cadre_office.reports.tasks.build_monthly_report.delay", side_effect=OperationalError("down")):
        report = ask(staff, django_capture_on_commit_callbacks)
    assert (report.state, report.error) == (State.FAILED, messages.BROKER_DOWN)


def test_jobs_lost_past_the_timeout_fail_and_a_late_job_builds_nothing(staff, fake_build, settings):
    queued = services.monthly_report_request(month=NOVEMBER, department=None, user=staff, enqueue=False)
    unit = services.monthly_report_request(month=NOVEMBER, department=DepartmentFactory(), user=staff, enqueue=False)
    later = timezone.now() + settings.BACKGROUND_JOB_TIMEOUT + dt.timedelta(seconds=1)
    assert services.monthly_reports_fail_stale(now=timezone.now()) == 0
    MonthlyReport.objects.filter(pk=unit.pk).update(state=State.RUNNING)
    assert services.monthly_reports_fail_stale(now=later) == 2
    for report in (queued, unit):
        report.refresh_from_db()
        assert (report.state, report.error) == (State.FAILED, JOB_TIMED_OUT)

    lost = services.monthly_report_request(month=dt.date(2026, 10, 1), department=None, user=staff, enqueue=False)
    MonthlyReport.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - settings.BACKGROUND_JOB_TIMEOUT * 2)
    assert services.monthly_report_build(report_id=lost.pk).state == State.FAILED
    assert fake_build == []


def test_the_page_check_fails_a_lost_job_and_asking_again_requeues_it(staff, fake_build, settings,
                                                                       django_capture_on_commit_callbacks):
    queued = services.monthly_report_request(month=NOVEMBER, department=None, user=staff, enqueue=False)
    later = timezone.now() + settings.BACKGROUND_JOB_TIMEOUT + dt.timedelta(seconds=1)
    assert services.monthly_report_fail_if_stale(report=queued).state == State.QUEUED
    assert services.monthly_report_fail_if_stale(report=queued, now=later).state == State.FAILED
    MonthlyReport.objects.filter(pk=queued.pk).update(state=State.QUEUED,
                                                      requested_at=timezone.now() - settings.BACKGROUND_JOB_TIMEOUT * 2)
    again = ask(staff, django_capture_on_commit_callbacks)  # lost in the queue: asked again, built now
    assert (again.pk, again.state) == (queued.pk, State.READY)


def test_the_beat_asks_for_last_months_bureau_report_once(fake_build, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.monthly_report_request_last_month(today=dt.date(2027, 1, 1))
    report.refresh_from_db()
    assert (report.month, report.department, report.requested_by, report.state) == (
        dt.date(2026, 12, 1), None, None, State.READY)
    assert report.history.first().history_user.username == services.SYSTEM_ACCOUNT
    services.monthly_report_mark_reported(report=report, user=role_user("人事干部"))
    assert services.monthly_report_request_last_month(today=dt.date(2027, 1, 1)) is None  # reported: left alone
    assert MonthlyReport.objects.count() == 1


def test_last_month_is_the_month_before_todays():
    assert services.last_month(dt.date(2027, 1, 1)) == dt.date(2026, 12, 1)
    assert services.last_month(dt.date(2026, 3, 31)) == dt.date(2026, 2, 1)
