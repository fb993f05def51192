"""Who may see and do what in the roster.

Every list, record, search and export starts from ``visible_to(user)``.
"""

from cadres.models import Cadre, Department, RosterImport


def visible_to(user):
    """Return the cadres ``user`` may see."""
    if not (user.is_authenticated and user.has_perm("cadres.view_cadre")):
        return Cadre.objects.none()
    return Cadre.objects.all()


def departments_visible_to(user):
    """Return the departments ``user`` may filter and browse by."""
    if not (user.is_authenticated and (user.has_perm("cadres.view_cadre") or user.has_perm("cadres.view_department"))):
        return Department.objects.none()
    return Department.objects.all()


def imports_visible_to(user):
    """Return the roster uploads ``user`` may preview and confirm: their own."""
    if not (user.is_authenticated and user.has_perm("cadres.import_roster")):
        return RosterImport.objects.none()
    return RosterImport.objects.filter(uploaded_by=user)


def can_see_full_id_number(user) -> bool:
    return user.has_perm("cadres.view_full_id_number")


def can_edit_cadre(user, cadre: Cadre) -> bool:
    return user.has_perm("cadres.change_cadre")
