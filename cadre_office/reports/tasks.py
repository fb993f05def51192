"""Celery tasks of the report archive: thin, they take ids and call the services.

Idempotent and acknowledged late (settings): a redelivered build finds its report built, failed or
frozen and does nothing. The outcome lives in the database, so no result is stored (``ignore_result``,
which also keeps ``delay()`` from waiting on the result backend when Redis is down). The soft time
limit is the timeout after which the page shows the job failed; the hard limit ends a task stuck past it.
"""

from celery import shared_task
from django.conf import settings

from cadre_office.audit.context import audit_source
from cadre_office.reports import services

_SOFT_LIMIT = settings.BACKGROUND_JOB_TIMEOUT.total_seconds()
_LIMITS = {"soft_time_limit": _SOFT_LIMIT, "time_limit": _SOFT_LIMIT + 60}


@shared_task(name="reports.build_monthly_report", ignore_result=True, **_LIMITS)
def build_monthly_report(report_id: int) -> str:
    """Build one queued monthly report's figures, workbook and PDF into the archive."""
    with audit_source("task:build_monthly_report"):
        report = services.monthly_report_build(report_id=report_id)
    return report.state if report else ""


@shared_task(name="reports.monthly_report_beat", ignore_result=True)
def monthly_report_beat() -> int | None:
    """Queue the bureau's report of the month just ended (the beat runs this on the 1st at 02:00)."""
    with audit_source("task:monthly_report_beat"):
        report = services.monthly_report_request_last_month()
    return report.pk if report else None


@shared_task(name="reports.fail_stale_monthly_reports", ignore_result=True)
def fail_stale_monthly_reports() -> int:
    """Store report jobs lost past their timeout as failed (the beat runs this every 5 minutes)."""
    with audit_source("task:fail_stale_monthly_reports"):
        return services.monthly_reports_fail_stale()
