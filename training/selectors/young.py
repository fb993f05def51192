"""Reads of the young-cadre round (年轻干部选育): eligibility, nominations, the review gate's queue, the pool.

Eligibility in a round (one definition, used by the eligible list and by the nomination service):

- in service (在职);
- age on the round's reference date, 31 December of the round's year, at most the round's age limit.
  On 31 December everyone born in a year has had their birthday, so the age is ``year - birth year``
  and the rule is ``birth_date >= 1 January of (year - age_limit)``;
- highest education (全日制 or 在职, the lowest GB/T 4658 code of any education record) in the
  round's education band or above (``cadres.codes.EDUCATION_BAND_CODES``).

Every list starts from ``cadres.permissions.visible_to(user)``: a 科室负责人 sees their units' cadres,
nominations and pool members only.
"""

import datetime as dt

import django_filters
from dateutil.relativedelta import relativedelta
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.codes import EDUCATION_BAND_CODES, EducationBand, EducationLevel, LeadershipLevel
from cadres.filters import DepartmentFilter
from cadres.models import Cadre, Department, Education
from cadres.permissions import departments_visible_to, visible_to
from training.models import Nomination, PoolMember, YoungCadreRound

# Age bands of the pool, as the plan's targets count them (≤30 is the "30岁左右" reserve).
AGE_BANDS = [("30", "30岁及以下", None, 30), ("35", "31—35岁", 31, 35), ("40", "36—40岁", 36, 40),
             ("41", "41岁及以上", 41, None)]
LEVEL_LABELS = [(LeadershipLevel.TOWNSHIP_CHIEF, "正科"), (LeadershipLevel.TOWNSHIP_DEPUTY, "副科"), ("", "其他")]


# --- eligibility ------------------------------------------------------------------------------------


def reference_date(year: int) -> dt.date:
    """Return the day a round's ages are counted on: 31 December of its year."""
    return dt.date(year, 12, 31)


def allowed_education_codes(min_band: str) -> list[str]:
    """Return the GB/T 4658 codes of ``min_band`` and every band above it."""
    bands = list(EducationBand.values)  # highest first
    return [code for band in bands[:bands.index(min_band) + 1] for code in EDUCATION_BAND_CODES[band]]


def _eligible(round_: YoungCadreRound) -> Q:
    """The cadres eligible in ``round_`` (see the module's docstring), as a filter on Cadre."""
    educated = Education.objects.filter(cadre=OuterRef("pk"), level__in=allowed_education_codes(round_.min_education))
    return Q(status="active", birth_date__gte=dt.date(round_.year - round_.age_limit, 1, 1)) & Q(Exists(educated))


def with_education(queryset, cadre_ref: str = "pk"):
    """Annotate ``education_label``: the label of the cadre's highest education (any kind), or ""."""
    top = Education.objects.filter(cadre=OuterRef(cadre_ref)).order_by("level").values("level")[:1]
    label = Case(*[When(top_level=code, then=Value(str(label))) for code, label in EducationLevel.choices],
                 default=Value(""), output_field=CharField())
    return queryset.annotate(top_level=Subquery(top)).annotate(education_label=label)


def ineligibility(round_: YoungCadreRound, cadre: Cadre) -> list[str]:
    """Return why ``cadre`` is not eligible in ``round_`` (empty when eligible): one query."""
    from training.services.young import NOT_EDUCATED, NOT_IN_SERVICE, TOO_OLD

    reasons = []
    if cadre.status != "active":
        reasons.append(NOT_IN_SERVICE.format(name=cadre.name))
    age = round_.year - cadre.birth_date.year
    if age > round_.age_limit:
        reasons.append(TOO_OLD.format(name=cadre.name, age=age, day=f"{reference_date(round_.year):%Y-%m-%d}",
                                      limit=round_.age_limit))
    codes = allowed_education_codes(round_.min_education)
    if not Education.objects.filter(cadre=cadre, level__in=codes).exists():
        reasons.append(NOT_EDUCATED.format(name=cadre.name, band=EducationBand(round_.min_education).label))
    return reasons


# --- rounds -------------------------------------------------------------------------------------------


def rounds_visible_to(user):
    """Return the rounds ``user`` may read (a round itself holds no cadre's data)."""
    if not user.has_perm("training.view_youngcadreround"):
        return YoungCadreRound.objects.none()
    return YoungCadreRound.objects.all()


def round_list(user):
    """Every round with its nomination counts (one query, whatever the number of rounds)."""
    nominations = Nomination.objects.filter(cadre__in=visible_to(user))
    return (rounds_visible_to(user).annotate(
        nominated=Count("nominations", filter=Q(nominations__in=nominations)),
        pending=Count("nominations", filter=Q(nominations__in=nominations, nominations__state="pending")),
        approved=Count("nominations", filter=Q(nominations__in=nominations, nominations__state="approved")),
    ).order_by("-year"))


def round_figures(user, round_: YoungCadreRound, *, today: dt.date | None = None) -> dict:
    """The round page's figures: its nominations by state, and the pool by age band and level (two queries).

    Quota and approvals count the whole round (the quota is the bureau's); nominations by state and the pool
    are counted within ``user``'s scope, the pool by each member's age today.
    """
    today = today or timezone.localdate()
    counts = list(Nomination.objects.filter(round=round_).values_list("state")
              .annotate(n=Count("id"), mine=Count("id", filter=Q(cadre__in=visible_to(user)))))
    by_state = {state: mine for state, _, mine in counts}  # within the user's scope
    approved = next((n for state, n, _ in counts if state == Nomination.State.APPROVED), 0)  # the whole round
    pool = (pool_queryset(user, today=today).filter(state=PoolMember.State.ACTIVE)
            .values_list("age_band", "cadre__current_level").annotate(n=Count("id")))
    bands = {code: {level: 0 for level, _ in LEVEL_LABELS} for code, *_ in AGE_BANDS}
    for band, level, n in pool:
        level = level if level in (LeadershipLevel.TOWNSHIP_CHIEF, LeadershipLevel.TOWNSHIP_DEPUTY) else ""
        bands[band][level] += n
    rows = [{"label": label, "cells": [bands[code][level] for level, _ in LEVEL_LABELS],
             "total": sum(bands[code].values())} for code, label, *_ in AGE_BANDS]
    return {
        "by_state": [(label, by_state.get(value, 0)) for value, label in Nomination.State.choices],
        "nominated": sum(by_state.values()), "approved": approved, "left": max(round_.quota - approved, 0),
        "pool_rows": rows, "pool_total": sum(row["total"] for row in rows),
        "level_labels": [label for _, label in LEVEL_LABELS],
        "level_totals": [sum(row["cells"][i] for row in rows) for i in range(len(LEVEL_LABELS))],
    }


# --- the eligible list --------------------------------------------------------------------------------


class EligibleFilterSet(ListFilterSet):
    """符合条件的干部: by name and unit; the round decides who is listed."""

    search_placeholder = "输入姓名"
    q = django_filters.CharFilter(label="姓名", method="filter_q", max_length=50)
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    nominated = django_filters.ChoiceFilter(label="推荐情况", method="filter_nominated", empty_label=None,
                                            choices=[("", "全部"), ("no", "未推荐"), ("yes", "已推荐")])
    sort = SortFilter(sorts={"name": [Key("name_pinyin")], "birth": [Key("birth_date", descending=True)]})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_nominated(self, queryset, name, value):
        return queryset.filter(nominated=value == "yes") if value else queryset


def eligible_queryset(user, round_: YoungCadreRound):
    """The cadres in ``user``'s scope eligible in ``round_``, each with whether they are nominated or in the pool."""
    queryset = (visible_to(user).filter(_eligible(round_)).select_related("department")
                .annotate(age=Value(round_.year, output_field=IntegerField()) - ExtractYear("birth_date"),
                          nominated=Exists(Nomination.objects.filter(round=round_, cadre=OuterRef("pk"))),
                          in_pool=Exists(PoolMember.objects.filter(cadre=OuterRef("pk"), state="active")))
                .order_by("department__path", "name_pinyin", "pk"))
    return with_education(queryset)


def eligible_filterset(user, round_: YoungCadreRound, data):
    return EligibleFilterSet(data, queryset=eligible_queryset(user, round_), user=user)


# --- nominations --------------------------------------------------------------------------------------


def nominations_visible_to(user):
    """Return the nominations ``user`` may read: those of the cadres in their scope."""
    if not user.has_perm("training.view_nomination"):
        return Nomination.objects.none()
    return Nomination.objects.filter(cadre__in=visible_to(user))


class CadreDepartmentFilter(DepartmentFilter):
    """A unit and everything under it, on the cadre of the row."""

    def filter(self, qs, value):
        return qs.filter(cadre__department__path__startswith=value.path) if value else qs


class NominationFilterSet(ListFilterSet):
    """年轻干部推荐: by name, unit, way and state."""

    search_placeholder = "输入姓名或推荐人"
    q = django_filters.CharFilter(label="姓名或推荐人", method="filter_q", max_length=50)
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    kind = django_filters.ChoiceFilter(label="推荐方式", empty_label=None,
                                       choices=blank_choice("全部方式", Nomination.Kind.choices))
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", Nomination.State.choices))
    sort = SortFilter(sorts={"name": [Key("cadre__name_pinyin")], "created": [Key("created_at"), Key("id")]})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(cadre__name__icontains=value) | Q(recommender__icontains=value)) if value else queryset


def _nomination_page(queryset, user):
    """Rows with everything a line shows, and ``own``: whether ``user`` recorded or recommended it."""
    own = Q(created_by=user) | Q(recommended_by=user)
    # Withdrawn while pending, by who recorded it or by personnel staff (``services.young.nomination_withdraw``).
    if not user.has_perm("training.nominate"):
        may_withdraw = Q(pk__in=[])
    elif user.has_perm("training.change_nomination"):
        may_withdraw = Q(state=Nomination.State.PENDING)
    else:
        may_withdraw = Q(state=Nomination.State.PENDING, created_by=user)
    queryset = (queryset.select_related("round", "cadre__department", "created_by", "recommended_by", "decided_by")
                .annotate(own=Case(When(own, then=Value(True)), default=Value(False), output_field=BooleanField()),
                          can_withdraw=Case(When(may_withdraw, then=Value(True)), default=Value(False),
                                            output_field=BooleanField()),
                          age=F("round__year") - ExtractYear("cadre__birth_date")))
    return with_education(queryset, "cadre")


def nomination_filterset(user, round_: YoungCadreRound, data):
    queryset = _nomination_page(nominations_visible_to(user).filter(round=round_), user).order_by("id")
    return NominationFilterSet(data, queryset=queryset, user=user)


def decidable_by(user):
    """Return the nominations ``user`` may decide now: pending, in a round under review, in scope."""
    if not user.has_perm("training.decide_nomination"):
        return Nomination.objects.none()
    return nominations_visible_to(user).filter(state=Nomination.State.PENDING,
                                               round__state=YoungCadreRound.State.REVIEW)


def review_filterset(user, data):
    """The review gate's queue: pending nominations of rounds under review (those ``user`` recorded are shown,
    marked ``own``, with no decision buttons)."""
    queryset = _nomination_page(decidable_by(user), user).order_by("round__year", "id")
    filterset = NominationFilterSet(data, queryset=queryset, user=user)
    for name in ("state",):
        filterset.form.fields.pop(name, None)
        filterset.filters.pop(name, None)
    return filterset


def pending_decision_count(user) -> int:
    """The desk's count: pending nominations ``user`` may decide (not those they recorded or recommended)."""
    return decidable_by(user).exclude(Q(created_by=user) | Q(recommended_by=user)).count()


# --- the pool -----------------------------------------------------------------------------------------


def age_band_case(today: dt.date):
    """An annotation: the age band code of the cadre (``cadre__birth_date``) on ``today``."""
    whens = []
    for code, _, low, high in AGE_BANDS:
        condition = Q()
        if high is not None:  # age <= high  <=>  born after today minus (high + 1) years
            condition &= Q(cadre__birth_date__gt=today - relativedelta(years=high + 1))
        if low is not None:  # age >= low  <=>  born on or before today minus low years
            condition &= Q(cadre__birth_date__lte=today - relativedelta(years=low))
        whens.append(When(condition, then=Value(code)))
    return Case(*whens, default=Value(""), output_field=CharField())


def pool_queryset(user, *, today: dt.date | None = None):
    """The pool members ``user`` may see, each with the age band of the cadre today."""
    today = today or timezone.localdate()
    if not user.has_perm("training.view_poolmember"):
        return PoolMember.objects.none()
    return (PoolMember.objects.filter(cadre__in=visible_to(user))
            .annotate(age_band=age_band_case(today),
                      age=Value(today.year, output_field=IntegerField()) - ExtractYear("cadre__birth_date")))


class PoolFilterSet(ListFilterSet):
    """后备干部库: by name, kind, state, unit, entry year and age band."""

    search_placeholder = "输入姓名"
    q = django_filters.CharFilter(label="姓名", method="filter_q", max_length=50)
    department = CadreDepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    kind = django_filters.ChoiceFilter(label="类别", empty_label=None,
                                       choices=blank_choice("全部类别", PoolMember.Kind.choices))
    state = django_filters.ChoiceFilter(label="状态", empty_label=None,
                                        choices=blank_choice("全部状态", PoolMember.State.choices))
    year = django_filters.ChoiceFilter(label="入库年度", field_name="entered_on__year", empty_label=None, choices=[])
    age_band = django_filters.ChoiceFilter(label="年龄段", empty_label=None,
                                           choices=blank_choice("全部年龄", [(c, label) for c, label, *_ in AGE_BANDS]))
    sort = SortFilter(sorts={"name": [Key("cadre__name_pinyin")], "entered": [Key("entered_on"), Key("id")],
                             "age": [Key("cadre__birth_date", descending=True)]})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments_visible_to(self.user)
        this_year = timezone.localdate().year
        self.form.fields["year"].choices = blank_choice(
            "全部年度", [(str(year), f"{year}年") for year in range(this_year, this_year - 8, -1)])

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(cadre__name__icontains=value) if value else queryset


def pool_filterset(user, data):
    queryset = (pool_queryset(user).select_related("cadre__department", "nomination__round", "decision")
                .order_by("state", "-entered_on", "cadre__name_pinyin", "pk"))
    return PoolFilterSet(data, queryset=queryset, user=user)


def pool_member_for(cadre):
    """Return the cadre's active pool membership, or None."""
    return PoolMember.objects.filter(cadre=cadre, state=PoolMember.State.ACTIVE).first()
