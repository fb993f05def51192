"""The report archive's writes: ask for a monthly report, build it (the job), mark it 已报送, fail lost jobs.

    request ─► QUEUED ─ job ─► RUNNING ─┬─► READY ─ mark ─► REPORTED (frozen)
                 ▲                      └─► FAILED
                 └─ request again: an open version (queued/running/ready/failed) is rebuilt in place
    a request after REPORTED makes version max+1 beside the frozen one

Idempotent per (month, scope): one open version at a time (the model's constraints), reused by every
request; a version marked 已报送 is never rebuilt, deleted or changed again. The build runs in a Celery
job (``tasks.build_monthly_report``, sent once the request's transaction commits) or, for the
``monthly_report`` command, synchronously in the same function; never inside a web request. A job
still queued or running past ``BACKGROUND_JOB_TIMEOUT`` is failed as lost, like the dashboard's.
"""

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import service_account, tracked_save
from cadre_office.jobs import JOB_TIMED_OUT, ProgressReporter, is_stale, progress_clear, stale_before
from cadre_office.reports import messages
from cadre_office.reports.models import MonthlyReport, report_file_name
from cadre_office.reports.monthly import build_files

logger = logging.getLogger(__name__)

State = MonthlyReport.State
PROGRESS = "monthly_report"  # the kind of job progress (cadre_office.jobs)
PENDING = (State.QUEUED, State.RUNNING)
OPEN = (State.QUEUED, State.RUNNING, State.READY, State.FAILED)
BUREAU = "全局"
SYSTEM_ACCOUNT = "monthly_report"  # authors the history rows of the job, the beat and the sweep


class ReportError(Exception):
    """The action is refused; ``message`` says why, to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_month(today: dt.date | None = None) -> dt.date:
    """Return the first day of the month before ``today``'s (Beijing time by default)."""
    today = today or timezone.localdate()
    return first_of_month(first_of_month(today) - dt.timedelta(days=1))


def scope_label(department) -> str:
    """Return how a scope reads to people: 全局, or the unit's name."""
    return BUREAU if department is None else department.name


def report_label(report: MonthlyReport) -> str:
    """Return ``2026年12月科级干部月报（全局）第1版``: the report as titles and download names call it."""
    return f"{report.month:%Y年%m月}科级干部月报（{scope_label(report.department)}）第{report.version}版"


def file_stem(report: MonthlyReport) -> str:
    """Return the stored files' name without extension: ``2026-12-全局-v1``, never user text (a unit is its id)."""
    scope = BUREAU if report.department_id is None else f"单位{report.department_id}"
    return f"{report.month:%Y-%m}-{scope}-v{report.version}"


def _detail(report: MonthlyReport, **more) -> dict:
    return {"month": f"{report.month:%Y-%m}", "scope": scope_label(report.department), "version": report.version,
            **more}


def _locked(pk: int) -> MonthlyReport | None:
    # ``of``: the unit is joined (nullable) and only the report's row is to be locked.
    return (MonthlyReport.objects.select_for_update(of=("self",)).filter(pk=pk).select_related("department")
            .order_by().first())


# --- asking for a report ----------------------------------------------------------------------------


def monthly_report_request(*, month: dt.date, department, user, enqueue: bool = True) -> MonthlyReport:
    """Queue the build of ``month``'s report over ``department``'s subtree (None: the bureau); return its version.

    The open version of (month, scope) is reused: one queued or running (and not lost) is returned as it
    is; one ready or failed is queued again and rebuilt in place (its files replaced). When every version
    is 已报送 (frozen), version max+1 is made beside them. ``user`` None is the monthly beat. The job is
    sent once the transaction commits (``enqueue=False``: the caller builds it, as the command does).
    Raise ReportError for a month that has not begun.
    """
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ReportError(messages.MONTH_IN_FUTURE)
    try:
        report, queued = _request(month, department, user)
    except IntegrityError:
        # Two requests at once made the same new version: the other one won, and its version is ours too.
        report, queued = _request(month, department, user)
    if queued and enqueue:
        transaction.on_commit(lambda: _send(report.pk), robust=True)
    return report


@transaction.atomic
def _request(month: dt.date, department, user) -> tuple[MonthlyReport, bool]:
    versions = list(MonthlyReport.objects.select_for_update().filter(month=month, department=department)
                    .order_by("-version"))
    actor = user or service_account(SYSTEM_ACCOUNT)
    current = next((each for each in versions if each.state in OPEN), None)
    if current is not None and current.state in PENDING and not is_stale(current.requested_at):
        return current, False
    now = timezone.now()
    if current is None:
        version = (versions[0].version if versions else 0) + 1
        report = MonthlyReport(month=month, department=department, version=version, requested_by=user)
        event, reason = Event.CREATE, "生成月度报表" if version == 1 else "已报送版本之外生成新版本"
    else:
        report = current
        event, reason = Event.UPDATE, "重新生成月度报表"
    report.state, report.error = State.QUEUED, ""
    report.requested_by, report.requested_at = user, now
    report.started_at = report.finished_at = None
    tracked_save(report, actor=actor, reason=reason)
    audit_record(event, actor=user, obj=report, detail=_detail(report, action=reason))
    return report, True


def _send(pk: int) -> None:
    from cadre_office.reports.tasks import build_monthly_report

    try:
        build_monthly_report.delay(pk)
    except OperationalError:
        logger.warning("Celery broker unreachable: monthly report %s not built.", pk, exc_info=True)
        monthly_report_fail(report_id=pk, error=messages.BROKER_DOWN)


# --- the job ----------------------------------------------------------------------------------------


class _Progress(ProgressReporter):
    """``build_files``' progress ``(step, done, total)`` as the archive page's progress bar reads it."""

    def report(self, step: str, done: int, total: int) -> None:
        if step != self.name:
            self.name = step
            self._write(done, total)  # a new step shows at once
        else:
            self(done, total)


def monthly_report_build(*, report_id: int) -> MonthlyReport | None:
    """Build a queued report (the job): running → files and figures stored → ready; failing → failed, logged.

    A redelivered job finds its report built (or failed, or frozen) and does nothing; a job that comes after
    its timeout fails the report instead of building late.
    """
    system = service_account(SYSTEM_ACCOUNT)
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.state not in PENDING:
            return report
        if is_stale(report.requested_at):
            return _fail(report, JOB_TIMED_OUT, actor=system)
        if report.state == State.RUNNING:
            return report  # another delivery of the job is building it
        report.state, report.started_at = State.RUNNING, timezone.now()
        tracked_save(report, actor=system, reason="开始生成")
    departments = None if report.department is None else [report.department]
    reporter = _Progress(PROGRESS, report.pk)
    try:
        built = build_files(report.month, departments=departments, scope_label=scope_label(report.department),
                            progress=reporter.report)
    except SoftTimeLimitExceeded:
        return monthly_report_fail(report_id=report.pk, error=JOB_TIMED_OUT)
    except Exception:
        logger.exception("monthly report %s (%s) failed to build", report.pk, file_stem(report))
        return monthly_report_fail(report_id=report.pk, error=messages.BUILD_FAILED)
    finally:
        progress_clear(PROGRESS, report.pk)
    return _store(report.pk, built, actor=system)


@transaction.atomic
def _store(report_id: int, built, *, actor) -> MonthlyReport | None:
    report = _locked(report_id)
    if report is None or report.state != State.RUNNING:
        return report  # failed as lost while it built: its result is not wanted
    stem = file_stem(report)
    for field, content in (("xlsx", built.xlsx), ("pdf", built.pdf)):
        stored = getattr(report, field)
        if stored:
            stored.delete(save=False)  # the open version's earlier files: replaced, under the same name
        target = report_file_name(report, f"{stem}.{field}")
        if stored.storage.exists(target):
            # Left by a build whose transaction rolled back: the name is this version's alone, so it is stale.
            stored.storage.delete(target)
        stored.save(f"{stem}.{field}", ContentFile(content), save=False)
    report.figures, report.state, report.error, report.finished_at = built.figures, State.READY, "", timezone.now()
    tracked_save(report, actor=actor, reason="生成完成")
    logger.info("monthly report %s built: %s, %s", report.pk, report.xlsx.name, report.pdf.name)
    return report


def monthly_report_fail(*, report_id: int, error: str) -> MonthlyReport | None:
    """Store a queued or running report as failed with ``error`` (a Chinese reason the page shows)."""
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.state not in PENDING:
            return report
        return _fail(report, error, actor=service_account(SYSTEM_ACCOUNT))


def _fail(report: MonthlyReport, error: str, *, actor, now=None) -> MonthlyReport:
    report.state, report.error, report.finished_at = State.FAILED, error[:500], now or timezone.now()
    tracked_save(report, actor=actor, reason="生成失败")
    return report


# --- 已报送 --------------------------------------------------------------------------------------------


@transaction.atomic
def monthly_report_mark_reported(*, report: MonthlyReport, user) -> MonthlyReport:
    """Mark a ready report 已报送 by ``user``: it is frozen from now on. Raise ReportError otherwise."""
    locked = _locked(report.pk)
    if locked is None:
        raise ReportError(messages.NOT_READY_TO_SUBMIT.format(state="已不存在"))
    if locked.state == State.REPORTED:
        who = locked.reported_by.get_full_name() or locked.reported_by.username if locked.reported_by else "—"
        at = f"{timezone.localtime(locked.reported_at):%Y-%m-%d %H:%M}"
        raise ReportError(messages.ALREADY_REPORTED.format(at=at, who=who))
    if locked.state != State.READY:
        raise ReportError(messages.NOT_READY_TO_SUBMIT.format(state=locked.get_state_display()))
    locked.state, locked.reported_by, locked.reported_at = State.REPORTED, user, timezone.now()
    tracked_save(locked, actor=user, reason="标记已报送")
    audit_record(Event.WORKFLOW, actor=user, obj=locked, detail=_detail(locked, action="标记已报送"))
    return locked


# --- lost jobs ---------------------------------------------------------------------------------------


def monthly_report_fail_if_stale(*, report: MonthlyReport, now=None) -> MonthlyReport:
    """Fail ``report`` when it is still queued or running past BACKGROUND_JOB_TIMEOUT (the status view's check)."""
    if report.state not in PENDING or not is_stale(report.requested_at, now):
        return report
    with transaction.atomic():
        locked = _locked(report.pk)
        if locked is not None and locked.state in PENDING and is_stale(locked.requested_at, now):
            _fail(locked, JOB_TIMED_OUT, actor=service_account(SYSTEM_ACCOUNT), now=now)
    report.refresh_from_db()
    return report


@transaction.atomic
def monthly_reports_fail_stale(*, now=None) -> int:
    """Fail every report job lost past BACKGROUND_JOB_TIMEOUT (the sweep, every 5 minutes); return how many."""
    now = now or timezone.now()
    lost = list(MonthlyReport.objects.select_for_update(skip_locked=True)
                .filter(state__in=PENDING, requested_at__lt=stale_before(now)).order_by("pk"))
    if lost:
        system = service_account(SYSTEM_ACCOUNT)
        for report in lost:
            _fail(report, JOB_TIMED_OUT, actor=system, now=now)
        logger.info("monthly reports: %d lost jobs failed", len(lost))
    return len(lost)


# --- the beat --------------------------------------------------------------------------------------


def monthly_report_request_last_month(*, today: dt.date | None = None) -> MonthlyReport | None:
    """Queue the bureau's report of the month just ended (the beat on the 1st); None when it is already 已报送."""
    month = last_month(today)
    if MonthlyReport.objects.filter(month=month, department=None, state=State.REPORTED).exists():
        return None
    return monthly_report_request(month=month, department=None, user=None)
