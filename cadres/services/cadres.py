"""Writes to a cadre's record: basic data, status, education, posts and ranks.

Every function is atomic, validates with ``full_clean`` and leaves a history row
naming ``actor``. Education, posts and ranks are child records: their functions here are
thin callers of the one core (``cadres.services.records``), whose hooks for posts and ranks
(``cadres.record_types``) end the open one and refresh the cadre's cached current post.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres import messages
from cadres.codes import PersonnelStatus
from cadres.dates import DatePrecision, precision_of, with_precisions
from cadres.idnumbers import parse_id_number
from cadres.models import Cadre, Education, PostAssignment, RankAssignment
from cadres.services.records import audit_cadre_change, child_record_delete, child_record_save


class StaleEditError(Exception):
    """The record changed since the user loaded the form (optimistic locking)."""

    message = messages.STALE_EDIT


# ``expected_version`` of a caller that does not edit from a loaded copy (the import, the workflow).
UNCHECKED = object()

CADRE_EDITABLE_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "political_status", "party_join_date",
    "party_join_date_precision", "work_start_date", "work_start_date_precision", "native_place", "birthplace",
    "health", "professional_title", "professional_title_date", "professional_title_date_precision", "specialty",
    "familiar_expertise", "remarks", "photo", "department",
)


def cadre_record_viewed(*, actor, cadre: Cadre) -> None:
    """Record that ``actor`` opened ``cadre``'s record (every view of a record is audited)."""
    audit_record(Event.VIEW_RECORD, actor=actor, obj=cadre)


def cadre_id_number_revealed(*, actor, cadre: Cadre) -> None:
    """Record that ``actor`` had ``cadre``'s full ID number shown: who, whose, which field; never the value."""
    audit_record(Event.REVEAL, actor=actor, obj=cadre, detail={"field": "身份证号"})


def _fill_from_id_number(cadre: Cadre) -> None:
    """Take a missing birth date or gender from the ID number (which ``clean`` then checks)."""
    try:
        parsed = parse_id_number(cadre.id_number)
    except ValueError:
        return  # ``full_clean`` reports the invalid number
    cadre.birth_date = cadre.birth_date or parsed.birth_date
    cadre.gender = cadre.gender or parsed.gender


@transaction.atomic
def cadre_create(*, actor, reason: str = "", **fields) -> Cadre:
    """Create a cadre on the roster; a date given as a ``MonthDate`` is recorded to the month."""
    cadre = Cadre(**with_precisions(Cadre, fields))
    _fill_from_id_number(cadre)
    tracked_save(cadre, actor=actor, reason=reason or "新增干部")
    audit_cadre_change(Event.CREATE, actor=actor, cadre=cadre, reason=reason or "新增干部")
    return cadre


def _lock_current(cadre: Cadre, expected_version) -> Cadre:
    """Lock the cadre's row; refuse when the copy the user edited is not the current one.

    A form that sent no version at all is a conflict too: without it a stale copy would
    overwrite a newer save silently (optimistic locking only holds when it cannot be skipped).
    """
    locked = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if expected_version is not UNCHECKED and (expected_version is None or locked.version != expected_version):
        raise StaleEditError(messages.STALE_EDIT)
    return locked


@transaction.atomic
def cadre_update(*, actor, cadre: Cadre, data: dict, expected_version=UNCHECKED, reason: str = "") -> Cadre:
    """Change a cadre's basic data; with ``expected_version``, refuse to overwrite a newer save.

    A date given as a ``MonthDate`` is recorded to the month, a plain date to the day.
    """
    locked = _lock_current(cadre, expected_version)
    data = with_precisions(Cadre, data)
    unknown = set(data) - set(CADRE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    # ``or None``: an empty photo is "" on the model and None from the form, the same value. A date
    # recorded again to another precision is a change of that date.
    changed = sorted({field.removesuffix("_precision") for field, value in data.items()
                      if (getattr(locked, field) or None) != (value or None)})
    for field, value in data.items():
        setattr(locked, field, value)
    _fill_from_id_number(locked)
    locked.version = F("version") + 1
    locked.full_clean(exclude=["version"])
    tracked_save(locked, actor=actor, reason=reason or "修改基本信息", clean=False)
    locked.refresh_from_db(fields=["version"])
    # Field names only: the values (an ID number among them) stay in the history, not in the audit log.
    audit_cadre_change(Event.UPDATE, actor=actor, cadre=locked, reason=reason or "修改基本信息",
           fields=[str(Cadre._meta.get_field(name).verbose_name) for name in changed])
    return locked


@transaction.atomic
def cadre_change_id_number(*, actor, cadre: Cadre, id_number: str, reason: str, expected_version) -> Cadre:
    """Correct a cadre's ID number: a deliberate action of its own, with a reason, audited.

    The birth date and gender follow the new number (they must agree with it). The audit row
    names the fields that changed and the reason, never a number.
    """
    if not reason.strip():
        raise ValidationError({"reason": messages.ID_CHANGE_REASON_REQUIRED})
    locked = _lock_current(cadre, expected_version)
    try:
        parsed = parse_id_number(id_number)
    except ValueError as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    if parsed.value == locked.id_number:
        raise ValidationError({"id_number": messages.ID_UNCHANGED})
    if Cadre.objects.filter(id_number=parsed.value).exclude(pk=locked.pk).exists():
        raise ValidationError({"id_number": messages.ID_NUMBER_TAKEN})
    changed = ["身份证号"]
    if locked.birth_date != parsed.birth_date:
        changed.append("出生日期")
    if locked.gender != parsed.gender:
        changed.append("性别")
    locked.id_number, locked.birth_date, locked.gender = parsed.value, parsed.birth_date, parsed.gender
    locked.version = F("version") + 1
    locked.full_clean(exclude=["version"])
    reason = f"更正身份证号：{reason.strip()}"
    tracked_save(locked, actor=actor, reason=reason[:100], clean=False)
    locked.refresh_from_db(fields=["version"])
    audit_cadre_change(Event.UPDATE, actor=actor, cadre=locked, reason=reason, fields=changed)
    return locked


@transaction.atomic
def cadre_set_status(*, actor, cadre: Cadre, status: str, status_date: dt.date | None, reason: str = "") -> Cadre:
    """Record a change of personnel status effective ``status_date``, with its reason (``status_reason``).

    ``status_date`` is the first day the cadre is no longer in service (the dashboard counts them
    before it); every status but 在职 needs one. Leaving service (在职 → 调出, 退休, 免职, 辞职, 去世)
    ends the open posts and ranks on the day before, through the post and rank services: one
    history row and one audit row per record ended, then one for the status. Going back to 在职
    reopens nothing (a new post is entered as such).
    """
    if status != PersonnelStatus.ACTIVE and status_date is None:
        raise ValidationError({"status_date": messages.STATUS_DATE_REQUIRED})
    locked = Cadre.objects.select_for_update().get(pk=cadre.pk)
    reason = reason.strip()
    label = PersonnelStatus(status).label
    change = f"人员状态变更为{label}" + (f"：{reason}" if reason else "")
    if locked.status == PersonnelStatus.ACTIVE and status != PersonnelStatus.ACTIVE:
        end_open_assignments(actor=actor, cadre=locked, last_day=status_date - dt.timedelta(days=1),
                             reason=f"{label}，任职终止")
    locked.status = status
    locked.status_date = None if status == PersonnelStatus.ACTIVE else status_date
    locked.status_reason = reason
    locked.version += 1  # the row is locked; an open edit form of this cadre is now stale
    tracked_save(locked, actor=actor, reason=change[:100])
    audit_cadre_change(Event.UPDATE, actor=actor, cadre=locked, reason=change, fields=["人员状态"])
    cadre.status, cadre.status_date, cadre.status_reason = locked.status, locked.status_date, locked.status_reason
    cadre.version = locked.version
    return locked


def end_open_assignments(*, actor, cadre: Cadre, last_day: dt.date, reason: str) -> None:
    """End every open post and 职级 of ``cadre`` on ``last_day``, each through the child-record core.

    Each ended record gets its history row and its audit row. The cadre's cached current post and
    rank are cleared on ``cadre`` (nothing is open any more) for the caller's one save of the cadre,
    not refreshed after each record: a batch of leavers costs a third of the queries.
    Refused (nothing ended) when one of them started after ``last_day``: it cannot end before it began.
    """
    posts, ranks = list(cadre.posts.open().order_by("pk")), list(cadre.ranks.open().order_by("pk"))
    late = [a.start_date for a in (*posts, *ranks) if a.start_date and a.start_date > last_day]
    if late:
        raise ValidationError({"status_date": messages.STATUS_DATE_BEFORE_POST.format(date=max(late))})
    for assignment in (*posts, *ranks):
        assignment.end_date = last_day
        assignment.cadre = cadre
        child_record_save(actor=actor, obj=assignment, reason=reason, refresh=False)
    if posts or ranks:
        for field, value in {**current_post_values(None), **current_rank_values(None)}.items():
            setattr(cadre, field, value)


@transaction.atomic
def cadre_retire(*, actor, cadre: Cadre, retire_date: dt.date, reason: str = "") -> Cadre:
    """办理退休: status 退休 from ``retire_date``, the open posts and ranks ended the day before.

    Only for a cadre in service (a second click, or a cadre who left meanwhile, is refused).
    ``retire_date`` is the first day in retirement; the page proposes the 1st of the month after
    the statutory retirement month (``cadres.retirement.default_retire_date``).
    """
    locked = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if locked.status != PersonnelStatus.ACTIVE:
        raise ValidationError(messages.RETIRE_NOT_IN_SERVICE.format(name=locked.name,
                                                                    status=locked.get_status_display()))
    return cadre_set_status(actor=actor, cadre=locked, status=PersonnelStatus.RETIRED, status_date=retire_date,
                            reason=reason.strip() or "达到法定退休年龄")


# --- education, posts and ranks: child records through the one core (cadres.services.records) -----


def education_save(*, actor, education: Education, reason: str = "") -> Education:
    """Add or correct one education record."""
    return child_record_save(actor=actor, obj=education, reason=reason)


def education_delete(*, actor, education: Education) -> None:
    child_record_delete(actor=actor, obj=education)


def close_open_assignments(*, actor, queryset, start_date: dt.date | None, reason: str) -> None:
    """End the open assignments in ``queryset`` on the day before ``start_date``."""
    if start_date is None:
        return
    for assignment in queryset.open().select_for_update():
        if assignment.start_date and assignment.start_date >= start_date:
            raise ValidationError({"start_date": f"不能早于现任的开始时间 {assignment.start_date:%Y-%m-%d}"})
        assignment.end_date = start_date - dt.timedelta(days=1)
        tracked_save(assignment, actor=actor, reason=reason)


def current_post(posts) -> PostAssignment | None:
    """Return the current one of a cadre's ``posts``: open, highest level, the latest if several."""
    posts = [p for p in posts if p.end_date is None]
    return min(posts, key=lambda p: (p.level or "99", -(p.start_date or dt.date.min).toordinal()), default=None)


def current_rank(ranks) -> RankAssignment | None:
    """Return the current one of a cadre's 职级 ``ranks``: open, most senior, the latest if several."""
    ranks = [r for r in ranks if r.end_date is None]
    return min(ranks, key=lambda r: (r.rank, -(r.start_date or dt.date.min).toordinal()), default=None)


def current_post_values(post: PostAssignment | None) -> dict:
    """The cadre's cached columns for ``post`` as the current post (None: no post)."""
    return {
        "current_post_title": post.title if post else "",
        "current_level": post.level if post else "",
        "current_post_start": post.start_date if post else None,
        "current_post_start_precision": post.start_date_precision if post else DatePrecision.DAY,
    }


def current_rank_values(rank: RankAssignment | None) -> dict:
    """The cadre's cached columns for ``rank`` as the current 职级 (None: no rank)."""
    return {
        "current_rank": rank.rank if rank else "",
        "current_rank_start": rank.start_date if rank else None,
        "current_rank_start_precision": rank.start_date_precision if rank else DatePrecision.DAY,
    }


def refresh_current_assignments(*, actor, cadre: Cadre, reason: str = "") -> None:
    """Copy the cadre's open post and rank into the cached columns the roster reads."""
    # Fresh queries: a prefetched cache on ``cadre`` may predate the change being made.
    post, rank = current_post(cadre.posts.open()), current_rank(cadre.ranks.open())
    values = {**current_post_values(post), **current_rank_values(rank)}
    changed = [field for field, value in values.items() if getattr(cadre, field) != value]
    if changed:
        for field in changed:
            setattr(cadre, field, values[field])
        tracked_save(cadre, actor=actor, reason=reason or "任职变动", update_fields=changed, clean=False)


def post_start(*, actor, cadre: Cadre, department, title: str, level: str = "", start_date: dt.date | None,
               document: str = "", close_previous: bool = True, reason: str = "") -> PostAssignment:
    """Give the cadre a new post from ``start_date``; the open post ends the day before."""
    post = PostAssignment(cadre=cadre, department=department, title=title, level=level, start_date=start_date,
                          start_date_precision=precision_of(start_date), document=document)
    return child_record_save(actor=actor, obj=post, reason=reason, close_previous=close_previous)


def post_save(*, actor, post: PostAssignment, reason: str = "") -> PostAssignment:
    """Correct a post assignment (title, level, dates, department)."""
    return child_record_save(actor=actor, obj=post, reason=reason)


def post_end(*, actor, post: PostAssignment, end_date: dt.date, reason: str = "") -> PostAssignment:
    """End a post on ``end_date`` (免职)."""
    post.end_date = end_date
    return child_record_save(actor=actor, obj=post, reason=reason or "免职")


def post_delete(*, actor, post: PostAssignment) -> None:
    child_record_delete(actor=actor, obj=post)


def rank_start(*, actor, cadre: Cadre, rank: str, start_date: dt.date | None, document: str = "",
               close_previous: bool = True, reason: str = "") -> RankAssignment:
    """Give the cadre a new 职级 from ``start_date``; the open one ends the day before."""
    assignment = RankAssignment(cadre=cadre, rank=rank, start_date=start_date,
                                start_date_precision=precision_of(start_date), document=document)
    return child_record_save(actor=actor, obj=assignment, reason=reason, close_previous=close_previous)


def rank_save(*, actor, assignment: RankAssignment, reason: str = "") -> RankAssignment:
    return child_record_save(actor=actor, obj=assignment, reason=reason)


def rank_delete(*, actor, assignment: RankAssignment) -> None:
    child_record_delete(actor=actor, obj=assignment)
