"""Cases and their candidates: start, add, drop, veto, pause, resume, terminate."""


from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cadre_office.history import tracked_save
from selection import messages
from selection.models import (
    Candidate,
    CaseStep,
    SelectionCase,
    WorkflowTemplate,
)
from selection.rules import (
    WorkflowError,
)
from selection.services.base import (
    CANDIDATES_STEP_RULE,
    Action,
    Rule,
    _lock_case,
    _lock_step,
    _may_decide,
    _next_number,
    _record,
    _require_active,
    _require_runner,
    _require_text,
    _stop_candidate,
)


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
