"""Steps: submit, approve, return; the rules they enforce, the appointment and the probation review."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from cadre_office.history import tracked_save
from cadres.services.cadres import cadre_update, post_end, post_start
from oversight.events import talk_required
from selection import messages
from selection.actions import Action as Act
from selection.models import (
    Candidate,
    CaseStep,
    SelectionCase,
    Vote,
)
from selection.rules import (
    WorkflowError,
    check_candidates,
    check_inspection_notice,
    check_meeting,
    check_probation,
    check_publicity,
    check_required_keys,
    parse_date,
)
from selection.services.base import (
    Action,
    Rule,
    _active_candidates,
    _complete_step,
    _jsonable,
    _locked,
    _missing_reason,
    _opinion,
    _record,
    _require_text,
    _stop_candidate,
)


def _store_votes(step: CaseStep, votes) -> None:
    # Votes are not a tracked model: a resubmission after a return replaces the previous ballots.
    step.votes.all().delete()
    Vote.objects.bulk_create(Vote(step=step, candidate_id=candidate_id, member=member, choice=choice)
                             for member, candidate_id, choice in votes)


def _appoint(*, actor, case: SelectionCase) -> list[int]:
    """Give every active candidate the case's post from the decision date (step 15).

    The cadre moves to the case's department too: the roster's 工作单位 follows the new post.
    """
    if case.decided_on is None:
        raise WorkflowError(messages.NO_DECISION_DATE, code="no_decision_date")
    reason = messages.APPOINTMENT_REASON.format(number=case.number)
    appointed = []
    for candidate in _active_candidates(case):
        candidate.post = post_start(actor=actor, cadre=candidate.cadre, department=case.department,
                                    title=case.post_title, level=case.level, start_date=case.decided_on,
                                    reason=reason)
        if candidate.cadre.department_id != case.department_id:
            cadre_update(actor=actor, cadre=candidate.cadre, data={"department": case.department}, reason=reason)
        candidate.state = Candidate.State.APPOINTED
        tracked_save(candidate, actor=actor, reason=reason, update_fields=["state", "post"], clean=False)
        # 任职谈话 within a month of the appointment (oversight's talks receive it; one per candidate).
        talk_required.send(actor=actor, cadre=candidate.cadre, kind="appointment",
                           due_on=case.decided_on + relativedelta(months=1),
                           reason=f"任{case.post_title}（{case.number}）", source=f"selection:{case.pk}:{candidate.pk}")
        appointed.append(candidate.pk)
    return appointed


@transaction.atomic
def step_submit(*, actor, case: SelectionCase, number: int, data: dict | None = None, opinion: str = "",
                missing_reason: str = "", today: dt.date | None = None) -> CaseStep:
    """Submit the current step with its record ``data``; a record step is then done, a gate awaits a decision.

    Refused unless ``allowed_actions`` allows the submission; then the step's rule checks ``data``, an
    opinion is required where the step asks for one, and records the step requires but nobody uploaded
    need ``missing_reason`` (kept in the trail). ``today`` (default: the local date) is the date the
    negative list is checked on when ``data`` has no ``"date"``, and the date the probation review must
    not precede.
    """
    today = today or timezone.localdate()
    case, step, verdict = _locked(Act.SUBMIT, actor=actor, case=case, number=number)
    data = _jsonable(data)
    rule = step.definition.rule
    check_required_keys(number, rule, data)
    detail = {}
    meeting = None
    if rule in (Rule.RECOMMENDATION_VOTE, Rule.DECISION_VOTE):
        meeting = check_meeting(data, candidates=_active_candidates(case), decision=rule == Rule.DECISION_VOTE)
        detail["approved"] = sorted(meeting.approved)
    elif rule == Rule.CANDIDATES:
        on = parse_date(data, "date") if data.get("date") else today
        check_candidates(data, candidates=_active_candidates(case), post_count=case.post_count, on=on)
    elif rule == Rule.INSPECTION_NOTICE:
        check_inspection_notice(data)
    elif rule == Rule.PUBLICITY:
        check_publicity(data)
    elif rule == Rule.PROBATION:
        appointed = list(case.candidates.select_related("cadre").filter(state=Candidate.State.APPOINTED))
        check_probation(data, decided_on=case.decided_on, appointed=appointed, today=today)

    opinion = _opinion(opinion, required=step.definition.opinion_required,
                       message=messages.SUBMIT_OPINION_REQUIRED.format(number=number))
    missing_reason = _missing_reason(verdict, step, missing_reason)

    # Every rule holds: from here on the submission is written.
    if meeting is not None:
        _store_votes(step, meeting.votes)
    step.data = data
    step.submitted_by, step.submitted_at = actor, timezone.now()
    step.decided_by, step.decided_at = None, None
    if rule == Rule.APPOINTMENT:
        detail["appointed"] = _appoint(actor=actor, case=case)
    reason = f"提交第{number}步"
    _record(actor=actor, case=case, action=Action.SUBMIT, step=step, opinion=opinion, missing=verdict.missing,
            missing_reason=missing_reason, **detail)
    if step.definition.is_gate:
        step.state = CaseStep.State.SUBMITTED
        tracked_save(step, actor=actor, reason=reason, clean=False)
    else:
        _complete_step(actor=actor, case=case, step=step, reason=reason)
    return step


def _decide_meeting(*, actor, case: SelectionCase, step: CaseStep) -> list[int]:
    """Apply a decision meeting (step 13): drop the candidates without a majority of the members due."""
    members_due = int(step.data["members_due"])
    dropped = []
    agree_by_candidate = {}
    for vote in step.votes.filter(choice=Vote.Choice.AGREE):
        agree_by_candidate[vote.candidate_id] = agree_by_candidate.get(vote.candidate_id, 0) + 1
    for candidate in _active_candidates(case):
        agree = agree_by_candidate.get(candidate.pk, 0)
        if agree * 2 <= members_due:
            _stop_candidate(actor=actor, candidate=candidate, state=Candidate.State.DROPPED, step_number=step.number,
                            reason=messages.NOT_ENOUGH_AGREE.format(agree=agree, members_due=members_due))
            dropped.append(candidate.pk)
    case.decided_on = parse_date(step.data, "meeting_date")
    tracked_save(case, actor=actor, reason="党组讨论决定", update_fields=["decided_on"], clean=False)
    return dropped


def _decide_probation(*, actor, step: CaseStep, case: SelectionCase, today: dt.date) -> dict:
    results = {int(key): value for key, value in step.data["results"].items()}
    outcome = {}
    for candidate in case.candidates.select_for_update(of=("self",)).select_related("post").filter(
            state=Candidate.State.APPOINTED):
        if results.get(candidate.pk) == "competent":
            candidate.state = Candidate.State.CONFIRMED
            tracked_save(candidate, actor=actor, reason="试用期满考核胜任", update_fields=["state"], clean=False)
        else:
            candidate.state = Candidate.State.REMOVED
            tracked_save(candidate, actor=actor, reason=messages.PROBATION_REMOVED, update_fields=["state"],
                         clean=False)
            if candidate.post is not None:
                post_end(actor=actor, post=candidate.post, end_date=today, reason=messages.PROBATION_REMOVED)
        outcome[candidate.pk] = candidate.state
    return outcome


def _lock_submitted_gate(action: Act, *, actor, case: SelectionCase, number: int):
    """Lock the case and the step, then check (on the locked rows) that ``actor`` may decide it now."""
    return _locked(action, actor=actor, case=case, number=number)


@transaction.atomic
def step_approve(*, actor, case: SelectionCase, number: int, opinion: str = "", missing_reason: str = "",
                 today: dt.date | None = None) -> CaseStep:
    """Approve a submitted gate, once: the step is done and the next one opens.

    An opinion is required where the step asks for one, and records still missing need the approver's
    own ``missing_reason``. Approving step 13 fixes the decision date (``meeting_date``) and drops the
    candidates without a majority; approving step 16 confirms or removes each appointed cadre (a removed
    one's post ends ``today``, by default the local date).
    """
    today = today or timezone.localdate()
    case, step, verdict = _lock_submitted_gate(Act.APPROVE, actor=actor, case=case, number=number)
    opinion = _opinion(opinion, required=step.definition.opinion_required,
                       message=messages.APPROVE_OPINION_REQUIRED.format(number=number))
    missing_reason = _missing_reason(verdict, step, missing_reason)
    rule = step.definition.rule
    detail = {}
    if rule == Rule.DECISION_VOTE:
        detail["dropped"] = _decide_meeting(actor=actor, case=case, step=step)
    elif rule == Rule.PROBATION:
        detail["results"] = _decide_probation(actor=actor, step=step, case=case, today=today)
    step.decided_by, step.decided_at = actor, timezone.now()
    _record(actor=actor, case=case, action=Action.APPROVE, step=step, opinion=opinion, missing=verdict.missing,
            missing_reason=missing_reason, **detail)
    _complete_step(actor=actor, case=case, step=step, reason=f"审批同意第{number}步")
    return step


@transaction.atomic
def step_return(*, actor, case: SelectionCase, number: int, opinion: str) -> CaseStep:
    """Send a submitted gate back for changes, with an opinion saying what to change."""
    opinion = _require_text(opinion, messages.OPINION_REQUIRED)
    case, step, _ = _lock_submitted_gate(Act.RETURN, actor=actor, case=case, number=number)
    step.state = CaseStep.State.RETURNED
    step.decided_by, step.decided_at = actor, timezone.now()
    tracked_save(step, actor=actor, reason=f"退回第{number}步", clean=False)
    _record(actor=actor, case=case, action=Action.RETURN, step=step, opinion=opinion)
    return step
