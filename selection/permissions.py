"""Who may see and do what in the selection workflow.

Every list, page and inbox starts from ``cases_visible_to(user)``; all of it needs
``selection.view_selectioncase``.

- ``selection.view_all_selection`` (人事干部, 局领导): every case.
- A department head (neither ``view_all_selection`` nor bureau-wide cadres): the cases of the
  departments granted to them and of their sub-departments — the same grants and subtree as the
  roster (``cadres.permissions.departments_visible_to``).
- Everyone (纪检监察 in practice): also the cases with a gate decided by one of their roles (or naming
  them an approver) that has been submitted or decided — for 纪检监察 the cases that reached step 12
  and submitted it. Earlier steps of such a case are shown too: the whole case is the context of the
  opinion asked for.

Scoping is a subquery: it costs no query of its own.
"""

from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q

from cadres.permissions import departments_visible_to, sees_all_departments
from selection.models import CaseStep, SelectionCase, StepDefinition

VIEW = "selection.view_selectioncase"
VIEW_ALL = "selection.view_all_selection"
RUN = "selection.run_selection"
DECIDE = "selection.decide_selection"


def _role_names(user):
    """The names of ``user``'s groups, as a subquery (a gate's ``decided_by_role`` is a group name)."""
    return Group.objects.filter(user=user).values("name")


def gates_of(user, *, prefix: str = ""):
    """Q over CaseStep (or a relation to it, via ``prefix``) matching the gates ``user`` may decide.

    Mirrors the services: a named approver, a holder of the deciding role, or — a gate naming
    neither — a holder of ``selection.decide_selection``.
    """
    approvers = StepDefinition.approvers.through.objects.filter(
        stepdefinition_id=OuterRef(f"{prefix}definition_id"), user_id=user.pk)
    any_approver = StepDefinition.approvers.through.objects.filter(
        stepdefinition_id=OuterRef(f"{prefix}definition_id"))
    mine = Q(**{f"{prefix}definition__decided_by_role__in": _role_names(user)}) | Q(Exists(approvers))
    if user.has_perm(DECIDE):
        mine |= Q(**{f"{prefix}definition__decided_by_role": ""}) & ~Q(Exists(any_approver))
    return Q(**{f"{prefix}definition__kind": StepDefinition.Kind.GATE}) & mine


def cases_visible_to(user):
    """Return the selection cases ``user`` may see."""
    if not (user.is_authenticated and user.is_active and user.has_perm(VIEW)):
        return SelectionCase.objects.none()
    if user.has_perm(VIEW_ALL):
        return SelectionCase.objects.all()
    reached = CaseStep.objects.filter(
        gates_of(user), case_id=OuterRef("pk"), state__in=[CaseStep.State.SUBMITTED, CaseStep.State.DONE])
    scope = Q(Exists(reached))
    if not sees_all_departments(user):
        # A department head: their granted subtrees (bureau-wide cadre readers get no department scope here).
        scope |= Q(department__in=departments_visible_to(user))
    return SelectionCase.objects.filter(scope)


def can_run(user) -> bool:
    return user.has_perm(RUN)


def decides(user, definition: StepDefinition, role_names: set[str]) -> bool:
    """Whether ``user`` decides the gate ``definition`` (no query: ``role_names`` given, approvers prefetched)."""
    if not definition.is_gate:
        return False
    approvers = {approver.pk for approver in definition.approvers.all()}
    if not approvers and not definition.decided_by_role:
        return user.has_perm(DECIDE)
    return user.pk in approvers or definition.decided_by_role in role_names


def can_decide(user, step: CaseStep, role_names: set[str]) -> bool:
    """Whether ``user`` may approve or return ``step`` now: submitted, by someone else, a gate they decide."""
    return (step.state == CaseStep.State.SUBMITTED and step.submitted_by_id != user.pk
            and decides(user, step.definition, role_names))


def can_veto(user, step: CaseStep, role_names: set[str]) -> bool:
    """Whether ``user`` may veto a candidate at ``step``: personnel staff, or whoever decides that step."""
    return (step.definition.rule == StepDefinition.Rule.VETO
            and step.state in (CaseStep.State.OPEN, CaseStep.State.SUBMITTED)
            and (user.has_perm(RUN) or decides(user, step.definition, role_names)))
