"""The health check at /health/ (cadre_office/health.py) that load balancers and monitoring call."""

import datetime as dt
import json
import socket
import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadre_office.dashboard.models import Snapshot
from cadre_office.dashboard.services import snapshot_compute
from tests.dashboard.test_celery import default_plan

pytestmark = pytest.mark.django_db

URL = "/health/"


@pytest.fixture
def redis_up(settings):
    """The real Redis at REDIS_URL, as in production; like the worker test, never skipped."""
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        pytest.fail(f"Redis does not answer at REDIS_URL ({exc}): the health check tests need the real Redis "
                    "(start redis-server).", pytrace=False)


def nightly_snapshot(*, hours_ago: float, as_of: dt.date | None = None, source: str = "nightly") -> Snapshot:
    """Store a snapshot as the nightly run would, computed ``hours_ago`` (computed_at is auto_now)."""
    snapshot = Snapshot.objects.create(plan=default_plan(), as_of=as_of or timezone.localdate(), source=source)
    Snapshot.objects.filter(pk=snapshot.pk).update(computed_at=timezone.now() - dt.timedelta(hours=hours_ago))
    return snapshot


def get_health(client=None, **extra):
    response = (client or Client()).get(URL, **extra)
    return response, json.loads(response.content)


def test_the_url_is_named_health():
    assert reverse("health") == URL


def test_ok_with_database_redis_and_a_fresh_nightly_snapshot(redis_up):
    today = timezone.localdate()
    snapshot_compute(as_of=today, plan=default_plan(), source="nightly")  # what the 01:30 run does

    response, body = get_health()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"
    dashboard = body["checks"]["dashboard"]
    assert dashboard["status"] == "ok" and dashboard["as_of"] == today.isoformat()
    assert 0 <= dashboard["age_hours"] < 0.1
    computed_at = dt.datetime.fromisoformat(dashboard["computed_at"])
    assert computed_at.utcoffset() == dt.timedelta(hours=8)  # local time, Asia/Shanghai
    assert abs(timezone.now() - computed_at) < dt.timedelta(minutes=1)
    assert abs(timezone.now() - dt.datetime.fromisoformat(body["time"])) < dt.timedelta(minutes=1)


def test_warn_without_any_nightly_snapshot(redis_up):
    response, body = get_health()
    assert response.status_code == 200
    assert body["status"] == "warn"
    assert body["checks"]["dashboard"] == {"as_of": None, "computed_at": None, "age_hours": None, "status": "warn"}
    assert body["checks"]["database"]["status"] == body["checks"]["redis"]["status"] == "ok"


@pytest.mark.parametrize(("hours_ago", "expected"), [(25.5, "ok"), (26.5, "warn"), (24 * 5, "warn")])
def test_warn_once_the_last_nightly_snapshot_is_older_than_26_hours(redis_up, hours_ago, expected):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    nightly_snapshot(hours_ago=hours_ago, as_of=yesterday)

    response, body = get_health()

    assert response.status_code == 200
    assert body["status"] == expected
    dashboard = body["checks"]["dashboard"]
    assert dashboard["status"] == expected and dashboard["as_of"] == yesterday.isoformat()
    assert dashboard["age_hours"] == pytest.approx(hours_ago, abs=0.1)


def test_the_age_counts_from_computed_at_set_by_a_patched_clock(redis_up):
    """The other way to back-date a snapshot: computed_at is auto_now, so patch the clock while saving."""
    then = timezone.now() - dt.timedelta(hours=30)
    with mock.patch("django.utils.timezone.now", return_value=then):
        Snapshot.objects.create(plan=default_plan(), as_of=timezone.localdate(), source="nightly")
    _, body = get_health()
    assert body["status"] == "warn" and body["checks"]["dashboard"]["age_hours"] == pytest.approx(30, abs=0.1)


def test_a_recompute_from_the_page_or_an_import_does_not_hide_a_stale_nightly_run(redis_up):
    """Only the nightly run proves the beat and a worker are alive: fresher snapshots of other sources do not count."""
    old_day = timezone.localdate() - dt.timedelta(days=3)
    nightly_snapshot(hours_ago=72, as_of=old_day)
    nightly_snapshot(hours_ago=0, source="page")
    nightly_snapshot(hours_ago=0, as_of=timezone.localdate() - dt.timedelta(days=1), source="import")

    _, body = get_health()

    assert body["status"] == "warn"
    assert body["checks"]["dashboard"]["as_of"] == old_day.isoformat()


def test_fail_503_when_redis_is_unreachable(settings, caplog):
    settings.REDIS_URL = "redis://:redis-secret@127.0.0.1:1/0"
    nightly_snapshot(hours_ago=1)

    with caplog.at_level("WARNING", logger="cadre_office.health"):
        response, body = get_health()

    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["redis"] == {"status": "fail"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["dashboard"]["status"] == "ok"  # still reported
    text = response.content.decode()
    assert "redis-secret" not in text and "127.0.0.1" not in text and "refused" not in text.lower()
    # The details go to the log (journald), in one line and without the password.
    [record] = [r for r in caplog.records if r.name == "cadre_office.health"]
    assert "127.0.0.1:1" in record.getMessage() and "redis-secret" not in record.getMessage()
    assert record.exc_info is None


def test_a_redis_that_accepts_but_never_answers_fails_within_about_a_second(settings):
    """The timeouts are short: a hung Redis must not hold the probe (nor a gunicorn worker) for long."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes the handshake; nobody ever reads or answers
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        response, body = get_health()
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503 and body["checks"]["redis"] == {"status": "fail"}
    assert elapsed < 3, elapsed


def test_fail_503_when_the_database_check_raises(redis_up):
    broken = mock.Mock()
    broken.cursor.side_effect = DatabaseError("connection to server at 10.0.0.5 failed: password for cadre")
    with mock.patch("cadre_office.health.connection", broken):
        response, body = get_health()

    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"status": "fail"}
    assert body["checks"]["redis"]["status"] == "ok"
    # Not asked while the database is down, and says so.
    assert body["checks"]["dashboard"] == {"as_of": None, "computed_at": None, "age_hours": None, "status": "unknown"}
    assert "10.0.0.5" not in response.content.decode() and "cadre" not in response.content.decode()


def test_an_unreadable_snapshot_table_is_a_warning_not_an_outage(redis_up):
    with mock.patch.object(Snapshot.objects, "filter", side_effect=DatabaseError("no such table")):
        response, body = get_health()
    assert response.status_code == 200
    assert body["status"] == "warn" and body["checks"]["dashboard"]["status"] == "unknown"


def test_anonymous_callers_get_it_without_login_cookie_or_caching(redis_up):
    response = Client().get(URL)
    assert response.status_code == 200  # not a redirect to the login page nor to an account step
    assert not response.cookies  # no Set-Cookie: neither a session nor a CSRF cookie
    assert "no-store" in response["Cache-Control"]
    assert not Session.objects.exists()  # no session was written


def test_it_costs_at_most_two_queries(redis_up, django_assert_max_num_queries):
    nightly_snapshot(hours_ago=2)
    with django_assert_max_num_queries(2):
        response = Client().get(URL)
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_than_get_and_head_are_refused_with_405_even_without_a_csrf_token(method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(URL)
    assert response.status_code == 405  # exempt from CSRF, so not 403
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]


def test_head_answers_like_get_without_a_body(redis_up):
    response = Client().head(URL)
    assert response.status_code == 200 and response.content == b""


def test_it_reveals_only_statuses_dates_and_durations(redis_up):
    """No personal data, versions, secrets or host names: only these keys, and no text from settings."""
    from django.conf import settings

    nightly_snapshot(hours_ago=3)
    response, body = get_health()

    assert set(body) == {"status", "checks", "time"}
    assert set(body["checks"]) == {"database", "redis", "dashboard"}
    assert set(body["checks"]["database"]) == {"status", "ms"}
    assert set(body["checks"]["redis"]) == {"status", "ms"}
    assert set(body["checks"]["dashboard"]) == {"as_of", "computed_at", "age_hours", "status"}
    text = response.content.decode()
    for secret in (settings.SECRET_KEY, settings.DATABASES["default"]["NAME"], settings.REDIS_URL, "version",
                   "django", "python", "localhost"):
        assert str(secret).lower() not in text.lower(), secret
