"""The dashboard tasks through a real Celery worker process on the real Redis (docs/security.md items 26, 27).

The worker (``--pool=solo``, its own queue, Redis database 14 so no development worker
takes the messages) reads and writes pytest-django's test database, so the test is
transactional: what it creates is committed before the worker looks. Without Redis the
test fails, it is never skipped.
"""

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from celery import Celery
from django.db import connection
from django.utils import timezone

from cadre_office.dashboard.models import Figure, Snapshot
from tests.dashboard.test_celery import bureau_figure, default_plan, duplicated_dates, section_cadre

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 14
STARTUP_TIMEOUT = 30
RESULT_TIMEOUT = 60
D = dt.date(2026, 6, 30)


def redis_url() -> str:
    """Return REDIS_URL (the Makefile's default when unset) with the database index set to 14."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def worker_database_url() -> str:
    """Return a DATABASE_URL naming the database this test runs on (with its xdist suffix, if any)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if connection.is_in_memory_db() or not Path(name).is_absolute():
            pytest.fail(f"the SQLite test database must be a file a worker can open, not {name!r} "
                        "(tests/conftest.py: django_db_modify_db_settings)", pytrace=False)
        return f"sqlite:///{name}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        credentials = quote(db["USER"] or "", safe="") + password
        host = db["HOST"] or ""
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"
    pytest.fail(f"no worker test for the database engine {db['ENGINE']}", pytrace=False)


def require_redis(url: str) -> redis.Redis:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        error = exc
    else:
        return client
    pytest.fail(f"Redis does not answer at {url} ({error}): the worker test needs the real Redis "
                "(start redis-server; `make test` in CI checks it first). It is never skipped.", pytrace=False)


class Worker:
    """A ``celery worker`` subprocess consuming a queue of its own, its output in a log file.

    ``run`` sends it a task through a client app of its own (the project's app stays eager in the
    tests), as a real message on Redis, and waits for the return value.
    """

    def __init__(self, *, broker: str, database_url: str, log: Path):
        self.queue = f"cadre-test-{uuid.uuid4().hex[:12]}"
        self.nodename = f"{self.queue}@localhost"
        self.log = log
        self.results = []
        self.client = Celery("cadre_office_test_client", broker=broker, backend=broker, set_as_current=False)
        self.client.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json",
                                result_accept_content=["json"])
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cadre_office.settings",
            "DATABASE_URL": database_url,
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": broker,
            "CELERY_REQUIRE_REDIS": "true",
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "cadre_office", "worker", "--pool=solo", "-Q", self.queue,
            "-n", self.nodename, "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
        ]
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def output(self, last: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-last:]

    def check_alive(self, doing: str) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the Celery worker exited ({self.process.returncode}) while {doing}:\n{self.output()}",
                        pytrace=False)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while f"{self.nodename} ready." not in self.output(last=100_000):
            self.check_alive("starting")
            if time.monotonic() > deadline:
                pytest.fail(f"the Celery worker was not ready within {STARTUP_TIMEOUT} s:\n{self.output()}",
                            pytrace=False)
            time.sleep(0.1)

    def run(self, task: str, *args):
        """Send ``task`` to this worker's queue (a real message, not eager) and wait for its return value."""
        result = self.client.send_task(task, args=list(args), queue=self.queue, ignore_result=False)
        self.results.append(result)
        deadline = time.monotonic() + RESULT_TIMEOUT
        while not result.ready():
            self.check_alive(f"running {task}")
            if time.monotonic() > deadline:
                pytest.fail(f"no result of {task} within {RESULT_TIMEOUT} s:\n{self.output()}", pytrace=False)
            time.sleep(0.05)
        return result.get(timeout=5)

    def stop(self, store: redis.Redis) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown: finishes the task in hand
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for result in self.results:
            result.forget()
        self.client.close()
        # The queue and its binding tables were this test's alone (kombu sweeps the pidbox's itself).
        store.delete(self.queue, *(f"_kombu.{table}.{self.queue}" for table in ("binding", "binding_permanent")))


@contextlib.contextmanager
def running_worker(tmp_path: Path):
    """Start a worker on Redis database 14 and the test database; stop it (terminate, wait) afterwards.

    A context manager inside the test rather than a fixture, so Redis missing fails the test itself.
    """
    broker = redis_url()
    store = require_redis(broker)
    try:
        worker = Worker(broker=broker, database_url=worker_database_url(), log=tmp_path / "celery-worker.log")
        try:
            worker.wait_ready()
            yield worker
        finally:
            worker.stop(store)
    finally:
        store.close()


def test_a_real_worker_computes_tonights_snapshot_once_per_date_and_a_given_date(tmp_path):
    default_plan()
    section_cadre()
    with running_worker(tmp_path) as worker:
        before = timezone.localdate()
        days = worker.run("dashboard.nightly_recompute")

        today = dt.date.fromisoformat(days[-1])
        assert today in {before, timezone.localdate()}  # the worker's Beijing date
        assert days == [today.isoformat()]
        snapshot = Snapshot.objects.get(as_of=today)
        assert snapshot.source == "nightly"
        assert bureau_figure(snapshot, "fk_total") == 1
        figures = Figure.objects.count()

        assert worker.run("dashboard.nightly_recompute") == [today.isoformat()]  # the same night again
        assert Snapshot.objects.count() == 1 and duplicated_dates() == []
        assert Figure.objects.count() == figures

        first = worker.run("dashboard.compute_snapshot", D.isoformat())
        again = worker.run("dashboard.compute_snapshot", D.isoformat())
        assert first == again == Snapshot.objects.get(as_of=D).pk
        assert Snapshot.objects.get(pk=first).source == "task"
        assert sorted(Snapshot.objects.values_list("as_of", flat=True)) == sorted([D, today])
        assert duplicated_dates() == []
        assert "Traceback" not in worker.output(last=1_000_000)
