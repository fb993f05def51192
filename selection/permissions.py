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


def decides_q(user, *, path: str = "") -> Q:
    """Q matching the gates ``user`` decides: the one definition of who decides a gate.

    Over ``StepDefinition`` itself (``path=""``) or a model reaching it through ``path`` (``"definition"``
    from ``CaseStep``). A gate is decided by its named approvers and the holders of its role; a gate naming
    neither by the holders of ``selection.decide_selection``. The Python checks (``decided_definitions``,
    ``selection.actions``) run this same filter, so the inbox, the scope and the services never disagree.
    """
    prefix, definition_id = (f"{path}__", OuterRef(f"{path}_id")) if path else ("", OuterRef("pk"))
    through = StepDefinition.approvers.through.objects.filter(stepdefinition_id=definition_id)
    mine = Q(**{f"{prefix}decided_by_role__in": _role_names(user)}) | Q(Exists(through.filter(user_id=user.pk)))
    if user.has_perm(DECIDE):
        mine |= Q(**{f"{prefix}decided_by_role": ""}) & ~Q(Exists(through))
    return Q(**{f"{prefix}kind": StepDefinition.Kind.GATE}) & mine


def gates_of(user):
    """Q over CaseStep matching the steps whose gate ``user`` decides (``decides_q`` through ``definition``)."""
    return decides_q(user, path="definition")


def decided_definitions(user, definition_ids) -> frozenset[int]:
    """Return which of ``definition_ids`` are gates ``user`` decides (one query; none without ids)."""
    ids = set(definition_ids)
    if not ids or not (user.is_authenticated and user.is_active):
        return frozenset()
    return frozenset(StepDefinition.objects.filter(decides_q(user), pk__in=ids).values_list("pk", flat=True))


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
