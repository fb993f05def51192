"""Celery tasks of the roster: thin, they take ids and call the services (``services.roster_uploads``).

All are idempotent and acknowledged late (settings): a redelivered message finds its upload
previewed, applied or failed and does nothing. As with the dashboard's tasks, the outcome lives
in the database, so no result is stored (``ignore_result``, which also keeps ``delay()`` from
waiting on the result backend when Redis is down). A job's soft time limit is the timeout after
which the page shows it failed; the hard limit, a minute later, ends a task stuck past it.
"""

from celery import shared_task
from django.conf import settings

from cadre_office.audit.context import audit_source
from cadres.services import roster_uploads

_SOFT_LIMIT = settings.BACKGROUND_JOB_TIMEOUT.total_seconds()
_LIMITS = {"soft_time_limit": _SOFT_LIMIT, "time_limit": _SOFT_LIMIT + 60}


@shared_task(name="cadres.preview_roster_upload", ignore_result=True, **_LIMITS)
def preview_roster_upload(import_id: int) -> str:
    """Read a large uploaded workbook and store its preview."""
    with audit_source("task:preview_roster_upload"):
        record = roster_uploads.roster_upload_preview(import_id=import_id)
    return record.state if record else ""


@shared_task(name="cadres.apply_roster_upload", ignore_result=True, **_LIMITS)
def apply_roster_upload(import_id: int) -> str:
    """Import a confirmed upload, all rows or none."""
    with audit_source("task:apply_roster_upload"):
        record = roster_uploads.roster_import_apply(import_id=import_id)
    return record.state if record else ""


@shared_task(name="cadres.sweep_roster_imports", ignore_result=True)
def sweep_roster_imports() -> dict:
    """Fail lost import jobs and expire uploads left unconfirmed (the beat runs this every 5 minutes)."""
    with audit_source("task:sweep_roster_imports"):
        result = roster_uploads.roster_imports_sweep()
    return {"timed_out": result.timed_out, "expired": result.expired}
