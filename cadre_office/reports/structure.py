"""The structure tables of the monthly report (docs/reports.md section 2, REPORTS_FORMAT.md), in the database.

The statistics date D is the month's last day. The cadres counted are ``counted_cadres(D)`` of the
dashboard (科级 on D, 正科 when they hold both levels), so the report and the dashboard cannot
disagree on who is 科级. The tables are sums of one grouped query's ``COUNT(DISTINCT …)`` per
combination of facts (``counted_cadres`` joins a cadre once per post it holds, hence ``distinct``);
the education class of a cadre is a correlated subquery, so ``structure`` is one query and
``new_posts`` one more, whatever the number of cadres.
"""

import calendar
import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cadre_office.dashboard.figures import (
    FEMALE,
    FU,
    FU_KE,
    MINORITY,
    NON_PARTY,
    ZHENG,
    ZHENG_KE,
    aged_at_most,
    aged_past,
    counted_cadres,
    fact_q,
)
from cadres.codes import EducationLevel
from cadres.models import Cadre, Education, PostAssignment

LEVELS = {"正科": ZHENG_KE, "副科": FU_KE}
LEVEL_CODES = {"正科": ZHENG, "副科": FU}

# Age bands in full years on D: (label, lowest age, highest age); None is open.
AGE_BANDS = [
    ("30岁及以下", None, 30),
    ("31至35岁", 31, 35),
    ("36至40岁", 36, 40),
    ("41至45岁", 41, 45),
    ("46至50岁", 46, 50),
    ("51至55岁", 51, 55),
    ("56岁及以上", 56, None),
]

# Education classes, highest first, with the GB/T 4658 codes of a completed (毕业) education in each.
# 结业/肄业 and everything else fall to 其他, as does a cadre with no education at all.
EDUCATION_CLASSES = [
    ("研究生", (EducationLevel.DOCTOR, EducationLevel.MASTER, EducationLevel.POSTGRAD_CLASS)),
    ("大学本科", (EducationLevel.BACHELOR, EducationLevel.UNIVERSITY_GENERAL_CLASS)),
    ("大学专科", (EducationLevel.JUNIOR_COLLEGE,)),
]
OTHER_EDUCATION = "其他"
OTHER_RANK = len(EDUCATION_CLASSES)  # ranks 0, 1, 2 are the classes above; 3 is 其他


def month_end(month: dt.date) -> dt.date:
    """Return the last day of ``month``'s month (the statistics date D)."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _age_q(day: dt.date, low: int | None, high: int | None) -> Q:
    q = Q()
    if low is not None:
        q &= aged_past(day, low - 1)
    if high is not None:
        q &= aged_at_most(day, high)
    return q


def _education_rank(day: dt.date, kinds) -> Coalesce:
    """The rank (0 highest … 3 其他) of the cadre's best education of ``kinds`` obtained by ``day``.

    Obtained by ``day``: graduated on or before it, or with no graduation date recorded (as the
    dashboard's 全日制本科 counts it, docs/definitions.md section 1.4).
    """
    rank = Case(*[When(level__in=codes, then=Value(index)) for index, (_, codes) in enumerate(EDUCATION_CLASSES)],
                default=Value(OTHER_RANK), output_field=IntegerField())
    best = (
        Education.objects.filter(cadre=OuterRef("pk"), kind__in=kinds)
        .filter(Q(graduation_date__isnull=True) | Q(graduation_date__lte=day))
        .annotate(rank=rank).order_by("rank").values("rank")[:1]
    )
    return Coalesce(Subquery(best, output_field=IntegerField()), Value(OTHER_RANK))


def _scoped(departments) -> QuerySet:
    """The cadres of ``departments`` and every unit under them (all cadres when None)."""
    if departments is None:
        return Cadre.objects.all()
    subtree = Q(pk__in=[])
    for department in departments:
        subtree |= Q(department__path__startswith=department.path)
    return Cadre.objects.filter(subtree)


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def structure(as_of: dt.date, *, departments=None) -> dict:
    """Return the tables per level (``{"正科": {...}, "副科": {...}}``) of the 科级 cadres on ``as_of``.

    ``departments``: the units whose subtrees to count (None: the whole bureau). One query, grouped by
    every fact the tables read (level, age band, the two education ranks, female, minority, 党外): a
    cadre has one value of each, so each cadre falls in exactly one group and the tables are sums of
    the groups' distinct counts. (One ``COUNT(DISTINCT …) FILTER`` per cell instead made PostgreSQL
    sort the joined rows sixty times: 4.9 s against 0.35 s at 10,000 cadres.)
    """
    full_time = (Education.Kind.FULL_TIME,)
    both = (Education.Kind.FULL_TIME, Education.Kind.PART_TIME)
    band = Case(*[When(_age_q(as_of, low, high), then=Value(index)) for index, (_, low, high) in enumerate(AGE_BANDS)],
                default=Value(-1), output_field=IntegerField())
    groups = (
        counted_cadres(as_of, base=_scoped(departments))
        .annotate(full_time_rank=_education_rank(as_of, full_time), highest_rank=_education_rank(as_of, both),
                  g_zheng=_flag(fact_q(ZHENG_KE, as_of)), g_band=band, g_female=_flag(fact_q(FEMALE, as_of)),
                  g_minority=_flag(fact_q(MINORITY, as_of)), g_non_party=_flag(fact_q(NON_PARTY, as_of)))
        .order_by()
        .values("g_zheng", "g_band", "full_time_rank", "highest_rank", "g_female", "g_minority", "g_non_party")
        .annotate(cadres=Count("pk", distinct=True))
    )
    education_labels = [label for label, _ in EDUCATION_CLASSES] + [OTHER_EDUCATION]
    tables = {
        level: {
            "total": 0,
            "age": {label: 0 for label, _, _ in AGE_BANDS},
            "education_full_time": dict.fromkeys(education_labels, 0),
            "education_highest": dict.fromkeys(education_labels, 0),
            "female": 0, "minority": 0, "non_party": 0,
        }
        for level in LEVELS
    }
    for group in groups:
        table, cadres = tables["正科" if group["g_zheng"] else "副科"], group["cadres"]
        table["total"] += cadres
        if group["g_band"] >= 0:
            table["age"][AGE_BANDS[group["g_band"]][0]] += cadres
        table["education_full_time"][education_labels[group["full_time_rank"]]] += cadres
        table["education_highest"][education_labels[group["highest_rank"]]] += cadres
        for name in ("female", "minority", "non_party"):
            if group[f"g_{name}"]:
                table[name] += cadres
    return tables


def new_posts(month: dt.date, *, departments=None) -> dict:
    """Per level, the 科级 cadres on D whose post at that level (held on D) started in ``month`` (any day of it).

    A cadre is counted at the level the tables count them at (正科 when holding both), so the
    figure is part of that level's total. One query.
    """
    as_of = month_end(month)
    first = as_of.replace(day=1)

    def started(level_code) -> Exists:
        return Exists(PostAssignment.objects.filter(cadre=OuterRef("pk"), level=level_code).as_of(as_of)
                      .filter(start_date__gte=first))

    queryset = counted_cadres(as_of, base=_scoped(departments))
    figures = queryset.aggregate(**{
        level: Count("pk", filter=fact_q(LEVELS[level], as_of) & Q(started(LEVEL_CODES[level])), distinct=True)
        for level in LEVELS
    })
    return {level: figures[level] for level in LEVELS}


def monthly_report_figures(month: dt.date, *, departments=None) -> dict:
    """The figures of the monthly report with a fixed JSON form (REPORTS_FORMAT.md) for ``month`` (any day of it).

    Two queries: the tables, the new posts.
    """
    as_of = month_end(month)
    return {
        "month": f"{as_of:%Y-%m}",
        "as_of": as_of.isoformat(),
        "structure": structure(as_of, departments=departments),
        "new_posts": new_posts(month, departments=departments),
    }
