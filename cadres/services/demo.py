"""Writing the demo data (``seed_demo``): the bureau's units, the generated roster, the demo logins.

The data itself (units, the deterministic roster, the logins) is defined in ``cadres.demo``; the
writes are here, through the roster import and the account services, so a second run finds
every row unchanged and writes nothing. History rows name the ``seed_demo`` service account.
"""

from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass, replace

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts.models import Profile
from cadre_office.accounts.roles import SECOND_FACTOR_ROLES
from cadre_office.accounts.services import (
    account_create,
    account_enable,
    account_reset_password,
    account_set_role,
    account_set_scope,
)
from cadre_office.history import service_account
from cadres.demo import DEMO_PASSWORD, DEMO_USERS, DEPARTMENTS, SERVICE_ACCOUNT, DemoUser, demo_roster
from cadres.models import Department
from cadres.roster_workbook import ParsedRoster
from cadres.services.departments import department_create, department_root
from cadres.services.roster_import import ImportResult, apply_roster_import, plan_roster_import


def ensure_departments(*, actor) -> int:
    """Create the bureau's departments that do not exist yet (matched by name); return how many were created."""
    root = department_root(actor=actor)
    names = [spec.name for spec in DEPARTMENTS]
    existing = set(Department.objects.filter(name__in=names).values_list("name", flat=True))
    created = 0
    for spec in DEPARTMENTS:
        if spec.name not in existing:
            department_create(actor=actor, name=spec.name, parent=root, kind=spec.kind, sort_order=spec.sort_order)
            created += 1
    return created



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


# --- all of it ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    departments_created: int
    roster: ImportResult
    users: list[DemoUser]


class DemoRosterInvalid(Exception):
    """The generated roster does not import cleanly over the data in the database."""


@transaction.atomic
def seed_demo(*, reset_passwords: bool = False) -> SeedResult:
    """Write the demo departments, roster and logins; a second run changes nothing.

    The apps built on the roster add their own demo data after it (the ``seed_demo`` command).
    """
    actor = service_account(SERVICE_ACCOUNT)
    departments_created = ensure_departments(actor=actor)
    plan = plan_roster_import(ParsedRoster(rows=demo_roster()))
    if not plan.is_valid:
        raise DemoRosterInvalid("；".join(str(error) for error in plan.errors[:10]))
    result = apply_roster_import(plan, actor=actor, source="演示数据")
    users = ensure_demo_users(actor=actor, reset_passwords=reset_passwords)
    return SeedResult(departments_created=departments_created, roster=result, users=users)
