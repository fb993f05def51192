"""Each rule of docs/selection.md refusing what it must, leaving the case exactly as it was."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadre_office.audit.models import AuditEvent
from oversight.models import AnnualAppraisal, DisciplineAction
from selection import messages, services
from selection.models import Candidate, CaseStep, SelectionCase, Vote
from selection.workdays import UNKNOWN_CALENDAR_YEAR
from tests.factories import CadreFactory, role_user
from tests.selection.conftest import meeting

pytestmark = pytest.mark.django_db


def snapshot(case):
    """Everything a refused transition must leave alone."""
    case = SelectionCase.objects.get(pk=case.pk)
    return (
        case.state, case.current_step, case.decided_on,
        list(case.steps.values_list("number", "state", "data", "submitted_by", "decided_by")),
        list(case.candidates.values_list("pk", "state", "stopped_at_step", "post")),
        case.events.count(), Vote.objects.filter(step__case=case).count(),
        AuditEvent.objects.filter(object_id=str(case.pk), event=AuditEvent.Event.WORKFLOW).count(),
    )


def refused(call, message, case):
    """Assert ``call`` raises a ValidationError with exactly ``message`` and changes nothing."""
    before = snapshot(case)
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert snapshot(case) == before


@pytest.fixture
def case(wf):
    return wf.new_case()


def candidates(case):
    return list(case.candidates.filter(state="active").order_by("id"))


# --- meetings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [6, 13])
def test_meeting_with_fewer_than_two_thirds_attending_is_refused(wf, case, number):
    wf.advance(case, through=number - 1)
    data = meeting(candidates(case), due=9, attending=5)  # 5 * 3 = 15 < 18
    refused(lambda: wf.submit(case, number, data), messages.ATTENDANCE_TOO_LOW.format(attending=5, members_due=9),
            case)


def test_meeting_with_exactly_two_thirds_attending_is_valid(wf, case):
    wf.advance(case, through=5)
    wf.submit(case, 6, meeting(candidates(case), due=9, attending=6))
    case.refresh_from_db()
    assert case.current_step == 7
    assert Vote.objects.filter(step__case=case, step__number=6).count() == 12


def test_member_voting_twice_for_a_candidate_is_refused(wf, case):
    wf.advance(case, through=5)
    data = meeting(candidates(case))
    data["votes"].append(dict(data["votes"][0]))
    refused(lambda: wf.submit(case, 6, data), messages.VOTE_DUPLICATE.format(member="成员0"), case)


def test_more_voters_than_attending_members_is_refused(wf, case):
    wf.advance(case, through=5)
    data = meeting(candidates(case), attending=6)
    data["attending"] = 5
    refused(lambda: wf.submit(case, 6, data), messages.VOTE_TOO_MANY_VOTERS.format(voters=6, attending=5), case)


def test_decision_needs_more_than_half_of_the_members_due_not_of_those_present(wf):
    # One candidate: 7 due, 5 attend, 3 agree: 3 is a majority of those present but 3 > 3.5 is false.
    case = wf.new_case(cadres=[CadreFactory(), CadreFactory()])
    wf.advance(case, through=12)
    data = meeting(candidates(case), due=7, attending=5, date="2025-03-10",
                   agree=dict.fromkeys(candidates(case), 3))
    refused(lambda: wf.submit(case, 13, data), messages.NO_CANDIDATE_APPROVED, case)
    # With 4 of 7 for one of them the decision stands; the other (3 of 7) is dropped on approval.
    first, second = candidates(case)
    wf.submit(case, 13, meeting([first, second], due=7, attending=5, date="2025-03-10",
                                agree={first: 4, second: 3}))
    wf.approve(case, 13)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Candidate.State.ACTIVE
    assert (second.state, second.stopped_at_step) == (Candidate.State.DROPPED, 13)


def test_gate_data_missing_its_keys_is_refused(wf, case):
    wf.advance(case, through=12)
    refused(lambda: wf.submit(case, 13, {"members_due": 7, "attending": 6}),
            messages.DATA_MISSING.format(number=13, keys="meeting_date、votes"), case)


# --- inspection candidates (step 7) ----------------------------------------------------------------


def test_as_many_candidates_as_posts_is_refused(wf):
    case = wf.new_case(cadres=[CadreFactory(), CadreFactory()], post_count=2,
                       method=SelectionCase.Method.INDIVIDUAL)
    wf.advance(case, through=6)
    refused(lambda: wf.submit(case, 7), messages.TOO_FEW_CANDIDATES.format(count=2, post_count=2), case)


def test_negative_list_refuses_and_names_the_cadres(wf):
    bad_grade, disciplined, excluded, clean = (CadreFactory(name=n) for n in ("甲", "乙", "丙", "丁"))
    AnnualAppraisal.objects.create(cadre=bad_grade, year=2023, grade=AnnualAppraisal.Grade.BASICALLY_COMPETENT)
    AnnualAppraisal.objects.create(cadre=clean, year=2021, grade=AnnualAppraisal.Grade.INCOMPETENT)  # too old
    DisciplineAction.objects.create(cadre=disciplined, kind=DisciplineAction.Kind.ADMONITION,
                                    decided_on=dt.date(2024, 9, 1), effect_until=dt.date(2025, 3, 1))
    DisciplineAction.objects.create(cadre=clean, kind=DisciplineAction.Kind.WARNING,  # effect ended
                                    decided_on=dt.date(2023, 1, 1), effect_until=dt.date(2024, 1, 1))
    case = wf.new_case(cadres=[bad_grade, disciplined, excluded, clean])
    wf.advance(case, through=6)
    by_name = {c.cadre.name: c for c in case.candidates.select_related("cadre")}
    data = {"date": "2025-02-20", "excluded": {str(by_name["丙"].pk): "近期拟调出"}}
    names = "；".join([
        "甲（" + messages.NEGATIVE_APPRAISAL.format(year=2023, grade="基本称职") + "）",
        "乙（" + messages.NEGATIVE_DISCIPLINE.format(kind="诫勉", date=dt.date(2025, 3, 1)) + "）",
        "丙（近期拟调出）",
    ])
    refused(lambda: wf.submit(case, 7, data), messages.NEGATIVE_LIST.format(names=names), case)

    # Dropping them first lets the list through (丁 and one more than the one post is needed).
    services.candidate_add(actor=wf.staff, case=case, cadre=CadreFactory(name="戊"))
    for name in ("甲", "乙", "丙"):
        services.candidate_drop(actor=wf.staff, case=case, candidate=by_name[name], reason="负面清单")
    wf.submit(case, 7, {"date": "2025-02-20"})
    assert case.steps.get(number=7).state == CaseStep.State.SUBMITTED


def test_negative_list_is_checked_on_the_step_date(wf):
    cadre = CadreFactory(name="甲")
    DisciplineAction.objects.create(cadre=cadre, kind=DisciplineAction.Kind.ADMONITION,
                                    decided_on=dt.date(2024, 9, 1), effect_until=dt.date(2025, 3, 1))
    case = wf.new_case(cadres=[cadre, CadreFactory()])
    wf.advance(case, through=6)
    wf.submit(case, 7, {"date": "2025-03-02"})  # the effect ended the day before
    assert case.steps.get(number=7).state == CaseStep.State.SUBMITTED


# --- vetoes (steps 4, 10, 11, 12) -------------------------------------------------------------------


@pytest.mark.parametrize("number", [10, 11, 12])
def test_veto_stops_that_candidate_only(wf, number):
    case = wf.new_case(cadres=[CadreFactory(), CadreFactory(), CadreFactory()])
    wf.advance(case, through=number - 1)
    first, second, third = candidates(case)
    services.candidate_veto(actor=wf.staff, case=case, number=number, candidate=first, reason="档案存疑")
    first.refresh_from_db()
    assert (first.state, first.stopped_at_step, first.reason) == (Candidate.State.VETOED, number, "档案存疑")
    case.refresh_from_db()
    assert case.state == SelectionCase.State.ACTIVE
    assert {c.pk for c in candidates(case)} == {second.pk, third.pk}
    wf.advance(case, through=number)
    assert case.current_step == number + 1
    assert case.events.filter(action="veto", candidate=first, step__number=number).count() == 1


def test_veto_of_the_last_candidate_terminates_the_case(wf):
    case = wf.new_case(cadres=[CadreFactory(), CadreFactory()])
    wf.advance(case, through=11)
    wf.submit(case, 12)
    for candidate in candidates(case):
        services.candidate_veto(actor=wf.discipline, case=case, number=12, candidate=candidate, reason="信访属实")
    case.refresh_from_db()
    assert case.state == SelectionCase.State.TERMINATED
    assert case.events.last().action == "terminate"


def test_veto_outside_a_veto_step_is_refused(wf, case):
    wf.advance(case, through=12)
    refused(lambda: services.candidate_veto(actor=wf.staff, case=case, number=13, candidate=candidates(case)[0],
                                            reason="x"), messages.VETO_NOT_ALLOWED.format(number=13), case)
    refused(lambda: services.candidate_veto(actor=wf.staff, case=case, number=10, candidate=candidates(case)[0],
                                            reason="x"), messages.VETO_STEP_NOT_IN_PROGRESS.format(number=10), case)


# --- who decides, and when ----------------------------------------------------------------------------


def test_self_approval_is_refused(wf, case):
    """A 人事干部 named an approver of step 10 (人事部门负责人) may not approve what they submitted."""
    case.steps.get(number=10).definition.approvers.add(wf.staff)
    wf.advance(case, through=9)
    wf.submit(case, 10)
    refused(lambda: wf.approve(case, 10, actor=wf.staff), messages.SELF_APPROVAL, case)


def test_only_personnel_staff_run_a_case(wf, case):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.step_submit(actor=wf.leader, case=case, number=1)
    assert case.steps.get(number=1).state == "open"


def test_user_without_the_deciding_role_is_refused(wf, case):
    wf.advance(case, through=11)
    wf.submit(case, 12)
    # A leader does not decide step 12 (纪检监察 does), nor does a holder of the generic permission.
    refused(lambda: services.step_approve(actor=wf.leader, case=case, number=12),
            messages.NOT_APPROVER.format(number=12, role="纪检监察"), case)
    head = role_user("科室负责人")
    refused(lambda: services.step_approve(actor=head, case=case, number=12),
            messages.NOT_APPROVER.format(number=12, role="纪检监察"), case)


def test_named_approver_may_decide_without_the_role(wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    head = role_user("科室负责人")
    case.steps.get(number=2).definition.approvers.add(head)
    wf.approve(case, 2, actor=head)
    assert case.steps.get(number=2).decided_by == head


def test_approving_a_step_that_is_not_submitted_is_refused(wf, case):
    wf.advance(case, through=1)
    refused(lambda: wf.approve(case, 2), messages.STEP_NOT_SUBMITTED.format(number=2), case)
    refused(lambda: wf.approve(case, 1, actor=wf.leader), messages.STEP_NOT_GATE.format(number=1), case)


def test_submitting_a_skipped_step_is_refused(wf, case):
    wf.advance(case, through=2)
    refused(lambda: wf.submit(case, 5), messages.STEP_NOT_CURRENT.format(current=3, number=5), case)
    refused(lambda: wf.approve(case, 4), messages.STEP_NOT_SUBMITTED.format(number=4), case)


def test_submitting_a_submitted_gate_again_is_refused(wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    refused(lambda: wf.submit(case, 2), messages.STEP_NOT_SUBMITTABLE.format(number=2, state="待审批"), case)


def test_approving_twice_is_refused(wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    wf.approve(case, 2, actor=wf.leader)
    refused(lambda: wf.approve(case, 2, actor=wf.leader2), messages.STEP_ALREADY_DECIDED.format(number=2), case)
    assert case.events.filter(step__number=2, action="approve").count() == 1


# --- time limits -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("notice", "inspection"), [
    (dt.date(2025, 2, 24), dt.date(2025, 2, 24)),  # the same day: 0 working days
    (dt.date(2025, 2, 24), dt.date(2025, 2, 28)),  # Monday to Friday: 4 working days
])
def test_inspection_notice_outside_one_to_three_working_days_is_refused(wf, case, notice, inspection):
    wf.advance(case, through=7)
    data = {"notice_date": notice.isoformat(), "inspection_date": inspection.isoformat()}
    refused(lambda: wf.submit(case, 8, data),
            messages.INSPECTION_NOTICE_BAD.format(notice=notice, inspection=inspection), case)


def test_inspection_notice_three_working_days_ahead_is_accepted(wf, case):
    wf.advance(case, through=7)
    wf.submit(case, 8, {"notice_date": "2025-02-24", "inspection_date": "2025-02-27"})
    case.refresh_from_db()
    assert case.current_step == 9


@pytest.mark.parametrize(("start", "end", "days"), [
    # Over the 2025 National Day and Mid-Autumn holiday (1–8 October): 29, 30 September and 9 October.
    (dt.date(2025, 9, 29), dt.date(2025, 10, 9), 3),
    # Friday 26 September to Tuesday 30 September: 26, Sunday 28 (an adjusted workday), 29, 30.
    (dt.date(2025, 9, 26), dt.date(2025, 9, 30), 4),
])
def test_publicity_shorter_than_five_working_days_is_refused(wf, case, start, end, days):
    wf.advance(case, through=13)
    data = {"start": start.isoformat(), "end": end.isoformat()}
    refused(lambda: wf.submit(case, 14, data),
            messages.PUBLICITY_TOO_SHORT.format(start=start, end=end, days=days), case)


def test_publicity_counts_an_adjusted_saturday_workday(wf, case):
    wf.advance(case, through=13)
    # 9, 10, Saturday 11 October (adjusted workday), 13, 14: five working days only with the Saturday.
    wf.submit(case, 14, {"start": "2025-10-09", "end": "2025-10-14"})
    assert case.steps.get(number=14).state == CaseStep.State.SUBMITTED


def test_publicity_in_a_year_nobody_entered_is_refused_with_the_calendar_message(wf, case):
    wf.advance(case, through=13)
    refused(lambda: wf.submit(case, 14, {"start": "2027-03-01", "end": "2027-03-10"}),
            UNKNOWN_CALENDAR_YEAR.format(year=2027), case)


def test_probation_review_before_one_year_is_refused(wf, case):
    wf.advance(case, through=15)
    appointed = case.candidates.get(state=Candidate.State.APPOINTED)
    data = {"results": {str(appointed.pk): "competent"}}
    refused(lambda: wf.submit(case, 16, data, today=dt.date(2026, 3, 9)),
            messages.PROBATION_NOT_OVER.format(date=dt.date(2026, 3, 10)), case)
    refused(lambda: wf.submit(case, 16, {"results": {}}),
            messages.PROBATION_RESULTS_MISSING.format(names=appointed.cadre.name), case)
