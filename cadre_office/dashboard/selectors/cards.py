"""The dashboard page: stored figures for the user's scope, the arithmetic of goals, gaps and forecasts, trends.

The page never counts cadres: it reads the stored snapshots (one query for every snapshot,
department and target at once), the ageing-out counts of the under-40 targets included.
Only the drill-down lists read the roster, scoped by ``visible_to``.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from cadre_office.dashboard import figures as definitions
from cadre_office.dashboard.models import Figure, Plan, Snapshot, Target, TargetCode
from cadre_office.dashboard.permissions import Scope, figure_scope
from cadre_office.dashboard.services import plan_for

NUMERATOR, DENOMINATOR, AGING_OUT = "numerator", "denominator", "aging_out"
PARTS = (NUMERATOR, DENOMINATOR, AGING_OUT)

AGING_OUT_CODES = definitions.AGING_OUT_CODES
# Targets that have an age bound at all (editable on the targets page).
AGE_BOUND_CODES = (*AGING_OUT_CODES, TargetCode.ZK_AROUND30)

STATUS_LABELS = {"met": "已达标", "unmet": "未达标", "nogoal": "无具体目标", "nodata": "暂无数据"}
NO_DATA = "暂无数据"

__all__ = [
    "AGE_BOUND_CODES", "AGING_OUT", "AGING_OUT_CODES", "DENOMINATOR", "NO_DATA", "NUMERATOR", "PARTS",
    "STATUS_LABELS", "Card", "Dashboard", "TrendPoint", "dashboard", "figure_sums",
    "forecast", "gap", "goal_percent", "met", "percent", "ratio", "stored_figure", "target_trend",
]




def ratio(numerator: int, denominator: int | None) -> Decimal | None:
    """Return numerator/denominator exactly; None ("no data") when the denominator is 0 or absent."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def gap(goal: Decimal | None, numerator: int, denominator: int | None) -> int | None:
    """Return how many more cadres of the denominator would have to qualify today to reach ``goal``.

    max(0, ceil(goal × denominator − numerator)), in exact decimals (0.35 × 20 is 7, not 7.000…1).
    """
    if goal is None or not denominator:
        return None
    return max(0, int((Decimal(goal) * denominator - numerator).to_integral_value(rounding=ROUND_CEILING)))


def met(goal: Decimal | None, numerator: int, denominator: int | None, kind: str) -> bool | None:
    """Return whether the goal is reached; None without a goal or (for a ratio) without data."""
    if goal is None:
        return None
    if kind == Target.Kind.COUNT:
        return numerator >= goal
    if not denominator:
        return None
    return numerator >= Decimal(goal) * denominator




def forecast(numerator: int, denominator: int | None, aging_out: int, aging_out_of_denominator: int = 0):
    """Return the value at the plan's end if nothing but age changes.

    The cadres ageing out leave the numerator; where the denominator is age-bounded too
    (the bachelor shares among the under-40s), those of it ageing out leave it as well.
    """
    if denominator is None:
        return None
    return ratio(max(numerator - aging_out, 0), max(denominator - aging_out_of_denominator, 0))


def percent(fraction: Decimal | None) -> str:
    """Show a fraction as a percentage with one decimal (0.35 → "35.0%"); "" for no data."""
    if fraction is None:
        return ""
    return f"{(fraction * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def goal_percent(goal: Decimal) -> str:
    """Show a ratio goal as the plan words it (0.35 → "35%", 0.355 → "35.5%")."""
    return f"{(Decimal(goal) * 100).normalize():f}%"


@dataclass(frozen=True)
class TrendPoint:
    """One stored snapshot's figure of a target, for the user's scope."""

    as_of: dt.date
    numerator: int
    denominator: int | None
    kind: str
    goal: Decimal | None = None

    @property
    def met(self) -> bool | None:
        return met(self.goal, self.numerator, self.denominator, self.kind)

    @property
    def status_label(self) -> str:
        if self.goal is None:
            return STATUS_LABELS["nogoal"]
        return STATUS_LABELS["nodata" if self.met is None else ("met" if self.met else "unmet")]

    @property
    def value(self):
        return self.numerator if self.kind == Target.Kind.COUNT else ratio(self.numerator, self.denominator)

    @property
    def display(self) -> str:
        if self.kind == Target.Kind.COUNT:
            return f"{self.numerator}"
        return percent(self.value) or NO_DATA

    @property
    def chart_value(self):
        if self.kind == Target.Kind.COUNT:
            return self.numerator
        value = self.value
        return None if value is None else float((value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class Card:
    """One target on one statistics date for the user's scope, with what the page says about it."""

    target: Target
    numerator: int
    denominator: int | None
    plan_end: dt.date | None = None
    aging_out: int | None = None
    aging_out_of_denominator: int | None = None
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.target.code

    @property
    def is_ratio(self) -> bool:
        return self.target.kind == Target.Kind.RATIO

    @property
    def goal(self) -> Decimal | None:
        return self.target.goal

    @property
    def value(self) -> Decimal | None:
        return ratio(self.numerator, self.denominator) if self.is_ratio else None

    @property
    def no_data(self) -> bool:
        return self.is_ratio and not self.denominator

    @property
    def value_display(self) -> str:
        return (percent(self.value) or NO_DATA) if self.is_ratio else f"{self.numerator}"

    @property
    def goal_display(self) -> str:
        if self.goal is None:
            return ""
        return goal_percent(self.goal) if self.is_ratio else f"{int(self.goal)} 人"

    @property
    def met(self) -> bool | None:
        return met(self.goal, self.numerator, self.denominator, self.target.kind)

    @property
    def status(self) -> str:
        if self.goal is None:
            return "nogoal"
        if self.met is None:
            return "nodata"
        return "met" if self.met else "unmet"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def gap(self) -> int | None:
        """Ratios: cadres short of the goal today; counts with a goal: heads short of it."""
        if self.is_ratio:
            return gap(self.goal, self.numerator, self.denominator)
        if self.goal is None:
            return None
        return max(0, int(self.goal) - self.numerator)

    @property
    def progress(self) -> int | None:
        """Percent of the way to the goal (0–100), for the progress bar."""
        if self.goal is None or self.met is None:
            return None
        if self.met:
            return 100
        reached = Decimal(self.numerator) / (Decimal(self.goal) * (self.denominator if self.is_ratio else 1))
        return int((reached * 100).to_integral_value(rounding=ROUND_HALF_UP))

    @property
    def shows_aging_out(self) -> bool:
        return self.aging_out is not None and not self.no_data

    @property
    def forecast(self) -> Decimal | None:
        if self.aging_out is None:
            return None
        return forecast(self.numerator, self.denominator, self.aging_out, self.aging_out_of_denominator or 0)

    @property
    def forecast_display(self) -> str:
        return percent(self.forecast) or NO_DATA

    @property
    def forecast_met(self) -> bool | None:
        value = self.forecast
        if self.goal is None or value is None:
            return None
        return value >= self.goal

    @property
    def chart_json(self) -> str:
        """The trend for ``static/js/dashboard.js``: dates, values (percent or count) and the goal."""
        goal = None
        if self.goal is not None:
            goal = float(Decimal(self.goal) * 100) if self.is_ratio else int(self.goal)
        return json.dumps({
            "title": self.target.name,
            "unit": "%" if self.is_ratio else "人",
            "labels": [f"{p.as_of:%Y-%m-%d}" for p in self.trend],
            "values": [p.chart_value for p in self.trend],
            "goal": goal,
        }, ensure_ascii=False)


@dataclass
class Dashboard:
    """What the dashboard page shows: the plan, the chosen snapshot and one card per target."""

    plan: Plan | None
    scope: Scope
    snapshot: Snapshot | None = None
    dates: list[dt.date] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    missing_date: dt.date | None = None  # asked for, but nothing is stored for it


def _scope_filter(scope: Scope, prefix: str = "") -> Q:
    if scope.bureau:
        return Q(**{f"{prefix}department__isnull": True})
    return Q(**{f"{prefix}department_id__in": scope.department_ids})


def figure_sums(plan: Plan, scope: Scope, code: str | None = None) -> dict[tuple[int, str], tuple[int, int | None]]:
    """Return (numerator, denominator) per (snapshot id, code) of every snapshot of ``plan``: one query.

    Bureau readers get the bureau rows; a department head the sums of their departments' rows.
    The stored ageing-out counts come along under the key (snapshot id, code, "aging").
    """
    rows = Figure.objects.filter(_scope_filter(scope), snapshot__plan=plan)
    if code is not None:
        rows = rows.filter(code=code)
    rows = rows.order_by().values("snapshot_id", "code").annotate(
        n=Sum("numerator"), d=Sum("denominator"), an=Sum("aging_out"), ad=Sum("aging_out_of_denominator"))
    sums = {}
    for row in rows:
        sums[(row["snapshot_id"], row["code"])] = (row["n"] or 0, row["d"])
        sums[(row["snapshot_id"], row["code"], "aging")] = (row["an"], row["ad"])
    return sums


def _counts(sums: dict, snapshot_id: int, target: Target) -> tuple[int, int | None]:
    numerator, denominator = sums.get((snapshot_id, target.code), (0, None))
    if target.kind == Target.Kind.RATIO:
        return numerator, denominator or 0
    return numerator, None


def dashboard(user, *, today: dt.date, as_of: dt.date | None = None) -> Dashboard:
    """Return the dashboard of the plan in force on ``as_of`` (else today) for ``user``'s scope.

    A fixed number of queries whatever the number of snapshots, departments and cadres:
    the plan, its snapshots, its targets, the scope (department heads), and every stored
    figure of the plan for the scope at once.
    """
    scope = figure_scope(user)
    plan = plan_for(as_of or today)
    if plan is None:
        return Dashboard(plan=None, scope=scope)
    snapshots = list(plan.snapshots.order_by("-as_of").only("id", "as_of", "computed_at", "source", "plan_id"))
    result = Dashboard(plan=plan, scope=scope, dates=[s.as_of for s in snapshots])
    if not snapshots:
        result.missing_date = as_of
        return result
    chosen = next((s for s in snapshots if s.as_of == as_of), None)
    if as_of is not None and chosen is None:
        result.missing_date = as_of
    result.snapshot = chosen = chosen or snapshots[0]
    targets = list(plan.targets.order_by("sort_order", "id"))
    sums = figure_sums(plan, scope)
    history = list(reversed(snapshots))
    for target in targets:
        numerator, denominator = _counts(sums, chosen.id, target)
        aging_n, aging_d = sums.get((chosen.id, target.code, "aging"), (None, None))
        if target.code in AGING_OUT_CODES and aging_n is None and chosen.as_of < plan.end_date:
            aging_n = 0  # stored, but no department had anyone in this figure
        result.cards.append(Card(
            target=target, numerator=numerator, denominator=denominator, plan_end=plan.end_date,
            aging_out=min(aging_n, numerator) if aging_n is not None else None,
            aging_out_of_denominator=min(aging_d or 0, denominator or 0) if aging_n is not None else None,
            trend=[TrendPoint(s.as_of, *_counts(sums, s.id, target), kind=target.kind, goal=target.goal)
                   for s in history],
        ))
    return result


def target_trend(user, *, plan: Plan, target: Target) -> Card:
    """Return one target's stored figures over every snapshot of ``plan`` for ``user``'s scope.

    The card's own figures are those of the latest snapshot (zero when there is none).
    """
    snapshots = list(plan.snapshots.order_by("as_of").only("id", "as_of", "plan_id"))
    sums = figure_sums(plan, figure_scope(user), code=target.code)
    trend = [TrendPoint(s.as_of, *_counts(sums, s.id, target), kind=target.kind, goal=target.goal)
             for s in snapshots]
    latest = trend[-1] if trend else TrendPoint(plan.start_date, 0, 0 if target.kind == Target.Kind.RATIO else None,
                                                target.kind, target.goal)
    return Card(target=target, numerator=latest.numerator, denominator=latest.denominator, plan_end=plan.end_date,
                trend=trend)


def stored_figure(scope: Scope, *, plan: Plan, day: dt.date, code: str) -> tuple[int, int | None] | None:
    """Return the stored (numerator, denominator) of ``code`` on ``day`` for ``scope``, or None
    when no snapshot of that day is stored: one query."""
    condition = Q(figures__code=code) & _scope_filter(scope, "figures__")
    row = (Snapshot.objects.filter(plan=plan, as_of=day)
           .annotate(n=Sum("figures__numerator", filter=condition), d=Sum("figures__denominator", filter=condition))
           .values("n", "d").first())
    if row is None:
        return None
    return row["n"] or 0, row["d"]
