"""Two confirmations of one upload at the same moment: one import, and a clear word to the second (issue 10 item 8).

Before, both read the upload as waiting, both imported it, and the second died on the ID numbers'
unique constraint: a 500. On PostgreSQL (CI) two threads, each with its own connection and its own
browser session of the same user, post the confirmation together; the row lock on the upload
serialises them (the first holds it a moment longer here, so that the second really waits on it),
and the second, once it has the lock, finds the upload queued or imported and is told so. SQLite
serialises writers itself and does not allow two threads to write the test database at once, so
there the two confirmations run one after the other, and the second must be refused just the same.
Tasks run in-process (tests/conftest.py): the winner's import runs in its own request, on commit.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadre_office.history import tracked_save
from cadres import messages, services
from cadres.models import Cadre, RosterImport
from cadres.services import roster_uploads
from tests.cadres.workbooks import build_roster, valid_rows
from tests.factories import log_in, role_user

REFUSALS = {messages.IMPORT_IN_PROGRESS, messages.IMPORT_ALREADY_APPLIED}


def confirm(client, pk, results, barrier=None):
    try:
        if barrier is not None:
            barrier.wait(timeout=10)
        response = client.post(reverse("cadres:import_confirm", args=[pk]), {"action": "confirm"}, follow=True)
        results.append((response.status_code, response.redirect_chain[-1][0],
                        [str(m) for m in response.context["messages"]]))
    except Exception as exc:  # reported by the test, not lost in the thread
        results.append(("error", repr(exc), []))
    finally:
        if barrier is not None:
            connection.close()  # the thread's own connection, not the test's


def slow_queueing(record, *, actor, reason="", **kwargs):
    """Save as usual; hold the lock a moment longer when queueing, so the other confirmation waits on it."""
    tracked_save(record, actor=actor, reason=reason, **kwargs)
    if record.state == RosterImport.State.QUEUED:
        time.sleep(0.5)


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_import_once_and_the_second_is_told_why():
    staff = role_user("人事干部", username="renshi_race")
    record, _ = services.roster_upload_create(actor=staff, file_name="a.xlsx", content=build_roster(valid_rows(5)))
    clients = [log_in(Client(), staff), log_in(Client(), staff)]  # two tabs of the same person

    results = []
    assert connection.vendor in ("postgresql", "sqlite")
    with mock.patch.object(roster_uploads, "tracked_save", side_effect=slow_queueing):
        if connection.vendor == "postgresql":
            barrier = threading.Barrier(2)
            threads = [threading.Thread(target=confirm, args=(c, record.pk, results, barrier)) for c in clients]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert not any(thread.is_alive() for thread in threads)
        else:
            for client in clients:
                confirm(client, record.pk, results)

    assert [status for status, _, _ in results] == [200, 200], results  # never a 500
    done = [r for r in results if r[1] == reverse("cadres:cadre_list")]
    refused = [r for r in results if r[1] == reverse("cadres:import_preview", args=[record.pk])]
    assert len(done) == len(refused) == 1, results
    assert messages.IMPORT_DONE.format(created=5, updated=0, unchanged=0) in done[0][2]
    assert len(refused[0][2]) == 1 and refused[0][2][0] in REFUSALS
    assert Cadre.objects.count() == 5
    assert AuditEvent.objects.filter(event=AuditEvent.Event.IMPORT).count() == 1
    assert RosterImport.objects.get(pk=record.pk).state == RosterImport.State.APPLIED


@pytest.mark.django_db(transaction=True)
def test_the_timeout_sweep_leaves_alone_an_import_that_holds_its_row():
    """A running import holds its upload's row lock until it commits: alive, however long it takes.

    On PostgreSQL another connection holds the lock while the sweep and the status check run; on SQLite
    (no row locks, and a writer would block the sweep itself) only the unlocked case is checked.
    """
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    staff = role_user("人事干部", username="renshi_lock")
    record, _ = services.roster_upload_create(actor=staff, file_name="a.xlsx", content=build_roster(valid_rows(2)))
    RosterImport.objects.filter(pk=record.pk).update(
        state=RosterImport.State.APPLYING, job_started_at=timezone.now() - dt.timedelta(minutes=30))
    record.refresh_from_db()

    if connection.vendor == "postgresql":
        locked, release = threading.Event(), threading.Event()

        def hold():
            try:
                with transaction.atomic():
                    RosterImport.objects.select_for_update().get(pk=record.pk)
                    locked.set()
                    release.wait(timeout=30)
            finally:
                connection.close()

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert locked.wait(timeout=10)
            assert services.roster_imports_sweep().timed_out == 0
            assert services.roster_import_check_timeout(record=record).state == RosterImport.State.APPLYING
        finally:
            release.set()
            holder.join(timeout=30)

    assert services.roster_imports_sweep().timed_out == 1  # nobody holds it: the job was lost
    assert RosterImport.objects.get(pk=record.pk).state == RosterImport.State.FAILED
