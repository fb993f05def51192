"""Reads of the audit log that the page and the export share, each starting from the user's right to read it."""

from cadre_office.audit.models import AuditEvent


def visible_to(user):
    """Return the audit rows ``user`` may read: all of them for the audit administrator, none for anyone else.

    三员分立: only the role 审计管理员 holds ``audit.view_auditevent``; the system and
    security administrators do not, so they read nothing here.
    """
    if not (user.is_authenticated and user.is_active and user.has_perm("audit.view_auditevent")):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def audit_filterset(user, data=None):
    """Return the audit log's FilterSet (``audit.filters``) over the rows ``user`` may read, newest first.

    The page shows the stored username, address and object text, so no join is needed:
    one query for the count, one for the page, whatever the number of rows.
    """
    from cadre_office.audit.filters import AuditFilterSet

    return AuditFilterSet(data if data is not None else {}, queryset=visible_to(user).order_by("-at", "-id"),
                          user=user)


def audit_events(user, data=None):
    """Return the audit rows ``user`` may read that match the filters in ``data``, newest first."""
    return audit_filterset(user, data).qs
