"""The second factor: activation codes, enrolling an authenticator, wrong tokens, a confirmed reset.

Whoever knows (or has just reset) an account's password must not be able to enrol their own
phone for it. Enrolling therefore takes a one-time activation code, which only a second
person's confirmation (``services.changes``) or the server operator's ``create_account``
issues. A code is kept hashed, used once, expires after ACCOUNT_ACTIVATION_CODE_DAYS, and
wrong tries are audited and back off as django-otp's wrong tokens do (1, 2, 4 … seconds),
until ACTIVATION_CODE_MAX_FAILURES revoke it.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts import messages
from cadre_office.accounts.models import ActivationCode
from cadre_office.accounts.services.accounts import _account_repr, _person, end_sessions
from cadre_office.audit.services import Event, Outcome, audit_record

# Read out or typed from a slip of paper: no 0/O, 1/I/L.
ACTIVATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACTIVATION_GROUPS = 3
ACTIVATION_GROUP_LENGTH = 4
ACTIVATION_CODE_MAX_FAILURES = 10

DEVICE_NAME = "身份验证器"


def _normalise(code: str) -> str:
    """Return the code as stored: capitals, without the spaces and dashes people type between groups."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _new_code() -> str:
    groups = ["".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(ACTIVATION_GROUP_LENGTH))
              for _ in range(ACTIVATION_GROUPS)]
    return "-".join(groups)


def activation_codes_revoke(*, user) -> int:
    """Revoke every activation code of ``user`` not used yet; return how many were live."""
    now = timezone.now()
    return ActivationCode.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now,
    ).update(revoked_at=now)


@transaction.atomic
def activation_code_issue(*, actor, user, request=None) -> str:
    """Issue ``user`` a new activation code (revoking older ones) and return it, to be shown once.

    ``actor`` is the confirmer (or the operator's command): the person who hands it over.
    """
    activation_codes_revoke(user=user)
    code = _new_code()
    now = timezone.now()
    activation = ActivationCode.objects.create(
        user=user, code_hash=make_password(_normalise(code)), issued_by=_person(actor), request=request,
        issued_at=now, expires_at=now + dt.timedelta(days=settings.ACCOUNT_ACTIVATION_CODE_DAYS),
    )
    audit_record(Event.ACTIVATION_ISSUED, actor=actor, obj=user, object_repr=_account_repr(user), detail={
        "expires": timezone.localtime(activation.expires_at).strftime("%Y-%m-%d %H:%M"),
        **({"request": request.pk} if request is not None else {}),
    })
    return code


def activation_live(*, user, pk=None):
    """Return the live activation code of ``user`` (the one ``pk`` names, if given), or None."""
    codes = ActivationCode.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now(),
    )
    if pk is not None:
        codes = codes.filter(pk=pk)
    return codes.order_by("-issued_at", "-pk").first()


def _wait_seconds(activation: ActivationCode, now) -> int:
    """Seconds still to wait after the code's last failure (1, 2, 4 … seconds, as django-otp)."""
    if not activation.failures or activation.last_failure_at is None:
        return 0
    delay = dt.timedelta(seconds=2 ** (activation.failures - 1))
    left = activation.last_failure_at + delay - now
    return max(0, int(left.total_seconds() + 0.999))


def activation_code_redeem(*, user, code: str) -> tuple[ActivationCode, TOTPDevice]:
    """Check ``code`` for ``user`` and start the enrolment: return the code and a new unconfirmed device.

    Wrong, throttled or missing codes are audited (``activation_failed``) and raise a
    ValidationError; the failure is recorded even though the caller sees an exception. The code
    itself is spent only when the device is confirmed (``account_otp_enrol``), so a person who
    closes the page before typing the token can start again with the same code.
    """
    now = timezone.now()
    with transaction.atomic():
        activation = (ActivationCode.objects.select_for_update()
                      .filter(user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
                      .order_by("-issued_at", "-pk").first())
        wait = _wait_seconds(activation, now) if activation is not None else 0
        if wait:
            error = ValidationError(messages.ACTIVATION_THROTTLED.format(seconds=wait), code="throttled")
            reason = "throttled"
        elif activation is not None and check_password(_normalise(code), activation.code_hash):
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
            return activation, device
        else:
            error = ValidationError(messages.ACTIVATION_INVALID, code="invalid")
            reason = "wrong" if activation is not None else "no_live_code"
            if activation is not None:
                activation.failures += 1
                activation.last_failure_at = now
                fields = ["failures", "last_failure_at"]
                if activation.failures >= ACTIVATION_CODE_MAX_FAILURES:
                    activation.revoked_at = now
                    fields.append("revoked_at")
                activation.save(update_fields=fields)
        audit_record(Event.ACTIVATION_FAILED, actor=user, obj=user, object_repr=_account_repr(user),
                     outcome=Outcome.FAILURE, detail={"reason": reason})
    raise error


@transaction.atomic
def account_otp_enrol(*, user, device, activation=None):
    """Confirm the TOTP device ``user`` proved with a token, spending the activation code it was started with.

    Every enrolment needs a live code (``activation``): a password alone adds no device.
    """
    activation = (ActivationCode.objects.select_for_update().filter(pk=getattr(activation, "pk", None), user=user)
                  .first())
    if activation is None or not activation.is_live():
        raise ValidationError(messages.ACTIVATION_EXPIRED_DURING_SETUP, code="activation_expired")
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(messages.ACTIVATION_EXPIRED_DURING_SETUP, code="activation_expired")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    type(device).objects.filter(user=user, confirmed=False).delete()
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    audit_record(Event.OTP_ENROLLED, actor=user, obj=user, object_repr=_account_repr(user),
                 detail={"issued_by": activation.issued_by.get_username() if activation.issued_by else "命令"})
    return device


def account_otp_failed(*, user, step: str) -> None:
    """Audit a wrong or refused TOTP token (django-otp throttles further tries itself)."""
    audit_record(Event.OTP_FAILED, actor=user, obj=user, object_repr=_account_repr(user),
                 outcome=Outcome.FAILURE, detail={"step": step})


def account_login_verified(*, user, step: str) -> None:
    """Audit the login of an account that owes a second factor, now that its token was accepted.

    The password alone wrote 密码验证通过 (``signals.on_login``); this is the row that says 登录.
    """
    audit_record(Event.LOGIN, actor=user, detail={"second_factor": step})


def has_second_factor(user) -> bool:
    """Return whether ``user`` has enrolled (confirmed) an authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_reset(*, actor, user, request=None) -> str:
    """Remove ``user``'s authenticators, end their sessions and return a new activation code.

    Only a confirmed request calls this (``services.changes``): ``actor`` is the confirmer.
    """
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    end_sessions(user)
    audit_record(Event.OTP_RESET, actor=actor, obj=user, object_repr=_account_repr(user),
                 detail={"devices": removed, **({"request": request.pk} if request is not None else {})})
    return activation_code_issue(actor=actor, user=user, request=request)
