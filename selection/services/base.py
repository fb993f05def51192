"""What every transition of the selection workflow shares: locks, state checks, the trail."""

import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from selection import messages
from selection.models import (
    Candidate,
    CaseStep,
    SelectionCase,
    StepDefinition,
    StepEvent,
)
from selection.rules import (
    WorkflowError,
)

Rule = StepDefinition.Rule
Action = StepEvent.Action
CANDIDATES_STEP_RULE = Rule.CANDIDATES


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
