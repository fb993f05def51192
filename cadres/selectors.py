"""Reads that views, exports and reports share, each starting from the user's scope."""

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from cadre_office.dates import birth_date_range_for_ages, format_month
from cadre_office.scope import get_in_scope_or_404
from cadres.codes import EDUCATION_BAND_CODES, PARTY_MEMBER_CODES, AgeBand, EducationLevel
from cadres.idnumbers import mask_id_number, normalize_id_number
from cadres.models import Cadre, Department, Education, PostAssignment, RankAssignment
from cadres.permissions import can_see_full_id_number, departments_visible_to, visible_to
from oversight.models import AnnualAppraisal, DisciplineAction

# ?sort= values the roster accepts, mapped to orderings (a leading "-" reverses).
ROSTER_SORTS = {
    "department": ["department__path", "current_level", "current_rank", "birth_date"],
    "name": ["name"],
    "level": ["current_level", "current_rank", "department__path"],
    "rank": ["current_rank", "current_level", "department__path"],
    "birth_date": ["birth_date"],
    "post_start": ["current_post_start"],
}
DEFAULT_SORT = "department"

NON_PARTY = "non_party"
ALL_STATUSES = "all"


@dataclass(frozen=True)
class RosterFilters:
    """The roster's search and filters (all optional)."""

    q: str = ""
    department: Department | None = None
    level: str = ""
    rank: str = ""
    age_band: str = ""
    gender: str = ""
    ethnicity: str = ""
    political_status: str = ""
    education: str = ""
    status: str = "active"
    sort: str = DEFAULT_SORT


def roster(user, filters: RosterFilters, *, today: dt.date | None = None):
    """Return the cadres ``user`` may see that match ``filters``, ordered, ready to display."""
    today = today or timezone.localdate()
    queryset = visible_to(user).select_related("department").prefetch_related(
        Prefetch("educations", queryset=Education.objects.order_by("level"))
    )
    q = filters.q.strip()
    if q:
        # Searching by ID number is for those who may see full numbers: for anyone else each search
        # would be an oracle that confirms a guessed number (docs/security.md, masking).
        number = normalize_id_number(q)
        if can_see_full_id_number(user) and len(number) >= 4:
            queryset = queryset.filter(Q(name__contains=q) | Q(id_number__contains=number))
        else:
            queryset = queryset.filter(name__contains="".join(q.split()))
    if filters.department:
        queryset = queryset.filter(department__path__startswith=filters.department.path)
    if filters.level:
        queryset = queryset.filter(current_level=filters.level) if filters.level != "none" else queryset.filter(
            current_level="")
    if filters.rank:
        queryset = queryset.filter(current_rank=filters.rank)
    if filters.age_band:
        low, high = AgeBand(filters.age_band).bounds
        earliest, latest = birth_date_range_for_ages(today, low, high)
        if latest:
            queryset = queryset.filter(birth_date__lte=latest)
        if earliest:
            queryset = queryset.filter(birth_date__gte=earliest)
    if filters.gender:
        queryset = queryset.filter(gender=filters.gender)
    if filters.ethnicity == "minority":
        queryset = queryset.exclude(ethnicity="01")
    elif filters.ethnicity:
        queryset = queryset.filter(ethnicity=filters.ethnicity)
    if filters.political_status == NON_PARTY:
        queryset = queryset.exclude(political_status__in=PARTY_MEMBER_CODES)
    elif filters.political_status:
        queryset = queryset.filter(political_status=filters.political_status)
    if filters.education:
        # The band of the cadre's highest full-time education.
        band_codes = EDUCATION_BAND_CODES[filters.education]
        higher_codes = [code for code in EducationLevel.values if code < min(band_codes)]
        fulltime = Education.objects.filter(cadre=OuterRef("pk"), kind=Education.Kind.FULL_TIME)
        queryset = queryset.filter(Exists(fulltime.filter(level__in=band_codes))).exclude(
            Exists(fulltime.filter(level__in=higher_codes))
        )
    if filters.status and filters.status != ALL_STATUSES:
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by(*_ordering(filters.sort), "id")


def _ordering(sort: str) -> list[str]:
    descending = sort.startswith("-")
    fields = ROSTER_SORTS.get(sort.lstrip("-"), ROSTER_SORTS[DEFAULT_SORT])
    if not descending:
        return fields
    return [field[1:] if field.startswith("-") else f"-{field}" for field in fields]


def highest_education(cadre: Cadre, kind: str) -> Education | None:
    """Return the cadre's highest education of ``kind`` from the prefetched records."""
    records = [e for e in cadre.educations.all() if e.kind == kind]
    return min(records, key=lambda e: e.level, default=None)


def cadre_record(user, pk: int, *, path: str = "") -> Cadre:
    """Return one cadre with everything the record page shows, or 404 outside the scope (audited)."""
    queryset = visible_to(user).select_related("department").prefetch_related(
        "educations",
        Prefetch("posts", queryset=PostAssignment.objects.select_related("department").order_by("-start_date", "-id")),
        Prefetch("ranks", queryset=RankAssignment.objects.order_by("-start_date", "-id")),
        # The 考核与奖惩 tab (oversight records entered on the cadre).
        Prefetch("appraisals", queryset=AnnualAppraisal.objects.order_by("-year")),
        Prefetch("discipline_actions", queryset=DisciplineAction.objects.order_by("-decided_on", "-id")),
    )
    return get_in_scope_or_404(queryset, actor=user, path=path, pk=pk)


def department_choices(user):
    return departments_visible_to(user).filter(is_active=True).in_tree_order()


# --- change history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One change on the record page: when, who, what kind of object, what changed."""

    when: dt.datetime
    who: str
    subject: str
    action: str
    changes: list[tuple[str, str, str]]
    reason: str


_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}


def cadre_history(cadre: Cadre, *, full_birth_date: bool = False) -> list[HistoryEntry]:
    """Return every change to the cadre's record, newest first, each with its field changes.

    A birth date shows to the month unless ``full_birth_date`` (those who may see full ID numbers).
    """

    sources = [
        ("基本信息", Cadre.history.filter(id=cadre.pk)),
        ("学历学位", Education.history.filter(cadre_id=cadre.pk)),
        ("职务任职", PostAssignment.history.filter(cadre_id=cadre.pk)),
        ("职级任职", RankAssignment.history.filter(cadre_id=cadre.pk)),
        ("年度考核", AnnualAppraisal.history.filter(cadre_id=cadre.pk)),
        ("处分与诫勉", DisciplineAction.history.filter(cadre_id=cadre.pk)),
    ]
    department_names = dict(Department.objects.values_list("pk", "name"))
    entries = []
    for subject, queryset in sources:
        by_object: dict[int, list] = {}
        for record in queryset.select_related("history_user").order_by("history_date", "history_id"):
            by_object.setdefault(record.id, []).append(record)
        for records in by_object.values():
            entries.append(_entry(subject, records[0], None, department_names, full_birth_date))
            entries.extend(_entry(subject, new, old, department_names, full_birth_date)
                           for old, new in pairwise(records))
    entries = [e for e in entries if e.action != "修改" or e.changes]
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _entry(subject: str, record, previous, department_names: dict, full_birth_date: bool) -> HistoryEntry:
    changes = []
    if previous is not None and record.history_type == "~":
        delta = record.diff_against(previous)
        for change in delta.changes:
            field = record.instance_type._meta.get_field(change.field)
            changes.append((str(field.verbose_name), _show(field, change.old, department_names, full_birth_date),
                            _show(field, change.new, department_names, full_birth_date)))
    user = record.history_user
    who = (user.get_full_name() or user.username) if user else "系统"
    return HistoryEntry(
        when=record.history_date, who=who, subject=subject, action=_ACTIONS[record.history_type],
        changes=changes, reason=record.history_change_reason or "",
    )


def _show(field, value, department_names: dict, full_birth_date: bool) -> str:
    if value in (None, ""):
        return "（空）"
    if field.name == "birth_date" and not full_birth_date:
        return format_month(value)
    if field.name == "id_number":
        # The history shows that the number changed, never the number: the full value is only
        # revealed on the record page, with an access record (SECURITY.md items 13 and 14).
        return mask_id_number(value)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.is_relation:
        return department_names.get(value, str(value)) if field.related_model is Department else str(value)
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)
