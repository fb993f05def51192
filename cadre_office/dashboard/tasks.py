"""Celery tasks of the dashboard: thin, they take dates and ids and call the services.

All are idempotent (a date computed again replaces its snapshot) and acknowledged late
(settings), so a worker lost mid-task leaves the message to be redelivered.

Their outcome lives in the database (snapshots, the job row), so no result is stored
(``ignore_result``). That also keeps ``delay()`` from subscribing to the Redis result
backend, which, with Redis down, blocks for about 20 seconds and then raises
``RuntimeError`` instead of the broker's ``OperationalError`` (docs/security.md item 28).
A caller that wants the return value passes ``ignore_result=False`` to ``apply_async``.

How a task is sent is here too, next to it (``recompute_job_queue``, ``snapshot_recompute_queue``):
only once the surrounding transaction commits, and with the broker down the error is recorded
rather than raised. The services never import this module; this module calls them.
"""

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from cadre_office.audit.context import audit_source
from cadre_office.dashboard import services

logger = logging.getLogger(__name__)


@shared_task(name="dashboard.compute_snapshot", ignore_result=True)
def compute_snapshot(as_of: str, source: str = "task") -> int:
    """Compute and store the snapshot of one date (ISO string); return its id."""
    with audit_source("task:compute_snapshot"):
        return services.snapshot_compute(as_of=dt.date.fromisoformat(as_of), source=source).pk


@shared_task(name="dashboard.nightly_recompute", ignore_result=True)
def nightly_recompute(today: str | None = None) -> list[str]:
    """Recompute the days missed since the last snapshot, yesterday, and today (the beat runs this at 01:30).

    Yesterday is computed again because its snapshot was taken during the day: changes made
    after that (or while the broker was down) belong to it, and only now is the day over.
    """
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    days = services.snapshot_dates_missing(today=day)
    yesterday = day - dt.timedelta(days=1)
    if yesterday not in days and services.snapshot_exists(as_of=yesterday):
        days.insert(0, yesterday)
    if day not in days:
        days.append(day)  # today again: the roster may have changed since it was last computed
    with audit_source("task:nightly_recompute"):
        for each in days:
            services.snapshot_compute(as_of=each, source="nightly")
    logger.info("dashboard recomputed for %s", ", ".join(d.isoformat() for d in days))
    return [d.isoformat() for d in days]


@shared_task(name="dashboard.run_recompute_job", ignore_result=True)
def run_recompute_job(job_id: int) -> str:
    """Run a recompute asked for from the page, recording its progress on the job row."""
    with audit_source("task:run_recompute_job"):
        return services.recompute_job_run(job_id=job_id).state


@shared_task(name="dashboard.fail_stale_recompute_jobs", ignore_result=True)
def fail_stale_recompute_jobs() -> int:
    """Store recompute jobs lost past their timeout as failed (the beat runs this every 5 minutes)."""
    return services.recompute_jobs_fail_stale()


# --- sending ---------------------------------------------------------------------------------------


def recompute_job_queue(*, actor, as_of: dt.date):
    """Record a recompute of ``as_of`` asked for from the page and send it once the transaction commits.

    With the broker down the job is stored as failed, saying so, instead of failing the page
    (docs/security.md 28).
    """
    job = services.recompute_job_create(actor=actor, as_of=as_of)

    def send() -> None:
        try:
            run_recompute_job.delay(job.pk)
        except OperationalError:
            services.recompute_job_unsent(job_id=job.pk)

    transaction.on_commit(send, robust=True)
    return job


def snapshot_recompute_queue(*, as_of: dt.date | None = None, **kwargs) -> None:
    """Queue today's recompute once the surrounding transaction commits (after a roster import, say).

    ``as_of``, when given and before today, is recomputed too: a change that takes effect on an earlier
    day (a 动态管理 decision dated back) changes that day's figures.

    Registered on the roster's ``cadres.events.roster_changed`` (``DashboardConfig.ready``). By then
    the write has committed, so nothing here may fail it (docs/security.md item 28): with the broker
    unreachable the error is logged and the nightly run computes the day instead; any other error
    (the in-process fallback computing without a plan, say) is logged by Django (robust). A
    rolled-back transaction sends nothing.
    """
    today = timezone.localdate()

    days = sorted({today, *([as_of] if as_of and as_of < today else [])})

    def send() -> None:
        try:
            for day in days:
                compute_snapshot.delay(day.isoformat(), "import")
        except OperationalError:
            logger.warning(
                "Celery broker unreachable: the dashboard of %s is not recomputed now; the nightly run will.",
                today.isoformat(), exc_info=True,
            )

    transaction.on_commit(send, robust=True)
