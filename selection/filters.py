"""The case list's filter bar: what each field does to the cases the user may see (cadre_office.lists).

Built by ``selection.selectors.case_filterset`` over ``cases_visible_to(user)``.
"""

import django_filters
from django.db.models import Q

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.filters import DepartmentFilter
from cadres.models import Department
from selection.models import CaseStep, SelectionCase

STEP_CHOICES = [(str(n), f"第{n}步") for n in range(1, 17)]
RETURNED, SUBMITTED = CaseStep.State.RETURNED, CaseStep.State.SUBMITTED
PROGRESS_CHOICES = [(RETURNED, "已退回，待修改"), (SUBMITTED, "已提交，待审批")]

# Newest first by default (the queryset's own order); the other orders offices ask for.
CASE_SORTS = {
    "created": [Key("created_at"), Key("number")],
    "number": [Key("number")],
    "department": [Key("department__path"), Key("post_title")],
    "step": [Key("current_step"), Key("created_at")],
}


class CaseFilterSet(ListFilterSet):
    """The case list's filters. Those that do not validate are left out (a stale link never fails)."""

    search_placeholder = "输入编号、事由或拟任职务"

    q = django_filters.CharFilter(label="编号、事由或职务", method="filter_q", max_length=50)
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", SelectionCase.State.choices))
    step = django_filters.ChoiceFilter(label="当前步骤", field_name="current_step", empty_label=None,
                                       choices=blank_choice("全部步骤", STEP_CHOICES))
    progress = django_filters.ChoiceFilter(label="当前步骤进度", method="filter_progress", empty_label=None,
                                           choices=blank_choice("全部", PROGRESS_CHOICES))
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    sort = SortFilter(sorts=CASE_SORTS)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments if departments is not None else Department.objects.none()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value) | Q(post_title__icontains=value))

    def filter_progress(self, queryset, name, value):
        """The active cases whose current step is returned for revision (or submitted for a decision)."""
        return queryset.filter(state=SelectionCase.State.ACTIVE, current_step_state=value)
