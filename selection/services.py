"""The transitions of the selection workflow (十六步工作法, DOMAIN.md section 5).

Every transition is one atomic function that first locks the case row (``select_for_update``) and reads
its state again, so two people acting at once are serialised and the second sees what the first did.
Each writes one ``StepEvent`` (the trail), one ``Event.WORKFLOW`` audit row with ``{"step", "action"}``,
and saves every tracked row through ``tracked_save`` so its history names the actor.

States:

- case: active ⇄ paused; active/paused → terminated; active → completed (after step 16).
- step: waiting → open → (record) done | (gate) submitted → done | returned → submitted …
- candidate: active → dropped | vetoed | appointed → confirmed | removed.

Who may act is enforced here too: running a case (starting it, submitting steps, candidates, pausing)
needs ``selection.run_selection``; deciding a gate needs its role or a named approver. Records are
attached with ``attachment_add`` (the case page shows ✓/✗ per required record), but a submission does
not yet require the records a step lists in ``required_records``: a step may be done before its files
are scanned and uploaded.
"""

import datetime as dt
import json
import os

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres.services.cadres import cadre_update, post_end, post_start
from selection import messages
from selection.models import (
    Candidate,
    CaseStep,
    SelectionCase,
    StepAttachment,
    StepDefinition,
    StepEvent,
    Vote,
    WorkflowTemplate,
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

__all__ = [
    "WorkflowError", "attachment_add", "candidate_add", "candidate_drop", "candidate_veto", "case_create", "case_pause",
    "case_resume", "case_terminate", "step_approve", "step_return", "step_submit",
]

Rule = StepDefinition.Rule
Action = StepEvent.Action
CANDIDATES_STEP_RULE = Rule.CANDIDATES


# --- helpers ----------------------------------------------------------------------------------------


def _require_runner(actor) -> None:
    """Running a case (starting it, submitting steps, managing candidates) is personnel staff's work."""
    if not actor.has_perm("selection.run_selection"):
        raise PermissionDenied(messages.NOT_RUNNER)


def _lock_case(case: SelectionCase) -> SelectionCase:
    """Lock the case row and return it as it is now (another transaction may have changed it)."""
    return SelectionCase.objects.select_for_update().get(pk=case.pk)


def _lock_step(case: SelectionCase, number: int) -> CaseStep:
    step = (CaseStep.objects.select_for_update(of=("self",)).select_related("definition")
            .filter(case=case, number=number).first())
    if step is None:
        raise WorkflowError(messages.STEP_UNKNOWN.format(number=number), code="step_unknown")
    return step


def _require_active(case: SelectionCase) -> None:
    if case.state != SelectionCase.State.ACTIVE:
        raise WorkflowError(messages.CASE_NOT_ACTIVE.format(state=case.get_state_display()), code="case_not_active")


def _require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(message, code="required")
    return text


def _jsonable(data: dict | None) -> dict:
    """Return ``data`` as it will be stored: dates as ISO strings, keys as strings."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _record(*, actor, case: SelectionCase, action: str, step: CaseStep | None = None, candidate=None,
            opinion: str = "", **detail) -> StepEvent:
    """Append the trail entry and the audit row of one action."""
    event = StepEvent.objects.create(case=case, step=step, candidate=candidate, action=action, actor=actor,
                                     opinion=opinion)
    audit_record(Event.WORKFLOW, actor=actor, obj=case,
                 detail={"step": step.number if step else case.current_step, "action": action, **detail})
    return event


def _active_candidates(case: SelectionCase) -> list[Candidate]:
    return list(case.candidates.select_for_update(of=("self",)).select_related("cadre")
                .filter(state=Candidate.State.ACTIVE))


def _stop_candidate(*, actor, candidate: Candidate, state: str, step_number: int, reason: str) -> None:
    candidate.state = state
    candidate.stopped_at_step = step_number
    candidate.reason = reason[:200]
    tracked_save(candidate, actor=actor, reason=reason, update_fields=["state", "stopped_at_step", "reason"],
                 clean=False)


def _complete_step(*, actor, case: SelectionCase, step: CaseStep, reason: str) -> None:
    """Mark ``step`` done and open the next one, or complete the case after the last step."""
    step.state = CaseStep.State.DONE
    tracked_save(step, actor=actor, reason=reason, clean=False)
    following = CaseStep.objects.select_for_update().filter(case=case, number=step.number + 1).first()
    if following is None:
        case.state = SelectionCase.State.COMPLETED
        tracked_save(case, actor=actor, reason="选拔任用工作完成", update_fields=["state"], clean=False)
        return
    following.state = CaseStep.State.OPEN
    tracked_save(following, actor=actor, reason=reason, update_fields=["state"], clean=False)
    case.current_step = following.number
    tracked_save(case, actor=actor, reason=reason, update_fields=["current_step"], clean=False)


def _may_decide(user, definition: StepDefinition) -> bool:
    """Whether ``user`` may decide the gate: a named approver, a holder of its role, or (neither set) the perm."""
    approvers = set(definition.approvers.values_list("pk", flat=True))
    role = definition.decided_by_role
    if not approvers and not role:
        return user.has_perm("selection.decide_selection")
    return user.pk in approvers or (bool(role) and user.groups.filter(name=role).exists())


def _next_number(year: int) -> str:
    prefix = f"{year}-"
    numbers = SelectionCase.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    sequence = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0) + 1
    return f"{prefix}{sequence:03d}"


# --- cases and candidates ---------------------------------------------------------------------------


@transaction.atomic
def case_create(*, actor, title: str, department, post_title: str, level: str, post_count: int = 1,
                method: str, cadres=(), number: str | None = None) -> SelectionCase:
    """Start a case on the current template: step 1 open, the others waiting, one candidate per cadre."""
    _require_runner(actor)
    template = WorkflowTemplate.objects.filter(is_current=True).first()
    if template is None:
        raise WorkflowError(messages.NO_CURRENT_TEMPLATE, code="no_template")
    case = SelectionCase(
        number=number or _next_number(timezone.localdate().year), title=title, department=department,
        post_title=post_title, level=level, post_count=post_count, method=method, template=template,
        created_by=actor, state=SelectionCase.State.ACTIVE, current_step=1,
    )
    tracked_save(case, actor=actor, reason="发起选拔任用工作")
    for definition in template.steps.order_by("number"):
        state = CaseStep.State.OPEN if definition.number == 1 else CaseStep.State.WAITING
        tracked_save(CaseStep(case=case, definition=definition, number=definition.number, state=state),
                     actor=actor, reason="发起选拔任用工作", clean=False)
    for cadre in cadres:
        tracked_save(Candidate(case=case, cadre=cadre), actor=actor, reason="发起选拔任用工作")
    _record(actor=actor, case=case, action=Action.RECORD, opinion="发起选拔任用工作", created=True)
    return case


def _require_list_open(case: SelectionCase) -> None:
    """Candidates may be added or dropped until step 7 (确定考察对象) is done."""
    _require_active(case)
    closed = case.steps.filter(definition__rule=CANDIDATES_STEP_RULE, state=CaseStep.State.DONE).exists()
    if closed:
        raise WorkflowError(messages.CANDIDATE_LIST_CLOSED, code="candidate_list_closed")


@transaction.atomic
def candidate_add(*, actor, case: SelectionCase, cadre) -> Candidate:
    """Add a cadre as a candidate, before the inspection candidates are decided (step 7)."""
    _require_runner(actor)
    case = _lock_case(case)
    _require_list_open(case)
    if case.candidates.filter(cadre=cadre).exists():
        raise WorkflowError(messages.CANDIDATE_ALREADY_IN_CASE.format(name=cadre.name), code="candidate_duplicate")
    candidate = Candidate(case=case, cadre=cadre)
    tracked_save(candidate, actor=actor, reason="增加人选")
    _record(actor=actor, case=case, action=Action.RECORD, candidate=candidate, opinion="增加人选",
            candidate_added=candidate.pk)
    return candidate


def _lock_candidate(case: SelectionCase, candidate: Candidate) -> Candidate:
    locked = Candidate.objects.select_for_update(of=("self",)).select_related("cadre").filter(
        pk=candidate.pk, case=case).first()
    if locked is None:
        raise WorkflowError(messages.CANDIDATE_NOT_IN_CASE, code="candidate_not_in_case")
    if locked.state != Candidate.State.ACTIVE:
        raise WorkflowError(messages.CANDIDATE_NOT_ACTIVE.format(name=locked.cadre.name), code="candidate_not_active")
    return locked


@transaction.atomic
def candidate_drop(*, actor, case: SelectionCase, candidate: Candidate, reason: str) -> Candidate:
    """Leave a candidate off the list (未列入), e.g. one on the negative list, before step 7 is done."""
    _require_runner(actor)
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case = _lock_case(case)
    _require_list_open(case)
    candidate = _lock_candidate(case, candidate)
    _stop_candidate(actor=actor, candidate=candidate, state=Candidate.State.DROPPED, step_number=case.current_step,
                    reason=reason)
    _record(actor=actor, case=case, action=Action.RECORD, candidate=candidate, opinion=reason,
            candidate_dropped=candidate.pk)
    return candidate


@transaction.atomic
def candidate_veto(*, actor, case: SelectionCase, number: int, candidate: Candidate, reason: str) -> Candidate:
    """Veto a candidate at a veto step (4, 10, 11, 12) in progress; the case ends when nobody is left.

    Personnel staff record a veto, and so may whoever decides that step (纪检监察 at step 12).
    """
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case = _lock_case(case)
    _require_active(case)
    step = _lock_step(case, number)
    if not (actor.has_perm("selection.run_selection") or _may_decide(actor, step.definition)):
        raise PermissionDenied(messages.NOT_RUNNER)
    if step.definition.rule != Rule.VETO:
        raise WorkflowError(messages.VETO_NOT_ALLOWED.format(number=number), code="veto_not_allowed")
    if case.current_step != number or step.state not in (CaseStep.State.OPEN, CaseStep.State.SUBMITTED):
        raise WorkflowError(messages.VETO_STEP_NOT_IN_PROGRESS.format(number=number), code="veto_step_not_open")
    candidate = _lock_candidate(case, candidate)
    _stop_candidate(actor=actor, candidate=candidate, state=Candidate.State.VETOED, step_number=number,
                    reason=reason)
    _record(actor=actor, case=case, action=Action.VETO, step=step, candidate=candidate, opinion=reason,
            candidate_id=candidate.pk)
    if not case.candidates.filter(state=Candidate.State.ACTIVE).exists():
        case.state = SelectionCase.State.TERMINATED
        tracked_save(case, actor=actor, reason=messages.ALL_CANDIDATES_STOPPED, update_fields=["state"], clean=False)
        _record(actor=actor, case=case, action=Action.TERMINATE, step=step, opinion=messages.ALL_CANDIDATES_STOPPED)
    return candidate


@transaction.atomic
def case_pause(*, actor, case: SelectionCase, reason: str) -> SelectionCase:
    _require_runner(actor)
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case = _lock_case(case)
    _require_active(case)
    case.state = SelectionCase.State.PAUSED
    tracked_save(case, actor=actor, reason=reason, update_fields=["state"], clean=False)
    _record(actor=actor, case=case, action=Action.PAUSE, opinion=reason)
    return case


@transaction.atomic
def case_resume(*, actor, case: SelectionCase, reason: str) -> SelectionCase:
    _require_runner(actor)
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case = _lock_case(case)
    if case.state != SelectionCase.State.PAUSED:
        raise WorkflowError(messages.CASE_NOT_PAUSED, code="case_not_paused")
    case.state = SelectionCase.State.ACTIVE
    tracked_save(case, actor=actor, reason=reason, update_fields=["state"], clean=False)
    _record(actor=actor, case=case, action=Action.RESUME, opinion=reason)
    return case


@transaction.atomic
def case_terminate(*, actor, case: SelectionCase, reason: str) -> SelectionCase:
    _require_runner(actor)
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case = _lock_case(case)
    if case.state not in (SelectionCase.State.ACTIVE, SelectionCase.State.PAUSED):
        raise WorkflowError(messages.CASE_ENDED.format(state=case.get_state_display()), code="case_ended")
    case.state = SelectionCase.State.TERMINATED
    tracked_save(case, actor=actor, reason=reason, update_fields=["state"], clean=False)
    _record(actor=actor, case=case, action=Action.TERMINATE, opinion=reason)
    return case


# --- steps ------------------------------------------------------------------------------------------


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
        appointed.append(candidate.pk)
    return appointed


@transaction.atomic
def step_submit(*, actor, case: SelectionCase, number: int, data: dict | None = None, opinion: str = "",
                today: dt.date | None = None) -> CaseStep:
    """Submit the current step with its record ``data``; a record step is then done, a gate awaits a decision.

    ``today`` (default: the local date) is the date the negative list is checked on when ``data`` has no
    ``"date"``, and the date the probation review must not precede.
    """
    _require_runner(actor)
    today = today or timezone.localdate()
    case = _lock_case(case)
    _require_active(case)
    if number != case.current_step:
        raise WorkflowError(messages.STEP_NOT_CURRENT.format(current=case.current_step, number=number),
                            code="step_not_current")
    step = _lock_step(case, number)
    if step.state not in (CaseStep.State.OPEN, CaseStep.State.RETURNED):
        raise WorkflowError(messages.STEP_NOT_SUBMITTABLE.format(number=number, state=step.get_state_display()),
                            code="step_not_submittable")
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

    # Every rule holds: from here on the submission is written.
    if meeting is not None:
        _store_votes(step, meeting.votes)
    step.data = data
    step.submitted_by, step.submitted_at = actor, timezone.now()
    step.decided_by, step.decided_at = None, None
    if rule == Rule.APPOINTMENT:
        detail["appointed"] = _appoint(actor=actor, case=case)
    reason = f"提交第{number}步"
    _record(actor=actor, case=case, action=Action.SUBMIT, step=step, opinion=opinion, **detail)
    if step.definition.is_gate:
        step.state = CaseStep.State.SUBMITTED
        tracked_save(step, actor=actor, reason=reason, clean=False)
    else:
        _complete_step(actor=actor, case=case, step=step, reason=reason)
    return step


def _lock_submitted_gate(*, actor, case: SelectionCase, number: int) -> tuple[SelectionCase, CaseStep]:
    """Lock the case and the step, then check (on the locked rows) that the step awaits a decision."""
    case = _lock_case(case)
    _require_active(case)
    step = _lock_step(case, number)
    if not step.definition.is_gate:
        raise WorkflowError(messages.STEP_NOT_GATE.format(number=number), code="step_not_gate")
    if step.state == CaseStep.State.DONE:
        raise WorkflowError(messages.STEP_ALREADY_DECIDED.format(number=number), code="step_already_decided")
    if step.state != CaseStep.State.SUBMITTED:
        raise WorkflowError(messages.STEP_NOT_SUBMITTED.format(number=number), code="step_not_submitted")
    if step.submitted_by_id == actor.pk:
        raise WorkflowError(messages.SELF_APPROVAL, code="self_approval")
    if not _may_decide(actor, step.definition):
        raise WorkflowError(messages.NOT_APPROVER.format(number=number, role=step.definition.decided_by_role
                                                          or "指定审批人"), code="not_approver")
    return case, step


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


@transaction.atomic
def step_approve(*, actor, case: SelectionCase, number: int, opinion: str = "",
                 today: dt.date | None = None) -> CaseStep:
    """Approve a submitted gate, once: the step is done and the next one opens.

    Approving step 13 fixes the decision date (``meeting_date``) and drops the candidates without a
    majority; approving step 16 confirms or removes each appointed cadre (a removed one's post ends
    ``today``, by default the local date).
    """
    today = today or timezone.localdate()
    case, step = _lock_submitted_gate(actor=actor, case=case, number=number)
    rule = step.definition.rule
    detail = {}
    if rule == Rule.DECISION_VOTE:
        detail["dropped"] = _decide_meeting(actor=actor, case=case, step=step)
    elif rule == Rule.PROBATION:
        detail["results"] = _decide_probation(actor=actor, step=step, case=case, today=today)
    step.decided_by, step.decided_at = actor, timezone.now()
    _record(actor=actor, case=case, action=Action.APPROVE, step=step, opinion=opinion, **detail)
    _complete_step(actor=actor, case=case, step=step, reason=f"审批同意第{number}步")
    return step


@transaction.atomic
def step_return(*, actor, case: SelectionCase, number: int, opinion: str) -> CaseStep:
    """Send a submitted gate back for changes, with an opinion saying what to change."""
    opinion = _require_text(opinion, messages.OPINION_REQUIRED)
    case, step = _lock_submitted_gate(actor=actor, case=case, number=number)
    step.state = CaseStep.State.RETURNED
    step.decided_by, step.decided_at = actor, timezone.now()
    tracked_save(step, actor=actor, reason=f"退回第{number}步", clean=False)
    _record(actor=actor, case=case, action=Action.RETURN, step=step, opinion=opinion)
    return step


# --- attachments ------------------------------------------------------------------------------------

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "ofd"})
RECORD_NAME_MAX = StepAttachment._meta.get_field("record_name").max_length


def _check_attachment_file(file) -> None:
    if not file:
        raise WorkflowError(messages.ATTACHMENT_FILE_REQUIRED, code="attachment_required")
    extension = os.path.splitext(file.name or "")[1].lower().lstrip(".")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise WorkflowError(messages.ATTACHMENT_BAD_TYPE.format(types="、".join(sorted(ATTACHMENT_EXTENSIONS))),
                            code="attachment_bad_type")
    if file.size > ATTACHMENT_MAX_BYTES:
        raise WorkflowError(messages.ATTACHMENT_TOO_LARGE.format(mb=ATTACHMENT_MAX_BYTES // (1024 * 1024)),
                            code="attachment_too_large")


@transaction.atomic
def attachment_add(*, actor, case: SelectionCase, number: int, record_name: str, file) -> StepAttachment:
    """Attach a document to step ``number`` (the current step or a done one) of an open case.

    ``record_name`` is one of the step's ``required_records`` or free text (another record). The file is
    checked by size and extension only (its content is not inspected).
    """
    _require_runner(actor)
    record_name = _require_text(record_name, messages.RECORD_NAME_REQUIRED)
    if len(record_name) > RECORD_NAME_MAX:
        raise WorkflowError(messages.RECORD_NAME_TOO_LONG.format(max=RECORD_NAME_MAX), code="record_name_too_long")
    _check_attachment_file(file)
    case = _lock_case(case)
    if case.state not in (SelectionCase.State.ACTIVE, SelectionCase.State.PAUSED):
        raise WorkflowError(messages.CASE_ENDED.format(state=case.get_state_display()), code="case_ended")
    step = _lock_step(case, number)
    if step.number != case.current_step and step.state != CaseStep.State.DONE:
        raise WorkflowError(messages.ATTACHMENT_STEP_NOT_REACHED.format(number=number),
                            code="attachment_step_not_reached")
    attachment = StepAttachment(step=step, record_name=record_name, file=file, uploaded_by=actor)
    tracked_save(attachment, actor=actor, reason=f"上传第{number}步材料", clean=False)
    _record(actor=actor, case=case, action=Action.RECORD, step=step, opinion=f"上传材料：{record_name}",
            attachment=attachment.pk, record_name=record_name)
    return attachment
