"""The web upload of a roster workbook as background jobs (issue 10 items 7, 8, 11, 12; docs/security.md 26, 36).

Celery runs eagerly here (tests/conftest.py): a job runs when the transaction that queued it commits,
which the tests drive with ``django_capture_on_commit_callbacks``. Jobs are called again to check they
are idempotent, left queued past their time to check they fail, and two confirmations are raced
(tests/cadres/test_import_concurrency.py does it with two connections on PostgreSQL).
"""

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cadre_office.audit.models import AuditEvent
from cadre_office.jobs import JOB_TIMED_OUT, ProgressReporter
from cadres import messages, services, tasks
from cadres.models import Cadre, RosterImport
from cadres.services import roster_uploads
from tests.cadres.workbooks import build_roster, valid_row, valid_rows
from tests.factories import log_in, role_user

pytestmark = pytest.mark.django_db

State = RosterImport.State


@pytest.fixture
def staff(db):
    return role_user("人事干部", username="renshi_jobs", first_name="人事干部乙")


@pytest.fixture
def staff_client(client, staff):
    return log_in(client, staff)


@pytest.fixture
def small_sync_limit(settings):
    """Preview in the request only up to 3 rows, so a 5-row workbook is previewed by a job."""
    settings.ROSTER_SYNC_PREVIEW_ROWS = 3


def upload(client, rows, name="花名册.xlsx", **extra):
    file = SimpleUploadedFile(name, build_roster(rows), content_type="application/octet-stream")
    return client.post(reverse("cadres:import_upload"), {"file": file}, **extra)


def page(pk):
    return reverse("cadres:import_preview", args=[pk])


def status(client, pk):
    return client.get(reverse("cadres:import_status", args=[pk]), HTTP_HX_REQUEST="true")


def confirm(client, pk, action="confirm", **extra):
    return client.post(reverse("cadres:import_confirm", args=[pk]), {"action": action}, **extra)


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def previewed(staff, rows) -> RosterImport:
    record, plan = services.roster_upload_create(actor=staff, file_name="a.xlsx", content=build_roster(rows))
    assert record.state == State.PREVIEWED, plan.errors
    return record


def queued(staff, rows, django_capture_on_commit_callbacks) -> RosterImport:
    """Return an upload confirmed whose import job has not run (its message is never sent)."""
    record = previewed(staff, rows)
    with django_capture_on_commit_callbacks(execute=False):
        record = services.roster_import_confirm(actor=staff, record=record)
    assert record.state == State.QUEUED
    return record


# --- upload and preview -------------------------------------------------------------------------------


def test_a_small_upload_is_previewed_in_the_request_and_the_page_says_when_it_expires(staff_client):
    response = upload(staff_client, valid_rows(3))
    record = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"] == page(record.pk)
    assert (record.state, record.created_count, record.rows_total) == (State.PREVIEWED, 3, 3)
    assert not Cadre.objects.exists()
    html = staff_client.get(page(record.pk)).content.decode()
    assert messages.IMPORT_TTL_NOTICE.format(hours=24) in html
    assert "未确认的导入将在上传 24 小时后自动作废，届时需重新上传" in html
    assert valid_row(0)["姓名"] in html and 'data-testid="count-new">3<' in html
    assert "every 1s" not in html


def test_the_preview_page_reads_the_stored_preview_and_never_the_workbook(staff_client, staff, monkeypatch):
    record = previewed(staff, valid_rows(2))
    monkeypatch.setattr(roster_uploads, "read_roster", mock.Mock(side_effect=AssertionError("parsed again")))
    response = staff_client.get(page(record.pk))
    assert response.status_code == 200 and valid_row(1)["姓名"] in response.content.decode()


def test_an_upload_with_bad_rows_lists_them_on_the_upload_page_and_keeps_no_workbook(staff_client):
    rows = valid_rows(3)
    rows[1]["身份证号"] = rows[1]["身份证号"][:17] + ("1" if rows[1]["身份证号"][17] != "1" else "2")
    response = upload(staff_client, rows)
    assert response.status_code == 200
    html = response.content.decode()
    assert "第3行" in html and "校验位错误" in html
    record = RosterImport.objects.get()
    assert (record.state, record.error_count, bytes(record.content)) == (State.REJECTED, 1, b"")


def test_a_large_upload_is_previewed_by_a_job_the_page_follows(staff_client, small_sync_limit,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(staff_client, valid_rows(5))
    record = RosterImport.objects.get()
    assert response["Location"] == page(record.pk)
    assert (record.state, record.rows_total, len(callbacks)) == (State.PREVIEWING, 5, 1)
    html = staff_client.get(page(record.pk)).content.decode()
    assert 'data-state="previewing"' in html and 'hx-trigger="every 1s"' in html and "正在生成预览" in html
    fragment = status(staff_client, record.pk)
    assert 'hx-trigger="every 1s"' in fragment.content.decode() and "HX-Redirect" not in fragment

    callbacks[0]()  # the commit sends the job, which (eagerly) runs
    record.refresh_from_db()
    assert (record.state, record.created_count) == (State.PREVIEWED, 5)
    fragment = status(staff_client, record.pk)
    assert fragment["HX-Redirect"] == page(record.pk)  # the page reloads with the preview
    html = staff_client.get(page(record.pk)).content.decode()
    assert 'data-testid="count-new">5<' in html and "确认导入" in html


def test_the_progress_a_job_reports_is_shown(staff_client, staff, small_sync_limit,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        upload(staff_client, valid_rows(5))
    record = RosterImport.objects.get()
    report = ProgressReporter(roster_uploads.PROGRESS, record.pk)
    report.step("读取工作簿", 5)
    report._write(2, 5)
    html = status(staff_client, record.pk).content.decode()
    assert 'max="5" value="2"' in html and "读取工作簿" in html and "40%" in html


def test_a_redelivered_preview_job_does_nothing(staff, small_sync_limit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record, plan = services.roster_upload_create(actor=staff, file_name="a.xlsx", content=build_roster(
            valid_rows(5)))
    assert plan is None
    record.refresh_from_db()
    assert record.state == State.PREVIEWED
    history = record.history.count()
    assert tasks.preview_roster_upload.delay(record.pk).get() == State.PREVIEWED
    assert record.history.count() == history


def test_a_workbook_refused_by_the_preview_job_shows_why(staff_client, small_sync_limit, settings,
                                                         django_capture_on_commit_callbacks):
    settings.ROSTER_UPLOAD_MAX_ROWS = 4
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, valid_rows(5))
    record = RosterImport.objects.get()
    assert record.state == State.REJECTED and record.error == messages.IMPORT_TOO_MANY_ROWS.format(limit=4)
    assert bytes(record.content) == b""
    assert messages.IMPORT_TOO_MANY_ROWS.format(limit=4) in staff_client.get(page(record.pk)).content.decode()


def test_an_oversized_workbook_is_refused_at_upload_with_nothing_stored(staff_client):
    from tests.cadres.test_workbook_limits import blank_rows_workbook

    file = SimpleUploadedFile("大.xlsx", blank_rows_workbook(500_000))
    response = staff_client.post(reverse("cadres:import_upload"), {"file": file})
    assert response.status_code == 200
    assert messages.IMPORT_DECLARED_TOO_MANY_ROWS.format(rows=500_011, limit=400_002) in response.content.decode()
    assert not RosterImport.objects.exists()


# --- confirming: a job -------------------------------------------------------------------------------------


def test_confirming_queues_a_job_that_imports_everything_and_the_page_follows_it(
    staff_client, staff, django_capture_on_commit_callbacks
):
    record = previewed(staff, valid_rows(4))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = confirm(staff_client, record.pk)
    assert response.status_code == 302 and response["Location"] == page(record.pk)
    record.refresh_from_db()
    assert record.state == State.QUEUED and record.job_started_at is not None
    assert not Cadre.objects.exists()
    html = staff_client.get(page(record.pk)).content.decode()
    assert 'data-state="queued"' in html and 'hx-trigger="every 1s"' in html

    callbacks[0]()
    record.refresh_from_db()
    assert (record.state, record.created_count, bytes(record.content), record.preview) == (
        State.APPLIED, 4, b"", {})
    assert Cadre.objects.count() == 4
    for _ in range(3):  # polls already under way when the page is told to go
        fragment = status(staff_client, record.pk)
        assert fragment["HX-Redirect"] == page(record.pk) and "every 1s" not in fragment.content.decode()
    done = staff_client.get(page(record.pk))
    assert flashed(done) == []  # the result is on the page, once, not in flash messages
    assert done.content.decode().count(messages.IMPORT_DONE.format(created=4, updated=0, unchanged=0)) == 1


@pytest.mark.django_db(transaction=True)
def test_with_tasks_in_process_confirming_lands_on_the_roster_with_the_result(staff_client, staff):
    """Development without Redis: the job runs in the request once the confirmation commits."""
    record = previewed(staff, valid_rows(2))
    response = confirm(staff_client, record.pk, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cadres:cadre_list")
    assert messages.IMPORT_DONE.format(created=2, updated=0, unchanged=0) in flashed(response)


def test_the_import_is_audited_once_with_the_confirming_address_and_the_job_as_channel(
    staff_client, staff, django_capture_on_commit_callbacks
):
    record = previewed(staff, valid_rows(2))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(staff_client, record.pk, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(event=AuditEvent.Event.IMPORT)
    assert (event.user, event.ip, event.source) == (staff, "10.1.2.3", "task:apply_roster_upload")
    assert event.detail["created"] == 2


def test_history_rows_of_a_job_import_name_the_person_who_confirmed(staff, django_capture_on_commit_callbacks):
    record = queued(staff, valid_rows(2), django_capture_on_commit_callbacks)
    services.roster_import_apply(import_id=record.pk)
    assert {h.history_user for h in Cadre.history.all()} == {staff}
    assert [h.state for h in record.history.order_by("history_id")] == [
        State.PREVIEWED, State.QUEUED, State.APPLYING, State.APPLIED]


def test_a_redelivered_import_job_finds_it_applied_and_does_nothing(staff, django_capture_on_commit_callbacks):
    record = queued(staff, valid_rows(3), django_capture_on_commit_callbacks)
    assert tasks.apply_roster_upload.delay(record.pk).get() == State.APPLIED
    counts = (Cadre.objects.count(), Cadre.history.count(), record.history.count(), AuditEvent.objects.count())
    assert tasks.apply_roster_upload.delay(record.pk).get() == State.APPLIED  # the same message again
    assert (Cadre.objects.count(), Cadre.history.count(), record.history.count(),
            AuditEvent.objects.count()) == counts


def test_an_import_interrupted_after_claiming_runs_again_from_the_start(staff, django_capture_on_commit_callbacks):
    """A worker lost mid-import: its transaction rolled back, the row says APPLYING, the message comes again."""
    record = queued(staff, valid_rows(3), django_capture_on_commit_callbacks)
    RosterImport.objects.filter(pk=record.pk).update(state=State.APPLYING)
    assert services.roster_import_apply(import_id=record.pk).state == State.APPLIED
    assert Cadre.objects.count() == 3


def test_an_import_failing_half_way_writes_nothing_and_says_so(staff_client, staff, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    from cadres.services import roster_import

    existing = valid_row(0)
    services.apply_roster_import(services.plan_roster_import(
        roster_uploads.read_roster(__import__("io").BytesIO(build_roster([existing])))), actor=staff)
    before = (Cadre.objects.count(), Cadre.history.count())
    record = queued(staff, [dict(existing, 姓名="改名"), *valid_rows(3, start=1)], django_capture_on_commit_callbacks)
    monkeypatch.setattr(roster_import, "_update_cadre", mock.Mock(side_effect=RuntimeError("database went away")))
    with pytest.raises(RuntimeError):
        services.roster_import_apply(import_id=record.pk)
    assert (Cadre.objects.count(), Cadre.history.count()) == before  # the new rows too: all or nothing
    record.refresh_from_db()
    assert (record.state, record.error, bytes(record.content)) == (State.FAILED, messages.IMPORT_JOB_FAILED, b"")
    fragment = status(staff_client, record.pk).content.decode()
    assert messages.IMPORT_JOB_FAILED in fragment and "every 1s" not in fragment


def test_an_import_the_roster_changed_under_fails_with_nothing_written(staff, django_capture_on_commit_callbacks):
    from tests.factories import CadreFactory, PostFactory

    cadre = CadreFactory(birth_date=dt.date(1980, 1, 1))
    row = valid_row(0, 身份证号=cadre.id_number, 性别=cadre.get_gender_display(), 出生日期=None)
    record = queued(staff, [row, valid_row(1)], django_capture_on_commit_callbacks)
    PostFactory(cadre=cadre, start_date=dt.date(2022, 5, 1), title="科长", level="51")  # later than the row's post
    assert services.roster_import_apply(import_id=record.pk).state == State.FAILED
    record.refresh_from_db()
    assert record.error == messages.IMPORT_ROSTER_CHANGED
    assert Cadre.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_confirmation_stays_previewed_and_says_so(staff_client, staff):
    record = previewed(staff, valid_rows(2))
    with mock.patch.object(tasks.apply_roster_upload, "delay", side_effect=OperationalError("down")):
        response = confirm(staff_client, record.pk, follow=True)  # autocommit: on_commit runs at once
    assert messages.IMPORT_BROKER_DOWN in flashed(response)
    record.refresh_from_db()
    assert record.state == State.PREVIEWED and bytes(record.content)
    assert "确认导入" in response.content.decode()  # it may be confirmed again


# --- the second confirmation (item 8) -----------------------------------------------------------------------


@pytest.mark.parametrize(("state", "message"), [
    (State.QUEUED, messages.IMPORT_IN_PROGRESS),
    (State.APPLYING, messages.IMPORT_IN_PROGRESS),
    (State.APPLIED, messages.IMPORT_ALREADY_APPLIED),
    (State.CANCELLED, messages.IMPORT_WAS_CANCELLED),
    (State.FAILED, messages.IMPORT_NOT_FINISHED),
    (State.PREVIEWING, messages.IMPORT_PREVIEW_PENDING),
])
def test_confirming_an_upload_not_waiting_for_it_gets_a_message_and_changes_nothing(staff_client, staff, state,
                                                                                     message):
    record = previewed(staff, valid_rows(2))
    RosterImport.objects.filter(pk=record.pk).update(state=state)
    history = record.history.count()
    response = confirm(staff_client, record.pk, follow=True)
    assert response.status_code == 200 and message in flashed(response)
    assert RosterImport.objects.get(pk=record.pk).state == state and record.history.count() == history
    assert not Cadre.objects.exists()


def test_the_second_of_two_confirmations_is_told_it_was_imported_and_imports_nothing(
    staff_client, staff, django_capture_on_commit_callbacks
):
    record = previewed(staff, valid_rows(3))
    with django_capture_on_commit_callbacks(execute=True):
        first = confirm(staff_client, record.pk)
    after = confirm(staff_client, record.pk, follow=True)  # (no job runs from here on)
    assert first.status_code == 302
    assert after.status_code == 200 and messages.IMPORT_ALREADY_APPLIED in flashed(after)
    RosterImport.objects.filter(pk=record.pk).update(state=State.QUEUED)
    second = confirm(staff_client, record.pk, follow=True)
    assert second.status_code == 200 and messages.IMPORT_IN_PROGRESS in flashed(second)
    assert Cadre.objects.count() == 3 and AuditEvent.objects.filter(event=AuditEvent.Event.IMPORT).count() == 1


def test_an_upload_of_another_user_is_not_found(client, staff):
    record = previewed(staff, valid_rows(1))
    log_in(client, role_user("人事干部", username="other_staff"))
    assert client.get(page(record.pk)).status_code == 404
    assert client.get(reverse("cadres:import_status", args=[record.pk]), HTTP_HX_REQUEST="true").status_code == 404
    response = confirm(client, record.pk, follow=True)
    assert messages.IMPORT_STALE_PREVIEW in flashed(response)
    assert RosterImport.objects.get(pk=record.pk).state == State.PREVIEWED


def test_cancelling_drops_the_workbook_and_cancelling_twice_is_refused(staff_client, staff):
    record = previewed(staff, valid_rows(1))
    response = confirm(staff_client, record.pk, action="cancel", follow=True)
    assert messages.IMPORT_CANCEL_DONE in flashed(response)
    record.refresh_from_db()
    assert (record.state, bytes(record.content), record.preview) == (State.CANCELLED, b"", {})
    again = confirm(staff_client, record.pk, action="cancel", follow=True)
    assert messages.IMPORT_WAS_CANCELLED in flashed(again)


# --- abandoned uploads expire (item 11) ----------------------------------------------------------------------


def age(record: RosterImport, hours: float) -> None:
    RosterImport.objects.filter(pk=record.pk).update(uploaded_at=timezone.now() - dt.timedelta(hours=hours))


def test_uploads_left_unconfirmed_for_a_day_are_dropped_by_the_sweep_with_a_history_row(staff):
    old, fresh = previewed(staff, valid_rows(2)), previewed(staff, valid_rows(2, start=5))
    rejected, _ = services.roster_upload_create(actor=staff, file_name="bad.xlsx",
                                                content=build_roster([valid_row(0, 民族="火星族")]))
    age(old, 24.1)
    age(rejected, 25)
    age(fresh, 23.9)
    assert tasks.sweep_roster_imports.delay().get() == {"timed_out": 0, "expired": 2}
    for record in (old, rejected):
        record.refresh_from_db()
        assert (record.state, bytes(record.content), record.preview) == (State.EXPIRED, b"", {})
        last = record.history.first()
        assert last.state == State.EXPIRED and last.history_user.username == "roster_import_expiry"
        assert last.history_change_reason == "上传后24小时未确认，自动作废"
    fresh.refresh_from_db()
    assert fresh.state == State.PREVIEWED and bytes(fresh.content)


def test_confirming_an_expired_upload_is_refused_even_before_the_sweep(staff_client, staff):
    record = previewed(staff, valid_rows(2))
    age(record, 24.5)
    html = staff_client.get(page(record.pk)).content.decode()
    assert "已过期" in html and "确认导入" not in html
    response = confirm(staff_client, record.pk, follow=True)
    assert messages.IMPORT_EXPIRED.format(hours=24) in flashed(response)
    record.refresh_from_db()
    assert (record.state, bytes(record.content)) == (State.EXPIRED, b"")
    again = confirm(staff_client, record.pk, follow=True)
    assert messages.IMPORT_EXPIRED.format(hours=24) in flashed(again)
    assert not Cadre.objects.exists()


def test_the_expiry_follows_the_setting(staff, settings):
    settings.ROSTER_IMPORT_TTL = dt.timedelta(hours=2)
    record = previewed(staff, valid_rows(1))
    age(record, 2.5)
    assert services.roster_imports_sweep().expired == 1
    assert roster_uploads.expired_message() == messages.IMPORT_EXPIRED.format(hours=2)


# --- lost jobs time out (item 12) ----------------------------------------------------------------------------


def started(record: RosterImport, minutes: float) -> None:
    RosterImport.objects.filter(pk=record.pk).update(job_started_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_a_job_queued_past_its_timeout_is_failed_by_the_status_poll_which_stops(
    staff_client, staff, django_capture_on_commit_callbacks
):
    record = queued(staff, valid_rows(2), django_capture_on_commit_callbacks)
    started(record, 9)
    assert 'hx-trigger="every 1s"' in status(staff_client, record.pk).content.decode()
    started(record, 11)
    html = status(staff_client, record.pk).content.decode()
    assert JOB_TIMED_OUT in html and 'data-state="failed"' in html and "every 1s" not in html
    record.refresh_from_db()
    assert (record.state, record.error, bytes(record.content)) == (State.FAILED, JOB_TIMED_OUT, b"")
    # The message, if it ever comes, finds the upload failed and imports nothing.
    assert tasks.apply_roster_upload.delay(record.pk).get() == State.FAILED
    assert not Cadre.objects.exists()


def test_the_sweep_fails_lost_jobs_and_leaves_recent_ones(staff, small_sync_limit, settings,
                                                         django_capture_on_commit_callbacks):
    lost = queued(staff, valid_rows(2), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        previewing, _ = services.roster_upload_create(actor=staff, file_name="b.xlsx",
                                                      content=build_roster(valid_rows(5, start=10)))
    recent = queued(staff, valid_rows(2, start=20), django_capture_on_commit_callbacks)
    started(lost, 10.5)
    started(previewing, 30)
    started(recent, 2)
    assert services.roster_imports_sweep() == roster_uploads.SweepResult(timed_out=2, expired=0)
    states = dict(RosterImport.objects.values_list("pk", "state"))
    assert (states[lost.pk], states[previewing.pk], states[recent.pk]) == (State.FAILED, State.FAILED, State.QUEUED)
    settings.BACKGROUND_JOB_TIMEOUT = dt.timedelta(minutes=1)
    assert services.roster_imports_sweep().timed_out == 1


def test_a_job_that_starts_after_its_timeout_fails_instead_of_importing(staff, django_capture_on_commit_callbacks):
    record = queued(staff, valid_rows(2), django_capture_on_commit_callbacks)
    started(record, 15)
    assert services.roster_import_apply(import_id=record.pk).state == State.FAILED
    assert not Cadre.objects.exists()


def test_a_job_stopped_by_its_time_limit_is_failed_with_nothing_written(staff, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    from celery.exceptions import SoftTimeLimitExceeded

    record = queued(staff, valid_rows(2), django_capture_on_commit_callbacks)
    monkeypatch.setattr(roster_uploads, "apply_roster_import", mock.Mock(side_effect=SoftTimeLimitExceeded()))
    assert services.roster_import_apply(import_id=record.pk).state == State.FAILED
    record.refresh_from_db()
    assert record.error == JOB_TIMED_OUT and not Cadre.objects.exists()


def test_the_import_tasks_are_acknowledged_late_and_limited_to_the_job_timeout(settings):
    from cadre_office.celery import app

    assert app.conf.task_acks_late is True
    limit = settings.BACKGROUND_JOB_TIMEOUT.total_seconds()
    for task in (tasks.preview_roster_upload, tasks.apply_roster_upload):
        assert task.acks_late and task.ignore_result
        assert (task.soft_time_limit, task.time_limit) == (limit, limit + 60)
    schedule = app.conf.beat_schedule["roster-imports-sweep"]
    assert schedule["task"] == tasks.sweep_roster_imports.name
    assert schedule["schedule"].minute == set(range(0, 60, 5))


def test_the_status_of_a_plain_request_goes_back_to_the_page(staff_client, staff):
    record = previewed(staff, valid_rows(1))
    response = staff_client.get(reverse("cadres:import_status", args=[record.pk]))
    assert response.status_code == 302 and response["Location"] == page(record.pk)


def test_the_recent_uploads_link_to_the_ones_still_open(staff_client, staff):
    open_one = previewed(staff, valid_rows(1))
    html = staff_client.get(reverse("cadres:import_upload")).content.decode()
    assert f'href="{page(open_one.pk)}"' in html and "待确认" in html


def test_the_upload_pages_are_for_personnel_staff_only(client, staff):
    record = previewed(staff, valid_rows(1))
    urls = [page(record.pk), reverse("cadres:import_status", args=[record.pk])]
    for url in urls:
        response = client.get(url)  # anonymous
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    log_in(client, role_user("纪检监察", username="jijian_jobs"))
    for url in urls:
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 403
    assert confirm(client, record.pk).status_code == 403
    assert RosterImport.objects.get(pk=record.pk).state == State.PREVIEWED
