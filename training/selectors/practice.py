"""Reads of 实践锻炼 and 岗位交流: the placements, the rotation plans and the rotation candidates a user may see.

Every list starts from the user's scope (``cadres.permissions.visible_to``) and brings its cadre,
unit and users through joins: a page of 50 rows costs what a page of 5 does.

Rotation candidates are the cadres in service whose current post (the cached ``current_post_start``
of the open post the roster keeps on the cadre) began ``same_post_years`` or more years ago: an SQL
filter on ``current_post_start <= today - N years``, never a loop over posts.
"""

import datetime as dt

import django_filters
from dateutil.relativedelta import relativedelta
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.codes import LeadershipLevel
from cadres.filters import DepartmentFilter
from cadres.models import Department
from cadres.permissions import departments_visible_to, visible_to
from training.models import PracticePlacement, RotationPlan, TrainingSettings

DUE_SOON, DUE_OVERDUE = "soon", "overdue"


def year_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    this_year = (today or timezone.localdate()).year
    return [(str(year), f"{year}年") for year in range(this_year + 1, this_year - 6, -1)]


def years_in_post(start: dt.date | None, today: dt.date | None = None) -> int | None:
    """Return the whole years from ``start`` to ``today`` (None without a start)."""
    if start is None:
        return None
    return relativedelta(today or timezone.localdate(), start).years


def post_text(department, title: str) -> str:
    """Return a post as people say it: the unit and the title, the unit left out where the title names it."""
    names = [name for name in (department.name, getattr(department, "short_name", "")) if name]
    return title if any(title.startswith(name) for name in names) else f"{department.name}{title}"


class CadreDepartmentFilter(DepartmentFilter):
    """A unit and everything under it, on the cadre of the row."""

    def filter(self, qs, value):
        return qs.filter(cadre__department__path__startswith=value.path) if value else qs


class _ScopedFilterSet(ListFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)
        if "year" in self.form.fields:
            self.form.fields["year"].choices = blank_choice("全部年度", year_choices())


# --- placements --------------------------------------------------------------------------------------


def placements_visible_to(user):
    """Return the placements ``user`` may read: those of the cadres in their scope."""
    if not user.has_perm("training.view_practiceplacement"):
        return PracticePlacement.objects.none()
    return PracticePlacement.objects.filter(cadre__in=visible_to(user))


def placement_page_queryset(user):
    return placements_visible_to(user).select_related("cadre__department", "created_by")


def due_condition(due: str, *, today: dt.date, days: int) -> Q:
    """Under way and ending within ``days`` (``soon``), or past the planned end and not ended (``overdue``)."""
    if due == DUE_OVERDUE:
        return Q(state=PracticePlacement.State.UNDER_WAY, planned_end__lt=today)
    return Q(state=PracticePlacement.State.UNDER_WAY, planned_end__gte=today,
             planned_end__lte=today + dt.timedelta(days=days))


def placements_due(user, *, today: dt.date, due: str, days: int | None = None):
    """The placements in ``user``'s scope due as ``due`` says (``days``: the reminder window, else the setting)."""
    if days is None:
        days = TrainingSettings.current().placement_reminder_days
    return placements_visible_to(user).filter(due_condition(due, today=today, days=days))


class PlacementFilterSet(_ScopedFilterSet):
    """实践锻炼: by name or host, unit, kind, state, year (placements running in it) and due."""

    search_placeholder = "输入姓名或锻炼单位"

    q = django_filters.CharFilter(label="姓名或锻炼单位", method="filter_q", max_length=50)
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    kind = django_filters.ChoiceFilter(label="锻炼类型", empty_label=None,
                                       choices=blank_choice("全部类型", PracticePlacement.Kind.choices))
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", PracticePlacement.State.choices))
    year = django_filters.ChoiceFilter(label="年度", method="filter_year", empty_label=None, choices=[])
    due = django_filters.ChoiceFilter(label="期满提醒", method="filter_due", empty_label=None,
                                      choices=blank_choice("全部", [(DUE_SOON, "即将期满"),
                                                                   (DUE_OVERDUE, "已到期未结束")]))
    sort = SortFilter(sorts={"start": [Key("planned_start"), Key("id")], "end": [Key("planned_end"), Key("id")],
                             "name": [Key("cadre__name_pinyin")]})

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(host__icontains=value))

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(planned_start__lte=dt.date(year, 12, 31), planned_end__gte=dt.date(year, 1, 1))

    def filter_due(self, queryset, name, value):
        days = TrainingSettings.current().placement_reminder_days if value == DUE_SOON else 0
        return queryset.filter(due_condition(value, today=timezone.localdate(), days=days))


def placement_filterset(user, data):
    return PlacementFilterSet(data, queryset=placement_page_queryset(user), user=user)


# --- rotation plans ---------------------------------------------------------------------------------


def rotations_visible_to(user):
    """Return the rotation plans ``user`` may read: those of the cadres in their scope."""
    if not user.has_perm("training.view_rotationplan"):
        return RotationPlan.objects.none()
    return RotationPlan.objects.filter(cadre__in=visible_to(user))


def rotation_page_queryset(user):
    return rotations_visible_to(user).select_related("cadre__department", "from_post", "to_department", "new_post",
                                                     "created_by")


def rotations_due(user, *, today: dt.date):
    """The plans still planned whose date has come (the daily task carries them out; refused ones stay)."""
    return rotations_visible_to(user).filter(state=RotationPlan.State.PLANNED, planned_date__lte=today)


class RotationFilterSet(_ScopedFilterSet):
    """岗位交流计划: by name, unit (the cadre's), state, year of the planned date, and due."""

    search_placeholder = "输入姓名或拟任职务"

    q = django_filters.CharFilter(label="姓名或拟任职务", method="filter_q", max_length=50)
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", RotationPlan.State.choices))
    year = django_filters.ChoiceFilter(label="交流年度", field_name="planned_date__year", empty_label=None, choices=[])
    due = django_filters.BooleanFilter(label="已到期待执行", method="filter_due",
                                       widget=django_filters.widgets.BooleanWidget())
    sort = SortFilter(sorts={"date": [Key("planned_date"), Key("id")], "name": [Key("cadre__name_pinyin")]})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["due"].widget.choices = [("", "全部"), ("true", "是"), ("false", "否")]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(to_title__icontains=value))

    def filter_due(self, queryset, name, value):
        if value is None:
            return queryset
        due = Q(state=RotationPlan.State.PLANNED, planned_date__lte=timezone.localdate())
        return queryset.filter(due) if value else queryset.exclude(due)


def rotation_filterset(user, data):
    return RotationFilterSet(data, queryset=rotation_page_queryset(user), user=user)


# --- rotation candidates ----------------------------------------------------------------------------


def candidates_queryset(user, *, years: int, today: dt.date | None = None):
    """The cadres in ``user``'s scope in service whose current post began ``years`` or more years ago.

    Each row carries ``planned_rotation_date``: the date of their plan still to be carried out, if any.
    """
    today = today or timezone.localdate()
    planned = RotationPlan.objects.filter(cadre=OuterRef("pk"), state=RotationPlan.State.PLANNED)
    if not user.has_perm("training.view_rotationplan"):
        return visible_to(user).none()
    return (visible_to(user).active()
            .filter(current_post_start__isnull=False, current_post_start__lte=today - relativedelta(years=years))
            .select_related("department")
            .annotate(planned_rotation_date=Subquery(planned.values("planned_date")[:1]),
                      planned_rotation_id=Subquery(planned.values("pk")[:1]))
            .order_by("current_post_start", "department__path", "name_pinyin", "pk"))


class CandidateFilterSet(_ScopedFilterSet):
    """岗位交流人选: by name, unit, level, the years in post (at least the setting) and whether a plan exists."""

    search_placeholder = "输入姓名或现任职务"

    q = django_filters.CharFilter(label="姓名或现任职务", method="filter_q", max_length=50)
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    level = django_filters.ChoiceFilter(label="职务层次", field_name="current_level", empty_label=None,
                                        choices=blank_choice("全部层次", LeadershipLevel.choices))
    years = django_filters.NumberFilter(label="任现职满（年）", method="filter_years", min_value=1, max_value=40)
    planned = django_filters.ChoiceFilter(label="交流计划", method="filter_planned", empty_label=None,
                                          choices=[("", "全部"), ("yes", "已制定"), ("no", "未制定")])
    sort = SortFilter(sorts={"start": [Key("current_post_start"), Key("id")], "name": [Key("name_pinyin")]})

    def __init__(self, *args, min_years: int, default_years: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_years, self.default_years = min_years, default_years
        self.form.fields["years"].widget.attrs.update(placeholder=str(default_years), step=1)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(current_post_title__icontains=value))

    def filter_years(self, queryset, name, value):
        return queryset  # the queryset was built for the years (``candidate_filterset``)

    def filter_planned(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(planned_rotation_date__isnull=False)
        if value == "no":
            return queryset.filter(planned_rotation_date__isnull=True)
        return queryset


def selected_years(data, default: int) -> int:
    try:
        years = int((data or {}).get("years") or default)
    except (TypeError, ValueError):
        return default
    return years if 1 <= years <= 40 else default


def candidate_filterset(user, data):
    default = TrainingSettings.current().same_post_years
    years = selected_years(data, default)
    return CandidateFilterSet(data, queryset=candidates_queryset(user, years=years), user=user, min_years=years,
                              default_years=default)


def candidates_count(user, *, today: dt.date) -> int:
    """How many rotation candidates (at the setting's years) ``user`` sees: one query."""
    return candidates_queryset(user, years=TrainingSettings.current().same_post_years, today=today).count()
