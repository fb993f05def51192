"""The dashboard's Celery side, run eagerly (tests/conftest.py): schedule, idempotence, on-commit queuing.

docs/security.md items 26–28: jobs computed twice leave one result, a job queued in a rolled-back
transaction is never sent, the nightly run happens at 01:30 Beijing time and catches up missed
days, and with the broker down a save still works. tests/dashboard/test_worker.py runs the same
tasks through a real worker on Redis.
"""

import datetime as dt
import importlib
import io
import logging
import re
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import connections, transaction
from django.db.models import Count
from django.utils import timezone
from kombu.exceptions import OperationalError

from cadre_office.audit.context import current_origin
from cadre_office.celery import app
from cadre_office.dashboard import services, tasks
from cadre_office.dashboard.models import Figure, Plan, RecomputeJob, Snapshot
from cadres.models import Cadre
from cadres.roster_workbook import read_roster
from cadres.services import apply_roster_import, plan_roster_import
from tests.cadres.workbooks import build_roster, valid_rows
from tests.factories import CadreFactory, DepartmentFactory, PostFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 01:30 in Beijing on 26 November is still the 25th in UTC: the nightly run must date its work the 26th.
BEAT_INSTANT = dt.datetime(2026, 11, 25, 17, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 26)
D = dt.date(2026, 6, 30)
FU = "52"
ROOT = Path(__file__).resolve().parents[2]


def default_plan() -> Plan:
    """Return the plan the data migration creates, creating it again where a flush removed it."""
    if not Plan.objects.exists():
        migration = importlib.import_module("cadre_office.dashboard.migrations.0002_default_plan")
        migration.create_plan(django_apps, None)
    return Plan.objects.get()


def snapshot_dates() -> list[dt.date]:
    return list(Snapshot.objects.order_by("as_of").values_list("as_of", flat=True))


def duplicated_dates() -> list:
    return list(Snapshot.objects.values("plan", "as_of").annotate(n=Count("id")).filter(n__gt=1))


def bureau_figure(snapshot: Snapshot, code: str) -> int:
    return Figure.objects.get(snapshot=snapshot, department=None, code=code).numerator


def section_cadre(department=None):
    cadre = CadreFactory(**({"department": department} if department else {}))
    PostFactory(cadre=cadre, level=FU, start_date=dt.date(2020, 1, 1))
    return cadre


def import_plan(rows):
    parsed = read_roster(io.BytesIO(build_roster(rows)))
    assert [str(e) for e in parsed.errors] == []
    plan = plan_roster_import(parsed)
    assert [str(e) for e in plan.errors] == []
    return plan


@pytest.fixture
def beat_clock():
    """Stop the clock at the moment the beat fires: 01:30 on 26 November in Beijing."""
    with mock.patch("django.utils.timezone.now", return_value=BEAT_INSTANT):
        yield


@pytest.fixture
def sent():
    """Replace the sending of the after-write recompute with a mock that records each send."""
    with mock.patch.object(tasks.compute_snapshot, "delay") as delay:
        yield delay


# --- the schedule (item 27) -------------------------------------------------------------------------


def test_the_beat_runs_the_nightly_recompute_once_a_night_at_0130_beijing_time():
    schedule = app.conf.beat_schedule
    assert sorted(entry["task"] for entry in schedule.values()) == [
        "cadres.sweep_roster_imports", "dashboard.fail_stale_recompute_jobs", "dashboard.nightly_recompute",
        "oversight.raise_flags", "reports.fail_stale_monthly_reports", "reports.monthly_report_beat",
        "training.carry_out_rotations"]
    crontab = schedule["dashboard-nightly"]["schedule"]
    assert (crontab.hour, crontab.minute) == ({1}, {30})
    assert crontab.day_of_week == set(range(7)) and crontab.day_of_month == set(range(1, 32))
    assert str(app.conf.timezone) == "Asia/Shanghai"
    assert app.conf.enable_utc is False
    assert tasks.nightly_recompute.name in app.tasks


def test_the_nightly_entry_falls_due_at_0130_in_beijing_not_in_utc():
    crontab = app.conf.beat_schedule["dashboard-nightly"]["schedule"]
    last_run = dt.datetime(2026, 11, 25, 1, 30, tzinfo=SHANGHAI)
    with mock.patch.object(crontab, "nowfun", return_value=BEAT_INSTANT - dt.timedelta(minutes=1)):
        due, next_in = crontab.is_due(last_run)
    assert (due, next_in) == (False, 60)
    with mock.patch.object(crontab, "nowfun", return_value=BEAT_INSTANT):
        assert crontab.is_due(last_run)[0] is True
    # 01:30 UTC is 09:30 in Beijing: by then the night's run is long past, the next is tomorrow's.
    with mock.patch.object(crontab, "nowfun", return_value=dt.datetime(2026, 11, 26, 1, 30, tzinfo=dt.UTC)):
        due, next_in = crontab.is_due(dt.datetime(2026, 11, 26, 1, 30, tzinfo=SHANGHAI))
    assert due is False and next_in == 16 * 3600


def test_tasks_are_acknowledged_late_so_a_lost_worker_leaves_the_message_to_be_redelivered():
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert all(task.acks_late for task in (tasks.compute_snapshot, tasks.nightly_recompute, tasks.run_recompute_job,
                                           tasks.fail_stale_recompute_jobs))


def test_the_beat_fails_lost_jobs_every_five_minutes():
    entry = app.conf.beat_schedule["dashboard-stale-jobs"]
    assert entry["task"] == tasks.fail_stale_recompute_jobs.name
    assert entry["schedule"].minute == set(range(0, 60, 5)) and entry["schedule"].hour == set(range(24))


def test_a_worker_reconnects_to_redis_for_as_long_as_it_takes():
    """Issue 10 item 15: a worker once exited when Redis went away during an acknowledgement.

    Celery retries a lost broker connection 100 times by default and then exits; here it retries for
    ever, on start-up too. A task running meanwhile finishes (its message, unacknowledged, comes back
    an hour later and finds the work done). Killing Redis under a running worker is a manual check.
    """
    assert app.conf.broker_connection_retry is True
    assert app.conf.broker_connection_retry_on_startup is True
    assert app.conf.broker_connection_max_retries is None
    assert app.conf.broker_channel_error_retry is True
    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is False
    options = app.conf.broker_transport_options
    assert options["socket_keepalive"] is True and options["health_check_interval"] == 10
    # Nothing that would make a web request wait longer for an unreachable Redis (docs/security.md item 28).
    assert (options["socket_connect_timeout"], options["socket_timeout"]) == (3, 5)
    assert not {"max_retries", "retry_on_timeout", "interval_start"} & set(options)


def test_make_run_starts_exactly_one_beat():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert len(re.findall(r"\$\(CELERY\)[^\n;&]*\bbeat\b", makefile)) == 1


# --- the nightly run: catch-up and idempotence (items 26, 27) -----------------------------------------


@pytest.mark.django_db
def test_nightly_with_no_snapshot_computes_today_in_beijing_time_only(beat_clock):
    default_plan()
    section_cadre()
    assert tasks.nightly_recompute.delay().get() == [TODAY.isoformat()]
    assert snapshot_dates() == [TODAY]
    snapshot = Snapshot.objects.get()
    assert snapshot.source == "nightly"
    assert bureau_figure(snapshot, "fk_total") == 1


@pytest.mark.django_db
def test_nightly_after_three_missed_nights_computes_them_oldest_first_then_today(beat_clock):
    plan = default_plan()
    last = TODAY - dt.timedelta(days=4)
    services.snapshot_compute(as_of=last, plan=plan)
    computed = []
    real_compute = services.snapshot_compute

    def spy(*, as_of, **kwargs):
        computed.append(as_of)
        return real_compute(as_of=as_of, **kwargs)

    with mock.patch.object(services, "snapshot_compute", side_effect=spy):
        result = tasks.nightly_recompute.delay().get()
    missed = [TODAY - dt.timedelta(days=n) for n in (3, 2, 1)]
    assert computed == [*missed, TODAY]
    assert result == [day.isoformat() for day in computed]
    assert snapshot_dates() == [last, *missed, TODAY]


@pytest.mark.django_db
def test_nightly_with_yesterdays_snapshot_recomputes_yesterday_and_today(beat_clock):
    """Yesterday's snapshot was taken during the day: the closed day is computed again."""
    yesterday = TODAY - dt.timedelta(days=1)
    services.snapshot_compute(as_of=yesterday, plan=default_plan())
    assert tasks.nightly_recompute.delay().get() == [yesterday.isoformat(), TODAY.isoformat()]


@pytest.mark.django_db
def test_nightly_run_twice_leaves_one_snapshot_per_date_and_recomputes_only_yesterday_and_today(beat_clock):
    plan = default_plan()
    section_cadre()
    services.snapshot_compute(as_of=TODAY - dt.timedelta(days=3), plan=plan)
    first = tasks.nightly_recompute.delay().get()
    figures = Figure.objects.count()
    second = tasks.nightly_recompute.delay().get()
    assert len(first) == 3 and second == [(TODAY - dt.timedelta(days=1)).isoformat(), TODAY.isoformat()]
    assert duplicated_dates() == []
    assert snapshot_dates() == [TODAY - dt.timedelta(days=n) for n in (3, 2, 1, 0)]
    assert Figure.objects.count() == figures


@pytest.mark.django_db
def test_compute_snapshot_twice_for_one_date_keeps_one_snapshot_holding_the_second_result():
    default_plan()
    department = DepartmentFactory()
    section_cadre(department)
    first_id = tasks.compute_snapshot.delay(D.isoformat()).get()
    snapshot = Snapshot.objects.get(pk=first_id)
    figures = Figure.objects.filter(snapshot=snapshot).count()
    assert figures > 0 and bureau_figure(snapshot, "fk_total") == 1

    section_cadre(department)  # the roster changes in between
    second_id = tasks.compute_snapshot.delay(D.isoformat(), "page").get()

    assert second_id == first_id
    assert Snapshot.objects.filter(as_of=D).count() == 1 and duplicated_dates() == []
    assert Figure.objects.count() == Figure.objects.filter(snapshot_id=first_id).count() == figures
    snapshot.refresh_from_db()
    assert bureau_figure(snapshot, "fk_total") == 2
    assert snapshot.source == "page"


# --- queued on commit, never from a rolled-back transaction (item 26) ---------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_recompute_queued_in_a_rolled_back_transaction_is_never_sent_a_committed_one_once(sent):
    with transaction.atomic():
        tasks.snapshot_recompute_queue()
        transaction.set_rollback(True)
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.snapshot_recompute_queue()
        raise RuntimeError("the save fails")
    sent.assert_not_called()

    with transaction.atomic():
        tasks.snapshot_recompute_queue()
        sent.assert_not_called()  # not before the commit
    sent.assert_called_once_with(timezone.localdate().isoformat(), "import")


@pytest.mark.django_db
def test_a_recompute_queued_in_a_rolled_back_savepoint_is_dropped(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        tasks.snapshot_recompute_queue()
        transaction.set_rollback(True)
    assert callbacks == []
    sent.assert_not_called()


@pytest.mark.django_db
def test_a_roster_import_queues_one_recompute_of_today_on_commit(actor, django_capture_on_commit_callbacks, sent):
    plan = import_plan(valid_rows(3))
    with django_capture_on_commit_callbacks() as callbacks:
        apply_roster_import(plan, actor=actor)
        sent.assert_not_called()
    assert len(callbacks) == 1
    callbacks[0]()
    sent.assert_called_once_with(timezone.localdate().isoformat(), "import")


@pytest.mark.django_db
def test_the_recompute_after_an_import_stores_todays_figures_with_the_import(actor, django_capture_on_commit_callbacks):
    default_plan()
    plan = import_plan(valid_rows(3))
    with django_capture_on_commit_callbacks(execute=True):
        apply_roster_import(plan, actor=actor)
    snapshot = Snapshot.objects.get(as_of=timezone.localdate())
    assert snapshot.source == "import"
    assert bureau_figure(snapshot, "fk_total") == 3


@pytest.mark.django_db
def test_an_import_that_changes_nothing_queues_no_recompute(actor, django_capture_on_commit_callbacks, sent):
    rows = valid_rows(3)
    apply_roster_import(import_plan(rows), actor=actor)
    plan = import_plan(rows)
    assert plan.counts["unchanged"] == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = apply_roster_import(plan, actor=actor)
    assert (result.created, result.updated) == (0, 0)
    assert callbacks == []
    sent.assert_not_called()


@pytest.mark.django_db
def test_an_import_failing_after_queuing_its_recompute_sends_nothing(
    actor, django_capture_on_commit_callbacks, sent, monkeypatch
):
    from cadres.services import roster_import

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(roster_import, "audit_record", explode)  # runs after the recompute is queued
    plan = import_plan(valid_rows(2))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        apply_roster_import(plan, actor=actor)
    assert callbacks == []
    sent.assert_not_called()
    assert Cadre.objects.count() == 0


# --- recompute jobs asked for from the page ------------------------------------------------------------


@pytest.mark.django_db
def test_a_recompute_job_goes_from_queued_to_done_once_its_transaction_commits(
    actor, django_capture_on_commit_callbacks
):
    default_plan()
    section_cadre()
    with django_capture_on_commit_callbacks() as callbacks:
        job = tasks.recompute_job_queue(actor=actor, as_of=D)
    job.refresh_from_db()
    assert (job.state, job.finished_at, job.requested_by) == (RecomputeJob.State.QUEUED, None, actor)
    assert not Snapshot.objects.exists()

    assert len(callbacks) == 1
    callbacks[0]()  # the commit sends the task, which (eagerly) runs
    job.refresh_from_db()
    assert job.state == RecomputeJob.State.DONE and job.finished_at is not None and job.error == ""
    snapshot = Snapshot.objects.get(as_of=D)
    assert snapshot.source == "page" and bureau_figure(snapshot, "fk_total") == 1


@pytest.mark.django_db
def test_a_failing_recompute_marks_its_job_failed_with_the_error(actor):
    job = RecomputeJob.objects.create(as_of=D, requested_by=actor)
    with mock.patch.object(services, "snapshot_compute", side_effect=RuntimeError("统计失败：库不可用")), \
            pytest.raises(RuntimeError):
        tasks.run_recompute_job.delay(job.pk)
    job.refresh_from_db()
    assert job.state == RecomputeJob.State.FAILED
    assert job.error == "统计失败：库不可用"
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_redelivered_done_job_is_not_computed_again(actor):
    default_plan()
    job = RecomputeJob.objects.create(as_of=D, requested_by=actor)
    assert tasks.run_recompute_job.delay(job.pk).get() == RecomputeJob.State.DONE
    job.refresh_from_db()
    finished_at = job.finished_at
    with mock.patch.object(services, "snapshot_compute") as compute:
        assert tasks.run_recompute_job.delay(job.pk).get() == RecomputeJob.State.DONE  # the same message again
    compute.assert_not_called()
    job.refresh_from_db()
    assert job.finished_at == finished_at
    assert Snapshot.objects.filter(as_of=D).count() == 1


# --- lost jobs time out (issue 10 item 12) ---------------------------------------------------------------


def _requested(job: RecomputeJob, minutes: float) -> None:
    RecomputeJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_the_sweep_fails_jobs_queued_or_running_past_the_timeout_and_leaves_the_others(actor, settings):
    from cadre_office.jobs import JOB_TIMED_OUT

    queued, running, recent, done = (RecomputeJob.objects.create(as_of=D, requested_by=actor, state=state)
                                     for state in ("queued", "running", "queued", "done"))
    for job, minutes in ((queued, 11), (running, 45), (recent, 9), (done, 60)):
        _requested(job, minutes)
    assert tasks.fail_stale_recompute_jobs.delay().get() == 2
    states = dict(RecomputeJob.objects.values_list("pk", "state"))
    assert [states[j.pk] for j in (queued, running, recent, done)] == ["failed", "failed", "queued", "done"]
    queued.refresh_from_db()
    assert queued.error == JOB_TIMED_OUT and queued.finished_at is not None
    settings.BACKGROUND_JOB_TIMEOUT = dt.timedelta(minutes=5)
    assert services.recompute_jobs_fail_stale() == 1


@pytest.mark.django_db
def test_a_message_that_comes_after_the_timeout_fails_the_job_instead_of_computing(actor):
    default_plan()
    job = RecomputeJob.objects.create(as_of=D, requested_by=actor)
    _requested(job, 20)
    with mock.patch.object(services, "snapshot_compute") as compute:
        assert tasks.run_recompute_job.delay(job.pk).get() == RecomputeJob.State.FAILED
    compute.assert_not_called()


@pytest.mark.django_db
def test_a_job_failed_by_the_sweep_is_not_computed_when_its_message_comes(actor):
    job = RecomputeJob.objects.create(as_of=D, requested_by=actor, state=RecomputeJob.State.FAILED)
    with mock.patch.object(services, "snapshot_compute") as compute:
        assert tasks.run_recompute_job.delay(job.pk).get() == RecomputeJob.State.FAILED
    compute.assert_not_called()


# --- audit: what runs in a task is attributed to it ------------------------------------------------------


@pytest.mark.django_db
def test_services_called_by_the_tasks_run_with_the_tasks_audit_source(actor):
    """snapshot_compute writes no audit row today; any row written inside a task names the task."""
    seen = []

    def record_origin(**kwargs):
        seen.append(current_origin().source)
        return SimpleNamespace(pk=1)

    job = RecomputeJob.objects.create(as_of=D, requested_by=actor)
    with mock.patch.object(services, "snapshot_compute", side_effect=record_origin), \
            mock.patch.object(services, "snapshot_dates_missing", return_value=[D]):
        tasks.compute_snapshot.delay(D.isoformat())
        tasks.nightly_recompute.delay((D + dt.timedelta(days=1)).isoformat())
        tasks.run_recompute_job.delay(job.pk)
    assert seen == ["task:compute_snapshot", "task:nightly_recompute", "task:nightly_recompute",
                    "task:run_recompute_job"]
    assert current_origin().source == "system"


# --- the broker down (item 28) ------------------------------------------------------------------------------


def closed_port() -> int:
    """Return a local port nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down():
    """Send for real (not eagerly) to a Redis, broker and result store, that refuses connections."""
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.result_backend = dead
    try:
        with mock.patch.object(app, "_pool", None), mock.patch.object(app.amqp, "_producer_pool", None), \
                mock.patch.object(app, "_backend_cache", None), mock.patch.object(app, "_local", threading.local()):
            assert app.backend.url == dead
            yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = saved


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_unreachable_an_import_still_commits_and_the_error_is_logged(actor, caplog):
    plan = import_plan(valid_rows(3))
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(tasks.compute_snapshot, "delay", side_effect=refused) as send, \
            caplog.at_level(logging.WARNING, logger="cadre_office.dashboard.tasks"):
        result = apply_roster_import(plan, actor=actor)
    assert result.created == 3
    send.assert_called_once()
    assert "nightly run will" in caplog.text
    # Committed: another connection (a worker's, say) sees the rows.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {Cadre._meta.db_table}")  # noqa: S608
            assert cursor.fetchone()[0] == 3
    finally:
        other.close()


@pytest.mark.django_db
def test_with_a_real_unreachable_redis_the_import_returns_at_once_without_an_error(
    actor, redis_down, django_capture_on_commit_callbacks, caplog
):
    plan = import_plan(valid_rows(2))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="cadre_office.dashboard.tasks"), \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = apply_roster_import(plan, actor=actor)
    elapsed = time.monotonic() - started
    assert result.created == 2 and len(callbacks) == 1
    assert "nightly run will" in caplog.text
    assert elapsed < 5, f"the save waited {elapsed:.1f} s for the broker"
    assert Cadre.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_recompute_asked_for_while_the_broker_is_down_fails_the_job_not_the_page():
    from kombu.exceptions import OperationalError

    from cadre_office.dashboard.models import RecomputeJob
    from tests.factories import role_user

    default_plan()
    staff = role_user("人事干部")
    with mock.patch.object(tasks.run_recompute_job, "delay", side_effect=OperationalError("down")):
        job = tasks.recompute_job_queue(actor=staff, as_of=D)  # autocommit: on_commit runs at once
    job.refresh_from_db()
    assert job.state == RecomputeJob.State.FAILED and job.error == services.BROKER_DOWN
