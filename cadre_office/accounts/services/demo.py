"""Writing the demo logins (``seed_demo``): one per role, through the account services.

A second run changes nothing. A login that signs in with a second factor gets an authenticator
enrolled directly (the seed stands in for the holder's own enrolment), and its secret is returned
so that the command can print it and ``demo_totp`` can compute its token.
"""

from base64 import b32encode
from binascii import unhexlify
from dataclasses import replace

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts.demo import DEMO_PASSWORD, DEMO_USERS, DemoUser
from cadre_office.accounts.models import Profile
from cadre_office.accounts.roles import SECOND_FACTOR_ROLES
from cadre_office.accounts.services.accounts import (
    account_create,
    account_enable,
    account_reset_password,
    account_set_role,
    account_set_scope,
)
from cadres.models import Department


def _demo_totp_secret(user) -> str:
    """Enrol the demo login's TOTP device once (a random key) and return its base32 secret.

    Written directly, as the seed stands in for the holder's own enrolment: demo logins are
    for trying the system on one's own machine, never seeded in production.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="演示动态口令", confirmed=True)
    return b32encode(unhexlify(device.key)).decode()


def ensure_demo_users(*, actor, reset_passwords: bool = False) -> list[DemoUser]:
    """Create the demo logins that do not exist yet, through the account services; return them.

    A new login gets ``DEMO_PASSWORD`` and no forced first change; an existing one keeps
    its password unless ``reset_passwords``. Role and scope are brought back to the table.
    """
    User = get_user_model()
    result = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = account_create(
                actor=actor, username=demo.username, full_name=demo.display_name, password=DEMO_PASSWORD,
                must_change_password=False,
            )
        elif reset_passwords or not user.is_active:
            account_enable(actor=actor, user=user)
            account_reset_password(actor=actor, user=user, password=DEMO_PASSWORD)
            Profile.objects.filter(user=user).update(must_change_password=False)
        account_set_role(actor=actor, user=user, role=demo.role)
        scope = Department.objects.filter(name=demo.department) if demo.department else []
        account_set_scope(actor=actor, user=user, departments=list(scope))
        secret = _demo_totp_secret(user) if demo.role in SECOND_FACTOR_ROLES else ""
        result.append(replace(demo, totp_secret=secret))
    return result
