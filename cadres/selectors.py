"""Reads that views, exports and reports share, each starting from the user's scope."""

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.db.models import FileField, Prefetch

from cadre_office.dates import format_month
from cadre_office.lists import ordering
from cadre_office.scope import get_in_scope_or_404
from cadres.dates import format_precise
from cadres.idnumbers import mask_id_number
from cadres.models import Cadre, Department, Education
from cadres.permissions import departments_visible_to, visible_to
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
