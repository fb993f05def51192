"""Reads that views, exports and reports share, each starting from the user's scope."""

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.db.models import Count, FileField, Prefetch, Q
from django.http import Http404

from cadre_office.dates import format_month
from cadre_office.lists import ordering
from cadre_office.scope import audit_out_of_scope, get_in_scope_or_404
from cadres.codes import PersonnelStatus
from cadres.dates import format_precise
from cadres.idnumbers import mask_id_number
from cadres.models import Cadre, Department, Education
from cadres.permissions import departments_visible_to, sees_all_departments, visible_to
from cadres.quotas import KIND_LABELS, counted_posts, counted_ranks, parse_kind, quota_occupancy
from cadres.records import DatedLine, record_types
from cadres.resume import Resume, build_resume, path_ids


def roster_filterset(user, data=None):
    """Return the roster's FilterSet over the cadres ``user`` may see (``cadres.filters``).

    Its ``.qs`` is what the roster page, its export and its drill-downs list: in service unless asked
    otherwise, ordered as offices read a roster, with each cadre's unit and educations fetched.
    """
    from cadres.filters import DEFAULT_SORT, ROSTER_SORTS, RosterFilterSet

    queryset = visible_to(user).select_related("department").prefetch_related(
        Prefetch("educations", queryset=Education.objects.order_by("level"))
    ).order_by(*ordering(ROSTER_SORTS[DEFAULT_SORT]))
    return RosterFilterSet(data if data is not None else {}, queryset=queryset, user=user,
                           departments=department_choices(user))


def roster(user, data=None):
    """Return the cadres ``user`` may see that match the roster filters in ``data`` (a query dict)."""
    return roster_filterset(user, data).qs


def highest_education(cadre: Cadre, kind: str) -> Education | None:
    """Return the cadre's highest education of ``kind`` from the prefetched records."""
    records = [e for e in cadre.educations.all() if e.kind == kind]
    return min(records, key=lambda e: e.level, default=None)


def cadre_record(user, pk: int, *, path: str = "") -> Cadre:
    """Return one cadre with everything the record page shows, or 404 outside the scope (audited).

    Every kind of child record registered (``cadres.records``, other apps' too) comes prefetched in
    the order its tab lists it: one query per kind, whatever the number of records.
    """
    queryset = visible_to(user).select_related("department").prefetch_related(
        *(Prefetch(record_type.related_name, queryset=record_type.queryset()) for record_type in record_types())
    )
    return get_in_scope_or_404(queryset, actor=user, path=path, pk=pk)


def resume_of(cadre: Cadre) -> Resume:
    """Return the cadre's résumé (``cadres.resume``) from its prefetched posts and entered lines.

    ``cadre`` comes from ``cadre_record`` (posts with their departments, résumé entries prefetched);
    one more query reads the departments above the posts' (none for a cadre without posts).
    """
    posts = list(cadre.posts.all())
    ids = {pk for post in posts for pk in path_ids(post.department.path)}
    ancestors = Department.objects.only("name", "short_name", "parent", "path").in_bulk(ids) if ids else {}
    return build_resume(posts=posts, entries=list(cadre.resume_entries.all()), ancestors=ancestors,
                        bureau_name=settings.BUREAU_NAME)


def rewards_and_penalties(cadre: Cadre) -> list[DatedLine]:
    """Return the lines of the cadre's 奖惩情况 in date order: rewards and every 处分 on record.

    Each kind of record that contributes (``RecordType.rewards_penalties_line``: the roster's rewards,
    the 处分与诫勉 oversight registers) gives its lines from the records ``cadre_record`` prefetched;
    the roster never imports the apps that register them.
    """
    lines = [line for record_type in record_types() if record_type.contributes_rewards_penalties
             for obj in getattr(cadre, record_type.related_name).all()
             if (line := record_type.rewards_penalties_line(obj)) is not None]
    return sorted(lines, key=lambda line: line.date)


def rewards_and_penalties_text(cadre: Cadre) -> str:
    """Return the 奖惩情况 as the appointment form writes it: a line each, or 无."""
    return "\n".join(str(line) for line in rewards_and_penalties(cadre)) or "无"


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

    sources = [("基本信息", Cadre.history.filter(id=cadre.pk))] + [
        (record_type.label, record_type.model.history.filter(cadre_id=cadre.pk)) for record_type in record_types()
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
        changed = {change.field for change in delta.changes}
        for change in delta.changes:
            name = change.field
            if name.endswith(_PRECISION) and name.removesuffix(_PRECISION) in changed:
                continue  # shown with its date
            old, new = change.old, change.new
            if name.endswith(_PRECISION):  # only the precision changed (2014-05-01 → 2014.05): show the date
                name = name.removesuffix(_PRECISION)
                old, new = getattr(previous, name), getattr(record, name)
            field = record.instance_type._meta.get_field(name)
            if isinstance(field, FileField):  # a photo: that it changed, never where the file is stored
                changes.append((str(field.verbose_name), "有" if old else "（空）",
                                ("已更换" if old else "已上传") if new else "已删除"))
                continue
            changes.append((str(field.verbose_name),
                            _show(field, old, department_names, full_birth_date, _precision(previous, name)),
                            _show(field, new, department_names, full_birth_date, _precision(record, name))))
    user = record.history_user
    who = (user.get_full_name() or user.username) if user else "系统"
    return HistoryEntry(
        when=record.history_date, who=who, subject=subject, action=_ACTIONS[record.history_type],
        changes=changes, reason=record.history_change_reason or "",
    )


_PRECISION = "_precision"


def _precision(record, name: str) -> str | None:
    return getattr(record, f"{name}{_PRECISION}", None)


def _show(field, value, department_names: dict, full_birth_date: bool, precision: str | None = None) -> str:
    if value in (None, ""):
        return "（空）"
    if field.name == "birth_date" and not full_birth_date:
        return format_month(value)
    if field.name == "id_number":
        # The history shows that the number changed, never the number: the full value is only
        # revealed on the record page, with an access record (docs/security.md items 13 and 14).
        return mask_id_number(value)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.is_relation:
        return department_names.get(value, str(value)) if field.related_model is Department else str(value)
    if isinstance(value, dt.date):
        return format_precise(value, precision)
    return str(value)


# --- post quotas (职数) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaRow:
    """One unit of the 职数 overview: (kind, figure) in the order of ``QuotaOverview.kinds``."""

    unit: Department
    cells: list

    @property
    def figures(self) -> list:
        return [figure for _, figure in self.cells]

    @property
    def over(self) -> bool:
        return any(figure.over for figure in self.figures)

    @property
    def vacant(self) -> bool:
        return any(figure.vacant for figure in self.figures)


@dataclass(frozen=True)
class QuotaTotal:
    approved: int
    occupied: int
    vacant: int
    over: int


@dataclass(frozen=True)
class QuotaOverview:
    as_of: dt.date
    show: str
    kinds: list[str]
    rows: list[QuotaRow]
    totals: list[QuotaTotal]

    @property
    def kind_labels(self) -> list[tuple[str, str]]:
        return [(kind, KIND_LABELS[kind]) for kind in self.kinds]


QUOTA_SHOW_OVER = "over"
QUOTA_SHOW_VACANT = "vacant"
QUOTA_SHOW_CHOICES = [("", "全部单位"), (QUOTA_SHOW_OVER, "只看超编"), (QUOTA_SHOW_VACANT, "只看有空缺")]


def quota_overview(user, *, as_of: dt.date, show: str = "") -> QuotaOverview:
    """Return the 职数 overview on ``as_of`` of the units ``user`` may see, in tree order.

    ``show`` keeps only the units over quota (``over``) or with a vacancy (``vacant``) in some kind.
    Totals are over the rows shown. Three or four queries whatever the number of units: the units,
    and ``cadres.quotas.quota_occupancy``'s.
    """
    units = department_choices(user)
    occupancy = quota_occupancy(as_of, None if sees_all_departments(user) else {unit.pk for unit in units})
    kinds = occupancy.kinds
    rows = [QuotaRow(unit=unit, cells=[(kind, occupancy.figure(unit.pk, kind)) for kind in kinds]) for unit in units]
    if show == QUOTA_SHOW_OVER:
        rows = [row for row in rows if row.over]
    elif show == QUOTA_SHOW_VACANT:
        rows = [row for row in rows if row.vacant]
    totals = []
    for index in range(len(kinds)):
        figures = [row.figures[index] for row in rows]
        totals.append(QuotaTotal(approved=sum(f.approved or 0 for f in figures),
                                 occupied=sum(f.occupied for f in figures),
                                 vacant=sum(f.vacant or 0 for f in figures), over=sum(f.over or 0 for f in figures)))
    return QuotaOverview(as_of=as_of, show=show, kinds=kinds, rows=rows, totals=totals)


def quota_unit(user, pk, *, path: str = "") -> Department:
    """Return a unit ``user`` may see, or 404 (audited when it exists beyond the scope)."""
    return get_in_scope_or_404(departments_visible_to(user), actor=user, path=path, pk=pk)


def quota_occupants(user, *, unit: Department, kind: str, as_of: dt.date) -> list:
    """Return the posts (or 职级) that occupy ``unit``'s quota of ``kind`` on ``as_of``, with their cadres.

    The same rows ``quota_occupancy`` counts (``cadres.quotas``), limited to the cadres ``user`` may see.
    """
    level, rank = parse_kind(kind)
    if level:
        rows = counted_posts(as_of).filter(department=unit, level=level)
    else:
        rows = counted_ranks(as_of).filter(unit_id=unit.pk, rank=rank)
    return list(rows.filter(cadre__in=visible_to(user)).select_related("cadre", "cadre__department")
                .order_by("start_date", "cadre__birth_date", "pk"))


def unit_quotas(unit: Department, *, as_of: dt.date):
    """Return the unit's figures on ``as_of`` (per kind) and every quota approved for it, newest first."""
    occupancy = quota_occupancy(as_of, {unit.pk})
    figures = [(kind, KIND_LABELS[kind], occupancy.figure(unit.pk, kind)) for kind in occupancy.kinds]
    approvals = list(unit.quotas.order_by("level", "rank", "-effective_from", "-pk"))
    return figures, approvals


def department_tree(user, *, as_of: dt.date) -> list[Department]:
    """Return the units ``user`` may browse in tree order, with head counts and their 职数 on ``as_of``.

    Each unit carries ``cadre_count`` and ``leader_count`` (in service now) and ``quota_cells``:
    (label, figure) of each kind that has a quota in force or anyone occupying it. One query for
    the units and ``quota_occupancy``'s, whatever the number of units.
    """
    active = Q(cadres__status=PersonnelStatus.ACTIVE)
    units = list(departments_visible_to(user).in_tree_order().annotate(
        cadre_count=Count("cadres", filter=active),
        leader_count=Count("cadres", filter=active & ~Q(cadres__current_level="")),
    ))
    occupancy = quota_occupancy(as_of, None if sees_all_departments(user) else {unit.pk for unit in units})
    for unit in units:
        figures = [(KIND_LABELS[kind], occupancy.figure(unit.pk, kind)) for kind in occupancy.kinds]
        unit.quota_cells = [(label, figure) for label, figure in figures if figure.quota or figure.occupied]
    return units

def roster_ids(user, data, *, limit: int) -> tuple[list[int], int]:
    """Return the ids of the cadres the roster lists for filters ``data`` (at most ``limit``) and how many match.

    The batch change's "all matching the filter": re-read in the user's scope at the preview and again
    at the confirmation, so that a set that changed in between is noticed.
    """
    queryset = roster(user, data).prefetch_related(None)
    ids = list(queryset.values_list("pk", flat=True)[: limit + 1])
    return ids[:limit], (len(ids) if len(ids) <= limit else queryset.count())


def cadres_selected(user, ids, *, path: str = "") -> list[tuple[int, str]]:
    """Return (id, name) of the selected cadres in roster order; 404 (audited) if any is outside the scope."""
    found = list(visible_to(user).filter(pk__in=ids).order_by("department__path", "pk").values_list("pk", "name"))
    missing = set(ids) - {pk for pk, _ in found}
    if missing:
        audit_out_of_scope(actor=user, model=Cadre, pk=min(missing), path=path)
        raise Http404("No Cadre matches the given query.")
    return found


# --- 到龄退休 ------------------------------------------------------------------------------------------


def retirement_filterset(user, data=None):
    """Return the 到龄退休 FilterSet over the cadres ``user`` may see (``cadres.filters.RetirementFilterSet``).

    Its ``.qs`` is what the page and its export list: in service on the day asked (default today),
    retirement month at most the months asked ahead (default 12), overdue first, units fetched.
    """
    from cadres.filters import RetirementFilterSet

    queryset = visible_to(user).select_related("department")
    return RetirementFilterSet(data if data is not None else {}, queryset=queryset, user=user,
                               departments=department_choices(user))


def retirement_due_list(user, data=None):
    """Return the cadres of ``user``'s 到龄退休 list for the filters in ``data``."""
    return retirement_filterset(user, data).qs


def retirement_due_report(*, as_of: dt.date, months: int) -> dict:
    """Return the ``retirement_due --json`` object of docs/reports.md (every cadre, full ID numbers).

    For the operator's command, not a page: no scope and no masking. Cadres in ID-number order
    (the order of the public sample), each with the statutory month and whether it has passed.
    """
    from cadres.retirement import due_cadres, is_overdue, statutory_retirement_month

    rows = due_cadres(Cadre.objects.all(), as_of=as_of, months=months).order_by("id_number").values_list(
        "id_number", "name", "birth_date", "gender")
    return {"as_of": as_of.isoformat(), "months": months, "cadres": [
        {"id_number": id_number, "name": name,
         "retire_month": f"{statutory_retirement_month(birth_date, gender):%Y-%m}",
         "overdue": is_overdue(birth_date, gender, as_of)}
        for id_number, name, birth_date, gender in rows]}
