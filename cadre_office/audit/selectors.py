"""Reads of the audit log that the page and the export share, each starting from the user's right to read it."""

import datetime as dt
import ipaddress
from dataclasses import asdict, dataclass

from django.db.models import Q
from django.utils import timezone

from cadre_office.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    """The filter bar of the audit log (all optional). Dates are local (Asia/Shanghai) and inclusive."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    username: str = ""
    event: str = ""
    outcome: str = ""
    ip: str = ""
    q: str = ""

    def as_detail(self) -> dict:
        """Return the filters that are set, as JSON-ready text (for the export's own audit row)."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in asdict(self).items()
            if value not in (None, "")
        }


def visible_to(user):
    """Return the audit rows ``user`` may read: all of them for the audit administrator, none for anyone else.

    三员分立: only the role 审计管理员 holds ``audit.view_auditevent``; the system and
    security administrators do not, so they read nothing here.
    """
    if not (user.is_authenticated and user.is_active and user.has_perm("audit.view_auditevent")):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _ip_filter(text: str) -> Q:
    """A complete address matches exactly; a fragment such as ``10.2.`` matches addresses starting with it."""
    try:
        return Q(ip=str(ipaddress.ip_address(text)))
    except ValueError:
        return Q(ip__startswith=text)


def audit_events(user, filters: AuditFilters):
    """Return the audit rows ``user`` may read that match ``filters``, newest first.

    The page shows the stored username, address and object text, so no join is needed:
    one query for the count, one for the page, whatever the number of rows.
    """
    queryset = visible_to(user)
    if filters.date_from:
        queryset = queryset.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        # Up to the end of that day: before the start of the next one (index-friendly, no date cast).
        queryset = queryset.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    username = filters.username.strip()
    if username:
        queryset = queryset.filter(username__icontains=username)
    if filters.event:
        queryset = queryset.filter(event=filters.event)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome)
    ip = filters.ip.strip()
    if ip:
        queryset = queryset.filter(_ip_filter(ip))
    q = filters.q.strip()
    if q:
        queryset = queryset.filter(
            Q(object_repr__icontains=q) | Q(object_id=q) | Q(object_type__iexact=q)
        )
    return queryset.order_by("-at", "-id")
