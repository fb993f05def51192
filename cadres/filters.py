"""The roster's filter bar: what each field does to the cadres the user may see (cadre_office.lists).

Built by ``cadres.selectors.roster_filterset`` over ``visible_to(user)``; the roster page, its
export and the pages that list cadres all read through it.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cadre_office.dates import birth_date_range_for_ages
from cadre_office.lists import Key, ListFilterSet, SortFilter, blank_choice
from cadres.codes import (
    EDUCATION_BAND_CODES,
    PARTY_MEMBER_CODES,
    AgeBand,
    EducationBand,
    EducationLevel,
    Ethnicity,
    Gender,
    LeadershipLevel,
    PersonnelStatus,
    PoliticalStatus,
    Rank,
)
from cadres.forms import DateInput, DepartmentChoiceField
from cadres.idnumbers import normalize_id_number
from cadres.models import Department, Education
from cadres.permissions import can_see_full_id_number
from cadres.pinyin import is_pinyin_query

NON_PARTY = "non_party"
MINORITY = "minority"
NO_LEVEL = "none"
ALL_STATUSES = "all"

# How offices read a roster: unit in the tree's order, then 正职, 副职, the rest; then the date the
# present post began (blanks last, whichever way), rank, age.
DEPARTMENT_ORDER = [Key("department__path"), Key("current_level", blank="text"),
                    Key("current_post_start", blank="null"), Key("current_rank", blank="text"),
                    Key("birth_date")]
ROSTER_SORTS = {
    "department": DEPARTMENT_ORDER,
    "name": [Key("name_pinyin"), Key("name")],
    "level": [Key("current_level", blank="text"), Key("current_rank", blank="text"), Key("department__path")],
    "rank": [Key("current_rank", blank="text"), Key("current_level", blank="text"), Key("department__path")],
    "birth_date": [Key("birth_date")],
    "post_start": [Key("current_post_start", blank="null"), Key("department__path")],
}
DEFAULT_SORT = "department"


class DepartmentFilter(django_filters.ModelChoiceFilter):
    """A unit and everything under it; the choices indented by depth, limited to the user's scope."""

    field_class = DepartmentChoiceField

    def filter(self, qs, value):
        return qs.filter(department__path__startswith=value.path) if value else qs


class StatusFilter(django_filters.ChoiceFilter):
    """人员状态: in service unless the bar asks for another state or for all of them."""

    def filter(self, qs, value):
        value = value or PersonnelStatus.ACTIVE
        return qs if value == ALL_STATUSES else qs.filter(status=value)


class RosterFilterSet(ListFilterSet):
    """The roster's filters. Those that do not validate are left out (a stale link never fails)."""

    search_placeholder = "输入姓名、拼音或首字母、单位或职务"

    q = django_filters.CharFilter(label="查找", method="filter_q", max_length=50)
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    level = django_filters.ChoiceFilter(
        label="职务层次", method="filter_level", empty_label=None,
        choices=blank_choice("全部层次", [*LeadershipLevel.choices, (NO_LEVEL, "无领导职务")]))
    rank = django_filters.ChoiceFilter(label="职级", field_name="current_rank", empty_label=None,
                                       choices=blank_choice("全部职级", Rank.choices))
    age_band = django_filters.ChoiceFilter(label="年龄段", method="filter_age_band", empty_label=None,
                                           choices=blank_choice("全部年龄", AgeBand.choices))
    gender = django_filters.ChoiceFilter(label="性别", empty_label=None, choices=blank_choice("全部", Gender.choices))
    ethnicity = django_filters.ChoiceFilter(
        label="民族", method="filter_ethnicity", empty_label=None,
        choices=blank_choice("全部民族", [(MINORITY, "少数民族"), *Ethnicity.choices]))
    political_status = django_filters.ChoiceFilter(
        label="政治面貌", method="filter_political_status", empty_label=None,
        choices=blank_choice("全部", [(NON_PARTY, "党外干部"), *PoliticalStatus.choices]))
    education = django_filters.ChoiceFilter(label="全日制学历", method="filter_education", empty_label=None,
                                            choices=blank_choice("全部学历", EducationBand.choices))
    status = StatusFilter(label="人员状态", empty_label=None,
                          choices=[*PersonnelStatus.choices, (ALL_STATUSES, "全部状态")])
    sort = SortFilter(sorts=ROSTER_SORTS)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments if departments is not None else Department.objects.none()
        if self.user is not None and can_see_full_id_number(self.user):
            self.search_placeholder = "输入姓名、拼音或首字母、单位、职务或身份证号片段"
            self.form.fields["q"].widget.attrs["placeholder"] = self.search_placeholder

    def filter_q(self, queryset, name, value):
        """Name (or its pinyin, full or initials), unit, post; an ID fragment only for the full-ID right.

        For anyone else a search by number would be an oracle that confirms a guessed number.
        """
        text = "".join(value.split())
        if not text:
            return queryset
        match = Q(name__contains=text) | Q(department__name__contains=text) | Q(current_post_title__contains=text)
        if is_pinyin_query(text):
            text = text.lower()
            match |= Q(name_pinyin__contains=text) | Q(name_initials__contains=text)
        number = normalize_id_number(value)
        if number.isascii() and len(number) >= 4 and number[:-1].isdigit() and can_see_full_id_number(self.user):
            match |= Q(id_number__contains=number)
        return queryset.filter(match)

    def filter_level(self, queryset, name, value):
        return queryset.filter(current_level="" if value == NO_LEVEL else value)

    def filter_age_band(self, queryset, name, value):
        low, high = AgeBand(value).bounds
        earliest, latest = birth_date_range_for_ages(timezone.localdate(), low, high)
        if latest:
            queryset = queryset.filter(birth_date__lte=latest)
        if earliest:
            queryset = queryset.filter(birth_date__gte=earliest)
        return queryset

    def filter_ethnicity(self, queryset, name, value):
        return queryset.exclude(ethnicity=Ethnicity.HAN) if value == MINORITY else queryset.filter(ethnicity=value)

    def filter_political_status(self, queryset, name, value):
        if value == NON_PARTY:
            return queryset.exclude(political_status__in=PARTY_MEMBER_CODES)
        return queryset.filter(political_status=value)

    def filter_education(self, queryset, name, value):
        """The band of the cadre's highest full-time education."""
        band_codes = EDUCATION_BAND_CODES[value]
        higher_codes = [code for code in EducationLevel.values if code < min(band_codes)]
        fulltime = Education.objects.filter(cadre=OuterRef("pk"), kind=Education.Kind.FULL_TIME)
        return queryset.filter(Exists(fulltime.filter(level__in=band_codes))).exclude(
            Exists(fulltime.filter(level__in=higher_codes)))


# --- 到龄退休 ------------------------------------------------------------------------------------------

DEFAULT_DUE_MONTHS = 12
MAX_DUE_MONTHS = 120


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class RetirementFilterSet(ListFilterSet):
    """The 到龄退休 page's filters: as of a day (default today), the months ahead (default 12).

    Whatever the bar says, the list holds only the cadres in service on that day whose statutory
    retirement month is on or before the month ``months`` after it (``cadres.retirement``), in
    retirement-month order: the overdue first.
    """

    search_placeholder = RosterFilterSet.search_placeholder

    q = django_filters.CharFilter(label="查找", method="filter_q", max_length=50)
    as_of = django_filters.DateFilter(label="截至日期", method="keep", widget=DateInput())
    months = IntegerFilter(label="月数", method="keep", min_value=0, max_value=MAX_DUE_MONTHS,
                           widget=forms.NumberInput(attrs={"min": 0, "max": MAX_DUE_MONTHS}))
    department = DepartmentFilter(label="单位", queryset=Department.objects.none(), empty_label="全部单位")
    gender = django_filters.ChoiceFilter(label="性别", empty_label=None, choices=blank_choice("全部", Gender.choices))

    filter_q = RosterFilterSet.filter_q

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].queryset = departments if departments is not None else Department.objects.none()
        self.form.fields["as_of"].widget.attrs["placeholder"] = f"{timezone.localdate():%Y-%m-%d}"
        self.form.fields["months"].widget.attrs["placeholder"] = str(DEFAULT_DUE_MONTHS)

    def keep(self, queryset, name, value):
        return queryset  # read by ``filter_queryset``: the list always has a day and a horizon

    def _cleaned(self, name: str):
        """The value of ``name`` if it validates, else None (a field in error is left out)."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.cleaned_data.get(name)

    @property
    def as_of_day(self):
        return self._cleaned("as_of") or timezone.localdate()

    @property
    def horizon_months(self) -> int:
        value = self._cleaned("months")
        return DEFAULT_DUE_MONTHS if value is None else value

    def filter_queryset(self, queryset):
        from cadres.retirement import due_cadres

        return due_cadres(super().filter_queryset(queryset), as_of=self.as_of_day, months=self.horizon_months)
