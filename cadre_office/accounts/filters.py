"""The account list's filter bar (用户管理), built by ``selectors.account_filterset`` (cadre_office.lists)."""

import django_filters
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q

from cadre_office.accounts.roles import Role
from cadre_office.lists import ListFilterSet, blank_choice

NO_ROLE = "none"


class AccountState:
    """Values of the list's state filter."""

    ACTIVE = "active"
    DISABLED = "disabled"
    LOCKED = "locked"
    SERVICE = "service"

    choices = [
        (ACTIVE, "启用"),
        (DISABLED, "停用"),
        (LOCKED, "锁定"),
        (SERVICE, "系统任务账号"),
    ]


class AccountFilterSet(ListFilterSet):
    search_placeholder = "输入用户名或姓名片段"

    q = django_filters.CharFilter(label="用户名或姓名", method="filter_q", max_length=50)
    role = django_filters.ChoiceFilter(label="角色", method="filter_role", empty_label=None,
                                       choices=blank_choice("全部角色", [*Role.choices, (NO_ROLE, "未分配角色")]))
    state = django_filters.ChoiceFilter(label="状态", method="filter_state", empty_label=None,
                                        choices=blank_choice("全部状态", AccountState.choices))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value)) if value else queryset

    def filter_role(self, queryset, name, value):
        if value == NO_ROLE:
            return queryset.exclude(Exists(Group.objects.filter(user=OuterRef("pk"), name__in=Role.values)))
        return queryset.filter(Exists(Group.objects.filter(user=OuterRef("pk"), name=value)))

    def filter_state(self, queryset, name, value):
        from cadre_office.accounts.selectors import service_account_q

        if value == AccountState.ACTIVE:
            return queryset.filter(is_active=True)
        if value == AccountState.DISABLED:
            return queryset.filter(is_active=False).exclude(service_account_q())
        if value == AccountState.LOCKED:
            return queryset.filter(is_locked=True)
        return queryset.filter(service_account_q())
