"""Reads of the account pages: accounts with their role, scope and login state, in fixed queries.

Nothing here touches cadre data or the audit log (三员分立): an account's page shows the
account, never what its holder did.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cadre_office.accounts.models import ChangeRequest
from cadre_office.accounts.permissions import confirmable_kinds, confirmable_q

User = get_user_model()

def service_account_q() -> Q:
    # What cadre_office.history.service_account creates: inactive, with no usable password.
    return Q(is_active=False, password__startswith=UNUSABLE_PASSWORD_PREFIX)


def _recent_failures():
    """Failed logins counted the way django-axes counts them for a lockout by username.

    axes keeps one AccessAttempt per (username, address, browser), each with its failure
    count and the time of its latest failure, and sums the rows newer than the cool-off.
    """
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = (
        AccessAttempt.objects.filter(username=OuterRef("username"), attempt_time__gte=since)
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def accounts():
    """Return every account with its title, password date, recent failures and state flags.

    The role (groups) and the departments granted come in two prefetches, whatever the
    number of accounts: ``user.groups.all()`` and ``user.scope_grants``.
    """
    from cadres.models import DepartmentUserObjectPermission

    grants = (
        DepartmentUserObjectPermission.objects.filter(permission__codename="view_department_cadres")
        .select_related("content_object")
        .order_by("content_object__path")
    )
    return (
        User.objects.annotate(
            display_title=Coalesce(F("profile__display_title"), Value("")),
            password_changed_at=F("profile__password_changed_at"),
            must_change_password=Coalesce(F("profile__must_change_password"), Value(True)),
            recent_failures=_recent_failures(),
            is_locked=Case(
                When(recent_failures__gte=settings.AXES_FAILURE_LIMIT, then=Value(True)),
                default=Value(False), output_field=BooleanField(),
            ),
            is_service=Case(When(service_account_q(), then=Value(True)), default=Value(False),
                            output_field=BooleanField()),
        )
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.order_by("name")),
            Prefetch("departmentuserobjectpermission_set", queryset=grants, to_attr="scope_grants"),
        )
        .order_by("username")
    )


def manageable_accounts():
    """Return the accounts the account pages may act on: every one but the service accounts."""
    return accounts().exclude(service_account_q())


def account_filterset(user, data=None):
    """Return the account list's FilterSet (``accounts.filters``) over every account."""
    from cadre_office.accounts.filters import AccountFilterSet

    return AccountFilterSet(data if data is not None else {}, queryset=accounts(), user=user)


def scope_department_choices(user=None):
    """Return the departments a scope may name: the active ones, and any ``user`` already holds."""
    from cadres.models import Department

    held = Q(
        departmentuserobjectpermission__user=user,
        departmentuserobjectpermission__permission__codename="view_department_cadres",
    ) if user is not None and user.pk else Q(pk__in=[])
    return Department.objects.filter(Q(is_active=True) | held).distinct().in_tree_order()


# --- two-person changes --------------------------------------------------------------------------


def _changes():
    return ChangeRequest.objects.select_related(
        "requested_by", "decided_by", "target_user", "target_department",
    ).prefetch_related(Prefetch("target_user__groups", queryset=Group.objects.order_by("name")))


def changes_visible_to(user):
    """Return the requests ``user`` may open: those they asked for, and every one of a kind they confirm."""
    if not user.is_authenticated:
        return ChangeRequest.objects.none()
    return _changes().filter(Q(requested_by=user) | Q(kind__in=confirmable_kinds(user)))


def changes_to_confirm(user):
    """Return the pending requests ``user`` may confirm, oldest first (they have waited longest)."""
    return _changes().filter(confirmable_q(user)).order_by("requested_at", "pk")


def changes_requested_by(user):
    """Return the requests ``user`` asked for that still wait, newest first."""
    return _changes().filter(requested_by=user, state=ChangeRequest.State.PENDING)


def changes_recent(user, limit: int = 20):
    """Return the requests ``user`` asked for or decided that are done, newest first."""
    return (_changes().filter(Q(requested_by=user) | Q(decided_by=user))
            .exclude(state=ChangeRequest.State.PENDING).order_by("-decided_at", "-pk")[:limit])


def pending_changes_of_account(account):
    """Return the pending requests about ``account`` (shown on its page)."""
    return _changes().filter(target_user=account, state=ChangeRequest.State.PENDING)
