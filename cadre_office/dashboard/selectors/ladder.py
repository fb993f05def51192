"""老中青梯次: the team's counts per age band on a day, against the plan's age targets (动态管理 links here).

Scoped like the roster (``visible_to``): a department head sees their units' ladder. The team and the
ages are the dashboard's own definitions (``figures.counted_cadres``), so the two pages agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from cadre_office.dashboard.figures import ZHENG, counted_cadres
from cadre_office.dashboard.models import TargetCode
from cadre_office.dashboard.services import plan_for
from cadre_office.dates import birth_date_range_for_ages
from cadres.codes import AgeBand
from cadres.models import PostAssignment
from cadres.permissions import visible_to


@dataclass(frozen=True)
class LadderRow:
    band: str
    zheng: int
    fu: int

    @property
    def total(self) -> int:
        return self.zheng + self.fu


@dataclass(frozen=True)
class LadderTarget:
    """A target of the plan about age, with the team's figure on the day."""

    name: str
    goal: str
    actual: str
    met: bool | None


def _aged(day: dt.date, low: int | None, high: int | None) -> Q:
    earliest, latest = birth_date_range_for_ages(day, low, high)
    q = Q()
    if latest:
        q &= Q(birth_date__lte=latest)
    if earliest:
        q &= Q(birth_date__gte=earliest)
    return q


def age_ladder(user, day: dt.date) -> tuple[list[LadderRow], list[LadderTarget]]:
    """Return the team's counts per age band (正科 / 副科 实职) on ``day``, and the plan's age targets.

    The team is the dashboard's 科级干部 (``figures.counted_cadres``) among the cadres ``user`` may
    see; a cadre holding a 正科 post counts as 正科 only. One query for the bands, one or two for the plan.
    """
    base = counted_cadres(day, visible_to(user)).annotate(
        is_zheng=Exists(PostAssignment.objects.as_of(day).filter(cadre=OuterRef("pk"), level=ZHENG)))
    plan = plan_for(day)
    targets = {t.code: t for t in plan.targets.all()} if plan else {}
    aggregates = {}
    for band in AgeBand:
        low, high = band.bounds
        aged = _aged(day, low, high)
        aggregates[f"{band.value}:z"] = Count("pk", distinct=True, filter=aged & Q(is_zheng=True))
        aggregates[f"{band.value}:f"] = Count("pk", distinct=True, filter=aged & Q(is_zheng=False))
    for code in (TargetCode.ZK_UNDER40, TargetCode.FK_UNDER40, TargetCode.ZK_AROUND30):
        target = targets.get(code)
        if target and target.age_max:
            aggregates[f"{code}:young"] = Count("pk", distinct=True, filter=_aged(day, None, target.age_max)
                                                & Q(is_zheng=code != TargetCode.FK_UNDER40))
    sums = base.aggregate(**aggregates) if aggregates else {}
    rows = [LadderRow(band.label, sums[f"{band.value}:z"], sums[f"{band.value}:f"]) for band in AgeBand]
    zheng, fu = sum(row.zheng for row in rows), sum(row.fu for row in rows)
    checks = []
    for code, denominator in ((TargetCode.ZK_UNDER40, zheng), (TargetCode.FK_UNDER40, fu)):
        target = targets.get(code)
        if not target or f"{code}:young" not in sums:
            continue
        young = sums[f"{code}:young"]
        share = young * 100 / denominator if denominator else None
        goal = float(target.goal) * 100 if target.goal is not None else None
        checks.append(LadderTarget(
            target.name, f"{goal:.0f}%" if goal is not None else "一定比例",
            f"{share:.1f}%（{young}/{denominator}）" if share is not None else "无数据",
            None if share is None or goal is None else share >= goal))
    target = targets.get(TargetCode.ZK_AROUND30)
    if target and f"{TargetCode.ZK_AROUND30}:young" in sums:
        young = sums[f"{TargetCode.ZK_AROUND30}:young"]
        goal = int(target.goal) if target.goal is not None else None
        checks.append(LadderTarget(target.name, f"{goal}人" if goal is not None else "一定数量", f"{young}人",
                                   None if goal is None else young >= goal))
    return rows, checks
