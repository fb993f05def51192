"""Batch changes on the roster: one new unit, personnel status or 职级 for many cadres at once.

The roster's selection (ticked rows, or every cadre matching its filters) comes here as ids, always
re-read inside the actor's scope (``visible_to``). ``cadre_batch_preview`` says, row by row, what
would change and what stands in the way; ``cadre_batch_change`` does it all or nothing:

- it locks the cadres and their open posts and ranks, plans again under the lock and refuses
  (``BatchStaleError``) when any cadre's ``version`` differs from the preview's, or when what the
  preview showed (its fingerprint) is no longer what the rows hold;
- any row with a problem, or any row failing validation while it is written, raises and the
  transaction leaves nothing behind;
- every cadre gets exactly one history row on the cadre and one audit row, naming the batch; the
  posts and ranks ended and started get their own history rows, as the single services write them.

Rules (docs/definitions.md, 批量变更):

- 单位 (a transfer): the cadre's unit becomes the new one. Every post they hold open *in the old unit*
  ends the day before the effective date, and the same post (level kept, the old unit's name at the
  head of the title replaced by the new one's: 办公室副主任 → 法规科副主任) starts on that date in the new
  unit. Posts held in other units are left alone. Only cadres in service can be transferred.
- 人员状态: ``cadre_set_status`` with the effective date and the reason, whatever statuses
  ``PersonnelStatus`` holds.
- 职级: the open 职级 ends the day before and the new one starts on the date (as ``rank_start``).
  Only cadres in service; a rank below the present one is allowed but pointed out.
"""

import datetime as dt
import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils.crypto import salted_hmac

from cadre_office.audit.services import Event
from cadre_office.history import tracked_save
from cadre_office.scope import audit_out_of_scope
from cadres import messages
from cadres.codes import LeadershipLevel, PersonnelStatus, Rank
from cadres.dates import precision_of
from cadres.models import Cadre, PostAssignment, RankAssignment
from cadres.permissions import departments_visible_to, visible_to
from cadres.quotas import vacancy_on
from cadres.services.cadres import cadre_set_status, current_post, current_post_values, current_rank_values
from cadres.services.records import audit_cadre_change

# Long work stays out of requests: on PostgreSQL a 200-cadre status change (each leaver's post and rank
# ended, with history and audit) took 4.1 s, a 1,000-cadre transfer 3.7 s. 200 is also the roster's largest page.
BATCH_LIMIT = 200
_DIGEST_SALT = "cadres.services.batch"


class BatchChange(models.TextChoices):
    """What a batch changes (变更内容)."""

    DEPARTMENT = "department", "单位"
    STATUS = "status", "人员状态"
    RANK = "rank", "职级"


class BatchChangeError(Exception):
    """The batch cannot be done as asked; nothing was written. ``plan``: the preview, when there is one."""

    def __init__(self, message: str, plan=None):
        super().__init__(message)
        self.message = message
        self.plan = plan


class BatchStaleError(BatchChangeError):
    """The selection or a cadre changed between the preview and the confirmation."""


class BatchOutOfScope(Exception):
    """An id of the selection is not a cadre the actor may see (a forged or stale id)."""


@dataclass
class PostMove:
    """An open post in the old unit: ended the day before, started again in the new unit as ``title``."""

    post: PostAssignment
    title: str


@dataclass
class BatchRow:
    """One cadre of the batch: the value now, the value after, what stands in the way, what else happens."""

    cadre: Cadre
    current: str
    new: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    post_moves: list[PostMove] = field(default_factory=list)


@dataclass
class BatchPlan:
    """What a batch would do to each cadre of the selection, in roster order."""

    change: str
    value: str
    value_label: str
    target: object  # the Department of a transfer, else None
    effective_date: dt.date
    reason: str
    rows: list[BatchRow]
    # A transfer that would take the new unit over its 职数 on the effective date: shown, not refused.
    quota_warnings: list[str] = field(default_factory=list)

    @property
    def change_label(self) -> str:
        return BatchChange(self.change).label

    @property
    def problem_rows(self) -> list[BatchRow]:
        return [row for row in self.rows if row.problems]

    @property
    def versions(self) -> dict[int, int]:
        return {row.cadre.pk: row.cadre.version for row in self.rows}

    @property
    def history_reason(self) -> str:
        return f"批量变更{self.change_label}：{self.reason}"[:100]

    def fingerprint(self, actor) -> str:
        """Return a keyed digest of everything the preview shows (who, what, each row's now and after).

        The confirmation carries it back; a difference means the rows changed since they were shown.
        """
        rows = sorted([row.cadre.pk, row.cadre.version, row.current, row.new, row.problems, row.notes]
                      for row in self.rows)
        payload = json.dumps([actor.pk, self.change, str(self.value), self.effective_date.isoformat(), self.reason,
                              rows], ensure_ascii=False)
        return salted_hmac(_DIGEST_SALT, payload).hexdigest()


@dataclass(frozen=True)
class BatchResult:
    count: int
    batch: str
    plan: BatchPlan


# --- planning (a read: the preview, and the confirmation again under its locks) ----------------------


def _clean_ids(cadre_ids) -> list[int]:
    ids = []
    for value in cadre_ids:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number > 0 and number not in ids:
            ids.append(number)
    return ids


def _target_value(actor, change: str, value):
    """Return (value, its label, the target department) after checking it against the choices and scope."""
    if change == BatchChange.DEPARTMENT:
        try:
            pk = int(getattr(value, "pk", value))
        except (TypeError, ValueError):
            raise BatchChangeError(messages.BATCH_UNIT_INVALID) from None
        target = departments_visible_to(actor).filter(is_active=True, pk=pk).first()
        if target is None:
            raise BatchChangeError(messages.BATCH_UNIT_INVALID)
        return str(target.pk), target.name, target
    choices = dict(PersonnelStatus.choices if change == BatchChange.STATUS else Rank.choices)
    if value not in choices:
        raise BatchChangeError(messages.BATCH_VALUE_INVALID)
    return value, str(choices[value]), None


def _retitled(title: str, old, new) -> str:
    """Return the title of a post moved from unit ``old`` to ``new``: the old unit's name at its head replaced."""
    for prefix in (old.name, old.short_name):
        if prefix and title.startswith(prefix) and len(title) > len(prefix):
            return (new.short_name if prefix == old.short_name else new.name) + title[len(prefix):]
    return title


def _plan_row(plan: BatchPlan, cadre: Cadre) -> BatchRow:
    date = plan.effective_date
    problems, notes = [], []
    if cadre.birth_date and date < cadre.birth_date:
        problems.append(messages.BATCH_BEFORE_BIRTH)
    if plan.change == BatchChange.STATUS:
        current = cadre.get_status_display()
        if cadre.status_date:
            current += f"（{cadre.status_date:%Y-%m-%d}）"
        if cadre.status == plan.value:
            problems.append(messages.BATCH_SAME_STATUS.format(status=plan.value_label))
        if cadre.status_date and date < cadre.status_date:
            problems.append(messages.BATCH_BEFORE_STATUS.format(date=cadre.status_date))
        return BatchRow(cadre, current, plan.value_label, problems, notes)

    if not cadre.is_in_service:
        problems.append(messages.BATCH_NOT_IN_SERVICE.format(status=cadre.get_status_display(),
                                                             what=plan.change_label))
    if plan.change == BatchChange.RANK:
        current = cadre.get_current_rank_display() or "（无）"
        if cadre.current_rank == plan.value:
            problems.append(messages.BATCH_SAME_RANK.format(rank=plan.value_label))
        elif cadre.current_rank and plan.value > cadre.current_rank:  # codes run from the most senior
            notes.append(messages.BATCH_RANK_LOWER.format(rank=cadre.get_current_rank_display()))
        for rank in cadre.open_ranks:
            if rank.start_date and rank.start_date >= date:
                problems.append(messages.BATCH_BEFORE_RANK.format(date=rank.start_date))
        return BatchRow(cadre, current, plan.value_label, problems, notes)

    target = plan.target
    row = BatchRow(cadre, cadre.department.name, target.name, problems, notes)
    if cadre.department_id == target.pk:
        problems.append(messages.BATCH_SAME_UNIT.format(unit=target.name))
    day_before = date - dt.timedelta(days=1)
    for post in cadre.open_posts:
        if post.department_id != cadre.department_id:
            continue
        if post.start_date and post.start_date >= date:
            problems.append(messages.BATCH_BEFORE_POST.format(title=post.title, date=post.start_date))
        title = _retitled(post.title, cadre.department, target)
        row.post_moves.append(PostMove(post, title))
        notes.append(f"“{post.title}”{day_before:%Y-%m-%d}止，{date:%Y-%m-%d}起在{target.name}任“{title}”")
    return row


def _plan(*, actor, cadre_ids, change, value, effective_date, reason, lock: bool) -> BatchPlan:
    if change not in BatchChange.values:
        raise BatchChangeError(messages.BATCH_VALUE_INVALID)
    if effective_date is None:
        raise BatchChangeError(messages.BATCH_DATE_REQUIRED)
    reason = (reason or "").strip()
    if not reason:
        raise BatchChangeError(messages.BATCH_REASON_REQUIRED)
    ids = _clean_ids(cadre_ids)
    if not ids:
        raise BatchChangeError(messages.BATCH_NONE_SELECTED)
    if len(ids) > BATCH_LIMIT:
        raise BatchChangeError(messages.BATCH_TOO_MANY.format(limit=BATCH_LIMIT, count=len(ids)))
    value, label, target = _target_value(actor, change, value)

    posts = PostAssignment.objects.open().order_by("start_date", "pk")
    ranks = RankAssignment.objects.open().order_by("start_date", "pk")
    cadres = visible_to(actor).filter(pk__in=ids).select_related("department")
    if lock:
        # Cadres first, then their open posts and ranks, each in id order: concurrent batches queue.
        cadres = cadres.select_for_update(of=("self",)).order_by("pk")
        posts, ranks = posts.select_for_update(), ranks.select_for_update()
    if change == BatchChange.DEPARTMENT:
        cadres = cadres.prefetch_related(Prefetch("posts", queryset=posts, to_attr="open_posts"))
    elif change == BatchChange.RANK:
        cadres = cadres.prefetch_related(Prefetch("ranks", queryset=ranks, to_attr="open_ranks"))
    found = list(cadres)
    if len(found) != len(ids):
        raise BatchOutOfScope(sorted(set(ids) - {cadre.pk for cadre in found}))
    found.sort(key=lambda c: (c.department.path, c.current_level or "99", c.current_rank or "99", c.birth_date, c.pk))
    plan = BatchPlan(change=change, value=value, value_label=label, target=target, effective_date=effective_date,
                     reason=reason, rows=[])
    plan.rows = [_plan_row(plan, cadre) for cadre in found]
    if change == BatchChange.DEPARTMENT:
        plan.quota_warnings = _quota_warnings(plan)
    return plan


def _quota_warnings(plan: BatchPlan) -> list[str]:
    """Say where the posts moving in would take the new unit over its 正科 or 副科 quota on the date."""
    incoming: dict[str, int] = {}
    for row in plan.rows:  # one person, one quota: at the highest level they bring (正科 sorts first)
        levels = [move.post.level for move in row.post_moves
                  if move.post.level in (LeadershipLevel.TOWNSHIP_CHIEF, LeadershipLevel.TOWNSHIP_DEPUTY)]
        if levels:
            incoming[min(levels)] = incoming.get(min(levels), 0) + 1
    warnings = []
    for level, count in sorted(incoming.items()):
        figure = vacancy_on(department=plan.target, level=level, as_of=plan.effective_date)
        after = figure.occupied + count
        if figure.approved is not None and after > figure.approved:
            warnings.append(messages.BATCH_OVER_QUOTA.format(
                unit=plan.target.name, level="正科" if level == LeadershipLevel.TOWNSHIP_CHIEF else "副科",
                count=count, after=after, approved=figure.approved, over=after - figure.approved))
    return warnings


def cadre_batch_preview(*, actor, cadre_ids, change: str, value, effective_date: dt.date | None,
                        reason: str) -> BatchPlan:
    """Return what the batch would do to each selected cadre, and each row's problems; write nothing.

    Raise ``BatchChangeError`` for a request that cannot be planned at all (nothing selected, too
    many, a unit outside the actor's scope) and ``BatchOutOfScope`` for an id the actor may not see.
    """
    with _audited_scope(actor):
        return _plan(actor=actor, cadre_ids=cadre_ids, change=change, value=value, effective_date=effective_date,
                     reason=reason, lock=False)


@contextmanager
def _audited_scope(actor):
    """Record an id outside the actor's scope as 越权访问 (after the batch's transaction has rolled back)."""
    try:
        yield
    except BatchOutOfScope as exc:
        audit_out_of_scope(actor=actor, model=Cadre, pk=exc.args[0][0])
        raise


# --- the change ---------------------------------------------------------------------------------------


def _validate(obj, *, exclude: list[str]) -> None:
    """Validate ``obj`` without a query: its foreign keys are the rows locked and checked above."""
    obj.clean_fields(exclude=exclude)
    obj.clean()


def _write(obj, *, actor, reason: str, exclude: list[str], update_fields=None) -> None:
    _validate(obj, exclude=exclude)
    tracked_save(obj, actor=actor, reason=reason, update_fields=update_fields, clean=False)


def _set(cadre: Cadre, values: dict) -> list[str]:
    """Set the cached columns ``values`` on ``cadre``; return their names (the fields to save)."""
    for field_name, value in values.items():
        setattr(cadre, field_name, value)
    return list(values)


def _transfer(plan: BatchPlan, row: BatchRow, *, actor) -> tuple[list[str], list[str]]:
    cadre, date, reason = row.cadre, plan.effective_date, plan.history_reason
    moved = {move.post.pk for move in row.post_moves}
    started = []
    for move in row.post_moves:
        move.post.end_date = date - dt.timedelta(days=1)
        _write(move.post, actor=actor, reason=reason, exclude=["cadre", "department"])
        post = PostAssignment(cadre=cadre, department=plan.target, title=move.title, level=move.post.level,
                              start_date=date, start_date_precision=precision_of(date))
        _write(post, actor=actor, reason=reason, exclude=["cadre", "department"])
        started.append(post)
    post = current_post([p for p in cadre.open_posts if p.pk not in moved] + started)
    cadre.department = plan.target
    fields = ["工作单位"] + (["现任职务"] if started else [])
    return ["department", *_set(cadre, current_post_values(post))], fields


def _rank(plan: BatchPlan, row: BatchRow, *, actor) -> tuple[list[str], list[str]]:
    cadre, date, reason = row.cadre, plan.effective_date, plan.history_reason
    for rank in cadre.open_ranks:
        rank.end_date = date - dt.timedelta(days=1)
        _write(rank, actor=actor, reason=reason, exclude=["cadre"])
    rank = RankAssignment(cadre=cadre, rank=plan.value, start_date=date, start_date_precision=precision_of(date))
    _write(rank, actor=actor, reason=reason, exclude=["cadre"])
    return _set(cadre, current_rank_values(rank)), ["职级"]


def _apply_row(plan: BatchPlan, row: BatchRow, *, actor, batch: str) -> None:
    cadre = row.cadre
    # The row is locked: a plain increment is safe, and an open edit form of this cadre is now stale.
    cadre.version += 1
    if plan.change == BatchChange.STATUS:
        # The one service of a status change (whatever statuses and fields it comes to hold): one
        # history row and one audit row, as for a single cadre.
        cadre_set_status(actor=actor, cadre=cadre, status=plan.value, status_date=plan.effective_date,
                         reason=plan.history_reason)
        return
    changed, fields = (_transfer if plan.change == BatchChange.DEPARTMENT else _rank)(plan, row, actor=actor)
    _write(cadre, actor=actor, reason=plan.history_reason, exclude=["department", "version"],
           update_fields=[*changed, "version", "updated_at"])
    audit_cadre_change(Event.UPDATE, actor=actor, cadre=cadre, reason=plan.history_reason, fields=fields,
                       batch=batch, change=plan.change_label, value=plan.value_label,
                       effective_date=plan.effective_date.isoformat())


def cadre_batch_change(*, actor, cadre_ids, change: str, value, effective_date: dt.date | None, reason: str,
                       expected_versions: dict, expected_digest: str | None = None) -> BatchResult:
    """Change the unit, status or 职级 of every selected cadre, all or nothing.

    ``expected_versions`` maps each id to the ``version`` the preview showed; ``expected_digest``,
    when given, is the preview's ``fingerprint``. Raise ``BatchStaleError`` if the selection or any
    row differs from them, ``BatchChangeError`` if any row has a problem or fails validation (with
    nothing written), ``BatchOutOfScope`` for an id outside the actor's scope.
    """
    with _audited_scope(actor):
        return _batch_change(actor=actor, cadre_ids=cadre_ids, change=change, value=value,
                             effective_date=effective_date, reason=reason, expected_versions=expected_versions,
                             expected_digest=expected_digest)


@transaction.atomic
def _batch_change(*, actor, cadre_ids, change, value, effective_date, reason, expected_versions,
                  expected_digest) -> BatchResult:
    plan = _plan(actor=actor, cadre_ids=cadre_ids, change=change, value=value, effective_date=effective_date,
                 reason=reason, lock=True)
    expected = {int(pk): int(version) for pk, version in expected_versions.items()}
    if expected != plan.versions or (expected_digest is not None and expected_digest != plan.fingerprint(actor)):
        raise BatchStaleError(messages.BATCH_STALE, plan)
    if plan.problem_rows:
        raise BatchChangeError(messages.BATCH_HAS_PROBLEMS.format(count=len(plan.problem_rows)), plan)
    batch = uuid.uuid4().hex[:12]
    for row in plan.rows:
        try:
            _apply_row(plan, row, actor=actor, batch=batch)
        except ValidationError as exc:
            # Raising inside the atomic block undoes the rows already written.
            raise BatchChangeError(messages.BATCH_ROW_FAILED.format(name=row.cadre.name,
                                                                    error="；".join(exc.messages)), plan) from exc
    return BatchResult(count=len(plan.rows), batch=batch, plan=plan)
