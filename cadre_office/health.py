"""The health check that load balancers and monitoring call: ``GET /health/`` (README, 生产部署).

It is open to anonymous callers, so it says only whether each dependency answers and how old the
last nightly dashboard snapshot is: no personal data, no versions, no host names, no error texts
(those go to the log). It costs two database queries and one Redis round trip, and writes nothing:
no audit row, and for a caller without a session cookie (a load balancer) no session and no cookie.

``status`` is "fail" (HTTP 503) when the database or Redis does not answer: the node cannot serve,
and a load balancer takes it out of rotation. It is "warn" (HTTP 200) when the node serves but the
nightly dashboard run (Celery beat and a worker) has not produced a snapshot for over
``SNAPSHOT_MAX_AGE``: a matter for monitoring, not for the load balancer.

Celery workers are not asked (a broadcast ping waits its whole timeout on every call); a stale
snapshot is how a dead beat or worker shows here.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK, WARN, FAIL = "ok", "warn", "fail"
UNKNOWN = "unknown"  # the dashboard's age when the database did not answer

# Seconds to connect to Redis, and to wait for its answer: a probe must not hang a worker.
REDIS_TIMEOUT = 1.0
# The beat starts the nightly run at 01:30 every day; two hours' grace for the run itself.
SNAPSHOT_MAX_AGE = dt.timedelta(hours=26)
# The ``source`` the nightly task gives its snapshots (cadre_office.dashboard.tasks.nightly_recompute):
# a recompute from the page or after an import must not hide a beat that no longer runs.
NIGHTLY_SOURCE = "nightly"


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def check_database() -> dict:
    """Run a trivial query on the default database (one query)."""
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        # One line, no traceback: the probe repeats every few seconds for as long as the outage lasts.
        logger.warning("health check: the database does not answer: %s", exc)
        return {"status": FAIL}
    return {"status": OK, "ms": _elapsed_ms(started)}


def check_redis() -> dict:
    """PING ``settings.REDIS_URL`` (Celery's broker) on a connection of its own, with short timeouts."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    started = time.monotonic()
    client = None
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        # The message names the host and port: the log may have it, the answer may not.
        logger.warning("health check: Redis does not answer: %s", exc)
        return {"status": FAIL}
    finally:
        if client is not None:
            client.close()
    return {"status": OK, "ms": _elapsed_ms(started)}


def check_dashboard(now: dt.datetime) -> dict:
    """Report the last nightly snapshot's date and age (one query); "warn" when none is recent."""
    from cadre_office.dashboard.models import Snapshot

    result = {"as_of": None, "computed_at": None, "age_hours": None, "status": WARN}
    try:
        latest = (Snapshot.objects.filter(source=NIGHTLY_SOURCE).order_by("-computed_at")
                  .values("as_of", "computed_at").first())
    except Exception:
        logger.exception("health check: the dashboard snapshots cannot be read")
        return {**result, "status": UNKNOWN}
    if latest is None:
        return result
    age = now - latest["computed_at"]
    return {
        "as_of": latest["as_of"].isoformat(),
        "computed_at": timezone.localtime(latest["computed_at"]).isoformat(timespec="seconds"),
        "age_hours": round(age.total_seconds() / 3600, 1),
        "status": OK if age <= SNAPSHOT_MAX_AGE else WARN,
    }


def overall_status(checks: dict) -> str:
    """Return "fail" when the database or Redis fails, "warn" when anything else is not ok, else "ok"."""
    if FAIL in (checks["database"]["status"], checks["redis"]["status"]):
        return FAIL
    if any(check["status"] != OK for check in checks.values()):
        return WARN
    return OK


@csrf_exempt
@login_not_required
@never_cache
@require_safe
def health(request):
    """Answer the health check as JSON: HTTP 200 for "ok" and "warn", 503 for "fail"."""
    now = timezone.now()
    checks = {"database": check_database(), "redis": check_redis()}
    if checks["database"]["status"] == OK:
        checks["dashboard"] = check_dashboard(now)
    else:
        checks["dashboard"] = {"as_of": None, "computed_at": None, "age_hours": None, "status": UNKNOWN}
    status = overall_status(checks)
    body = {"status": status, "checks": checks, "time": timezone.localtime(now).isoformat(timespec="seconds")}
    return JsonResponse(body, status=503 if status == FAIL else 200)
