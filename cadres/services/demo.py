"""Writing the roster's demo data (``seed_demo``): the bureau's units and the generated roster.

The data itself is defined in ``cadres.demo``; the writes are here, through the roster import, so a
second run finds every row unchanged and writes nothing. History rows name the ``seed_demo``
service account. The demo logins are the accounts app's (``cadre_office.accounts.services.demo``).
"""

from dataclasses import dataclass

from django.db import transaction

from cadre_office.history import service_account
from cadres.demo import DEPARTMENTS, SERVICE_ACCOUNT, demo_quotas, demo_roster
from cadres.models import Department, PostQuota
from cadres.roster_workbook import ParsedRoster
from cadres.services.departments import department_create, department_root
from cadres.services.quotas import quota_create
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


def ensure_demo_quotas(*, actor) -> int:
    """Record the demo units' quota approvals not recorded yet (by unit, kind and day); return how many."""
    units = dict(Department.objects.filter(name__in=[spec.name for spec in DEPARTMENTS]).values_list("name", "pk"))
    existing = set(PostQuota.objects.filter(department__in=units.values())
                   .values_list("department_id", "level", "effective_from"))
    created = 0
    for spec in demo_quotas():
        if (units[spec.department], spec.level, spec.effective_from) in existing:
            continue
        quota_create(actor=actor, department=Department.objects.get(pk=units[spec.department]), level=spec.level,
                     approved=spec.approved, document=spec.document, approved_on=spec.approved_on,
                     effective_from=spec.effective_from, remarks=spec.remarks, reason="演示数据")
        created += 1
    return created


# --- all of it ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    departments_created: int
    roster: ImportResult
    quotas_created: int = 0


class DemoRosterInvalid(Exception):
    """The generated roster does not import cleanly over the data in the database."""


@transaction.atomic
def seed_demo_roster() -> SeedResult:
    """Write the demo departments and roster; a second run changes nothing.

    The logins (``cadre_office.accounts.services.demo``) and the apps built on the roster add their
    own demo data after it (the project's ``seed_demo`` command).
    """
    actor = service_account(SERVICE_ACCOUNT)
    departments_created = ensure_departments(actor=actor)
    plan = plan_roster_import(ParsedRoster(rows=demo_roster()))
    if not plan.is_valid:
        raise DemoRosterInvalid("；".join(str(error) for error in plan.errors[:10]))
    result = apply_roster_import(plan, actor=actor, source="演示数据")
    quotas_created = ensure_demo_quotas(actor=actor)
    return SeedResult(departments_created=departments_created, roster=result, quotas_created=quotas_created)
