"""Reads of 动态管理: the review queue (a list of the list kit) and the count for the desk."""

from __future__ import annotations

import django_filters

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.filters import DepartmentFilter, RosterFilterSet
from cadres.models import Cadre, Department
from cadres.permissions import visible_to
from cadres.selectors import department_choices
from oversight.models import AdjustmentDecision, AdjustmentFlag, FlagRule


class CadreDepartmentFilter(DepartmentFilter):
    """The cadre's unit and everything under it (the flag's own rows have no unit)."""

    def filter(self, qs, value):
        return qs.filter(cadre__department__path__startswith=value.path) if value else qs


class FlagFilterSet(ListFilterSet):
    """The 动态管理 queue's filters: the open flags unless the bar asks for the handled or all."""

    search_placeholder = RosterFilterSet.search_placeholder

    q = django_filters.CharFilter(label="查找", method="filter_q", max_length=50)
    state = django_filters.ChoiceFilter(label="状态", empty_label=None, method="filter_state",
                                        choices=[*AdjustmentFlag.State.choices, ("all", "全部")])
    rule = django_filters.ModelChoiceFilter(label="规则", queryset=FlagRule.objects.all(), empty_label="全部规则")
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    outcome = django_filters.ChoiceFilter(label="处理结果", field_name="decision__outcome", empty_label=None,
                                          choices=blank_choice("全部", AdjustmentDecision.Outcome.choices))
    sort = SortFilter(sorts={"raised_on": [Key("raised_on")], "name": [Key("cadre__name_pinyin")]})

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments if departments is not None else Department.objects.none()

    def filter_q(self, queryset, name, value):
        cadres = RosterFilterSet.filter_q(self, Cadre.objects.all(), name, value)
        return queryset.filter(cadre__in=cadres.values("pk"))

    def filter_state(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(state=value)

    def filter_queryset(self, queryset):
        if not (self.is_bound and self.data.get("state")):
            queryset = queryset.filter(state=AdjustmentFlag.State.OPEN)
        return super().filter_queryset(queryset)



def flag_filterset(user, data=None):
    """Return the queue's FilterSet over the flags of the cadres ``user`` may see, newest first."""
    queryset = (AdjustmentFlag.objects.filter(cadre__in=visible_to(user).values("pk"))
                .select_related("cadre__department", "rule", "decision").order_by("-raised_on", "-id"))
    return FlagFilterSet(data if data is not None else {}, queryset=queryset, user=user,
                         departments=department_choices(user))


def open_flag_count(user) -> int:
    """The open flags of the cadres ``user`` may see (one query)."""
    return AdjustmentFlag.objects.filter(state=AdjustmentFlag.State.OPEN,
                                         cadre__in=visible_to(user).values("pk")).count()
