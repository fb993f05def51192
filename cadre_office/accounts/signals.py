"""Audit of authentication events (login, logout, failures, lockouts), one row per event.

Django sends ``user_login_failed`` once per failed attempt. django-axes, whose receivers run
first (``axes`` precedes this app in INSTALLED_APPS), counts the failure, marks the request
``axes_locked_out`` and sends ``user_locked_out``, and it does so both on the attempt that
reaches the limit and on every later attempt it refuses while the lockout lasts. Only the
first is a lockout; the later ones are denied attempts. ``request.axes_failures_since_start``
tells them apart: axes sets it to the new count when it counts an attempt, and leaves it None
when it refuses one without counting.

The login also records the session (so disabling the account can end it) and, once, whether
the account still owes a second factor, a look at notices or a new password (read by
``AccountPolicyMiddleware``).

An account that owes a second factor is not logged in by its password alone: the password writes
密码验证通过 (with the step still owed), a wrong token 动态口令错误, and 登录 is written when the token is
accepted (``services.account_login_verified``). A password login always asks for the token again,
even in a session that passed it before. axes counts password failures only, and a right password
resets its count (AXES_RESET_ON_SUCCESS); wrong tokens are throttled by django-otp on the device.
"""

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts.middleware import (
    OWES_NOTICES,
    OWES_PASSWORD_CHANGE,
    OWES_SECOND_FACTOR,
    POLICY_VERSION,
    POLICY_VERSION_KEY,
    owes_password_change,
    owes_second_factor,
)
from cadre_office.accounts.services import has_unseen_notices, login_session_end, login_session_record
from cadre_office.audit.context import client_ip
from cadre_office.audit.services import Event, Outcome, audit_record


@receiver(user_logged_in, dispatch_uid="accounts.on_login")
def on_login(sender, request, user, **kwargs):
    session = request.session
    if session.session_key is None:
        # login() flushed another user's session: the new one has no key until saved.
        session.save()
    ip = client_ip(request)
    login_session_record(user=user, session_key=session.session_key, ip=ip)
    owes_otp = owes_second_factor(user)
    session[OWES_SECOND_FACTOR] = owes_otp
    session[OWES_PASSWORD_CHANGE] = owes_password_change(user)
    session[OWES_NOTICES] = has_unseen_notices(user)
    session[POLICY_VERSION_KEY] = POLICY_VERSION
    # Logging in again in a session that passed the token before (same user: Django keeps the
    # session's data) asks for the token again.
    session.pop(DEVICE_ID_SESSION_KEY, None)
    if owes_otp:
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        audit_record(Event.PASSWORD_VERIFIED, actor=user, ip=ip,
                     detail={"pending": "verify" if enrolled else "setup"})
    else:
        audit_record(Event.LOGIN, actor=user, ip=ip)


@receiver(user_logged_out, dispatch_uid="accounts.on_logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:  # an anonymous visitor posted to the logout page
        return
    audit_record(Event.LOGOUT, actor=user, ip=client_ip(request))
    login_session_end(session_key=request.session.session_key)


@receiver(user_login_failed, dispatch_uid="accounts.on_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` comes cleansed (the password masked); only the username is kept anyway.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    refused = request is not None and _refused_while_locked(request, credentials)
    audit_record(
        Event.LOGIN_FAILED,
        username=username,
        obj=_account(username),
        outcome=Outcome.DENIED if refused else Outcome.FAILURE,
        detail={"reason": "locked_out"} if refused else None,
        ip=client_ip(request) if request is not None else None,
    )


@receiver(user_locked_out, dispatch_uid="accounts.on_locked_out")
def on_locked_out(sender, request, username, ip_address=None, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or failures != get_failure_limit(request, {"username": username}):
        return  # a refused attempt during the lockout, audited as such by on_login_failed
    audit_record(
        Event.LOCKOUT,
        username=username or "",
        obj=_account(username),
        outcome=Outcome.DENIED,
        detail={"failures": failures},
        ip=client_ip(request),
    )


def _refused_while_locked(request, credentials) -> bool:
    """Return whether axes refused this attempt because the username was already locked.

    With ``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT`` off, axes refuses without counting
    (no count on the request); with it on (axes' default), it counts the attempt past the limit.
    """
    if not getattr(request, "axes_locked_out", False):
        return False
    failures = getattr(request, "axes_failures_since_start", None)
    return failures is None or failures > get_failure_limit(request, credentials)


def _account(username):
    if not username:
        return None
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()
