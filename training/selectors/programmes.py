"""Reads of 理论培训: programmes, the enrolments a user may see, the month calendar, hours by unit and cadre.

Programmes are the bureau's (every reader sees them all); enrolments and hours are the cadres', so they
start from ``cadres.permissions.visible_to(user)``. Who is counted in a year (``counted_cadres``): the
cadres in service on the year's reference day (31 December, or today in the current year) who hold a
正科 or 副科 post on that day. Hours come from ``CadreYearHours`` (one row per cadre and year, kept by the
services), joined to the counted cadres in SQL: the hours table is one grouped query, whatever the
number of enrolments.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from dateutil.relativedelta import relativedelta
from django.db.models import Count, DecimalField, Exists, F, FilteredRelation, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.codes import SECTION_LEVELS
from cadres.filters import DepartmentFilter
from cadres.models import Department, PostAssignment
from cadres.permissions import departments_visible_to, visible_to
from training.models import Enrolment, TrainingProgramme, TrainingSettings

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=6, decimal_places=1))


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """Return the day who is counted in ``year`` is decided on: 31 December, or today in the current year."""
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def year_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    this_year = (today or timezone.localdate()).year
    return [(str(year), f"{year}年") for year in range(this_year + 1, this_year - 6, -1)]


def selected_year(data, today: dt.date | None = None) -> int:
    """Return the year asked for in ``data`` (this year when absent or not one of the offered years)."""
    this_year = (today or timezone.localdate()).year
    try:
        year = int((data or {}).get("year") or this_year)
    except (TypeError, ValueError):
        return this_year
    return year if this_year - 5 <= year <= this_year + 1 else this_year


# --- programmes -------------------------------------------------------------------------------------


def programmes_visible_to(user):
    """Return the programmes ``user`` may read (the bureau's, all of them, for whoever reads training)."""
    if not user.has_perm("training.view_trainingprogramme"):
        return TrainingProgramme.objects.none()
    return TrainingProgramme.objects.all()


def enrolments_visible_to(user):
    """Return the enrolments ``user`` may read: those of the cadres in their scope."""
    if not user.has_perm("training.view_enrolment"):
        return Enrolment.objects.none()
    return Enrolment.objects.filter(cadre__in=visible_to(user))


class ProgrammeFilterSet(ListFilterSet):
    """培训项目: by year (of the start), category, mode, kind, and name or organiser."""

    search_placeholder = "输入培训名称或主办单位"

    q = django_filters.CharFilter(label="名称或主办单位", method="filter_q", max_length=50)
    year = django_filters.ChoiceFilter(label="年度", method="filter_year", empty_label=None, choices=[])
    category = django_filters.ChoiceFilter(label="类别", empty_label=None,
                                           choices=blank_choice("全部类别", TrainingProgramme.Category.choices))
    mode = django_filters.ChoiceFilter(label="方式", empty_label=None,
                                       choices=blank_choice("全部方式", TrainingProgramme.Mode.choices))
    kind = django_filters.ChoiceFilter(label="性质", empty_label=None,
                                       choices=blank_choice("全部", TrainingProgramme.Kind.choices))
    sort = SortFilter(sorts={"start": [Key("start_date"), Key("id")], "name": [Key("name")],
                             "hours": [Key("hours")]})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["year"].choices = blank_choice("全部年度", year_choices())

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(organiser__icontains=value)) if value else queryset

    def filter_year(self, queryset, name, value):
        """A year takes the programmes that run in it (a programme over New Year is in both)."""
        if not value:
            return queryset
        year = int(value)
        return queryset.filter(start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))


def programme_queryset(user):
    """The programmes with the number of enrolments and completions in ``user``'s scope (one query a page)."""
    scoped = Q(enrolments__cadre__in=visible_to(user))
    return (programmes_visible_to(user)
            .annotate(enrolled=Count("enrolments", filter=scoped & ~Q(enrolments__state=Enrolment.State.WITHDRAWN)),
                      completed=Count("enrolments", filter=scoped & Q(enrolments__state=Enrolment.State.COMPLETED)))
            .order_by("-start_date", "-id"))


def programme_filterset(user, data):
    return ProgrammeFilterSet(data, queryset=programme_queryset(user), user=user)


def programme_enrolments(user, programme):
    """The enrolments of ``programme`` that ``user`` may read, by unit and name."""
    return (enrolments_visible_to(user).filter(programme=programme).select_related("cadre__department")
            .order_by("cadre__department__path", "cadre__name_pinyin", "pk"))


# --- the month calendar -----------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    programmes: list


def month_calendar(user, *, year: int, month: int, today: dt.date | None = None) -> list[list[CalendarDay]]:
    """Return the weeks (Monday first) of the month, each day with the programmes running on it (one query)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    programmes = list(programmes_visible_to(user).filter(start_date__lte=last, end_date__gte=first)
                      .order_by("start_date", "id"))
    return [[CalendarDay(day=day, in_month=day.month == month,
                         programmes=[p for p in programmes if p.start_date <= day <= p.end_date])
             for day in week] for week in weeks]


def month_of(data, today: dt.date | None = None) -> dt.date:
    """Return the first of the month asked for (``?month=2026-12``), this month when absent or unreadable."""
    today = today or timezone.localdate()
    try:
        year, month = (int(part) for part in (data or {}).get("month", "").split("-"))
        return dt.date(year, month, 1) if 2000 <= year <= 2100 else today.replace(day=1)
    except (TypeError, ValueError):
        return today.replace(day=1)


# --- who is counted, and their hours ---------------------------------------------------------------


def counted_cadres(user, *, year: int, today: dt.date | None = None):
    """Return the cadres of ``user``'s scope counted in ``year``: in service with a 正科/副科 post on its reference day.

    In the current year the roster's cache of the open post (``current_level``) says it; for a past year the post
    history (posts held on 31 December).
    """
    today = today or timezone.localdate()
    day = reference_day(year, today)
    cadres = visible_to(user).in_service_on(day)
    if day == today:
        return cadres.filter(current_level__in=SECTION_LEVELS)
    held = PostAssignment.objects.as_of(day).filter(cadre=OuterRef("pk"), level__in=SECTION_LEVELS)
    return cadres.filter(Exists(held))


def _with_hours(cadres, year: int):
    """``cadres`` LEFT JOIN their ``CadreYearHours`` row of ``year`` (as ``year_hours``)."""
    return cadres.annotate(year_hours=FilteredRelation("training_years", condition=Q(training_years__year=year)))


def hours_by_unit(user, *, year: int, today: dt.date | None = None, required: Decimal | None = None) -> list[dict]:
    """Return one row per unit (the cadres' own unit) with counted cadres, reached, short, total and average 学时.

    One grouped query (the counted cadres LEFT JOIN their hours of the year, GROUP BY unit), one for the units'
    names, and the settings row unless ``required`` is given.
    """
    required = TrainingSettings.current().required_hours if required is None else required
    # Grouped by the unit's id alone (an integer key: cheap to hash at 100,000 cadres); the units' names and
    # tree order come from a second, small query.
    rows = (_with_hours(counted_cadres(user, year=year, today=today), year)
            .values("department_id")
            .annotate(counted=Count("pk"), reached=Count("pk", filter=Q(year_hours__hours__gte=required)),
                      total=Coalesce(Sum("year_hours__hours"), ZERO))
            .order_by())
    rows = {row["department_id"]: row for row in rows}
    units = Department.objects.filter(pk__in=list(rows)).order_by("path").values_list("pk", "name")
    result = []
    for pk, name in units:
        row = rows[pk]
        result.append({"department_id": pk, "name": name, "counted": row["counted"], "reached": row["reached"],
                       "short": row["counted"] - row["reached"], "total": row["total"],
                       "average": (row["total"] / row["counted"]).quantize(Decimal("0.1"))})
    return result


def hours_totals(rows: list[dict]) -> dict:
    counted = sum(r["counted"] for r in rows)
    total = sum((r["total"] for r in rows), Decimal(0))
    return {"counted": counted, "reached": sum(r["reached"] for r in rows), "short": sum(r["short"] for r in rows),
            "total": total, "average": (total / counted).quantize(Decimal("0.1")) if counted else Decimal(0)}


def cadre_hours(user, *, year: int, today: dt.date | None = None, required: Decimal | None = None):
    """The counted cadres with their 学时 of ``year``, the requirement and the gap (most short first)."""
    required = TrainingSettings.current().required_hours if required is None else required
    hours = Coalesce(F("year_hours__hours"), ZERO)
    return (_with_hours(counted_cadres(user, year=year, today=today), year).select_related("department")
            .annotate(hours=hours, programme_count=Coalesce(F("year_hours__programmes"), Value(0)),
                      required=Value(required, output_field=DecimalField(max_digits=6, decimal_places=1)),
                      gap=Greatest(Value(required, output_field=DecimalField(max_digits=6, decimal_places=1))
                                   - hours, ZERO))
            .order_by("-gap", "department__path", "name_pinyin", "pk"))


class ShortfallFilterSet(ListFilterSet):
    """学时未达标: by unit (and everything under it), name, year (the year builds the queryset)."""

    search_placeholder = "输入姓名"
    q = django_filters.CharFilter(label="姓名", method="filter_q", max_length=50)
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    year = django_filters.ChoiceFilter(label="年度", method="filter_year", empty_label=None, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)
        self.form.fields["year"].choices = year_choices()[1:]
        self.form.fields["year"].initial = str(timezone.localdate().year)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(name_pinyin__contains=value.lower())) if value else queryset

    def filter_year(self, queryset, name, value):
        return queryset  # the queryset was built for the year (``shortfall_filterset``)


def shortfall_filterset(user, data):
    """The counted cadres short of the requirement in the year asked for."""
    year = selected_year(data)
    required = TrainingSettings.current().required_hours
    queryset = cadre_hours(user, year=year, required=required).filter(hours__lt=required)
    filterset = ShortfallFilterSet(data, queryset=queryset, user=user)
    filterset.year, filterset.required, filterset.required_text = year, required, hours_text(required)
    return filterset


def shortfall_count(user, *, year: int, today: dt.date | None = None) -> int:
    required = TrainingSettings.current().required_hours
    return (_with_hours(counted_cadres(user, year=year, today=today), year)
            .filter(Q(year_hours__hours__lt=required) | Q(year_hours__hours__isnull=True)).count())


# --- appointment training due ----------------------------------------------------------------------


def appointment_due(user, *, today: dt.date | None = None):
    """The cadres whose 正科/副科 post began within the last N months with no 任职培训 completed since it began.

    N is ``TrainingSettings.promotion_training_months``; each row carries ``deadline`` (start + N months).
    """
    today = today or timezone.localdate()
    months = TrainingSettings.current().promotion_training_months
    since = today - relativedelta(months=months)
    trained = Enrolment.objects.filter(cadre=OuterRef("pk"), state=Enrolment.State.COMPLETED,
                                       programme__kind=TrainingProgramme.Kind.APPOINTMENT,
                                       credited_on__gte=OuterRef("current_post_start"))
    return (visible_to(user).active().filter(current_level__in=SECTION_LEVELS, current_post_start__gt=since,
                                             current_post_start__lte=today)
            .filter(~Exists(trained)).select_related("department")
            .order_by("current_post_start", "department__path", "name_pinyin", "pk"))


def with_deadlines(cadres, *, months: int | None = None):
    """Set ``deadline`` on each cadre of a page (start of the post + N months); no query."""
    months = months or TrainingSettings.current().promotion_training_months
    for cadre in cadres:
        cadre.deadline = cadre.current_post_start + relativedelta(months=months)
    return cadres


def hours_text(value) -> str:
    """Return 学时 as people write them: 90, 7.5 (never 90.0)."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
