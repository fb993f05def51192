"""What a user may do on a selection case now, and why not: the one place the workflow's action rules live.

Like Wagtail's ``get_actions`` and ``user_can_cancel``: ``allowed_actions(case, user)`` computes once per
(case, user) a ``Verdict`` for every action — allowed, or refused with the coded message and the code the
service raises. The services build it from the rows they have just locked and ``require`` the verdict
before they write anything; the case page reads the same verdicts to show a form or to say why not.
No view, form or template re-derives a rule. Who decides a gate is ``permissions.decides_q``.

Case-wide actions: add or drop a candidate, pause, resume, terminate, download the 纪实表.
Step actions (by step number): submit, approve, return, veto a candidate, attach a record.

A verdict that is ``forbidden`` refuses the user for who they are (a 403: only personnel staff run
a case), any other refusal is about the state of the case (a ``WorkflowError`` shown on the page).
An allowed submit or approve may carry ``missing``: the step's required records not uploaded yet,
which the user confirms with a reason (the step's ``missing_materials`` is "confirm"); a step that
blocks on missing records refuses instead.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from selection import messages
from selection.models import CaseStep, SelectionCase, StepAttachment, StepDefinition
from selection.permissions import RUN, decided_definitions, gates_of
from selection.rules import WorkflowError

State = SelectionCase.State
StepState = CaseStep.State


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    VETO = "veto"
    ATTACH = "attach"
    ADD_CANDIDATE = "add_candidate"
    DROP = "drop"
    PAUSE = "pause"
    RESUME = "resume"
    TERMINATE = "terminate"
    DOWNLOAD_RECORD = "download_record"


STEP_ACTIONS = (Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.VETO, Action.ATTACH)
CASE_ACTIONS = (Action.ADD_CANDIDATE, Action.DROP, Action.PAUSE, Action.RESUME, Action.TERMINATE,
                Action.DOWNLOAD_RECORD)


@dataclass(frozen=True)
class Verdict:
    """Whether an action is allowed; if not, the message and code of the refusal."""

    allowed: bool
    message: str = ""
    code: str = ""
    forbidden: bool = False  # refused for who the user is, whatever the state of the case
    missing: tuple[str, ...] = ()  # required records not uploaded: to be confirmed with a reason

    def __bool__(self) -> bool:
        return self.allowed

    def require(self) -> "Verdict":
        """Return the verdict if allowed; raise ``PermissionDenied`` or the coded ``WorkflowError`` if not."""
        if self.allowed:
            return self
        if self.forbidden:
            raise PermissionDenied(self.message)
        raise WorkflowError(self.message, code=self.code)


ALLOWED = Verdict(True)
NOT_RUNNER = Verdict(False, messages.NOT_RUNNER, "not_runner", forbidden=True)


def _no(message: str, code: str) -> Verdict:
    return Verdict(False, message, code)


@dataclass(frozen=True)
class Facts:
    """Everything the verdicts read, fetched before (computing a verdict runs no query)."""

    case: SelectionCase
    user_id: int
    runs: bool  # personnel staff: start, submit, attach, candidates, pause …
    decides: frozenset[int]  # the step definitions whose gate the user decides
    list_closed: bool  # the inspection candidates are decided (step 7 done): the list is fixed
    uploaded: dict[int, set[str]] = field(default_factory=dict)  # step number -> record names attached


# --- the rules ------------------------------------------------------------------------------------------


def _case_verdict(action: Action, f: Facts) -> Verdict:
    state = f.case.state
    if action == Action.DOWNLOAD_RECORD:
        return ALLOWED  # whoever sees the case (the scope is the queryset's)
    if not f.runs:
        return NOT_RUNNER
    if action in (Action.ADD_CANDIDATE, Action.DROP):
        if state != State.ACTIVE:
            return _no(messages.CASE_NOT_ACTIVE.format(state=f.case.get_state_display()), "case_not_active")
        if f.list_closed:
            return _no(messages.CANDIDATE_LIST_CLOSED, "candidate_list_closed")
        return ALLOWED
    if action == Action.PAUSE:
        if state != State.ACTIVE:
            return _no(messages.CASE_NOT_ACTIVE.format(state=f.case.get_state_display()), "case_not_active")
        return ALLOWED
    if action == Action.RESUME:
        return ALLOWED if state == State.PAUSED else _no(messages.CASE_NOT_PAUSED, "case_not_paused")
    if action == Action.TERMINATE:
        if state not in (State.ACTIVE, State.PAUSED):
            return _no(messages.CASE_ENDED.format(state=f.case.get_state_display()), "case_ended")
        return ALLOWED
    raise ValueError(f"not a case action: {action}")


def _materials(step: CaseStep, f: Facts) -> Verdict:
    """Allowed, with the missing records to confirm; or refused when the step blocks on them."""
    definition = step.definition
    uploaded = f.uploaded.get(step.number, set())
    missing = tuple(name for name in definition.required_records if name not in uploaded)
    if missing and definition.blocks_on_missing_materials:
        return _no(messages.MATERIALS_MISSING_BLOCK.format(number=step.number, names="、".join(missing)),
                   "materials_missing")
    return Verdict(True, missing=missing)


def _not_active(f: Facts) -> Verdict | None:
    if f.case.state != State.ACTIVE:
        return _no(messages.CASE_NOT_ACTIVE.format(state=f.case.get_state_display()), "case_not_active")
    return None


def _unknown(number) -> Verdict:
    return _no(messages.STEP_UNKNOWN.format(number=number), "step_unknown")


def _submit(f: Facts, step: CaseStep | None, number: int) -> Verdict:
    if not f.runs:
        return NOT_RUNNER
    if (refused := _not_active(f)) is not None:
        return refused
    if number != f.case.current_step:
        return _no(messages.STEP_NOT_CURRENT.format(current=f.case.current_step, number=number), "step_not_current")
    if step is None:
        return _unknown(number)
    if step.state not in (StepState.OPEN, StepState.RETURNED):
        return _no(messages.STEP_NOT_SUBMITTABLE.format(number=number, state=step.get_state_display()),
                   "step_not_submittable")
    return _materials(step, f)


def _decide(f: Facts, step: CaseStep | None, number: int, action: Action) -> Verdict:
    """Approve or return: a submitted gate, by one who decides it, never by its submitter."""
    if (refused := _not_active(f)) is not None:
        return refused
    if step is None:
        return _unknown(number)
    definition = step.definition
    if not definition.is_gate:
        return _no(messages.STEP_NOT_GATE.format(number=number), "step_not_gate")
    if step.state == StepState.DONE:
        return _no(messages.STEP_ALREADY_DECIDED.format(number=number), "step_already_decided")
    if step.state != StepState.SUBMITTED:
        return _no(messages.STEP_NOT_SUBMITTED.format(number=number), "step_not_submitted")
    if step.submitted_by_id == f.user_id:
        return _no(messages.SELF_APPROVAL, "self_approval")
    if definition.pk not in f.decides:
        return _no(messages.NOT_APPROVER.format(number=number, role=definition.decided_by_role or "指定审批人"),
                   "not_approver")
    return _materials(step, f) if action == Action.APPROVE else ALLOWED


def _veto(f: Facts, step: CaseStep | None, number: int) -> Verdict:
    """Personnel staff record a veto, and so may whoever decides that step (纪检监察 at step 12)."""
    if (refused := _not_active(f)) is not None:
        return refused
    if step is None:
        return _unknown(number)
    if not (f.runs or step.definition.pk in f.decides):
        return NOT_RUNNER
    if step.definition.rule != StepDefinition.Rule.VETO:
        return _no(messages.VETO_NOT_ALLOWED.format(number=number), "veto_not_allowed")
    if f.case.current_step != number or step.state not in (StepState.OPEN, StepState.SUBMITTED):
        return _no(messages.VETO_STEP_NOT_IN_PROGRESS.format(number=number), "veto_step_not_open")
    return ALLOWED


def _attach(f: Facts, step: CaseStep | None, number: int) -> Verdict:
    """Records go to the current step or a done one, while the case is open (active or paused)."""
    if not f.runs:
        return NOT_RUNNER
    if f.case.state not in (State.ACTIVE, State.PAUSED):
        return _no(messages.CASE_ENDED.format(state=f.case.get_state_display()), "case_ended")
    if step is None:
        return _unknown(number)
    if number != f.case.current_step and step.state != StepState.DONE:
        return _no(messages.ATTACHMENT_STEP_NOT_REACHED.format(number=number), "attachment_step_not_reached")
    return ALLOWED


def _step_verdict(action: Action, f: Facts, step: CaseStep | None, number: int) -> Verdict:
    if action == Action.SUBMIT:
        return _submit(f, step, number)
    if action in (Action.APPROVE, Action.RETURN):
        return _decide(f, step, number, action)
    if action == Action.VETO:
        return _veto(f, step, number)
    if action == Action.ATTACH:
        return _attach(f, step, number)
    raise ValueError(f"not a step action: {action}")


# --- computed once per (case, user) ---------------------------------------------------------------------


class CaseActions:
    """Every verdict of one user on one case: ``on_case[action]`` and ``on_step[number][action]``."""

    def __init__(self, facts: Facts, steps):
        self.facts = facts
        self.on_case = {action.value: _case_verdict(action, facts) for action in CASE_ACTIONS}
        self.on_step = {step.number: {action.value: _step_verdict(action, facts, step, step.number)
                                      for action in STEP_ACTIONS} for step in steps}

    def check(self, action: Action, number: int | None = None) -> Verdict:
        """Return the verdict on ``action`` (at step ``number`` for a step action)."""
        action = Action(action)
        if action in CASE_ACTIONS:
            return self.on_case[action.value]
        verdicts = self.on_step.get(number)
        if verdicts is None:  # a step this case does not have (or was not loaded: the services load theirs)
            return _step_verdict(action, self.facts, None, number)
        return verdicts[action.value]

    def require(self, action: Action, number: int | None = None) -> Verdict:
        return self.check(action, number).require()

    def step(self, number: int) -> dict[str, Verdict]:
        return self.on_step.get(number, {})


def may_start_case(user) -> Verdict:
    """Starting a case (新建选拔任用工作) is personnel staff's, like every other step of running one."""
    return ALLOWED if user.has_perm(RUN) and user.has_perm("selection.add_selectioncase") else NOT_RUNNER


def allowed_actions(case: SelectionCase, user, *, steps=None) -> CaseActions:
    """Return what ``user`` may do on ``case`` now.

    Without ``steps`` it reads the case's prefetched steps (with their definitions and attachments):
    the case page, one query of its own (the gates the user decides). The services pass the step rows
    they locked; whether the candidate list is closed and which records are attached are then read
    (two small queries).
    """
    whole = steps is None
    steps = list(case.steps.all()) if whole else [step for step in steps if step is not None]
    if whole:
        list_closed = any(s.definition.rule == StepDefinition.Rule.CANDIDATES and s.state == StepState.DONE
                          for s in steps)
        uploaded = {s.number: {a.record_name for a in s.attachments.all()} for s in steps}
    else:
        list_closed = CaseStep.objects.filter(case=case, definition__rule=StepDefinition.Rule.CANDIDATES,
                                              state=StepState.DONE).exists()
        uploaded = {}
        for number, name in StepAttachment.objects.filter(step__in=steps).values_list("step__number",
                                                                                       "record_name"):
            uploaded.setdefault(number, set()).add(name)
    facts = Facts(case=case, user_id=user.pk, runs=user.has_perm(RUN),
                  decides=decided_definitions(user, {s.definition_id for s in steps}),
                  list_closed=list_closed, uploaded=uploaded)
    return CaseActions(facts, steps)


def awaiting_decision_by(user) -> Q:
    """Q over CaseStep: the steps ``user`` may approve or return now — ``_decide`` as a filter.

    A submitted gate of an active case that ``user`` decides (``gates_of``) and did not submit. The
    inbox lists these; a test holds the list and ``allowed_actions`` to the same answer.
    """
    return (gates_of(user) & Q(state=StepState.SUBMITTED, case__state=State.ACTIVE)
            & ~Q(submitted_by_id=user.pk))
