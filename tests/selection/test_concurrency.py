"""Two leaders approving the same gate at the same moment: the step is decided once.

On PostgreSQL (CI) two threads, each with its own connection, call ``step_approve`` together; the row
locks serialise them and the second, once it has the lock, sees the step done. SQLite serialises writers
itself (one write transaction at a time, ``BEGIN IMMEDIATE``) and does not allow two threads to write the
test database at once, so there the same two approvals run one after the other and the second must be
refused just the same: the test never passes without checking the refusal.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from selection import messages, services
from selection.models import CaseStep, StepEvent
from tests.selection.conftest import MISSING_REASON, OPINION, Workflow, ensure_default_template


def approve_in_thread(*, actor, case, barrier, results):
    try:
        barrier.wait(timeout=10)
        services.step_approve(actor=actor, case=case, number=2, opinion=OPINION, missing_reason=MISSING_REASON)
        results.append(("ok", actor.username))
    except ValidationError as exc:
        results.append(("refused", exc.messages))
    finally:
        connection.close()  # the thread's own connection, not the test's


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_decide_the_step_once():
    ensure_default_template()
    wf = Workflow()
    case = wf.new_case()
    wf.advance(case, through=1)
    wf.submit(case, 2)
    leaders = (wf.leader, wf.leader2)

    results = []
    assert connection.vendor in ("postgresql", "sqlite")
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(len(leaders))
        threads = [threading.Thread(target=approve_in_thread,
                                    kwargs={"actor": leader, "case": case, "barrier": barrier, "results": results})
                   for leader in leaders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
    else:
        for leader in leaders:
            try:
                services.step_approve(actor=leader, case=case, number=2, opinion=OPINION,
                                      missing_reason=MISSING_REASON)
                results.append(("ok", leader.username))
            except ValidationError as exc:
                results.append(("refused", exc.messages))

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["ok", "refused"]
    assert [detail for kind, detail in results if kind == "refused"] == [
        [messages.STEP_ALREADY_DECIDED.format(number=2)]]
    winner = next(detail for kind, detail in results if kind == "ok")
    step = CaseStep.objects.get(case=case, number=2)
    assert step.state == CaseStep.State.DONE
    assert step.decided_by.username == winner
    approvals = StepEvent.objects.filter(case=case, step=step, action=StepEvent.Action.APPROVE)
    assert approvals.count() == 1
    assert approvals.get().actor.username == winner
    case.refresh_from_db()
    assert case.current_step == 3
    assert CaseStep.objects.get(case=case, number=3).state == CaseStep.State.OPEN
