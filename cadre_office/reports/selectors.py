"""Reading the report archive, scoped to the user (list, filters, one report, its versions).

Bureau-wide readers (``cadres.view_all_cadres``) see every report. A 科室负责人 sees the reports
whose scope lies inside the units granted to them (the unit or one of its sub-units); the bureau's
reports are not theirs, nor is any unit's outside their grants. Scoping is a subquery: no query of its own.
"""

import datetime as dt

import django_filters
from django import forms
from django.db.models import F

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadre_office.reports.models import MonthlyReport
from cadres.permissions import departments_visible_to, sees_all_departments
from cadres.selectors import department_choices

BUREAU_CHOICE = "bureau"


def reports_visible_to(user):
    """Return the monthly reports ``user`` may see and download."""
    if not (user.is_authenticated and user.is_active and user.has_perm("reports.view_monthlyreport")):
        return MonthlyReport.objects.none()
    if sees_all_departments(user):
        return MonthlyReport.objects.all()
    return MonthlyReport.objects.filter(department__in=departments_visible_to(user).values("pk"))


def _with_people(queryset):
    return queryset.select_related("department", "requested_by", "reported_by")


class MonthField(forms.DateField):
    """A month typed as ``2026-12`` (the browser's month input), cleaned to its first day."""

    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, dt.date) else day


class MonthFilter(django_filters.Filter):
    """``?month=2026-12``: the reports of that month (a malformed month is the form's error, not a 500)."""

    field_class = MonthField


class ReportFilterSet(ListFilterSet):
    """The archive's filter bar: month, scope (全局 or a unit), state."""

    search_field = ""
    month = MonthFilter(label="统计月份")
    scope = django_filters.ChoiceFilter(label="统计范围", method="filter_scope", empty_label=None, choices=[])
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", MonthlyReport.State.choices))
    sort = SortFilter(sorts={"month": [Key("month"), Key("department__path", blank="null"), Key("version")]})

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["scope"].choices = blank_choice("全部范围", scopes)

    def filter_scope(self, queryset, name, value):
        if value == BUREAU_CHOICE:
            return queryset.filter(department__isnull=True)
        return queryset.filter(department_id=value)


def scope_choices(user) -> list[tuple[str, str]]:
    """The scopes ``user`` may filter by or run for: 全局 (bureau-wide readers only), then their units in order."""
    units = [(str(d.pk), "\u3000" * d.depth + d.name) for d in department_choices(user)]
    return [(BUREAU_CHOICE, "全局"), *units] if sees_all_departments(user) else units


def report_filterset(user, data=None):
    """Return the archive's FilterSet over the reports ``user`` may see: newest month first, versions together."""
    # The bureau's reports (no unit) first on every database: PostgreSQL would put NULLs last.
    queryset = _with_people(reports_visible_to(user)).order_by(
        "-month", F("department__path").asc(nulls_first=True), "-version", "-pk")
    return ReportFilterSet(data if data is not None else {}, queryset=queryset, user=user, scopes=scope_choices(user))


def report_versions(report: MonthlyReport):
    """Return every version of ``report``'s month and scope, newest first (v2 beside v1)."""
    return _with_people(MonthlyReport.objects.filter(month=report.month, department=report.department_id)
                        .order_by("-version"))
