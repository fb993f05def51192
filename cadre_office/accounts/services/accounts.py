"""Every change to an account: create, role, scope, disable, passwords. Each one audited.

Roles are groups (one per account); department scope is a django-guardian grant of
``cadres.view_department_cadres`` on departments, which their sub-departments inherit.
Service accounts (``cadre_office.history.service_account``: inactive, no usable password)
only author history rows; none of these services turns one into a login.

Granting a role that signs in with a second factor (``roles.SECOND_FACTOR_ROLES``) is not done
here by one person: ``account_change_role`` turns it into a request that a second person
confirms (``services.changes``). Only the server operator's commands, acting through a service
account, grant such a role at once.
"""

import secrets

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
from cadre_office.accounts.roles import ADMIN_ROLES, SCOPED_ROLES, SECOND_FACTOR_ROLES, Role
from cadre_office.accounts.services.notices import notice_add
from cadre_office.audit.services import Event, audit_record

SCOPE_PERMISSION = "cadres.view_department_cadres"


# Temporary passwords: every character class, nothing easily misread (0/O, 1/l/I) when read out.
_PASSWORD_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "-_#@%+=?")
TEMPORARY_PASSWORD_LENGTH = 14

User = get_user_model()


def account_role(user) -> Role | None:
    """Return the role (group) ``user`` holds, or None."""
    names = [group.name for group in user.groups.all()]
    return next((Role(name) for name in names if name in Role.values), None)


def _profile(user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def _person(actor):
    """Return ``actor`` when it is a person's account (not a command's service account), else None."""
    return actor if getattr(actor, "is_authenticated", False) and not is_service_account(actor) else None


def is_operator(actor) -> bool:
    """Return whether ``actor`` is a command run by the server operator (a service account, never a login)."""
    return actor is not None and getattr(actor, "pk", None) is not None and is_service_account(actor)


def grant_needs_confirmation(role, *, before=None) -> bool:
    """Return whether giving ``role`` (to an account holding ``before``) waits for a second person."""
    return bool(role) and role != before and role in SECOND_FACTOR_ROLES


@transaction.atomic
def account_create(
    *, actor, username: str, full_name: str, password: str, role: str | None = None, departments=(),
    display_title: str = "", must_change_password: bool = True, reason: str = "",
):
    """Create an account with a first password that must be changed at first login.

    A role given here goes through ``account_change_role``: granted (and audited) as a role
    change, or, for a role with a second factor, requested for a second person to confirm. A
    scoped role needs its departments. Password errors are reported on ``password``.
    """
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": messages.USERNAME_TAKEN})
    if role:
        _check_scope_for_role(role, departments)
    user = User(username=username, first_name=full_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    Profile.objects.create(
        user=user, password_changed_at=timezone.now(), must_change_password=must_change_password,
        display_title=display_title.strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
        password_set_by=_person(actor),
    )
    audit_record(Event.ACCOUNT_CREATE, actor=actor, obj=user, object_repr=_account_repr(user))
    if role:
        account_change_role(actor=actor, user=user, role=role, departments=departments,
                            reason=reason or messages.GRANT_REASON_NEW_ACCOUNT)
    return user


def _account_repr(user) -> str:
    return f"{user.username}（{user.first_name}）" if user.first_name else user.username


def _check_not_self(actor, user) -> None:
    if getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied(messages.NOT_ON_SELF)


def is_service_account(user) -> bool:
    """Return whether ``user`` is a command's or task's account (inactive, no usable password)."""
    return not user.is_active and not user.has_usable_password()


def _check_not_service_account(user) -> None:
    if is_service_account(user):
        raise ValidationError(messages.SERVICE_ACCOUNT_FIXED)


def _check_scope_for_role(role, departments) -> None:
    """A scoped role needs at least one department; any other role takes none."""
    if role in SCOPED_ROLES and not departments:
        raise ValidationError({"departments": messages.SCOPE_REQUIRED})
    if departments and role not in SCOPED_ROLES:
        raise ValidationError({"departments": messages.SCOPE_NEEDS_SCOPED_ROLE})


@transaction.atomic
def account_change_role(*, actor, user, role: str | None, departments=(), reason: str = ""):
    """Give ``user`` ``role`` and its scope, or ask a second person to: return the request, or None if done.

    Removing a role, or moving to one without a second factor, takes effect at once; granting a
    role with a second factor (``grant_needs_confirmation``) becomes a pending request carrying
    the role and the departments, and the account keeps its present role until it is confirmed.
    """
    role = role or None
    departments = list(departments)
    _check_not_self(actor, user)
    _check_not_service_account(user)
    if role and role not in Role.values:
        raise ValidationError({"role": messages.UNKNOWN_ROLE})
    _check_scope_for_role(role, departments)
    if grant_needs_confirmation(role, before=account_role(user)) and not is_operator(actor):
        from cadre_office.accounts.services.changes import change_request_grant

        return change_request_grant(actor=actor, user=user, role=role, departments=departments, reason=reason)
    account_set_role(actor=actor, user=user, role=role)
    account_set_scope(actor=actor, user=user, departments=departments)
    return None


@transaction.atomic
def account_set_role(*, actor, user, role: str | None):
    """Give ``user`` exactly one role (or none), ending their sessions if it changed.

    Holding one group at a time is what keeps the three administrator roles apart
    (三员分立): no account can be both, say, system and audit administrator. A role with a
    second factor is refused here unless the server operator grants it: people go through
    ``account_change_role``, whose request a second person confirms.
    """
    _check_not_self(actor, user)
    _check_not_service_account(user)
    if role and role not in Role.values:
        raise ValidationError({"role": messages.UNKNOWN_ROLE})
    if grant_needs_confirmation(role, before=account_role(user)) and not is_operator(actor):
        raise ValidationError({"role": messages.ROLE_NEEDS_CONFIRMATION})
    apply_role(actor=actor, user=user, role=role)


def apply_role(*, actor, user, role: str | None, detail: dict | None = None, notice: str = "") -> bool:
    """Set the role: the common end of ``account_set_role`` and of a confirmed grant. Return whether it changed.

    Callers have checked who may do it; ``detail`` adds to the audit row, ``notice`` replaces the
    text the holder is shown at their next login.
    """
    before = account_role(user)
    if (before or None) == (role or None):
        return False
    user.groups.set([Group.objects.get(name=role)] if role else [])
    detail = {"from": before or "", "to": role or "", **(detail or {})}
    if role in ADMIN_ROLES or role not in SCOPED_ROLES:
        # The scope goes with the role; the role change's row says which departments it took along.
        cleared = [department.name for department in account_scope(user)]
        if cleared:
            _clear_scope(user)
            detail["scope_cleared"] = cleared
    audit_record(Event.ROLE_CHANGE, actor=actor, obj=user, object_repr=_account_repr(user), detail=detail)
    end_sessions(user)
    if _person(actor):
        notice_add(user=user, text=notice or messages.NOTICE_ROLE_CHANGED.format(
            actor=describe_actor(actor), before=before or messages.NO_ROLE, after=role or messages.NO_ROLE))
    return True


def describe_actor(actor) -> str:
    """Return how a notice names a person: role, username and name, e.g. 系统管理员 xitong（王某）."""
    role = account_role(actor)
    return f"{role} {_account_repr(actor)}" if role else _account_repr(actor)


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
    _check_not_service_account(user)
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


@transaction.atomic
def account_update(*, actor, user, full_name: str, display_title: str = "", role: str | None = None, departments=(),
                   reason: str = ""):
    """Set an account's name, title, role and scope in one go: all of it, or nothing.

    Each kind of change writes its own audit row: name and title (``update``), role
    (``role_change``, which ends the account's sessions) and scope (``scope_change``). A role
    with a second factor is requested instead (``account_change_role``): return that request,
    or None when everything took effect.
    """
    _check_not_self(actor, user)
    _check_not_service_account(user)
    role = role or None
    departments = list(departments)
    _check_scope_for_role(role, departments)
    full_name, display_title = full_name.strip(), display_title.strip()
    profile = _profile(user)
    changes = {}
    if user.first_name != full_name:
        changes["full_name"] = {"from": user.first_name, "to": full_name}
        user.first_name = full_name
        user.full_clean(exclude=["password"])
        user.save(update_fields=["first_name"])
    if profile.display_title != display_title:
        changes["display_title"] = {"from": profile.display_title, "to": display_title}
        profile.display_title = display_title
        profile.full_clean(exclude=["user", "created_by"])
        profile.save(update_fields=["display_title"])
    if changes:
        audit_record(Event.UPDATE, actor=actor, obj=user, object_repr=_account_repr(user), detail=changes)
    return account_change_role(actor=actor, user=user, role=role, departments=departments,
                               reason=reason or messages.GRANT_REASON_UPDATE)


def end_sessions(user) -> None:
    """Delete every session ``user`` opened (docs/security.md item 7)."""
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
    end_sessions(user)
    audit_record(
        Event.ACCOUNT_DISABLE, actor=actor, obj=user, object_repr=_account_repr(user),
        detail={"reason": reason} if reason else None,
    )


@transaction.atomic
def account_enable(*, actor, user):
    """Let a disabled account log in again (with the password it had)."""
    _check_not_self(actor, user)
    _check_not_service_account(user)
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(Event.ACCOUNT_ENABLE, actor=actor, obj=user, object_repr=_account_repr(user))


@transaction.atomic
def account_reset_password(*, actor, user, password: str):
    """Set a temporary password that ``user`` must change at their next login; end their sessions.

    An activation code not yet used dies with the old password: whoever sets a password must not
    also hold a code for the same account (a confirmer who then resets the password would).
    The holder is told at their next login who reset it.
    """
    from cadre_office.accounts.services.second_factor import activation_codes_revoke

    _check_not_self(actor, user)
    _check_not_service_account(user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.password_changed_at = timezone.now()
    profile.must_change_password = True
    profile.password_set_by = _person(actor)
    profile.save(update_fields=["password_changed_at", "must_change_password", "password_set_by"])
    end_sessions(user)
    _unlock(user)
    revoked = activation_codes_revoke(user=user)
    audit_record(Event.PASSWORD_RESET, actor=actor, obj=user, object_repr=_account_repr(user),
                 detail={"activation_revoked": True} if revoked else None)
    if _person(actor):
        notice_add(user=user, text=messages.NOTICE_PASSWORD_RESET.format(actor=describe_actor(actor)))


def temporary_password(*, username: str = "", full_name: str = "") -> str:
    """Return a random password from all four character classes that passes every password rule.

    The rules include "not similar to the username", so the account's names are checked too.
    """
    probe = User(username=username, first_name=full_name)
    every = "".join(_PASSWORD_ALPHABETS)
    shuffle = secrets.SystemRandom().shuffle
    for _ in range(100):
        chars = [secrets.choice(alphabet) for alphabet in _PASSWORD_ALPHABETS]
        chars += [secrets.choice(every) for _ in range(TEMPORARY_PASSWORD_LENGTH - len(chars))]
        shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, probe)
        except ValidationError:
            continue
        return password
    raise RuntimeError("could not generate a password that passes AUTH_PASSWORD_VALIDATORS")


def account_reset_temporary_password(*, actor, user) -> str:
    """Reset ``user``'s password to a generated temporary one and return it (to be shown once)."""
    password = temporary_password(username=user.get_username(), full_name=user.first_name)
    account_reset_password(actor=actor, user=user, password=password)
    return password


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
    profile.password_set_by = user
    profile.save(update_fields=["password_changed_at", "must_change_password", "password_set_by"])
    audit_record(Event.PASSWORD_CHANGE, actor=user, obj=user, object_repr=_account_repr(user))


def _unlock(user) -> None:
    from axes.utils import reset

    reset(username=user.get_username())


@transaction.atomic
def account_unlock(*, actor, user):
    """Lift a login lockout before its 30 minutes are over."""
    _check_not_self(actor, user)
    _check_not_service_account(user)
    _unlock(user)
    audit_record(Event.ACCOUNT_UNLOCK, actor=actor, obj=user, object_repr=_account_repr(user))


# --- sessions --------------------------------------------------------------------------------


def login_session_follow(*, old_key: str | None, new_key: str | None) -> None:
    """Keep a login's session record on the session's new key, so disabling the account still ends it."""
    if old_key and new_key and old_key != new_key:
        LoginSession.objects.filter(session_key=old_key).update(session_key=new_key)


def login_session_end(*, session_key: str | None) -> None:
    """Forget the record of a session that logged out (its session row is flushed by Django)."""
    if session_key:
        LoginSession.objects.filter(session_key=session_key).delete()


def login_session_record(*, user, session_key: str, ip: str | None) -> None:
    """Record the session a login opened, dropping the account's records of sessions that expired."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    LoginSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    LoginSession.objects.update_or_create(session_key=session_key, defaults={"user": user, "ip": ip})
