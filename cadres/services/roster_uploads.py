"""The web upload of a roster workbook, from upload to import: RosterImport's states.

    upload ─┬─ small: preview now ──────────────► PREVIEWED ─┬─ confirm ─► QUEUED ─► APPLYING ─► APPLIED
            │                               └───► REJECTED   ├─ cancel ──► CANCELLED
            └─ large: PREVIEWING ─ preview job ─┘            └─ a day unconfirmed ─► EXPIRED
    a job lost past BACKGROUND_JOB_TIMEOUT, or failing ─► FAILED

Nothing long runs in a web request (docs/security.md item 36): the upload measures the workbook before
parsing it (``inspect_workbook``) and previews it in the request only up to
``ROSTER_SYNC_PREVIEW_ROWS`` rows; a larger preview, and every confirmed import, is a Celery job
(``cadres.tasks``) the page follows. Each transition locks the import's row, re-reads it and
refuses a wrong state with a message (``ImportStateError``): two confirmations of one upload give
one import and a clear word to the second, never a 500. The confirmed import re-reads the workbook
and compares it with the roster afresh, then writes it all in one transaction, holding the row's
lock until it commits: one import at a time per upload, and a sweep that skips locked rows leaves a
running import alone. A redelivered job finds its upload applied (or failed) and does nothing.
"""

import io
import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from cadre_office.audit.context import audit_source
from cadre_office.history import service_account, tracked_save
from cadre_office.jobs import JOB_TIMED_OUT, ProgressReporter, is_stale, progress_clear, stale_before
from cadres import messages
from cadres.codes import Gender, Rank
from cadres.models import RosterImport
from cadres.roster_workbook import WorkbookRejected, inspect_workbook, read_roster
from cadres.services.roster_import import ImportPlan, apply_roster_import, plan_roster_import

logger = logging.getLogger(__name__)

State = RosterImport.State
PROGRESS = "roster_import"  # the kind of job progress (cadre_office.jobs)
# What the preview page lists: the first rows of each kind, the first errors.
PREVIEW_ROWS = 500
PREVIEW_ERRORS = 1000
REASON_IMPORT = "花名册导入"

TRANSITIONS = {
    State.PREVIEWING: {State.PREVIEWED, State.REJECTED, State.FAILED},
    State.PREVIEWED: {State.QUEUED, State.CANCELLED, State.EXPIRED},
    State.REJECTED: {State.EXPIRED},
    State.QUEUED: {State.APPLYING, State.PREVIEWED, State.FAILED},  # back to PREVIEWED: the broker was down
    State.APPLYING: {State.APPLIED, State.FAILED},
}

# Why a confirmation is refused, by the state the upload is in.
_REFUSALS = {
    State.PREVIEWING: messages.IMPORT_PREVIEW_PENDING,
    State.REJECTED: messages.IMPORT_HAS_ERRORS,
    State.QUEUED: messages.IMPORT_IN_PROGRESS,
    State.APPLYING: messages.IMPORT_IN_PROGRESS,
    State.APPLIED: messages.IMPORT_ALREADY_APPLIED,
    State.FAILED: messages.IMPORT_NOT_FINISHED,
    State.CANCELLED: messages.IMPORT_WAS_CANCELLED,
}


class ImportStateError(Exception):
    """The upload is not in a state that allows the action; ``message`` says why, to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _RosterChanged(Exception):
    """The roster changed since the preview in a way that makes a row invalid."""


def ttl_hours() -> int:
    return int(settings.ROSTER_IMPORT_TTL.total_seconds() // 3600)


def expired_message() -> str:
    return messages.IMPORT_EXPIRED.format(hours=ttl_hours())


def is_expired(record: RosterImport, now=None) -> bool:
    """Return whether an upload waiting for confirmation has outlived ``ROSTER_IMPORT_TTL``."""
    return (record.state == State.EXPIRED
            or (record.state in RosterImport.WAITING
                and record.uploaded_at < (now or timezone.now()) - settings.ROSTER_IMPORT_TTL))


def _move(record: RosterImport, state: str, *, actor, reason: str, **fields) -> RosterImport:
    """Change ``record`` (locked by the caller) to ``state`` along TRANSITIONS, with a history row."""
    if state not in TRANSITIONS.get(record.state, ()):
        raise ValueError(f"roster import {record.pk}: no transition {record.state} -> {state}")
    record.state = state
    for name, value in fields.items():
        setattr(record, name, value)
    if state not in (State.PREVIEWING, State.PREVIEWED, State.QUEUED, State.APPLYING):
        record.content = b""  # the workbook is personal data: kept only while it may still be imported
    if state in (State.APPLIED, State.FAILED, State.CANCELLED, State.EXPIRED):
        record.preview = {}
    tracked_save(record, actor=actor, reason=reason)
    return record


def _locked(pk: int, **options) -> RosterImport | None:
    return RosterImport.objects.select_for_update(**options).filter(pk=pk).first()


# --- upload and preview -------------------------------------------------------------------------


def roster_upload_create(*, actor, file_name: str, content: bytes, ip: str | None = None
                         ) -> tuple[RosterImport, ImportPlan | None]:
    """Keep an uploaded workbook and preview it: now when it is small, else by a job.

    Raise WorkbookRejected (before anything is stored) when the workbook is too big or cannot
    be read. Return the upload and, when previewed now, the plan (None when a job previews it).
    """
    shape = inspect_workbook(io.BytesIO(content))
    if shape.fits(settings.ROSTER_SYNC_PREVIEW_ROWS):
        plan = plan_roster_import(read_roster(io.BytesIO(content)))
        record = RosterImport(uploaded_by=actor, file_name=file_name[:200], client_ip=ip,
                              rows_total=len(plan.rows) + plan.counts["errors"],
                              state=State.PREVIEWED if plan.is_valid else State.REJECTED,
                              content=content if plan.is_valid else b"", **_preview_fields(plan))
        tracked_save(record, actor=actor, reason="上传花名册")
        return record, plan
    with transaction.atomic():
        record = RosterImport(uploaded_by=actor, file_name=file_name[:200], client_ip=ip, content=content,
                              state=State.PREVIEWING, rows_total=shape.data_rows, job_started_at=timezone.now())
        tracked_save(record, actor=actor, reason="上传花名册")
        transaction.on_commit(lambda: _send_preview(record.pk), robust=True)
    return record, None


def _send_preview(pk: int) -> None:
    from cadres.tasks import preview_roster_upload

    try:
        preview_roster_upload.delay(pk)
    except OperationalError:
        logger.warning("Celery broker unreachable: roster upload %s not previewed.", pk, exc_info=True)
        _fail(pk, messages.IMPORT_BROKER_DOWN)


def _preview_fields(plan: ImportPlan) -> dict:
    counts = plan.counts
    return {
        "created_count": counts["new"], "updated_count": counts["changed"], "unchanged_count": counts["unchanged"],
        "error_count": counts["errors"], "preview": preview_data(plan),
    }


def preview_data(plan: ImportPlan) -> dict:
    """Return what the preview page lists: the first rows of each kind and the first errors (JSON)."""
    new = [{
        "row": p.row.row, "name": p.row.name, "gender": Gender(p.row.gender).label if p.row.gender else "",
        "birth_date": f"{p.row.birth_date:%Y-%m-%d}" if p.row.birth_date else "",
        "department": p.row.department_name, "post": p.row.post_title,
        "rank": Rank(p.row.rank).label if p.row.rank else "",
    } for p in plan.of_kind("new")[:PREVIEW_ROWS]]
    changed = [{
        "row": p.row.row, "cadre": p.cadre.pk, "name": p.cadre.name,
        "changes": [[c.label, c.old, c.new] for c in p.changes],
    } for p in plan.of_kind("changed")[:PREVIEW_ROWS]]
    errors = [[e.row, e.column, e.message] for e in plan.errors[:PREVIEW_ERRORS]]
    return {"new": new, "changed": changed, "errors": errors, "errors_shown": len(errors),
            "errors_total": len(plan.errors)}


def roster_upload_preview(*, import_id: int) -> RosterImport | None:
    """Preview a large upload (the job): read it, compare it with the roster, store what the page shows."""
    record = RosterImport.objects.filter(pk=import_id).first()
    if record is None or record.state != State.PREVIEWING:
        return record  # redelivered after it finished, or failed meanwhile
    if is_stale(record.job_started_at):
        return _fail(import_id, JOB_TIMED_OUT)
    report = ProgressReporter(PROGRESS, import_id)
    try:
        report.step("读取工作簿", record.rows_total)
        parsed = read_roster(io.BytesIO(bytes(record.content)), progress=report)
        report.step("与花名册核对", len(parsed.rows))
        plan = plan_roster_import(parsed, progress=report)
    except WorkbookRejected as exc:
        return _finish_preview(import_id, None, str(exc))
    except SoftTimeLimitExceeded:
        return _fail(import_id, JOB_TIMED_OUT)
    except Exception:
        _fail(import_id, messages.IMPORT_JOB_FAILED)
        raise
    finally:
        progress_clear(PROGRESS, import_id)
    return _finish_preview(import_id, plan, "")


@transaction.atomic
def _finish_preview(import_id: int, plan: ImportPlan | None, error: str) -> RosterImport | None:
    record = _locked(import_id)
    if record is None or record.state != State.PREVIEWING:
        return record  # failed (timed out) or expired while the job read it: its result is not wanted
    if plan is None:
        return _move(record, State.REJECTED, actor=record.uploaded_by, reason="生成预览", error=error,
                     preview={})
    rows = len(plan.rows) + plan.counts["errors"]
    return _move(record, State.PREVIEWED if plan.is_valid else State.REJECTED, actor=record.uploaded_by,
                 reason="生成预览", rows_total=rows, **_preview_fields(plan))


# --- confirming and applying ---------------------------------------------------------------------


def roster_import_confirm(*, actor, record: RosterImport, ip: str | None = None) -> RosterImport:
    """Queue the import of a previewed upload; raise ImportStateError when it cannot be confirmed.

    The row is locked first: of two confirmations at once the second waits, then finds the upload
    queued (or imported) and is refused. An upload past its day is expired here and refused.
    """
    with transaction.atomic():
        record = _locked(record.pk)
        if record is None:
            raise ImportStateError(messages.IMPORT_STALE_PREVIEW)
        expired = is_expired(record)
        if expired and record.state != State.EXPIRED:
            _expire(record)
        elif not expired:
            if record.state != State.PREVIEWED:
                raise ImportStateError(_REFUSALS.get(record.state, messages.IMPORT_STALE_PREVIEW))
            _move(record, State.QUEUED, actor=actor, reason="确认导入", job_started_at=timezone.now(),
                  client_ip=ip or record.client_ip, error="")
            transaction.on_commit(lambda: _send_apply(record.pk, actor), robust=True)
    if expired:
        raise ImportStateError(expired_message())
    record.refresh_from_db()  # where tasks run in-process, the import has run by now
    return record


def _send_apply(pk: int, actor) -> None:
    from cadres.tasks import apply_roster_upload

    try:
        apply_roster_upload.delay(pk)
    except OperationalError:
        logger.warning("Celery broker unreachable: roster import %s stays previewed.", pk, exc_info=True)
        with transaction.atomic():
            record = _locked(pk)
            if record is not None and record.state == State.QUEUED:
                _move(record, State.PREVIEWED, actor=actor, reason="后台任务服务不可用",
                      error=messages.IMPORT_BROKER_DOWN, job_started_at=None)


def roster_import_apply(*, import_id: int) -> RosterImport | None:
    """Import a confirmed upload (the job): all rows in one transaction, or nothing and a reason.

    Idempotent: an upload already applied, failed or expired is left as it is. The row stays
    locked until the import commits, so a second delivery of the job waits and then finds it done.
    """
    with transaction.atomic():
        record = _locked(import_id)
        if record is None or record.state not in (State.QUEUED, State.APPLYING):
            return record
        if is_stale(record.job_started_at):
            return _move(record, State.FAILED, actor=record.uploaded_by, reason="导入超时", error=JOB_TIMED_OUT)
        if record.state == State.QUEUED:
            _move(record, State.APPLYING, actor=record.uploaded_by, reason="开始导入")
    report = ProgressReporter(PROGRESS, import_id)
    try:
        with transaction.atomic():
            record = _locked(import_id)
            if record.state != State.APPLYING:
                return record
            report.step("读取工作簿", record.rows_total)
            parsed = read_roster(io.BytesIO(bytes(record.content)), progress=report)
            report.step("与花名册核对", len(parsed.rows))
            plan = plan_roster_import(parsed, progress=report)
            if not plan.is_valid:
                raise _RosterChanged
            report.step("写入", len(plan.rows))
            with audit_source("task:apply_roster_upload", ip=record.client_ip):
                result = apply_roster_import(plan, actor=record.uploaded_by, source=record.file_name,
                                             progress=report)
            return _move(record, State.APPLIED, actor=record.uploaded_by, reason=REASON_IMPORT,
                         applied_at=timezone.now(), created_count=result.created, updated_count=result.updated,
                         unchanged_count=result.unchanged, error_count=0, error="")
    except _RosterChanged:
        return _fail(import_id, messages.IMPORT_ROSTER_CHANGED)
    except WorkbookRejected as exc:
        return _fail(import_id, str(exc))
    except SoftTimeLimitExceeded:
        return _fail(import_id, JOB_TIMED_OUT)
    except Exception:
        _fail(import_id, messages.IMPORT_JOB_FAILED)
        raise
    finally:
        progress_clear(PROGRESS, import_id)


@transaction.atomic
def _fail(import_id: int, error: str) -> RosterImport | None:
    """Mark a job's upload failed with ``error`` (unless it got past the job meanwhile)."""
    record = _locked(import_id)
    if record is None or record.state not in RosterImport.RUNNING:
        return record
    return _move(record, State.FAILED, actor=record.uploaded_by, reason="导入未完成", error=error)


@transaction.atomic
def roster_import_cancel(*, actor, record: RosterImport) -> RosterImport:
    """Drop an upload waiting for confirmation; raise ImportStateError in any other state."""
    locked = _locked(record.pk)
    if locked is None or locked.state != State.PREVIEWED:
        raise ImportStateError(_REFUSALS.get(getattr(locked, "state", None), messages.IMPORT_STALE_PREVIEW))
    return _move(locked, State.CANCELLED, actor=actor, reason="取消导入")


# --- lost jobs and abandoned uploads ---------------------------------------------------------------


def _expire(record: RosterImport) -> RosterImport:
    return _move(record, State.EXPIRED, actor=service_account("roster_import_expiry"),
                 reason=f"上传后{ttl_hours()}小时未确认，自动作废")


def roster_import_check_timeout(*, record: RosterImport, now=None) -> RosterImport:
    """Fail ``record``'s job if it is past its time and nobody holds it (the status view's check)."""
    if not (record.is_running and is_stale(record.job_started_at, now)):
        return record
    with transaction.atomic():
        locked = _locked(record.pk, skip_locked=True)  # locked: an import is writing, alive
        if locked is not None and locked.is_running and is_stale(locked.job_started_at, now):
            _move(locked, State.FAILED, actor=service_account("roster_import_expiry"), reason="任务超时",
                  error=JOB_TIMED_OUT)
    record.refresh_from_db()
    return record


@dataclass(frozen=True)
class SweepResult:
    timed_out: int
    expired: int


@transaction.atomic
def roster_imports_sweep(*, now=None) -> SweepResult:
    """Fail the jobs lost past BACKGROUND_JOB_TIMEOUT and expire uploads left unconfirmed past ROSTER_IMPORT_TTL.

    Rows locked by a running import are skipped: that import is alive.
    """
    now = now or timezone.now()
    sweeper = service_account("roster_import_expiry")
    lost = list(RosterImport.objects.select_for_update(skip_locked=True)
                .filter(state__in=RosterImport.RUNNING, job_started_at__lt=stale_before(now)))
    for record in lost:
        _move(record, State.FAILED, actor=sweeper, reason="任务超时", error=JOB_TIMED_OUT)
    old = list(RosterImport.objects.select_for_update(skip_locked=True)
               .filter(state__in=RosterImport.WAITING, uploaded_at__lt=now - settings.ROSTER_IMPORT_TTL))
    for record in old:
        _expire(record)
    if lost or old:
        logger.info("roster imports: %d lost jobs failed, %d unconfirmed uploads expired", len(lost), len(old))
    return SweepResult(timed_out=len(lost), expired=len(old))
