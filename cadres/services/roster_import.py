"""Importing the roster workbook: compare it with the roster, then write it all or nothing.

``plan_roster_import`` reads the database (a fixed number of queries per 1,000 rows) and
says, row by row, what would be created, changed or left alone. ``apply_roster_import``
writes a plan in one transaction: new cadres and their records in bulk (with their
history rows, authored by the importing user), changed cadres through the same
services the forms use. Both take an optional ``progress(done, total)`` callback, which the
import jobs use to report how far they got. The web upload's lifecycle (preview, confirmation
as a job, expiry) is in ``roster_uploads``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres import events, messages
from cadres.codes import EducationLevel, LeadershipLevel, PersonnelStatus, Rank
from cadres.dates import format_precise, precision_date_fields, precision_of, with_precision, with_precisions
from cadres.models import Cadre, Education, PostAssignment, RankAssignment
from cadres.roster_workbook import HEADER_OF, ParsedRoster, RosterRow, RowError
from cadres.services.cadres import (
    cadre_update,
    current_post,
    current_rank,
    education_save,
    post_save,
    post_start,
    rank_save,
    rank_start,
)
from cadres.services.departments import department_for_roster_name

BATCH = 1000

BASIC_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "political_status", "party_join_date", "work_start_date",
    "native_place", "birthplace", "health", "professional_title", "professional_title_date", "specialty",
    "familiar_expertise", "remarks",
)
REASON = "花名册导入"
# The basic fields the workbook may give to the month (入党时间, 参加工作时间, 专业技术职务取得时间).
PRECISE_FIELDS = frozenset(precision_date_fields(Cadre)) & frozenset(BASIC_FIELDS)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What importing one row does: ``kind`` is new, changed or unchanged."""

    row: RosterRow
    kind: str
    cadre: Cadre | None = None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[RowPlan]:
        return [plan for plan in self.rows if plan.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for plan in self.rows:
            counts[plan.kind] += 1
        counts["errors"] = len({error.row for error in self.errors})
        return counts

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _display(value, precision: str | None = None) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dt.date):
        return format_precise(value, precision)
    return str(value)


def _stored(cadre: Cadre, name: str):
    """Return a cadre's field as the workbook would give it: a date to the month as a ``MonthDate``."""
    value = getattr(cadre, name)
    return with_precision(value, getattr(cadre, f"{name}_precision")) if name in PRECISE_FIELDS else value


def _differs(old, new) -> bool:
    """Whether a workbook value changes a stored one; a date recorded to another precision does."""
    return old != new or precision_of(old) != precision_of(new)


def _label(choices, code: str) -> str:
    return choices(code).label if code else ""


def plan_roster_import(parsed: ParsedRoster, *, progress: Progress | None = None) -> ImportPlan:
    """Compare the workbook's rows with the roster and describe the change of each row."""
    plan = ImportPlan(errors=list(parsed.errors))
    if parsed.errors:
        return plan
    existing = _existing_cadres([row.id_number for row in parsed.rows], progress=progress)
    for row in parsed.rows:
        cadre = existing.get(row.id_number)
        if cadre is None:
            plan.rows.append(RowPlan(row=row, kind="new"))
            continue
        changes, errors = _diff(cadre, row)
        plan.errors.extend(errors)
        plan.rows.append(RowPlan(row=row, kind="changed" if changes else "unchanged", cadre=cadre, changes=changes))
    return plan


def _existing_cadres(id_numbers: list[str], *, progress: Progress | None = None) -> dict[str, Cadre]:
    found = {}
    for start in range(0, len(id_numbers), BATCH):
        if progress is not None:
            progress(start, len(id_numbers))
        chunk = id_numbers[start:start + BATCH]
        queryset = (
            Cadre.objects.filter(id_number__in=chunk)
            .select_related("department")
            .prefetch_related("educations", "posts__department", "ranks")
        )
        found.update({cadre.id_number: cadre for cadre in queryset})
    return found


def _education_target(cadre: Cadre, kind: str, level: str) -> Education | None:
    """Return the record the workbook's education of ``kind`` updates, None to add one.

    A cadre with one record of that kind has it corrected in place; with several
    (entered by hand), the one of the same level.
    """
    records = [e for e in cadre.educations.all() if e.kind == kind]
    if len(records) == 1:
        return records[0]
    return next((e for e in records if e.level == level), None)


def _basic_fields(row: RosterRow) -> list[str]:
    """The basic fields a row sets: all but the newer ones its workbook has no column for."""
    return [name for name in BASIC_FIELDS if name not in row.absent]


def _diff(cadre: Cadre, row: RosterRow) -> tuple[list[FieldChange], list[RowError]]:
    changes: list[FieldChange] = []
    errors: list[RowError] = []
    for name in _basic_fields(row):
        old, new = _stored(cadre, name), getattr(row, name)
        if _differs(old, new):
            field_obj = Cadre._meta.get_field(name)
            if field_obj.choices:
                old, new = dict(field_obj.choices).get(old, old), dict(field_obj.choices).get(new, new)
            changes.append(FieldChange(str(field_obj.verbose_name), _display(old), _display(new)))
    if cadre.department.name != row.department_name:
        changes.append(FieldChange("工作单位", cadre.department.name, row.department_name))
    if cadre.status != row.status:
        changes.append(FieldChange("人员状态", _label(PersonnelStatus, cadre.status),
                                   _label(PersonnelStatus, row.status)))
    new_status_date = _status_date(cadre, row)
    if cadre.status_date != new_status_date:
        changes.append(FieldChange("状态变更时间", _display(cadre.status_date), _display(new_status_date)))
    if row.status_reason is not None and cadre.status_reason != row.status_reason:
        changes.append(FieldChange("状态变更原因", _display(cadre.status_reason), _display(row.status_reason)))

    for kind, entry in ((Education.Kind.FULL_TIME, row.fulltime), (Education.Kind.PART_TIME, row.parttime)):
        if entry is None:
            continue
        label = Education.Kind(kind).label
        target = _education_target(cadre, kind, entry.level)
        if target is None:
            changes.append(FieldChange(f"{label}学历", "（空）", _label(EducationLevel, entry.level)))
        elif (target.level, target.degree, target.school_major) != (entry.level, entry.degree, entry.school_major):
            changes.append(FieldChange(
                f"{label}学历",
                " ".join(filter(None, [target.get_level_display(), target.degree, target.school_major])),
                " ".join(filter(None, [_label(EducationLevel, entry.level), entry.degree, entry.school_major])),
            ))

    post = current_post(cadre.posts.all())
    if row.post_title:
        wanted = (row.post_title, row.level, row.post_start, row.department_name)
        if post is None:
            changes.append(FieldChange("现任职务", "（空）", _post_text(*wanted)))
        else:
            held = (post.title, post.level, with_precision(post.start_date, post.start_date_precision),
                    post.department.name)
            if held != wanted:
                if post.start_date and row.post_start and row.post_start < post.start_date:
                    errors.append(RowError(row.row, HEADER_OF["post_start"],
                                           messages.IMPORT_POST_BEFORE_CURRENT.format(date=post.start_date)))
                elif post.start_date and row.post_start is None:
                    # Without a date the open post cannot be ended: the new one would stay open beside it.
                    errors.append(RowError(row.row, HEADER_OF["post_start"],
                                           messages.IMPORT_POST_DATE_NEEDED.format(date=post.start_date)))
                changes.append(FieldChange("现任职务", _post_text(*held), _post_text(*wanted)))

    rank = current_rank(cadre.ranks.all())
    if row.rank:
        wanted_rank = (row.rank, row.rank_start)
        if rank is None:
            changes.append(FieldChange("职级", "（空）", _rank_text(*wanted_rank)))
        elif (rank.rank, rank.start_date) != wanted_rank:
            if rank.start_date and row.rank_start and row.rank_start < rank.start_date and rank.rank != row.rank:
                errors.append(RowError(row.row, HEADER_OF["rank_start"],
                                       messages.IMPORT_RANK_BEFORE_CURRENT.format(date=rank.start_date)))
            elif rank.start_date and row.rank_start is None and rank.rank != row.rank:
                errors.append(RowError(row.row, HEADER_OF["rank_start"],
                                       messages.IMPORT_RANK_DATE_NEEDED.format(date=rank.start_date)))
            changes.append(FieldChange("职级", _rank_text(rank.rank, with_precision(rank.start_date,
                                                                                 rank.start_date_precision)),
                                       _rank_text(*wanted_rank)))
    return changes, errors


def _post_text(title, level, start, department) -> str:
    parts = [department, title, _label(LeadershipLevel, level), f"{format_precise(start)}起" if start else ""]
    return " ".join(p for p in parts if p)


def _rank_text(rank, start) -> str:
    return " ".join(p for p in [_label(Rank, rank), f"{format_precise(start)}起" if start else ""] if p)


# --- applying ----------------------------------------------------------------------------------


@transaction.atomic
def apply_roster_import(plan: ImportPlan, *, actor, source: str = "", progress: Progress | None = None) -> ImportResult:
    """Write a valid plan in one transaction; history rows name ``actor``; one audit row for the import.

    ``source`` names the workbook (or the demo data) in the audit row.
    """
    if not plan.is_valid:
        raise ValueError("an import plan with errors cannot be applied")
    departments: dict = {}
    new_rows = [p.row for p in plan.of_kind("new")]
    changed = plan.of_kind("changed")
    total = len(new_rows) + len(changed)
    _create_cadres(new_rows, actor=actor, departments=departments,
                   progress=(lambda done: progress(done, total)) if progress else None)
    for done, row_plan in enumerate(changed, start=len(new_rows)):
        if progress is not None and done % 100 == 0:
            progress(done, total)
        _update_cadre(row_plan.cadre, row_plan.row, actor=actor, departments=departments)
    result = ImportResult(created=len(new_rows), updated=len(changed), unchanged=len(plan.of_kind("unchanged")))
    if result.created or result.updated:
        # Apps built on the roster act on it (the dashboard recomputes today's figures once this commits).
        events.roster_changed.send()
    audit_record(
        Event.IMPORT, actor=actor, object_type="cadres.cadre", object_repr=source or "花名册",
        detail={"file": source, "created": result.created, "updated": result.updated,
                "unchanged": result.unchanged},
    )
    return result


def _create_cadres(rows: list[RosterRow], *, actor, departments: dict, progress=None) -> None:
    """Insert new cadres and their records in bulk, with one history row each."""
    for row in rows:
        department_for_roster_name(actor=actor, name=row.department_name, cache=departments)
    for start in range(0, len(rows), BATCH):
        if progress is not None:
            progress(start)
        chunk = rows[start:start + BATCH]
        cadres = [_new_cadre(row, departments) for row in chunk]
        for cadre in cadres:
            cadre.full_clean(exclude=["id_number", "department"], validate_unique=False)
        bulk_create_with_history(cadres, Cadre, batch_size=BATCH, default_user=actor, default_change_reason=REASON)
        if not all(cadre.pk for cadre in cadres):  # backends that return no ids from bulk inserts
            ids = dict(Cadre.objects.filter(id_number__in=[c.id_number for c in cadres]).values_list("id_number", "pk"))
            for cadre in cadres:
                cadre.pk = ids[cadre.id_number]
        educations, posts, ranks = [], [], []
        for row, cadre in zip(chunk, cadres, strict=True):
            for kind, entry in ((Education.Kind.FULL_TIME, row.fulltime), (Education.Kind.PART_TIME, row.parttime)):
                if entry:
                    educations.append(Education(cadre=cadre, kind=kind, level=entry.level, degree=entry.degree,
                                                school_major=entry.school_major))
            if row.post_title:
                posts.append(PostAssignment(cadre=cadre, department=departments[row.department_name],
                                            title=row.post_title, level=row.level, start_date=row.post_start,
                                            start_date_precision=precision_of(row.post_start)))
            if row.rank:
                ranks.append(RankAssignment(cadre=cadre, rank=row.rank, start_date=row.rank_start,
                                            start_date_precision=precision_of(row.rank_start)))
        for model, objs in ((Education, educations), (PostAssignment, posts), (RankAssignment, ranks)):
            if objs:
                bulk_create_with_history(objs, model, batch_size=BATCH, default_user=actor,
                                         default_change_reason=REASON)


def _status_date(cadre: Cadre | None, row: RosterRow):
    """The status date a row gives: its 状态变更时间; without that column, the stored one if the status stays.

    A status other than 在职 without a date means out of service on every date (docs/roster-format.md).
    """
    if row.status == PersonnelStatus.ACTIVE:
        return None
    if "status_date" in row.absent:
        return cadre.status_date if cadre is not None and cadre.status == row.status else None
    return row.status_date


def _new_cadre(row: RosterRow, departments: dict) -> Cadre:
    return Cadre(
        id_number=row.id_number,
        department=departments[row.department_name],
        status=row.status,
        status_date=_status_date(None, row),
        status_reason=row.status_reason or "",
        current_post_title=row.post_title,
        current_level=row.level,
        current_post_start=row.post_start,
        current_post_start_precision=precision_of(row.post_start),
        current_rank=row.rank,
        current_rank_start=row.rank_start,
        current_rank_start_precision=precision_of(row.rank_start),
        **with_precisions(Cadre, {name: getattr(row, name) for name in BASIC_FIELDS}),
    )


def _update_cadre(cadre: Cadre, row: RosterRow, *, actor, departments: dict) -> None:
    """Bring one existing cadre in line with the workbook through the roster's services."""
    department = department_for_roster_name(actor=actor, name=row.department_name, cache=departments)
    data = {name: getattr(row, name) for name in _basic_fields(row)
            if _differs(_stored(cadre, name), getattr(row, name))}
    if cadre.department_id != department.pk:
        data["department"] = department
    if data:
        cadre = cadre_update(actor=actor, cadre=cadre, data=data, reason=REASON)
    status_date = _status_date(cadre, row)
    status_reason = cadre.status_reason if row.status_reason is None else row.status_reason
    if (cadre.status, cadre.status_date, cadre.status_reason) != (row.status, status_date, status_reason):
        # Recorded as the workbook says; the posts follow its 现任职务 columns, not the status.
        cadre.status, cadre.status_date, cadre.status_reason = row.status, status_date, status_reason
        tracked_save(cadre, actor=actor, reason=REASON, update_fields=["status", "status_date", "status_reason"])

    for kind, entry in ((Education.Kind.FULL_TIME, row.fulltime), (Education.Kind.PART_TIME, row.parttime)):
        if entry is None:
            continue
        target = _education_target(cadre, kind, entry.level) or Education(cadre=cadre, kind=kind)
        if (target.level, target.degree, target.school_major) != (entry.level, entry.degree, entry.school_major):
            target.level, target.degree, target.school_major = entry.level, entry.degree, entry.school_major
            education_save(actor=actor, education=target, reason=REASON)

    post = current_post(cadre.posts.all())
    if row.post_title and (post is None or (post.title, post.level, post.start_date, post.department_id)
                           != (row.post_title, row.level, row.post_start, department.pk)):
        if post is not None and post.start_date == row.post_start:
            post.title, post.level, post.department = row.post_title, row.level, department
            post_save(actor=actor, post=post, reason=REASON)
        else:
            post_start(actor=actor, cadre=cadre, department=department, title=row.post_title, level=row.level,
                       start_date=row.post_start, reason=REASON)

    rank = current_rank(cadre.ranks.all())
    if row.rank and (rank is None or (rank.rank, rank.start_date) != (row.rank, row.rank_start)):
        if rank is not None and (rank.start_date == row.rank_start or rank.rank == row.rank):
            rank.rank, rank.start_date = row.rank, row.rank_start
            rank.start_date_precision = precision_of(row.rank_start)
            rank_save(actor=actor, assignment=rank, reason=REASON)
        else:
            rank_start(actor=actor, cadre=cadre, rank=row.rank, start_date=row.rank_start, reason=REASON)
