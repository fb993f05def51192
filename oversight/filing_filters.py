"""The 备案 list's filter bar: search by name, kind, state, unit, 逾期/即将到期."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.filters import DepartmentFilter
from cadres.models import Department
from oversight.models import Filing

DUE_CHOICES = [("overdue", "已逾期"), ("soon", "即将到期"), ("open", "未办结")]


class CadreDepartmentFilter(DepartmentFilter):
    """A unit and everything under it, on the filing's cadre."""

    def filter(self, qs, value):
        return qs.filter(cadre__department__path__startswith=value.path) if value else qs


class FilingFilterSet(ListFilterSet):
    search_placeholder = "输入干部姓名或事项"

    q = django_filters.CharFilter(label="查找", method="filter_q", max_length=50)
    kind = django_filters.ChoiceFilter(label="类别", empty_label=None, choices=blank_choice("全部类别", []))
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", Filing.State.choices))
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    due = django_filters.ChoiceFilter(label="时限", empty_label=None, method="filter_due",
                                      choices=blank_choice("全部", DUE_CHOICES))
    outcome = django_filters.ChoiceFilter(label="核查结论", empty_label=None, method="filter_outcome",
                                          choices=blank_choice("全部", [("pending", "待录入"), ("done", "已录入")]))
    mine = django_filters.BooleanFilter(label="本人报送", method="filter_mine", widget=forms.HiddenInput)
    sort = SortFilter(sorts={"event": [Key("event_date")], "due": [Key("due_on")], "name": [Key("cadre__name")]})

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        from oversight.filing_selectors import kinds_for

        self.form.fields["kind"].choices = blank_choice("全部类别", kinds_for(self.user))
        self.form.fields["department"].queryset = departments if departments is not None else Department.objects.none()
        if not (self.user and self.user.has_perm("oversight.view_petition")):
            del self.form.fields["outcome"]
            self.filters.pop("outcome")

    def filter_outcome(self, queryset, name, value):
        if value == "pending":
            return queryset.filter(kind=Filing.Kind.PETITION, outcome="", state__in=Filing.OPEN_STATES)
        if value == "done":
            return queryset.filter(kind=Filing.Kind.PETITION).exclude(outcome="")
        return queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(submitted_by=self.user) if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(cadre__name_pinyin__icontains=value)
                               | Q(school__icontains=value) | Q(honour_title__icontains=value))

    def filter_due(self, queryset, name, value):
        from oversight.filing_selectors import due_soon, overdue

        today = timezone.localdate()
        if value == "overdue":
            return overdue(queryset, today)
        if value == "soon":
            return due_soon(queryset, today)
        if value == "open":
            return queryset.filter(state__in=Filing.OPEN_STATES)
        return queryset
