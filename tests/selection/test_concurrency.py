"""Two people acting at the same moment: a gate is decided once; two new cases both get a number.

On PostgreSQL each scenario runs in two threads, each with its own connection, released together by a
barrier: the row locks (a gate) and the unique case number with its retry (new cases) are what keeps
them apart. SQLite lets one transaction write at a time and does not let two threads write the test
database at once, so there the same two calls run ONE AFTER THE OTHER: the test then checks the outcome
of the sequence (the second approval refused, both cases numbered), never a real race. The test ids say
which of the two ran ("threads" or "sequential").
"""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from selection import messages, services
from selection.models import CaseStep, SelectionCase, StepEvent
from selection.services import cases as case_services
from tests.selection.conftest import MISSING_REASON, OPINION, Workflow, ensure_default_template

POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
MODE = "threads" if POSTGRESQL else "sequential"


def together(calls):
    """Run ``calls`` at the same moment in threads on PostgreSQL, one after the other on SQLite.

    Return what each returned, or the messages of the ValidationError it raised, in the order given.
    """
    results = [None] * len(calls)

    def run(index, call, barrier):
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except ValidationError as exc:
            results[index] = ("refused", exc.messages)
        finally:
            if barrier is not None:
                connection.close()  # the thread's own connection, not the test's

    if not POSTGRESQL:
        for index, call in enumerate(calls):
            run(index, call, None)
        return results
    barrier = threading.Barrier(len(calls))
    threads = [threading.Thread(target=run, args=(index, call, barrier)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.parametrize("mode", [MODE])
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_decide_the_step_once(mode):
    ensure_default_template()
    wf = Workflow()
    case = wf.new_case()
    wf.advance(case, through=1)
    wf.submit(case, 2)

    def approve(leader):
        return lambda: services.step_approve(actor=leader, case=case, number=2, opinion=OPINION,
                                             missing_reason=MISSING_REASON) and leader.username

    results = together([approve(wf.leader), approve(wf.leader2)])
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
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


@pytest.mark.parametrize("mode", [MODE])
@pytest.mark.django_db(transaction=True)
def test_two_cases_started_at_once_both_get_a_number(mode, monkeypatch):
    ensure_default_template()
    wf = Workflow()
    if POSTGRESQL:
        # Make the race certain: each thread reads the next number, then waits for the other to have read
        # it too, so both try to save the same number; the second must read again and take the next.
        read_both = threading.Barrier(2)
        first_read = threading.local()
        next_number = case_services._next_number

        def racing_next_number(year):
            number = next_number(year)
            if not getattr(first_read, "done", False):
                first_read.done = True
                read_both.wait(timeout=10)
            return number

        monkeypatch.setattr(case_services, "_next_number", racing_next_number)

    def start(post):
        return lambda: services.case_create(actor=wf.staff, title=f"{post}选拔", department=wf.department,
                                            post_title=post, level="52", method="individual", year=2026).number

    results = together([start("办公室副主任"), start("办公室主任")])
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(number for _, number in results) == ["2026-001", "2026-002"]
    assert sorted(SelectionCase.objects.values_list("number", flat=True)) == ["2026-001", "2026-002"]


@pytest.mark.django_db
def test_a_number_taken_between_reading_and_saving_is_read_again(wf, monkeypatch):
    """The retry itself, on any database: the first number read is already taken when the case is saved."""
    first = services.case_create(actor=wf.staff, title="甲", department=wf.department, post_title="甲职务",
                                 level="52", method="individual", year=2026)
    reads = []
    next_number = case_services._next_number

    def stale_then_fresh(year):
        reads.append(year)
        return first.number if len(reads) == 1 else next_number(year)

    monkeypatch.setattr(case_services, "_next_number", stale_then_fresh)
    second = services.case_create(actor=wf.staff, title="乙", department=wf.department, post_title="乙职务",
                                  level="52", method="individual", year=2026)
    assert (first.number, second.number, len(reads)) == ("2026-001", "2026-002", 2)
    assert second.history.count() == 1  # the failed attempt left no row and no history


@pytest.mark.django_db
def test_a_given_number_already_taken_is_refused_not_renumbered(wf):
    services.case_create(actor=wf.staff, title="甲", department=wf.department, post_title="甲职务", level="52",
                         method="individual", number="2026-009")
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=wf.staff, title="乙", department=wf.department, post_title="乙职务",
                             level="52", method="individual", number="2026-009")
    assert "number" in exc.value.message_dict
    assert SelectionCase.objects.count() == 1
