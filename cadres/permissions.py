"""Who may see and do what in the roster.

Every list, record, search, export and report starts from ``visible_to(user)``.
Bureau-wide roles hold ``cadres.view_all_cadres``; everyone else with ``view_cadre``
sees the cadres of the departments granted to them (django-guardian grants on
departments, never per cadre) and of all their sub-departments. Scoping is a
subquery, so it costs no query of its own whatever the size of the roster.
"""

from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith

from cadres.models import Cadre, Department, DepartmentUserObjectPermission, RosterImport

SCOPE_CODENAME = "view_department_cadres"


def _granted(user, path_ref: str):
    """Grants to ``user`` on a department whose path is a prefix of the outer row's ``path_ref``."""
    return (
        DepartmentUserObjectPermission.objects.filter(
            user=user, permission__codename=SCOPE_CODENAME, permission__content_type__app_label="cadres"
        )
        .filter(StartsWith(OuterRef(path_ref), F("content_object__path")))
    )


def sees_all_departments(user) -> bool:
    return user.has_perm("cadres.view_all_cadres")


def visible_to(user):
    """Return the cadres ``user`` may see."""
    if not (user.is_authenticated and user.is_active and user.has_perm("cadres.view_cadre")):
        return Cadre.objects.none()
    if sees_all_departments(user):
        return Cadre.objects.all()
    return Cadre.objects.filter(Exists(_granted(user, "department__path")))


def departments_visible_to(user):
    """Return the departments ``user`` may filter and browse by: all, or their granted subtrees."""
    if not (user.is_authenticated and user.is_active):
        return Department.objects.none()
    if user.has_perm("cadres.view_department") and (
        sees_all_departments(user) or not user.has_perm("cadres.view_cadre")
    ):
        # Bureau-wide readers, and administrators who maintain the tree without reading cadres.
        return Department.objects.all()
    if user.has_perm("cadres.view_cadre"):
        return Department.objects.filter(Exists(_granted(user, "path")))
    return Department.objects.none()


def imports_visible_to(user):
    """Return the roster uploads ``user`` may preview and confirm: their own."""
    if not (user.is_authenticated and user.has_perm("cadres.import_roster")):
        return RosterImport.objects.none()
    return RosterImport.objects.filter(uploaded_by=user)


def can_see_full_id_number(user) -> bool:
    return user.has_perm("cadres.view_full_id_number")


def can_see_cadre(user, cadre: Cadre) -> bool:
    """Return whether ``cadre`` is in ``user``'s scope (no query for bureau-wide readers)."""
    if not (user.is_authenticated and user.is_active and user.has_perm("cadres.view_cadre")):
        return False
    return sees_all_departments(user) or visible_to(user).filter(pk=cadre.pk).exists()


def can_edit_cadre(user, cadre: Cadre) -> bool:
    """Editing a cadre needs the right to change cadres and the cadre in the user's scope."""
    return user.has_perm("cadres.change_cadre") and can_see_cadre(user, cadre)


def can_change_id_number(user, cadre: Cadre) -> bool:
    """Correcting a number is for those who may edit the cadre and see full numbers."""
    return can_edit_cadre(user, cadre) and can_see_full_id_number(user)


# A batch change writes the cadre and may end and start posts and 职级: it needs the rights to all of them.
BATCH_CHANGE_PERMISSIONS = (
    "cadres.view_cadre", "cadres.change_cadre", "cadres.add_postassignment", "cadres.change_postassignment",
    "cadres.add_rankassignment", "cadres.change_rankassignment",
)


def can_batch_change(user) -> bool:
    """Return whether ``user`` may select cadres on the roster and change them in one batch (within scope)."""
    return user.has_perms(BATCH_CHANGE_PERMISSIONS)
