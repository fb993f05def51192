"""Background jobs the pages follow: how long they may take, and their live progress.

A job (a dashboard recompute, a roster import's preview or confirmation) still queued or running
``settings.BACKGROUND_JOB_TIMEOUT`` after it was asked for is taken as lost (no worker came, or
the worker died): it is stored and shown as failed, and the page stops asking (docs/security.md 36).

Live progress lives in the cache, not in the job's row: an import writes every row in one
transaction, and nothing that transaction writes (progress included) is visible to the page before
it commits. In production the cache is Redis, shared by the web and the worker; with the
local-memory cache of development the page sees the job's states without the counts.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

JOB_TIMED_OUT = "超时未完成，请重试"
# How often (seconds) a running job writes its progress at most.
PROGRESS_INTERVAL = 0.5


def job_timeout() -> dt.timedelta:
    return settings.BACKGROUND_JOB_TIMEOUT


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """Return the moment before which a job still queued or running counts as lost."""
    return (now or timezone.now()) - job_timeout()


def is_stale(started_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    return started_at is not None and started_at < stale_before(now)


@dataclass(frozen=True)
class Progress:
    """What a running job last said of itself: the step it is on and how far it got."""

    step: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return max(0, min(100, round(100 * self.done / self.total)))


def _key(kind: str, pk: int) -> str:
    return f"job-progress:{kind}:{pk}"


def progress_get(kind: str, pk: int) -> Progress | None:
    """Return the progress job ``kind``/``pk`` last reported, or None (none yet, or the cache is down)."""
    try:
        value = cache.get(_key(kind, pk))
    except Exception:  # the cache being down costs the page its progress bar, nothing more
        logger.warning("job progress unreadable from the cache", exc_info=True)
        return None
    return Progress(**value) if isinstance(value, dict) else None


def progress_clear(kind: str, pk: int) -> None:
    try:
        cache.delete(_key(kind, pk))
    except Exception:
        logger.warning("job progress not cleared from the cache", exc_info=True)


class ProgressReporter:
    """Report a job's progress to the cache, at most every ``PROGRESS_INTERVAL`` seconds.

    Call it with ``(done, total)``; ``step(name)`` starts the next step (and reports at once).
    Errors of the cache are logged and otherwise ignored: progress never fails a job.
    """

    def __init__(self, kind: str, pk: int):
        self.key = _key(kind, pk)
        self.name = ""
        self.last = 0.0

    def step(self, name: str, total: int = 0) -> None:
        self.name = name
        self._write(0, total)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL:
            self._write(done, total)

    def _write(self, done: int, total: int) -> None:
        self.last = time.monotonic()
        value = {"step": self.name, "done": done, "total": total}
        try:
            cache.set(self.key, value, timeout=int(job_timeout().total_seconds()) + 600)
        except Exception:
            logger.warning("job progress not written to the cache", exc_info=True)
