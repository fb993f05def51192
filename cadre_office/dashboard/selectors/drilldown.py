"""The cadres behind a figure, read live from the roster through the user's scope."""

import datetime as dt

from django.db.models import Min, OuterRef, Prefetch, Subquery

from cadre_office.dashboard import figures as definitions
from cadre_office.dashboard.models import Plan, Target, TargetCode
from cadre_office.dashboard.permissions import cadres_in_scope
from cadre_office.dashboard.selectors.cards import (
    AGING_OUT,
    AGING_OUT_CODES,
    DENOMINATOR,
    NUMERATOR,
)
from cadres.codes import SECTION_LEVELS
from cadres.models import Cadre, Education, PostAssignment


def part_label(target: Target, part: str, plan: Plan) -> str:
    """Describe the cadres of a numerator, denominator or ageing-out list in the office's words."""
    age = target.age_max or definitions.age_bound(target.code, {})
    zk, fk, all_ = "正科实职干部", "副科实职干部", "科级干部"
    labels = {
        TargetCode.ZK_UNDER40: (f"{age}岁及以下{zk}", f"全部{zk}"),
        TargetCode.FK_UNDER40: (f"{age}岁及以下{fk}", f"全部{fk}"),
        TargetCode.ZK_UNDER40_BACHELOR: (f"{age}岁及以下{zk}中全日制本科及以上", f"{age}岁及以下{zk}"),
        TargetCode.FK_UNDER40_BACHELOR: (f"{age}岁及以下{fk}中全日制本科及以上", f"{age}岁及以下{fk}"),
        TargetCode.FEMALE: (f"女性{all_}", f"全部{all_}"),
        TargetCode.NON_PARTY: (f"党外{all_}", f"全部{all_}"),
        TargetCode.MINORITY: (f"少数民族{all_}", f"全部{all_}"),
        TargetCode.ZK_AROUND30: (f"{age}岁及以下{zk}", ""),
        TargetCode.FK_TOTAL: (f"全部{fk}", ""),
    }
    numerator, denominator = labels.get(target.code, ("", ""))
    if part == AGING_OUT:
        return f"{numerator}中至规划期末（{plan.end_date:%Y-%m-%d}）将超过{age}岁的人员"
    return numerator if part == NUMERATOR else denominator


def has_part(target: Target, part: str) -> bool:
    """Whether a target has that list: counts have no denominator; only under-40 targets age out."""
    if part == NUMERATOR:
        return True
    if part == DENOMINATOR:
        return target.kind == Target.Kind.RATIO
    return part == AGING_OUT and target.code in AGING_OUT_CODES


def drilldown_cadres(user, *, plan: Plan, targets: list[Target], target: Target, part: str, day: dt.date):
    """Return the cadres ``user`` may see behind one part of a target on ``day``, computed live.

    Each cadre once, with the leadership level held on ``day`` (``level_on_day``), ordered as
    the roster is: department, level, age.
    """
    params = {t.code: t.age_max for t in targets}
    base = cadres_in_scope(user)
    if part == AGING_OUT:
        behind = definitions.cadres_behind(day, target.code, NUMERATOR, base, params).filter(
            definitions.aged_past(plan.end_date, definitions.age_bound(target.code, params)))
    else:
        behind = definitions.cadres_behind(day, target.code, part, base, params)
    level = (PostAssignment.objects.as_of(day).filter(cadre=OuterRef("pk"), level__in=SECTION_LEVELS)
             .order_by().values("cadre").annotate(level=Min("level")).values("level"))
    return (
        Cadre.objects.filter(pk__in=behind.values("pk"))
        .annotate(level_on_day=Subquery(level[:1]))
        .select_related("department")
        .prefetch_related(Prefetch("educations", queryset=Education.objects.order_by("level")))
        .order_by("department__path", "level_on_day", "birth_date", "id")
    )
