"""A case taken through all sixteen steps, and the transitions around them (pause, return, candidates)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadre_office.audit.models import AuditEvent
from cadres.models import PostAssignment
from selection import messages, services
from selection.models import Candidate, CaseStep, SelectionCase, StepEvent
from tests.factories import CadreFactory, PostFactory
from tests.selection.conftest import DECISION_DATE, OPINION

pytestmark = pytest.mark.django_db


def test_case_create_opens_step_one_and_numbers_the_case(wf):
    case = wf.new_case()
    year = case.created_at.astimezone().year
    assert case.number == f"{year}-001"
    states = dict(case.steps.values_list("number", "state"))
    assert states == {1: CaseStep.State.OPEN, **dict.fromkeys(range(2, 17), CaseStep.State.WAITING)}
    assert case.current_step == 1 and case.state == SelectionCase.State.ACTIVE
    assert sorted(case.candidates.values_list("cadre__name", flat=True)) == ["张三", "李四"]
    assert case.history.first().history_user == wf.staff


def test_second_case_of_the_year_gets_the_next_number(wf):
    first = wf.new_case()
    second = services.case_create(actor=wf.staff, title="副主任", department=wf.department, post_title="办公室副主任",
                                  level="52", method=SelectionCase.Method.INDIVIDUAL)
    assert second.number == first.number[:5] + "002"


def test_full_sixteen_steps(wf):
    previous = PostFactory(cadre=CadreFactory(name="张三", department=wf.department), title="科员", level="",
                           start_date=dt.date(2018, 7, 1))
    zhang, li = previous.cadre, CadreFactory(name="李四")
    case = wf.new_case(cadres=[zhang, li])
    a, b = case.candidates.get(cadre=zhang), case.candidates.get(cadre=li)

    wf.advance(case, through=14)
    # Step 13: 张三 had 5 of the 7 due, 李四 3 (not more than half of 7): 李四 is dropped, the date fixed.
    assert case.decided_on == DECISION_DATE
    b.refresh_from_db()
    assert (b.state, b.stopped_at_step) == (Candidate.State.DROPPED, 13)
    assert b.reason == messages.NOT_ENOUGH_AGREE.format(agree=3, members_due=7)
    assert case.steps.get(number=13).votes.count() == 12
    assert case.current_step == 15

    wf.run(case, 15)  # 任职: the post starts on the decision date
    a.refresh_from_db()
    zhang.refresh_from_db()
    assert a.state == Candidate.State.APPOINTED
    post = PostAssignment.objects.as_of(DECISION_DATE).get(cadre=zhang, end_date__isnull=True)
    assert a.post == post
    assert (post.title, post.level, post.department, post.start_date) == ("办公室主任", "51", wf.department,
                                                                          DECISION_DATE)
    assert zhang.current_post_title == "办公室主任"
    previous.refresh_from_db()
    assert previous.end_date == DECISION_DATE - dt.timedelta(days=1)
    assert not PostAssignment.objects.filter(cadre=li).exists()

    wf.run(case, 16)
    case.refresh_from_db()
    a.refresh_from_db()
    assert case.state == SelectionCase.State.COMPLETED
    assert a.state == Candidate.State.CONFIRMED
    assert set(case.steps.values_list("state", flat=True)) == {CaseStep.State.DONE}

    # The trail: one submit per step, one approve per gate, each with its actor and time.
    events = list(case.events.select_related("step", "actor"))
    submits = [(e.step.number, e.actor) for e in events if e.action == StepEvent.Action.SUBMIT]
    approvals = {e.step.number: e.actor for e in events if e.action == StepEvent.Action.APPROVE}
    assert submits == [(n, wf.staff) for n in range(1, 17)]
    # Steps 10 and 11 are decided by 局领导 (migration 0004): a bureau with one 人事干部 can pass them.
    assert approvals == {2: wf.leader, 3: wf.leader, 4: wf.leader, 7: wf.leader, 10: wf.leader, 11: wf.leader,
                         12: wf.discipline, 13: wf.leader, 14: wf.leader, 16: wf.leader}
    assert all(e.at is not None for e in events)
    step12 = case.steps.get(number=12)
    assert (step12.submitted_by, step12.decided_by) == (wf.staff, wf.discipline)
    assert step12.submitted_at and step12.decided_at

    # One audit row per trail entry, naming the step and the action.
    audits = AuditEvent.objects.filter(event=AuditEvent.Event.WORKFLOW, object_id=str(case.pk)).order_by("id")
    assert audits.count() == len(events)
    assert [(row.user, row.detail["step"], row.detail["action"]) for row in audits] == [
        (e.actor, e.step.number if e.step else 1, e.action) for e in events
    ]


def test_record_step_opens_the_next_and_gate_waits_for_a_decision(wf):
    case = wf.new_case()
    wf.submit(case, 1)
    case.refresh_from_db()
    assert case.current_step == 2
    assert case.steps.get(number=1).state == CaseStep.State.DONE
    assert case.steps.get(number=2).state == CaseStep.State.OPEN
    wf.submit(case, 2)
    case.refresh_from_db()
    assert case.current_step == 2
    assert case.steps.get(number=2).state == CaseStep.State.SUBMITTED
    assert case.steps.get(number=3).state == CaseStep.State.WAITING


def test_returned_gate_can_be_submitted_again(wf):
    case = wf.new_case()
    wf.advance(case, through=1)
    wf.submit(case, 2)
    with pytest.raises(ValidationError) as exc:
        services.step_return(actor=wf.leader, case=case, number=2, opinion=" ")
    assert exc.value.messages == [messages.OPINION_REQUIRED]
    services.step_return(actor=wf.leader, case=case, number=2, opinion="动议理由不充分")
    assert case.steps.get(number=2).state == CaseStep.State.RETURNED
    wf.submit(case, 2)
    wf.approve(case, 2)
    case.refresh_from_db()
    assert case.current_step == 3
    actions = list(case.events.filter(step__number=2).values_list("action", "opinion"))
    assert actions == [("submit", OPINION), ("return", "动议理由不充分"), ("submit", OPINION), ("approve", OPINION)]


def test_pause_resume_and_terminate(wf):
    case = wf.new_case()
    with pytest.raises(ValidationError) as exc:
        services.case_pause(actor=wf.staff, case=case, reason="")
    assert exc.value.messages == [messages.REASON_REQUIRED]
    services.case_pause(actor=wf.staff, case=case, reason="等待机构改革")
    with pytest.raises(ValidationError) as exc:
        wf.submit(case, 1)
    assert exc.value.messages == [messages.CASE_NOT_ACTIVE.format(state="暂停")]
    services.case_resume(actor=wf.staff, case=case, reason="机构改革完成")
    wf.submit(case, 1)
    services.case_terminate(actor=wf.staff, case=case, reason="职位撤销")
    case.refresh_from_db()
    assert case.state == SelectionCase.State.TERMINATED
    with pytest.raises(ValidationError) as exc:
        services.case_resume(actor=wf.staff, case=case, reason="恢复")
    assert exc.value.messages == [messages.CASE_NOT_PAUSED]
    assert list(case.events.exclude(action="record").values_list("action", flat=True)) == [
        "pause", "resume", "submit", "terminate"]


def test_candidates_change_only_until_step_7_is_done(wf):
    case = wf.new_case()
    wang = services.candidate_add(actor=wf.staff, case=case, cadre=CadreFactory(name="王五"))
    with pytest.raises(ValidationError) as exc:
        services.candidate_add(actor=wf.staff, case=case, cadre=wang.cadre)
    assert exc.value.messages == [messages.CANDIDATE_ALREADY_IN_CASE.format(name="王五")]
    services.candidate_drop(actor=wf.staff, case=case, candidate=wang, reason="本人不愿参加")
    wang.refresh_from_db()
    assert (wang.state, wang.reason) == (Candidate.State.DROPPED, "本人不愿参加")
    wf.advance(case, through=7)
    for call in (lambda: services.candidate_add(actor=wf.staff, case=case, cadre=CadreFactory()),
                 lambda: services.candidate_drop(actor=wf.staff, case=case, candidate=case.candidates.first(),
                                                 reason="x")):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.messages == [messages.CANDIDATE_LIST_CLOSED]


def test_probation_review_removes_an_incompetent_cadre_from_the_post(wf):
    case = wf.new_case()
    wf.advance(case, through=15)
    appointed = case.candidates.get(state=Candidate.State.APPOINTED)
    wf.submit(case, 16, {"results": {str(appointed.pk): "incompetent"}})
    wf.approve(case, 16, today=dt.date(2026, 3, 20))
    appointed.refresh_from_db()
    appointed.post.refresh_from_db()
    appointed.cadre.refresh_from_db()
    assert appointed.state == Candidate.State.REMOVED
    assert appointed.post.end_date == dt.date(2026, 3, 20)
    assert appointed.cadre.current_post_title == ""
