"""Who may read the dashboard, for which departments, and who may maintain it.

Reading is ``dashboard.view_snapshot``. Bureau-wide readers (``cadres.view_all_cadres``)
see the bureau's stored figures; everyone else sees the sum of the stored rows of the
departments they may browse (their grants and all sub-departments), which counts exactly
the cadres ``cadres.permissions.visible_to`` gives them, so a drill-down list adds up
to the figure above it.
"""

from dataclasses import dataclass

from cadres.permissions import departments_visible_to, sees_all_departments, visible_to

VIEW = "dashboard.view_snapshot"
RECOMPUTE = "dashboard.recompute_dashboard"
CHANGE_TARGET = "dashboard.change_target"
ADD_PLAN = "dashboard.add_plan"
CHANGE_PLAN = "dashboard.change_plan"
EXPORT = "dashboard.export_dashboard"  # the print view, the cards' workbook and PDF, the drill-down workbooks

BUREAU_LABEL = "全局"
NO_DEPARTMENT_LABEL = "未授权任何单位"


@dataclass(frozen=True)
class Scope:
    """The figures a user reads: the bureau's, or the sum over ``department_ids``.

    ``names`` are the departments granted to the user (their sub-departments are included
    in ``department_ids`` but not named), for the page header.
    """

    bureau: bool
    department_ids: tuple[int, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.bureau:
            return BUREAU_LABEL
        return "、".join(self.names) or NO_DEPARTMENT_LABEL


def can_view(user) -> bool:
    return user.has_perm(VIEW)


def can_recompute(user) -> bool:
    return user.has_perm(RECOMPUTE)


def can_change_targets(user) -> bool:
    return user.has_perm(CHANGE_TARGET)


def can_change_plan(user) -> bool:
    return user.has_perm(CHANGE_PLAN)


def can_add_plan(user) -> bool:
    return user.has_perm(ADD_PLAN)


def can_export(user) -> bool:
    return user.has_perm(EXPORT)


def figure_scope(user) -> Scope:
    """Return whose figures ``user`` reads: one query for a department head, none for the bureau."""
    if sees_all_departments(user):
        return Scope(bureau=True)
    rows = list(departments_visible_to(user).order_by("path").values_list("pk", "parent_id", "name"))
    ids = {pk for pk, _, _ in rows}
    granted = tuple(name for _, parent_id, name in rows if parent_id not in ids)
    return Scope(bureau=False, department_ids=tuple(sorted(ids)), names=granted)


def cadres_in_scope(user):
    """Return the cadres a drill-down may list for ``user`` (the roster's own scope)."""
    return visible_to(user)
