"""Reads of 个人培养计划: the plans and pool members a user may see, their progress, and the reviews due.

Progress is never typed: a planned item is done when the record linked to it is done (the cadre's
enrolment in the programme completed, the placement ended, the rotation carried out), and the counts
of a whole list of plans come from subqueries of the list's one query (``with_progress``), never a
query per plan.

Reviews are twice a year, one per half (上半年 Jan–Jun, 下半年 Jul–Dec). A review is *due* for an active
plan when the current half is in its last month (June, December) and has no review yet, or when the
previous half ended without one although the plan was made before it ended (a missed review stays due
until it is recorded late).
"""

import datetime as dt
from dataclasses import dataclass

import django_filters
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.filters import DepartmentFilter
from cadres.models import Department
from cadres.permissions import departments_visible_to, visible_to
from training.models import (
    CadreYearHours,
    DevelopmentPlan,
    Enrolment,
    PlanItem,
    PlanReview,
    PoolMember,
    PracticePlacement,
    RotationPlan,
    TrainingSettings,
)

HALF_LABELS = {1: "上半年", 2: "下半年"}


# --- halves of the year ----------------------------------------------------------------------------


def half_of(day: dt.date) -> tuple[int, int]:
    """Return (year, half) of ``day``: half 1 is January to June, half 2 July to December."""
    return day.year, 1 if day.month <= 6 else 2


def half_start(year: int, half: int) -> dt.date:
    return dt.date(year, 1 if half == 1 else 7, 1)


def half_end(year: int, half: int) -> dt.date:
    return dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


def previous_half(year: int, half: int) -> tuple[int, int]:
    return (year, 1) if half == 2 else (year - 1, 2)


def half_label(year: int, half: int) -> str:
    return f"{year}年{HALF_LABELS[half]}"


def in_last_month(day: dt.date) -> bool:
    """Whether ``day`` lies in the last month of its half (June or December), when its review falls due."""
    return day.month in (6, 12)


def review_choices(today: dt.date) -> list[tuple[str, str]]:
    """The halves a review may be recorded for today: the current one (begun) and the previous one (late)."""
    current = half_of(today)
    return [(f"{y}-{h}", half_label(y, h)) for y, h in (current, previous_half(*current))]


# --- progress -------------------------------------------------------------------------------------


def item_done() -> Q:
    """The planned items whose linked record is done.

    A training item is done when the cadre's enrolment in its programme is completed (结业), a practice
    item when its placement has ended (期满), a rotation item when its rotation was carried out.
    """
    completed = Enrolment.objects.filter(programme=OuterRef("programme"), cadre=OuterRef("plan__cadre"),
                                         state=Enrolment.State.COMPLETED)
    return ((Q(kind=PlanItem.Kind.TRAINING) & Exists(completed))
            | Q(kind=PlanItem.Kind.PRACTICE, placement__state=PracticePlacement.State.ENDED)
            | Q(kind=PlanItem.Kind.ROTATION, rotation__state=RotationPlan.State.DONE))


def _count(queryset, plan_ref: str):
    """A subquery counting the rows of ``queryset`` of the outer plan (0 when none)."""
    counted = (queryset.filter(plan=OuterRef(plan_ref)).order_by().values("plan")
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def reviewed_in(year: int, half: int, plan_ref: str = "pk"):
    return Exists(PlanReview.objects.filter(plan=OuterRef(plan_ref), year=year, half=half))


def review_due_q(today: dt.date, prefix: str = "") -> Q:
    """The plans (``prefix``: through a relation) whose review is due on ``today`` (see the module's note)."""
    ref = f"{prefix}pk" if prefix else "pk"
    year, half = half_of(today)
    prev_year, prev_half = previous_half(year, half)
    before_previous_end = dt.datetime.combine(half_end(prev_year, prev_half) + dt.timedelta(days=1), dt.time.min,
                                              tzinfo=timezone.get_current_timezone())
    missed = Q(**{f"{prefix}created_at__lt": before_previous_end}) & ~reviewed_in(prev_year, prev_half, ref)
    due = missed
    if in_last_month(today):
        due = due | ~reviewed_in(year, half, ref)
    return Q(**{f"{prefix}state": DevelopmentPlan.State.ACTIVE}) & due


def with_progress(queryset, *, today: dt.date, prefix: str = ""):
    """Annotate a queryset of plans (or of rows reaching a plan through ``prefix``, e.g. ``plan__``) with
    its progress: items planned and done, goals and goals achieved, gaps and gaps closed, the last
    review (year, half, rating) and whether a review is due. All subqueries of the one query.
    """
    from training.models import PlanGap, PlanGoal

    ref = f"{prefix}pk" if prefix else "pk"
    last = PlanReview.objects.filter(plan=OuterRef(ref)).order_by("-year", "-half")
    return queryset.annotate(
        items_total=_count(PlanItem.objects.all(), ref),
        items_done=_count(PlanItem.objects.filter(item_done()), ref),
        goals_total=_count(PlanGoal.objects.all(), ref),
        goals_done=_count(PlanGoal.objects.filter(achieved=True), ref),
        gaps_total=_count(PlanGap.objects.all(), ref),
        gaps_closed=_count(PlanGap.objects.filter(closed=True), ref),
        last_review_year=Subquery(last.values("year")[:1]),
        last_review_half=Subquery(last.values("half")[:1]),
        last_review_rating=Subquery(last.values("rating")[:1]),
        review_due=ExpressionWrapper(review_due_q(today, prefix), output_field=BooleanField()),
    )


@dataclass(frozen=True)
class Progress:
    """The progress of a plan, read from ``with_progress``'s annotations."""

    items_total: int
    items_done: int
    goals_total: int
    goals_done: int
    gaps_total: int
    gaps_closed: int
    last_review: str
    review_due: bool

    @property
    def percent(self) -> int:
        return round(100 * self.items_done / self.items_total) if self.items_total else 0


def progress_of(row) -> Progress:
    """Return the ``Progress`` of a row annotated by ``with_progress``."""
    rating = dict(PlanReview.Rating.choices).get(row.last_review_rating, "")
    last = (f"{half_label(row.last_review_year, row.last_review_half)} {rating}"
            if row.last_review_year else "")
    return Progress(row.items_total, row.items_done, row.goals_total, row.goals_done, row.gaps_total,
                    row.gaps_closed, last, bool(row.review_due))


# --- scope ----------------------------------------------------------------------------------------


def plans_visible_to(user):
    """Return the plans ``user`` may read: those of the cadres in their scope."""
    if not user.has_perm("training.view_developmentplan"):
        return DevelopmentPlan.objects.none()
    return DevelopmentPlan.objects.filter(cadre__in=visible_to(user))


def members_visible_to(user):
    """Return the pool memberships ``user`` may read."""
    if not user.has_perm("training.view_poolmember"):
        return PoolMember.objects.none()
    return PoolMember.objects.filter(cadre__in=visible_to(user))


def plan_detail(user, *, today: dt.date | None = None):
    """The plan queryset of the detail page: in scope, with its cadre, mentor and progress."""
    today = today or timezone.localdate()
    return with_progress(plans_visible_to(user).select_related("cadre__department", "mentor__department",
                                                                "member", "created_by"), today=today)


def plan_items(plan):
    """The plan's items, each with ``done`` computed from its linked record, and the records' names."""
    return (plan.items.select_related("gap", "programme", "placement", "rotation__to_department")
            .annotate(done=ExpressionWrapper(item_done(), output_field=BooleanField())))


# --- the plan list --------------------------------------------------------------------------------

PLAN_STATES = [("none", "未制定"), *DevelopmentPlan.State.choices, ("due", "待考评")]


class PlanFilterSet(ListFilterSet):
    """培养计划: pool members by name, unit, kind, pool state, and plan state (未制定, 草拟 … 待考评)."""

    search_placeholder = "输入姓名或培养方向"

    q = django_filters.CharFilter(label="姓名或培养方向", method="filter_q", max_length=50)
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位",
                                  method="filter_department")
    kind = django_filters.ChoiceFilter(label="类别", empty_label=None,
                                       choices=blank_choice("全部类别", PoolMember.Kind.choices))
    pool = django_filters.ChoiceFilter(label="在库状态", method="filter_pool", empty_label=None,
                                       choices=[("", "在库"), ("left", "已出库"), ("all", "全部")])
    plan = django_filters.ChoiceFilter(label="计划状态", method="filter_plan", empty_label=None,
                                       choices=blank_choice("全部计划状态", PLAN_STATES))
    sort = SortFilter(sorts={"name": [Key("cadre__name_pinyin")], "entered": [Key("entered_on")],
                             "progress": [Key("items_done")]})

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.form.fields["department"].queryset = departments_visible_to(self.user)

    @property
    def qs(self):
        queryset = super().qs
        # The pool filter's default (在库) holds when the bar leaves it empty, which django-filter skips.
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("pool")):
            queryset = queryset.filter(state=PoolMember.State.ACTIVE)
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(cadre__name__icontains=value) | Q(plan__direction__icontains=value)) if value \
            else queryset

    def filter_department(self, queryset, name, value):
        return queryset.filter(cadre__department__path__startswith=value.path) if value else queryset

    def filter_pool(self, queryset, name, value):
        if value == "left":
            return queryset.filter(state=PoolMember.State.LEFT)
        return queryset

    def filter_plan(self, queryset, name, value):
        if value == "none":
            return queryset.filter(plan__isnull=True)
        if value == "due":
            return queryset.filter(review_due=True)
        return queryset.filter(plan__state=value) if value else queryset


def member_rows(user, *, today: dt.date):
    """The pool members ``user`` may see, each with its plan (if any) and the plan's progress, in one query."""
    return (with_progress(members_visible_to(user), today=today, prefix="plan__")
            .select_related("cadre__department", "plan__mentor")
            .order_by("cadre__department__path", "cadre__name_pinyin", "pk"))


def plan_filterset(user, data, *, today: dt.date | None = None):
    today = today or timezone.localdate()
    return PlanFilterSet(data, queryset=member_rows(user, today=today), user=user, today=today)


def plans_due_for_review(user, *, today: dt.date):
    """The active plans in ``user``'s scope whose review is due (the 工作台's 培养计划待考评)."""
    return plans_visible_to(user).filter(review_due_q(today))


# --- the record page's 培养 tab -------------------------------------------------------------------

HOURS_YEARS = 3


@dataclass(frozen=True)
class HoursLine:
    year: int
    hours: object
    programmes: int
    required: object

    @property
    def met(self) -> bool:
        return self.hours >= self.required


def cultivation_of(cadre, *, today: dt.date) -> dict:
    """Return what the 培养 tab shows of ``cadre`` at a fixed number of queries (7, whatever the rows):
    the pool memberships with their plans and progress, the plan's reviews, the hours of the last three
    years against the requirement, the enrolments, placements and rotation plans.
    """
    memberships = list(with_progress(PoolMember.objects.filter(cadre=cadre), today=today, prefix="plan__")
                       .select_related("plan__mentor").order_by("-entered_on", "-pk"))
    for member in memberships:
        member.the_plan = getattr(member, "plan", None)
        member.progress = progress_of(member) if member.the_plan else None
    reviews = list(PlanReview.objects.filter(plan__member__cadre=cadre).select_related("plan", "reviewer"))
    required = TrainingSettings.current().required_hours
    years = range(today.year, today.year - HOURS_YEARS, -1)
    hours = {row.year: row for row in CadreYearHours.objects.filter(cadre=cadre, year__in=list(years))}
    hours_lines = [HoursLine(year, hours[year].hours if year in hours else 0,
                             hours[year].programmes if year in hours else 0, required) for year in years]
    return {
        "memberships": memberships,
        "reviews": reviews,
        "hours_lines": hours_lines,
        "required_hours": required,
        "enrolments": list(Enrolment.objects.filter(cadre=cadre).select_related("programme")
                           .order_by("-programme__start_date", "-pk")),
        "placements": list(PracticePlacement.objects.filter(cadre=cadre).order_by("-planned_start", "-pk")),
        "rotations": list(RotationPlan.objects.filter(cadre=cadre).select_related("to_department")
                          .order_by("-planned_date", "-pk")),
    }
