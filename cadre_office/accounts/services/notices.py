"""Notices: what another person did to an account, shown to its holder once at their next login."""

from django.db import transaction
from django.utils import timezone

from cadre_office.accounts.models import AccountNotice


def notice_add(*, user, text: str, at=None) -> AccountNotice:
    """Leave ``user`` a notice that starts with the local time it happened, e.g. 2026-12-01 10:20."""
    at = at or timezone.now()
    stamp = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    return AccountNotice.objects.create(user=user, text=f"{stamp} {text}"[:500], created_at=at)


def notices_unseen(user):
    """Return the notices ``user`` has not yet acknowledged, oldest first."""
    return AccountNotice.objects.filter(user=user, seen_at__isnull=True).order_by("created_at", "id")


def has_unseen_notices(user) -> bool:
    return notices_unseen(user).exists()


@transaction.atomic
def notices_mark_seen(*, user, ids) -> int:
    """Mark the notices ``ids`` (those the holder was shown) as seen; return how many."""
    return notices_unseen(user).filter(pk__in=list(ids)).update(seen_at=timezone.now())
