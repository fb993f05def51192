"""The structure-target definitions of docs/definitions.md, computed in the database.

Everything starts from ``counted_cadres(day)``: the cadres in service on ``day`` joined to the
leadership post they hold that day (正科 when they hold both). Each target is a numerator
and a denominator over it, expressed as ``Q`` filters, so the same definitions serve the
aggregate (one query for the bureau, one grouped by department, whatever the roster size)
and the drill-down lists of cadres behind a figure.
"""

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import BooleanField, Case, Count, FilteredRelation, IntegerField, Q, Value, When

from cadre_office.dashboard.models import TargetCode
from cadre_office.dates import latest_birth_date_for_age
from cadres.codes import BACHELOR_OR_ABOVE_CODES, PARTY_MEMBER_CODES, Ethnicity, Gender, LeadershipLevel
from cadres.models import Cadre, Education

ZHENG = LeadershipLevel.TOWNSHIP_CHIEF
FU = LeadershipLevel.TOWNSHIP_DEPUTY
SECTION_LEVELS = (ZHENG, FU)
DEFAULT_UNDER40 = 40
DEFAULT_RESERVE_AGE = 32


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
    queryset = (base if base is not None else Cadre.objects.all()).in_service_on(day)
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


class Fact(NamedTuple):
    """One condition a definition combines: "holds a 正科 post", "aged 40 or under on D" …

    A definition is a conjunction of facts. Each fact is both a ``Q`` on ``counted_cadres``
    (for the drill-down lists) and a test on a row of the grouped count (for the figures),
    so the two can never disagree.
    """

    name: str
    age: int | None = None


ZHENG_KE, FU_KE, BACHELOR = Fact("zheng"), Fact("fu"), Fact("bachelor")
FEMALE, NON_PARTY, MINORITY = Fact("female"), Fact("non_party"), Fact("minority")


def young(age: int) -> Fact:
    """Aged ``age`` or less on the statistics date."""
    return Fact("young", age)


def old_at_end(age: int) -> Fact:
    """Older than ``age`` on the plan's end date (so ageing out of a "``age`` or less" count)."""
    return Fact("old_at_end", age)


def fact_q(fact: Fact, day: dt.date, plan_end: dt.date | None = None) -> Q:
    if fact == ZHENG_KE:
        return Q(zheng__isnull=False)
    if fact == FU_KE:
        return Q(zheng__isnull=True)  # on a row of ``counted_cadres``: a 副科 post and no 正科 one
    if fact == BACHELOR:
        return Q(bachelor__isnull=False)
    if fact == FEMALE:
        return Q(gender=Gender.FEMALE)
    if fact == NON_PARTY:
        return ~Q(political_status__in=PARTY_MEMBER_CODES)
    if fact == MINORITY:
        return ~Q(ethnicity=Ethnicity.HAN)
    if fact.name == "young":
        return aged_at_most(day, fact.age)
    if fact.name == "old_at_end":
        return aged_past(plan_end, fact.age)
    raise ValueError(fact)


@dataclass(frozen=True)
class Definition:
    """How to count one target on a day: its numerator and (for ratios) denominator, as facts and as filters."""

    code: str
    numerator_facts: tuple[Fact, ...]
    denominator_facts: tuple[Fact, ...] | None
    day: dt.date

    @property
    def numerator(self) -> Q:
        return _conjunction(self.numerator_facts, self.day)

    @property
    def denominator(self) -> Q | None:
        return None if self.denominator_facts is None else _conjunction(self.denominator_facts, self.day)


def _conjunction(facts, day) -> Q:
    q = Q()
    for fact in facts:
        q &= fact_q(fact, day)
    return q


def definitions(day: dt.date, params: dict[str, int | None] | None = None) -> dict[str, Definition]:
    """Return every target's definition on ``day``; ``params`` maps codes to their age bound."""
    params = params or {}

    def bound(code):
        return age_bound(code, params)

    rows = (
        (TargetCode.ZK_UNDER40, (ZHENG_KE, young(bound(TargetCode.ZK_UNDER40))), (ZHENG_KE,)),
        (TargetCode.FK_UNDER40, (FU_KE, young(bound(TargetCode.FK_UNDER40))), (FU_KE,)),
        (TargetCode.ZK_UNDER40_BACHELOR, (ZHENG_KE, young(bound(TargetCode.ZK_UNDER40_BACHELOR)), BACHELOR),
         (ZHENG_KE, young(bound(TargetCode.ZK_UNDER40_BACHELOR)))),
        (TargetCode.FK_UNDER40_BACHELOR, (FU_KE, young(bound(TargetCode.FK_UNDER40_BACHELOR)), BACHELOR),
         (FU_KE, young(bound(TargetCode.FK_UNDER40_BACHELOR)))),
        (TargetCode.FEMALE, (FEMALE,), ()),
        (TargetCode.NON_PARTY, (NON_PARTY,), ()),
        (TargetCode.MINORITY, (MINORITY,), ()),
        (TargetCode.ZK_AROUND30, (ZHENG_KE, young(bound(TargetCode.ZK_AROUND30))), None),
        (TargetCode.FK_TOTAL, (FU_KE,), None),
    )
    return {code: Definition(code, numerator, denominator, day) for code, numerator, denominator in rows}


@dataclass(frozen=True)
class Counts:
    """A target's numerator and denominator; for the under-40 targets, also how many of them
    will be past the age bound on the plan's end date (``aging_out``, and of an age-bounded
    denominator ``aging_out_of_denominator``)."""

    numerator: int
    denominator: int | None
    aging_out: int | None = None
    aging_out_of_denominator: int | None = None


def _age_cuts(day: dt.date, defs: dict[str, Definition], params, plan_end: dt.date | None) -> list[dt.date]:
    """The birth dates where some definition's age condition changes, sorted."""
    cuts = set()
    for definition in defs.values():
        for fact in (*definition.numerator_facts, *(definition.denominator_facts or ())):
            if fact.name == "young":
                cuts.add(latest_birth_date_for_age(day, fact.age + 1))
    if plan_end is not None:
        for code in AGING_OUT_CODES:
            cuts.add(latest_birth_date_for_age(plan_end, age_bound(code, params) + 1))
    return sorted(cuts)


_DIMENSIONS = ("f_zheng", "f_bachelor", "f_female", "f_non_party", "f_minority", "f_age")


def _grouped(day: dt.date, cuts: list[dt.date]):
    """One row per department and combination of facts, with its number of cadres: one query.

    ``age`` is the cadre's class among the birth-date ``cuts`` (0: born on or before the first).
    The joins of ``counted_cadres`` can repeat a cadre (two degrees, say), always with the same
    facts, so counting distinct cadres within a group is exact.
    """
    age = Case(*[When(birth_date__lte=cut, then=Value(i)) for i, cut in enumerate(cuts)],
               default=Value(len(cuts)), output_field=IntegerField())

    def flag(q):
        return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())

    return (
        counted_cadres(day)
        .annotate(
            f_zheng=flag(fact_q(ZHENG_KE, day)), f_bachelor=flag(fact_q(BACHELOR, day)),
            f_female=flag(fact_q(FEMALE, day)), f_non_party=flag(fact_q(NON_PARTY, day)),
            f_minority=flag(fact_q(MINORITY, day)), f_age=age,
        )
        .order_by()
        .values("department_id", *_DIMENSIONS)
        .annotate(cadres=Count("pk", distinct=True))
        .values_list("department_id", *_DIMENSIONS, "cadres")
    )


_FLAGS = {ZHENG_KE: "f_zheng", BACHELOR: "f_bachelor", FEMALE: "f_female", NON_PARTY: "f_non_party",
          MINORITY: "f_minority"}


def _holds(fact: Fact, row: dict, age_class: int, cut_index: dict, day: dt.date, plan_end: dt.date | None) -> bool:
    if fact == FU_KE:
        return not row["f_zheng"]
    if fact.name == "young":  # born after the cut: in a class above it
        return age_class > cut_index[latest_birth_date_for_age(day, fact.age + 1)]
    if fact.name == "old_at_end":  # born on or before the cut
        return age_class <= cut_index[latest_birth_date_for_age(plan_end, fact.age + 1)]
    return row[_FLAGS[fact]]


def compute(day: dt.date, params=None, plan_end: dt.date | None = None):
    """Return (bureau counts, counts per department) of every target on ``day``: one query.

    With ``plan_end`` after ``day``, the ageing-out counts of the under-40 targets too. The
    query returns a few hundred grouped rows whatever the roster size; the figures are sums
    of those groups (never a loop over cadres).
    """
    params = params or {}
    plan_end = plan_end if plan_end and plan_end > day else None
    defs = definitions(day, params)
    cuts = _age_cuts(day, defs, params, plan_end)
    cut_index = {cut: i for i, cut in enumerate(cuts)}
    # Each figure as a list of facts that must all hold; (code, slot) -> facts.
    wanted = {}
    for code, definition in defs.items():
        wanted[(code, "n")] = definition.numerator_facts
        if definition.denominator_facts is not None:
            wanted[(code, "d")] = definition.denominator_facts
        if plan_end is not None and code in AGING_OUT_CODES:
            leaving = old_at_end(age_bound(code, params))
            wanted[(code, "an")] = (*definition.numerator_facts, leaving)
            if code in AGE_BOUNDED_DENOMINATOR:
                wanted[(code, "ad")] = (*definition.denominator_facts, leaving)
    totals: dict[int, dict] = {}
    # Which figures a group counts in depends only on its facts: decide once per combination.
    figures_of: dict[tuple, list] = {}
    for department_id, *combination, cadres in _grouped(day, cuts):
        combination = tuple(combination)
        keys = figures_of.get(combination)
        if keys is None:
            row = dict(zip(_DIMENSIONS, combination, strict=True))
            keys = figures_of[combination] = [
                key for key, facts in wanted.items()
                if all(_holds(fact, row, row["f_age"], cut_index, day, plan_end) for fact in facts)
            ]
        sums = totals.get(department_id)
        if sums is None:
            sums = totals[department_id] = dict.fromkeys(wanted, 0)
        for key in keys:
            sums[key] += cadres
    bureau_sums = dict.fromkeys(wanted, 0)
    for sums in totals.values():
        for key, value in sums.items():
            bureau_sums[key] += value
    return _unpack(bureau_sums, defs, wanted), {
        department_id: _unpack(sums, defs, wanted) for department_id, sums in totals.items()
    }


def _unpack(sums: dict, defs: dict[str, Definition], wanted: dict) -> dict[str, Counts]:
    return {
        code: Counts(
            sums[(code, "n")],
            sums[(code, "d")] if (code, "d") in wanted else None,
            sums[(code, "an")] if (code, "an") in wanted else None,
            sums[(code, "ad")] if (code, "ad") in wanted else None,
        )
        for code in defs
    }


def bureau_counts(day: dt.date, params=None, plan_end: dt.date | None = None) -> dict[str, Counts]:
    """Every target's figures for the whole bureau on ``day`` (see ``compute``)."""
    return compute(day, params, plan_end)[0]


def department_counts(day: dt.date, params=None, plan_end: dt.date | None = None) -> dict[int, dict[str, Counts]]:
    """The same per department, each counting its own cadres only (see ``compute``)."""
    return compute(day, params, plan_end)[1]


def cadres_behind(day: dt.date, code: str, part: str, base, params=None):
    """Return the cadres (from ``base``, the user's scope) in a target's numerator or denominator."""
    definition = definitions(day, params)[code]
    condition = definition.numerator if part == "numerator" else definition.denominator
    if condition is None:
        return base.none()
    return counted_cadres(day, base).filter(condition).distinct()
