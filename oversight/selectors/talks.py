"""Reads of 谈心谈话: the talks and follow-ups a user may see, and the yearly plan's coverage.

A department head reads their units' talks; personnel staff, leaders and discipline inspection
read all. The coverage counts, for the year's plan, the talks the plan's leader held with each
科级 cadre in service (a 科级 post, or a 职级) and lists those still short of the plan's minimum.
"""

import datetime as dt

import django_filters
from django.db.models import Count, Q
from django.utils import timezone

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.codes import SECTION_LEVELS, PersonnelStatus
from cadres.filters import DepartmentFilter
from cadres.models import Department
from cadres.permissions import departments_visible_to, visible_to
from oversight.models import Talk, TalkFollowUp, TalkPlan
from oversight.selectors.points import CadreDepartmentFilter, year_choices

SOON_DAYS = 30  # a due talk or follow-up shows as 即将到期 this many days ahead


def talks_visible_to(user):
    """Return the talks ``user`` may read: those with the cadres in their scope."""
    if not user.has_perm("oversight.view_talk"):
        return Talk.objects.none()
    return Talk.objects.filter(cadre__in=visible_to(user))


DUE_CHOICES = [("overdue", "已逾期"), ("soon", f"{SOON_DAYS}日内到期"), ("due", "全部待谈")]


class TalkFilterSet(ListFilterSet):
    """谈心谈话: by name, unit, kind, state, year, due and 'mine'."""

    search_placeholder = "输入姓名或事由"

    q = django_filters.CharFilter(label="姓名或事由", method="filter_q", max_length=50)
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    kind = django_filters.ChoiceFilter(label="谈话类型", empty_label=None,
                                       choices=blank_choice("全部类型", Talk.Kind.choices))
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", Talk.State.choices))
    due = django_filters.ChoiceFilter(label="应谈提醒", method="filter_due", empty_label=None,
                                      choices=blank_choice("不限", DUE_CHOICES))
    year = django_filters.ChoiceFilter(label="谈话年度", field_name="held_on__year", empty_label=None, choices=[])
    mine = django_filters.BooleanFilter(label="仅本人谈话", method="filter_mine",
                                        widget=django_filters.widgets.BooleanWidget())
    sort = SortFilter(sorts={"held": [Key("held_on", blank="null")], "due": [Key("due_on", blank="null")],
                             "name": [Key("cadre__name_pinyin")]})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)
        self.form.fields["year"].choices = blank_choice("全部年度", year_choices())
        self.form.fields["mine"].widget = self.form.fields["mine"].hidden_widget()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(reason__icontains=value))

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        due = queryset.filter(state=Talk.State.DUE)
        if value == "overdue":
            return due.filter(due_on__lt=today)
        if value == "soon":
            return due.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=SOON_DAYS))
        return due if value == "due" else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(talker=self.user) if value else queryset


def talk_filterset(user, data):
    queryset = talks_visible_to(user).select_related("cadre__department", "talker", "recorded_by")
    return TalkFilterSet(data, queryset=queryset, user=user)


def talk_page_queryset(user):
    return talks_visible_to(user).select_related("cadre__department", "talker", "recorded_by")


def due_talks_for(user):
    """The due talks that are ``user``'s to hold: all for personnel staff, their own as a leader."""
    due = talks_visible_to(user).filter(state=Talk.State.DUE)
    if user.has_perm("oversight.record_any_talk"):
        return due
    if user.has_perm("oversight.record_own_talk"):
        return due.filter(talker=user)
    return due.none()


# --- follow-ups -----------------------------------------------------------------------------------


FOLLOW_UP_CHOICES = [("", "未完成"), ("overdue", "已逾期"), ("done", "已完成"), ("all", "全部")]


class _FollowUpDepartmentFilter(DepartmentFilter):
    def filter(self, qs, value):
        return qs.filter(talk__cadre__department__path__startswith=value.path) if value else qs


class FollowUpFilterSet(ListFilterSet):
    search_placeholder = "输入姓名或事项"
    q = django_filters.CharFilter(label="姓名或事项", method="filter_q", max_length=50)
    department = _FollowUpDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    open = django_filters.ChoiceFilter(label="完成情况", method="filter_open", empty_label=None,
                                       choices=FOLLOW_UP_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(talk__cadre__name__icontains=value) | Q(item__icontains=value))

    def filter_open(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(done_on__isnull=True, due_on__lt=timezone.localdate())
        if value == "done":
            return queryset.filter(done_on__isnull=False)
        return queryset


def follow_ups_visible_to(user):
    if not user.has_perm("oversight.view_talk"):
        return TalkFollowUp.objects.none()
    return TalkFollowUp.objects.filter(talk__cadre__in=visible_to(user))


def follow_up_filterset(user, data):
    queryset = (follow_ups_visible_to(user).select_related("talk__cadre__department", "talk__talker")
                .order_by("due_on", "id"))
    if (data or {}).get("open") not in ("done", "all"):
        queryset = queryset.filter(done_on__isnull=True)  # by default what is still open (the desk links here)
    return FollowUpFilterSet(data, queryset=queryset, user=user)


def follow_ups_due_for(user, *, today: dt.date):
    """Open follow-ups due within ``SOON_DAYS`` (or overdue) of the talks that are ``user``'s."""
    mine = follow_ups_visible_to(user).filter(done_on__isnull=True, due_on__lte=today + dt.timedelta(days=SOON_DAYS))
    if user.has_perm("oversight.record_any_talk"):
        return mine
    if user.has_perm("oversight.record_own_talk"):
        return mine.filter(talk__talker=user)
    return mine.none()


# --- the yearly plan and its coverage ----------------------------------------------------------------


def section_team_on(queryset, day: dt.date):
    """The 科级 cadres of ``queryset`` in service on ``day``: a 科级 post or a 职级."""
    return (queryset.filter(Q(status=PersonnelStatus.ACTIVE) | Q(status_date__gt=day))
            .filter(Q(current_level__in=SECTION_LEVELS) | ~Q(current_rank="")))


def plan_for(year: int) -> TalkPlan | None:
    return TalkPlan.objects.select_related("leader").filter(year=year).first()


def plan_talks(plan: TalkPlan, prefix: str = "talks__") -> Q:
    """The talks that count toward ``plan``: held in its year by its leader, of its kinds."""
    condition = Q(**{f"{prefix}state": Talk.State.HELD, f"{prefix}held_on__year": plan.year,
                     f"{prefix}talker_id": plan.leader_id})
    if plan.kinds:
        condition &= Q(**{f"{prefix}kind__in": plan.kinds})
    return condition


def coverage_queryset(user, plan: TalkPlan, *, today: dt.date | None = None):
    """The 科级 cadres in ``user``'s scope with their number of plan talks this year (``plan_count``)."""
    today = today or timezone.localdate()
    day = min(dt.date(plan.year, 12, 31), today)
    return (section_team_on(visible_to(user), day).select_related("department")
            .annotate(plan_count=Count("talks", filter=plan_talks(plan))))


def coverage_summary(queryset, plan: TalkPlan) -> dict:
    """Return the team's size, how many reached the minimum, how many not, and the share done (one query)."""
    figures = queryset.order_by().aggregate(total=Count("pk", distinct=True))
    covered = queryset.filter(plan_count__gte=plan.min_per_cadre).order_by().count()
    total = figures["total"] or 0
    return {"total": total, "covered": covered, "left": total - covered,
            "percent": round(covered * 100 / total, 1) if total else 0}


class CoverageFilterSet(ListFilterSet):
    search_placeholder = "输入姓名"
    q = django_filters.CharFilter(label="姓名", method="filter_q", max_length=50)
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    show = django_filters.ChoiceFilter(label="范围", method="filter_show", empty_label=None,
                                       choices=[("", "尚未谈话"), ("covered", "已完成"), ("all", "全部")])

    def __init__(self, *args, plan=None, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_show(self, queryset, name, value):
        if value == "covered":
            return queryset.filter(plan_count__gte=self.plan.min_per_cadre)
        return queryset


def coverage_filterset(user, data, *, plan: TalkPlan):
    queryset = coverage_queryset(user, plan).order_by("plan_count", "department__path", "name_pinyin", "pk")
    if (data or {}).get("show") not in ("covered", "all"):
        queryset = queryset.filter(plan_count__lt=plan.min_per_cadre)  # by default those not yet talked with
    return CoverageFilterSet(data, queryset=queryset, user=user, plan=plan)
