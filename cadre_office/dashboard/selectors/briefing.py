"""The dashboard for briefings: the page's cards with their definition, the change since last month and
the recent month-ends.

The print view, its workbook and its PDF all read ``briefing()``, which reads ``dashboard()``: the numbers
on paper are the page's, from the same stored figures, and cost no query of their own.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cadre_office.dashboard.models import Plan, Snapshot, TargetCode
from cadre_office.dashboard.permissions import Scope
from cadre_office.dashboard.selectors.cards import DENOMINATOR, NUMERATOR, Card, TrendPoint, dashboard
from cadre_office.dashboard.selectors.drilldown import part_label

# The cards grouped as a briefing reads them; paper breaks between groups, never inside a card.
GROUPS = (
    ("年龄结构", (TargetCode.ZK_UNDER40, TargetCode.FK_UNDER40, TargetCode.ZK_AROUND30)),
    ("学历结构", (TargetCode.ZK_UNDER40_BACHELOR, TargetCode.FK_UNDER40_BACHELOR)),
    ("女干部、党外干部和少数民族干部", (TargetCode.FEMALE, TargetCode.NON_PARTY, TargetCode.MINORITY)),
    ("队伍规模", (TargetCode.FK_TOTAL,)),
)
OTHER_GROUP = "其他指标"
# Month-ends before the statistics date's month shown in each card's trend table (the date itself follows).
MONTH_ENDS = 5
NO_CHANGE = "持平"
NO_PREVIOUS = "—"

__all__ = ["GROUPS", "MONTH_ENDS", "NO_CHANGE", "NO_PREVIOUS", "Briefing", "BriefingCard", "briefing",
           "month_ends_before"]


def month_ends_before(day: dt.date, count: int) -> list[dt.date]:
    """Return the last days of the ``count`` months before ``day``'s month, oldest first."""
    ends, end = [], day.replace(day=1) - dt.timedelta(days=1)
    for _ in range(count):
        ends.append(end)
        end = end.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(ends))


def _latest_in_month(points: list[TrendPoint], month_end: dt.date) -> TrendPoint | None:
    """Return the last stored point of ``month_end``'s month (the month-end itself when it was computed)."""
    start = month_end.replace(day=1)
    return next((p for p in reversed(points) if start <= p.as_of <= month_end), None)


@dataclass
class BriefingCard:
    """One card as a briefing prints it: the page's card, its definition, and where it stood before."""

    card: Card
    definition: str
    current: TrendPoint
    month_ends: list[TrendPoint | None]  # one per ``Briefing.columns`` but the last (the statistics date)

    @property
    def previous(self) -> TrendPoint | None:
        """The figure at the end of the month before the statistics date's (None: not computed then)."""
        return self.month_ends[-1] if self.month_ends else None

    @property
    def points(self) -> list[TrendPoint | None]:
        """The trend table's values: the month-ends, then the statistics date."""
        return [*self.month_ends, self.current]

    @property
    def change(self) -> Decimal | int | None:
        """The change since last month: percentage points (one decimal) for a ratio, heads for a count."""
        before = self.previous
        if before is None:
            return None
        if not self.card.is_ratio:
            return self.card.numerator - before.numerator
        if self.card.value is None or before.value is None:
            return None
        return ((self.card.value - before.value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def change_display(self) -> str:
        change = self.change
        if change is None:
            return NO_PREVIOUS
        if change == 0:
            return NO_CHANGE
        sign = "+" if change > 0 else "-"
        return f"{sign}{abs(change)} {'个百分点' if self.card.is_ratio else '人'}"

    @property
    def counts_display(self) -> str:
        """分子/分母 as the card shows them (a count has no denominator)."""
        if self.card.is_ratio:
            return f"{self.card.numerator}/{self.card.denominator}"
        return f"{self.card.numerator}"


@dataclass
class Group:
    title: str
    cards: list[BriefingCard] = field(default_factory=list)


@dataclass
class Briefing:
    """The dashboard of one statistics date for a scope, as the print view and the files give it."""

    plan: Plan | None
    scope: Scope
    snapshot: Snapshot | None = None
    missing_date: dt.date | None = None
    columns: list[dt.date] = field(default_factory=list)  # the trend table's dates, the statistics date last
    groups: list[Group] = field(default_factory=list)

    @property
    def as_of(self) -> dt.date | None:
        return self.snapshot.as_of if self.snapshot else None

    @property
    def cards(self) -> list[BriefingCard]:
        """Every card in the order the groups print them."""
        return [card for group in self.groups for card in group.cards]


def definition(card: Card, plan: Plan) -> str:
    """Describe what a card counts (口径): its numerator and, for a ratio, its denominator."""
    numerator = part_label(card.target, NUMERATOR, plan)
    if not card.is_ratio:
        return f"统计：{numerator}" if numerator else ""
    return f"分子：{numerator}；分母：{part_label(card.target, DENOMINATOR, plan)}"


def briefing(user, *, today: dt.date, as_of: dt.date | None = None) -> Briefing:
    """Return the dashboard of ``as_of`` (else the latest stored date) for ``user``'s scope, for a briefing.

    The same queries as ``dashboard()`` (the cards carry every stored date of the plan), nothing more.
    """
    dash = dashboard(user, today=today, as_of=as_of)
    result = Briefing(plan=dash.plan, scope=dash.scope, snapshot=dash.snapshot, missing_date=dash.missing_date)
    if dash.snapshot is None:
        return result
    day = dash.snapshot.as_of
    ends = month_ends_before(day, MONTH_ENDS)
    result.columns = [*ends, day]
    by_code = {}
    for card in dash.cards:
        current = next(p for p in card.trend if p.as_of == day)
        by_code[card.code] = BriefingCard(card=card, definition=definition(card, dash.plan), current=current,
                                          month_ends=[_latest_in_month(card.trend, end) for end in ends])
    for title, codes in GROUPS:
        group = Group(title, [by_code.pop(code) for code in codes if code in by_code])
        if group.cards:
            result.groups.append(group)
    if by_code:
        result.groups.append(Group(OTHER_GROUP, list(by_code.values())))
    # Within a group the plan's order, as on the page.
    order = {card.code: index for index, card in enumerate(dash.cards)}
    for group in result.groups:
        group.cards.sort(key=lambda row: order[row.card.code])
    return result
