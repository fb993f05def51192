"""Reads of the points ledger: the entries a user may see, the review queue, totals and the ranking.

What counts: an approved entry counts on a day when it occurred on or before that day and its
validity has not run out (``valid_until`` on or after it). A year's total is the count on the
year's last day, or today for the current year (``reference_day``).
"""

import datetime as dt
from decimal import Decimal

import django_filters
from django.db.models import Count, DecimalField, F, Q, Sum, Value, Window
from django.db.models.functions import Coalesce, Rank
from django.utils import timezone

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.codes import PersonnelStatus
from cadres.filters import DepartmentFilter
from cadres.models import Department
from cadres.permissions import departments_visible_to, visible_to
from oversight.models import PointEntry, PointRule

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=7, decimal_places=1))


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """Return the day a year's total is counted on: 31 December, or today in the current year."""
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def counting_on(day: dt.date, prefix: str = "") -> Q:
    """The approved entries that count on ``day`` (``prefix`` reaches them through a relation)."""
    return Q(**{f"{prefix}state": PointEntry.State.APPROVED, f"{prefix}occurred_on__lte": day,
                f"{prefix}valid_until__gte": day})


def points_totals(cadre_ids, year: int, *, today: dt.date | None = None) -> dict[int, Decimal]:
    """Return {cadre_id: total} of the points that count for ``year``, in one query (absent: no entry)."""
    day = reference_day(year, today)
    rows = (PointEntry.objects.filter(counting_on(day), cadre_id__in=list(cadre_ids))
            .values("cadre_id").annotate(total=Sum("points")).values_list("cadre_id", "total"))
    return dict(rows)


def year_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    this_year = (today or timezone.localdate()).year
    return [(str(year), f"{year}年") for year in range(this_year, this_year - 6, -1)]


def entries_visible_to(user):
    """Return the entries ``user`` may read: those of the cadres in their scope."""
    if not user.has_perm("oversight.view_pointentry"):
        return PointEntry.objects.none()
    return PointEntry.objects.filter(cadre__in=visible_to(user))


class CadreDepartmentFilter(DepartmentFilter):
    """A unit and everything under it, on the cadre of the row."""

    def filter(self, qs, value):
        return qs.filter(cadre__department__path__startswith=value.path) if value else qs


class PointEntryFilterSet(ListFilterSet):
    """积分记录: by name, unit, item, state and year."""

    search_placeholder = "输入姓名或依据"

    q = django_filters.CharFilter(label="姓名或依据", method="filter_q", max_length=50)
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    rule = django_filters.ModelChoiceFilter(label="积分项目", queryset=PointRule.objects.all(), empty_label="全部项目")
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", PointEntry.State.choices))
    year = django_filters.ChoiceFilter(label="年度", field_name="occurred_on__year", empty_label=None, choices=[])
    sort = SortFilter(sorts={"occurred": [Key("occurred_on"), Key("id")], "name": [Key("cadre__name_pinyin")],
                             "points": [Key("points")]})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)
        self.form.fields["year"].choices = blank_choice("全部年度", year_choices())

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(evidence__icontains=value))


def _entry_page(queryset):
    return queryset.select_related("cadre__department", "rule", "entered_by", "reviewed_by")


def entry_filterset(user, data):
    return PointEntryFilterSet(data, queryset=_entry_page(entries_visible_to(user)), user=user)


def reviewable_by(user):
    """Return the pending entries ``user`` may review: their role reviews the rule, someone else entered them."""
    if not user.has_perm("oversight.review_pointentry"):
        return PointEntry.objects.none()
    roles = [group.name for group in user.groups.all()]
    return (entries_visible_to(user).filter(state=PointEntry.State.PENDING, rule__reviewer_role__in=roles)
            .exclude(entered_by=user))


def review_filterset(user, data):
    filterset = PointEntryFilterSet(data, queryset=_entry_page(reviewable_by(user)).order_by("occurred_on", "id"),
                                    user=user)
    filterset.form.fields.pop("state", None)
    filterset.filters.pop("state", None)
    return filterset


# --- ranking --------------------------------------------------------------------------------------


def ranking_queryset(user, *, year: int, today: dt.date | None = None):
    """The cadres in ``user``'s scope in service on the reference day, with their points, highest first."""
    day = reference_day(year, today)
    counting = counting_on(day, "point_entries__")
    return (visible_to(user).filter(Q(status=PersonnelStatus.ACTIVE) | Q(status_date__gt=day))
            .select_related("department")
            .annotate(total=Coalesce(Sum("point_entries__points", filter=counting), ZERO),
                      bonus=Coalesce(Sum("point_entries__points", filter=counting & Q(point_entries__points__gt=0)),
                                     ZERO),
                      penalty=Coalesce(Sum("point_entries__points",
                                           filter=counting & Q(point_entries__points__lt=0)), ZERO),
                      entry_count=Count("point_entries", filter=counting))
            .annotate(rank=Window(Rank(), order_by=F("total").desc()))
            .order_by("-total", "department__path", "name_pinyin", "pk"))


class RankingFilterSet(ListFilterSet):
    """积分排名: unit and year (the year decides the reference day, not a filter on rows)."""

    search_placeholder = "输入姓名"
    q = django_filters.CharFilter(label="姓名", method="filter_q", max_length=50)
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    year = django_filters.ChoiceFilter(label="年度", method="filter_year", empty_label=None, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)
        self.form.fields["year"].choices = year_choices()
        self.form.fields["year"].initial = str(timezone.localdate().year)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_year(self, queryset, name, value):
        return queryset  # the queryset was built for the year (``ranking_filterset``)


def selected_year(data) -> int:
    this_year = timezone.localdate().year
    try:
        year = int((data or {}).get("year") or this_year)
    except (TypeError, ValueError):
        return this_year
    return year if this_year - 5 <= year <= this_year else this_year


def ranking_filterset(user, data):
    year = selected_year(data)
    filterset = RankingFilterSet(data, queryset=ranking_queryset(user, year=year), user=user)
    filterset.year = year
    filterset.day = reference_day(year)
    return filterset


def pending_review_count(user) -> int:
    return reviewable_by(user).count()
