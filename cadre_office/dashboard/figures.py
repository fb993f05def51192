"""The structure-target definitions of DOMAIN.md section 1, computed in the database.

Everything starts from ``counted_cadres(day)``: the cadres in service on ``day`` joined to the
leadership post they hold that day (正科 when they hold both). Each target is a numerator
and a denominator over it, expressed as ``Q`` filters, so the same definitions serve the
aggregate (one query for the bureau, one grouped by department, whatever the roster size)
and the drill-down lists of cadres behind a figure.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, Q

from cadre_office.dashboard.models import TargetCode
from cadre_office.dates import latest_birth_date_for_age
from cadres.codes import BACHELOR_OR_ABOVE_CODES, PARTY_MEMBER_CODES, Ethnicity, Gender, LeadershipLevel
from cadres.models import Cadre, Education

ZHENG = LeadershipLevel.TOWNSHIP_CHIEF
FU = LeadershipLevel.TOWNSHIP_DEPUTY
SECTION_LEVELS = (ZHENG, FU)
DEFAULT_UNDER40 = 40
DEFAULT_RESERVE_AGE = 32


def in_service_on(day: dt.date) -> Q:
    """In service (在职) on ``day``: active now, or left service only after ``day``."""
    return Q(status="active") | Q(status_date__gt=day)


def _valid_on(prefix: str, day: dt.date) -> Q:
    return Q(**{f"{prefix}__start_date__lte": day}) & (
        Q(**{f"{prefix}__end_date__isnull": True}) | Q(**{f"{prefix}__end_date__gte": day})
    )


def counted_cadres(day: dt.date, base=None):
    """Return the 科级干部 on ``day`` with what the definitions need, as joins (no per-row subquery).

    ``post`` is a leadership post at 正科 or 副科 held on ``day`` (started on or before it, not
    ended); ``zheng`` is a 正科 post held that day, so a cadre holding both counts as 正科 only;
    ``bachelor`` is a completed full-time 大学本科/研究生 education obtained by ``day`` (where
    dated). A cadre with two such posts or degrees appears on several rows, which is why
    every count is ``distinct``. 职级 alone never counts.
    """
    queryset = (base if base is not None else Cadre.objects.all()).filter(in_service_on(day))
    return queryset.annotate(
        post=FilteredRelation("posts", condition=Q(posts__level__in=SECTION_LEVELS) & _valid_on("posts", day)),
        zheng=FilteredRelation("posts", condition=Q(posts__level=ZHENG) & _valid_on("posts", day)),
        bachelor=FilteredRelation(
            "educations",
            condition=Q(educations__kind=Education.Kind.FULL_TIME, educations__level__in=BACHELOR_OR_ABOVE_CODES)
            & (Q(educations__graduation_date__isnull=True) | Q(educations__graduation_date__lte=day)),
        ),
    ).filter(post__isnull=False)


def aged_at_most(day: dt.date, age: int) -> Q:
    """Aged ``age`` or less in full years on ``day`` (the 29 February rule included)."""
    return Q(birth_date__gt=latest_birth_date_for_age(day, age + 1))


def aged_past(day: dt.date, age: int) -> Q:
    """Older than ``age`` full years on ``day`` (so out of an "aged ``age`` or less" count)."""
    return Q(birth_date__lte=latest_birth_date_for_age(day, age + 1))


# Targets whose numerator is bounded by age: cadres leave them simply by growing older.
AGING_OUT_CODES = (TargetCode.ZK_UNDER40, TargetCode.FK_UNDER40,
                   TargetCode.ZK_UNDER40_BACHELOR, TargetCode.FK_UNDER40_BACHELOR)
# Of those, the ones whose denominator is age-bounded too (the under-40 cadres themselves).
AGE_BOUNDED_DENOMINATOR = (TargetCode.ZK_UNDER40_BACHELOR, TargetCode.FK_UNDER40_BACHELOR)


def age_bound(code: str, params: dict) -> int:
    """Return the age bound the definition of ``code`` uses (the target's, or the default)."""
    default = DEFAULT_RESERVE_AGE if code == TargetCode.ZK_AROUND30 else DEFAULT_UNDER40
    return (params or {}).get(code) or default


@dataclass(frozen=True)
class Definition:
    """How to count one target on a day: the numerator and (for ratios) denominator filters."""

    code: str
    numerator: Q
    denominator: Q | None


def definitions(day: dt.date, params: dict[str, int | None] | None = None) -> dict[str, Definition]:
    """Return every target's definition on ``day``; ``params`` maps codes to their age bound."""
    params = params or {}
    zk = Q(zheng__isnull=False)
    fk = Q(zheng__isnull=True)  # on a row of ``counted_cadres``: holds a 副科 post and no 正科 one
    all_section = Q()
    zk_young = zk & aged_at_most(day, params.get(TargetCode.ZK_UNDER40) or DEFAULT_UNDER40)
    fk_young = fk & aged_at_most(day, params.get(TargetCode.FK_UNDER40) or DEFAULT_UNDER40)
    zk_young_b = zk & aged_at_most(day, params.get(TargetCode.ZK_UNDER40_BACHELOR) or DEFAULT_UNDER40)
    fk_young_b = fk & aged_at_most(day, params.get(TargetCode.FK_UNDER40_BACHELOR) or DEFAULT_UNDER40)
    bachelor = Q(bachelor__isnull=False)
    return {
        d.code: d
        for d in (
            Definition(TargetCode.ZK_UNDER40, zk_young, zk),
            Definition(TargetCode.FK_UNDER40, fk_young, fk),
            Definition(TargetCode.ZK_UNDER40_BACHELOR, zk_young_b & bachelor, zk_young_b),
            Definition(TargetCode.FK_UNDER40_BACHELOR, fk_young_b & bachelor, fk_young_b),
            Definition(TargetCode.FEMALE, all_section & Q(gender=Gender.FEMALE), all_section),
            Definition(TargetCode.NON_PARTY, all_section & ~Q(political_status__in=PARTY_MEMBER_CODES), all_section),
            Definition(TargetCode.MINORITY, all_section & ~Q(ethnicity=Ethnicity.HAN), all_section),
            Definition(TargetCode.ZK_AROUND30,
                       zk & aged_at_most(day, params.get(TargetCode.ZK_AROUND30) or DEFAULT_RESERVE_AGE), None),
            Definition(TargetCode.FK_TOTAL, fk, None),
        )
    }


def _aggregates(defs: dict[str, Definition], params, plan_end: dt.date | None) -> dict:
    """The conditional counts of every target, and of those who age out of it by ``plan_end``."""
    expressions = {}
    for code, definition in defs.items():
        expressions[f"{code}__n"] = Count("pk", distinct=True, filter=definition.numerator or None)
        if definition.denominator is not None:
            expressions[f"{code}__d"] = Count("pk", distinct=True, filter=definition.denominator or None)
        if plan_end is not None and code in AGING_OUT_CODES:
            old = aged_past(plan_end, age_bound(code, params))
            expressions[f"{code}__an"] = Count("pk", distinct=True, filter=definition.numerator & old)
            if code in AGE_BOUNDED_DENOMINATOR:
                expressions[f"{code}__ad"] = Count("pk", distinct=True, filter=definition.denominator & old)
    return expressions


@dataclass(frozen=True)
class Counts:
    """A target's numerator and denominator; for the under-40 targets, also how many of them
    will be past the age bound on the plan's end date (``aging_out``, and of an age-bounded
    denominator ``aging_out_of_denominator``)."""

    numerator: int
    denominator: int | None
    aging_out: int | None = None
    aging_out_of_denominator: int | None = None


def _unpack(row: dict, defs: dict[str, Definition]) -> dict[str, Counts]:
    return {
        code: Counts(
            row[f"{code}__n"] or 0,
            (row[f"{code}__d"] or 0) if definition.denominator is not None else None,
            row.get(f"{code}__an"),
            row.get(f"{code}__ad"),
        )
        for code, definition in defs.items()
    }


def bureau_counts(day: dt.date, params=None, plan_end: dt.date | None = None) -> dict[str, Counts]:
    """Every target's figures for the whole bureau on ``day``: one query.

    With ``plan_end`` after ``day``, the ageing-out counts of the under-40 targets too.
    """
    defs = definitions(day, params)
    plan_end = plan_end if plan_end and plan_end > day else None
    return _unpack(counted_cadres(day).aggregate(**_aggregates(defs, params, plan_end)), defs)


def department_counts(day: dt.date, params=None, plan_end: dt.date | None = None) -> dict[int, dict[str, Counts]]:
    """The same per department (its own cadres only): one grouped query."""
    defs = definitions(day, params)
    plan_end = plan_end if plan_end and plan_end > day else None
    rows = counted_cadres(day).order_by().values("department_id").annotate(**_aggregates(defs, params, plan_end))
    return {row["department_id"]: _unpack(row, defs) for row in rows}


def cadres_behind(day: dt.date, code: str, part: str, base, params=None):
    """Return the cadres (from ``base``, the user's scope) in a target's numerator or denominator."""
    definition = definitions(day, params)[code]
    condition = definition.numerator if part == "numerator" else definition.denominator
    if condition is None:
        return base.none()
    return counted_cadres(day, base).filter(condition).distinct()

