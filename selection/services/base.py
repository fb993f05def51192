"""What every transition of the selection workflow shares: locks, the allowed-actions check, the trail."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from selection import messages
from selection.actions import Action as Act
from selection.actions import Verdict, allowed_actions
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


def _lock_case(case: SelectionCase) -> SelectionCase:
    """Lock the case row and return it as it is now (another transaction may have changed it)."""
    return SelectionCase.objects.select_for_update().get(pk=case.pk)


def _lock_step(case: SelectionCase, number: int) -> CaseStep | None:
    """Lock step ``number`` of the (locked) case; None when the case has no such step."""
    return (CaseStep.objects.select_for_update(of=("self",)).select_related("definition")
            .filter(case=case, number=number).first())


def _locked(action: Act, *, actor, case: SelectionCase, number: int | None = None
            ) -> tuple[SelectionCase, CaseStep | None, Verdict]:
    """Lock the case (and step ``number``), then require ``actor``'s verdict on ``action`` from those rows.

    The verdict is ``selection.actions``' — the one the case page shows — computed on the rows as they are
    now that they are locked: a refusal raises its coded error (or PermissionDenied) and nothing is written.
    """
    case = _lock_case(case)
    step = _lock_step(case, number) if number is not None else None
    verdict = allowed_actions(case, actor, steps=[step]).require(action, number)
    return case, step, verdict


def _opinion(text: str, *, required: bool, message: str) -> str:
    """Return the opinion stripped; refuse an empty one where the step asks for one."""
    text = (text or "").strip()
    if required and not text:
        raise WorkflowError(message, code="opinion_required")
    return text


def _missing_reason(verdict: Verdict, step: CaseStep, reason: str) -> str:
    """Return the reason given for the step's missing records; refuse when records are missing without one."""
    reason = (reason or "").strip()
    if not verdict.missing:
        return ""
    if not reason:
        raise WorkflowError(messages.MATERIALS_UNCONFIRMED.format(number=step.number, names="、".join(verdict.missing)),
                            code="materials_unconfirmed")
    return reason


def _require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(message, code="required")
    return text


def _jsonable(data: dict | None) -> dict:
    """Return ``data`` as it will be stored: dates as ISO strings, keys as strings."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _record(*, actor, case: SelectionCase, action: str, step: CaseStep | None = None, candidate=None,
            opinion: str = "", missing: tuple[str, ...] = (), missing_reason: str = "", **detail) -> StepEvent:
    """Append the trail entry and the audit row of one action (with the records missing, if any, and why)."""
    event = StepEvent.objects.create(case=case, step=step, candidate=candidate, action=action, actor=actor,
                                     opinion=opinion, missing_records=list(missing), missing_reason=missing_reason)
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


def _next_candidate_number(case: SelectionCase) -> int:
    """The next 人选编号 of the (locked) case: one past its highest."""
    return (case.candidates.aggregate(highest=Max("number"))["highest"] or 0) + 1


def _next_number(year: int) -> str:
    """The next free case number of ``year`` as read now (``case_create`` reads again if another case took it)."""
    prefix = f"{year}-"
    numbers = SelectionCase.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    sequence = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0) + 1
    return f"{prefix}{sequence:03d}"
