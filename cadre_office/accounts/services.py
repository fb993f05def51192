"""Every change to an account: create, role, scope, disable, passwords. Each one audited.

Roles are groups (one per account); department scope is a django-guardian grant of
``cadres.view_department_cadres`` on departments, which their sub-departments inherit.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cadre_office.accounts import messages
from cadre_office.accounts.models import LoginSession, Profile
from cadre_office.accounts.roles import ADMIN_ROLES, SCOPED_ROLES, Role
from cadre_office.audit.services import Event, audit_record

SCOPE_PERMISSION = "cadres.view_department_cadres"

User = get_user_model()


def account_role(user) -> Role | None:
    """Return the role (group) ``user`` holds, or None."""
    names = [group.name for group in user.groups.all()]
    return next((Role(name) for name in names if name in Role.values), None)


def _profile(user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def account_create(
    *, actor, username: str, full_name: str, password: str, role: str | None = None, departments=(),
    display_title: str = "", must_change_password: bool = True,
):
    """Create an account with a first password that must be changed at first login."""
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": messages.USERNAME_TAKEN})
    user = User(username=username, first_name=full_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    Profile.objects.create(
        user=user, password_changed_at=timezone.now(), must_change_password=must_change_password,
        display_title=display_title, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(Event.ACCOUNT_CREATE, actor=actor, obj=user, object_repr=_account_repr(user))
    if role:
        account_set_role(actor=actor, user=user, role=role)
    if departments:
        account_set_scope(actor=actor, user=user, departments=departments)
    return user


def _account_repr(user) -> str:
    return f"{user.username}（{user.first_name}）" if user.first_name else user.username


def _check_not_self(actor, user) -> None:
    if getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied(messages.NOT_ON_SELF)


@transaction.atomic
def account_set_role(*, actor, user, role: str | None):
    """Give ``user`` exactly one role (or none), ending their sessions if it changed.

    Holding one group at a time is what keeps the three administrator roles apart
    (三员分立): no account can be both, say, system and audit administrator.
    """
    _check_not_self(actor, user)
    if role and role not in Role.values:
        raise ValidationError({"role": messages.UNKNOWN_ROLE})
    before = account_role(user)
    if (before or None) == (role or None):
        return
    user.groups.set([Group.objects.get(name=role)] if role else [])
    if role in ADMIN_ROLES or role not in SCOPED_ROLES:
        _clear_scope(user)
    audit_record(
        Event.ROLE_CHANGE, actor=actor, obj=user, object_repr=_account_repr(user),
        detail={"from": before or "", "to": role or ""},
    )
    _end_sessions(user)


def account_scope(user):
    """Return the departments granted to ``user`` (not their sub-departments)."""
    from cadres.models import Department

    return Department.objects.filter(
        departmentuserobjectpermission__user=user,
        departmentuserobjectpermission__permission__codename="view_department_cadres",
    ).order_by("path")


def _clear_scope(user) -> None:
    from cadres.models import DepartmentUserObjectPermission

    DepartmentUserObjectPermission.objects.filter(user=user).delete()


@transaction.atomic
def account_set_scope(*, actor, user, departments):
    """Set the departments whose cadres (sub-departments included) ``user`` may see."""
    _check_not_self(actor, user)
    role = account_role(user)
    wanted = {department.pk: department for department in departments}
    if wanted and role not in SCOPED_ROLES:
        raise ValidationError({"departments": messages.SCOPE_NEEDS_SCOPED_ROLE})
    current = {department.pk: department for department in account_scope(user)}
    if wanted.keys() == current.keys():
        return
    for pk in current.keys() - wanted.keys():
        remove_perm(SCOPE_PERMISSION, user, current[pk])
    for pk in wanted.keys() - current.keys():
        assign_perm(SCOPE_PERMISSION, user, wanted[pk])
    audit_record(
        Event.SCOPE_CHANGE, actor=actor, obj=user, object_repr=_account_repr(user),
        detail={
            "from": sorted(department.name for department in current.values()),
            "to": sorted(department.name for department in wanted.values()),
        },
    )


def _end_sessions(user) -> None:
    """Delete every session ``user`` opened (SECURITY.md item 7)."""
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()


@transaction.atomic
def account_disable(*, actor, user, reason: str = ""):
    """Disable ``user``: they cannot log in, and their open sessions end now."""
    _check_not_self(actor, user)
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    audit_record(
        Event.ACCOUNT_DISABLE, actor=actor, obj=user, object_repr=_account_repr(user),
        detail={"reason": reason} if reason else None,
    )


@transaction.atomic
def account_enable(*, actor, user):
    _check_not_self(actor, user)
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(Event.ACCOUNT_ENABLE, actor=actor, obj=user, object_repr=_account_repr(user))


@transaction.atomic
def account_reset_password(*, actor, user, password: str):
    """Set a temporary password that ``user`` must change at their next login; end their sessions."""
    _check_not_self(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.password_changed_at = timezone.now()
    profile.must_change_password = True
    profile.save(update_fields=["password_changed_at", "must_change_password"])
    _end_sessions(user)
    _unlock(user)
    audit_record(Event.PASSWORD_RESET, actor=actor, obj=user, object_repr=_account_repr(user))


@transaction.atomic
def account_change_password(*, user, old_password: str, new_password: str):
    """Change one's own password (checked against the rules and not equal to the old one)."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": messages.OLD_PASSWORD_WRONG})
    if old_password == new_password:
        raise ValidationError({"new_password1": messages.PASSWORD_UNCHANGED})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.password_changed_at = timezone.now()
    profile.must_change_password = False
    profile.save(update_fields=["password_changed_at", "must_change_password"])
    audit_record(Event.PASSWORD_CHANGE, actor=user, obj=user, object_repr=_account_repr(user))


def _unlock(user) -> None:
    from axes.utils import reset

    reset(username=user.get_username())


@transaction.atomic
def account_unlock(*, actor, user):
    """Lift a login lockout before its 30 minutes are over."""
    _unlock(user)
    audit_record(Event.ACCOUNT_UNLOCK, actor=actor, obj=user, object_repr=_account_repr(user))
