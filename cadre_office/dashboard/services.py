"""Computing and storing the dashboard's snapshots, running recompute jobs; editing targets; exports.

The tasks (``tasks.py``) call these; these never import the tasks: sending a task once a
transaction commits is the tasks module's own (``tasks.recompute_job_queue``,
``tasks.snapshot_recompute_queue``), so the two modules depend one way only.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.dashboard import figures, reports
from cadre_office.dashboard.models import Figure, Plan, RecomputeJob, Snapshot, Target
from cadre_office.history import tracked_save
from cadre_office.jobs import JOB_TIMED_OUT, is_stale, stale_before
from cadres.permissions import can_see_full_id_number
from cadres.services.exports import ExportFile


def plan_for(day: dt.date) -> Plan | None:
    """Return the plan in force on ``day``; failing that the latest one that started before it, or the first."""
    plans = Plan.objects.order_by("-start_date", "-id")
    return (
        plans.filter(start_date__lte=day, end_date__gte=day).first()
        or plans.filter(start_date__lte=day).first()
        or plans.order_by("start_date", "id").first()
    )


def target_params(plan: Plan) -> dict[str, int | None]:
    return {target.code: target.age_max for target in plan.targets.all()}


@transaction.atomic
def snapshot_compute(*, as_of: dt.date, plan: Plan | None = None, source: str = "") -> Snapshot:
    """Compute every target on ``as_of`` for the bureau and each department, replacing any earlier result.

    A fixed number of queries whatever the roster size: the plan's targets, one aggregate for
    the bureau, one grouped by department, and the writes. Idempotent: a date computed twice
    leaves one snapshot, holding the second result.
    """
    plan = plan or plan_for(as_of)
    if plan is None:
        raise LookupError("no plan (实施意见) is defined")
    params = target_params(plan)
    bureau, departments = figures.compute(as_of, params, plan.end_date)
    snapshot, _ = Snapshot.objects.select_for_update().update_or_create(
        plan=plan, as_of=as_of, defaults={"source": source[:60]}
    )
    snapshot.figures.all().delete()
    rows = [_figure(snapshot, None, code, c) for code, c in bureau.items()]
    rows += [_figure(snapshot, department_id, code, c)
             for department_id, counts in departments.items() for code, c in counts.items()]
    Figure.objects.bulk_create(rows)
    return snapshot


def _figure(snapshot: Snapshot, department_id, code: str, counts: figures.Counts) -> Figure:
    return Figure(snapshot=snapshot, department_id=department_id, code=code, numerator=counts.numerator,
                  denominator=counts.denominator, aging_out=counts.aging_out,
                  aging_out_of_denominator=counts.aging_out_of_denominator)


def snapshot_dates_missing(*, today: dt.date, plan: Plan | None = None, limit: int = 366) -> list[dt.date]:
    """Return the dates from the day after the last snapshot up to ``today`` that have none (oldest first)."""
    plan = plan or plan_for(today)
    if plan is None:
        return []
    last = plan.snapshots.filter(as_of__lte=today).order_by("-as_of").values_list("as_of", flat=True).first()
    start = max(last + dt.timedelta(days=1), today - dt.timedelta(days=limit - 1)) if last else today
    return [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]


def snapshot_exists(*, as_of: dt.date, plan: Plan | None = None) -> bool:
    plan = plan or plan_for(as_of)
    return plan is not None and plan.snapshots.filter(as_of=as_of).exists()


BROKER_DOWN = "后台任务服务（Redis）暂时不可用，本次未能开始计算；夜间定时任务会重新计算，也可稍后再试。"


def recompute_job_create(*, actor, as_of: dt.date) -> RecomputeJob:
    """Record a recompute of ``as_of`` asked for from the page (``tasks.recompute_job_queue`` sends it)."""
    return RecomputeJob.objects.create(as_of=as_of, requested_by=actor)


def recompute_job_unsent(*, job_id: int, error: str = BROKER_DOWN) -> None:
    """Store a job whose task could not be sent (the broker is down) as failed, saying so."""
    RecomputeJob.objects.filter(pk=job_id).update(state=RecomputeJob.State.FAILED, finished_at=timezone.now(),
                                                  error=error)


_PENDING = (RecomputeJob.State.QUEUED, RecomputeJob.State.RUNNING)


def recompute_job_run(*, job_id: int) -> RecomputeJob:
    """Run a queued job: mark it running, compute, mark it done (or failed with the error).

    A redelivered message (late acknowledgement) finds the work done, or the job failed, and does
    nothing; a message that comes after the job's timeout fails the job instead of computing late.
    """
    job = RecomputeJob.objects.get(pk=job_id)
    if job.state not in _PENDING:
        return job
    if is_stale(job.requested_at):
        return recompute_job_fail_if_stale(job=job)
    if not RecomputeJob.objects.filter(pk=job.pk, state__in=_PENDING).update(state=RecomputeJob.State.RUNNING):
        job.refresh_from_db()
        return job  # failed by the timeout sweep in the meantime
    try:
        snapshot_compute(as_of=job.as_of, source="page")
    except Exception as exc:
        RecomputeJob.objects.filter(pk=job.pk).update(state=RecomputeJob.State.FAILED, error=str(exc)[:2000],
                                                      finished_at=timezone.now())
        raise
    RecomputeJob.objects.filter(pk=job.pk).update(state=RecomputeJob.State.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def recompute_job_fail_if_stale(*, job: RecomputeJob, now: dt.datetime | None = None) -> RecomputeJob:
    """Store ``job`` as failed when it is still queued or running past BACKGROUND_JOB_TIMEOUT (a lost job)."""
    if job.state in _PENDING and is_stale(job.requested_at, now):
        RecomputeJob.objects.filter(pk=job.pk, state__in=_PENDING).update(
            state=RecomputeJob.State.FAILED, error=JOB_TIMED_OUT, finished_at=now or timezone.now())
        job.refresh_from_db()
    return job


def recompute_jobs_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Store every job lost past BACKGROUND_JOB_TIMEOUT as failed (the sweep); return how many."""
    now = now or timezone.now()
    return RecomputeJob.objects.filter(state__in=_PENDING, requested_at__lt=stale_before(now)).update(
        state=RecomputeJob.State.FAILED, error=JOB_TIMED_OUT, finished_at=now)


@transaction.atomic
def target_update(*, actor, target: Target, goal, age_max, name: str | None = None) -> Target:
    """Change a target's goal or parameters (audited, with history)."""
    before = {"goal": str(target.goal) if target.goal is not None else "", "age_max": target.age_max}
    target.goal = goal
    target.age_max = age_max
    if name:
        target.name = name
    tracked_save(target, actor=actor, reason="修改结构目标")
    audit_record(Event.UPDATE, actor=actor, obj=target, detail={
        "from": before, "to": {"goal": str(goal) if goal is not None else "", "age_max": age_max},
    })
    return target


# --- exports for briefings ------------------------------------------------------------------------


def briefing_export(*, actor, briefing) -> ExportFile:
    """Return the briefing's cards (``selectors.briefing``) as a workbook and record the export on its snapshot."""
    content = reports.briefing_workbook(briefing)
    audit_record(Event.EXPORT, actor=actor, obj=briefing.snapshot, detail={
        "report": f"结构看板（统计范围：{briefing.scope.label}）", "targets": len(briefing.cards)})
    return ExportFile(content=content, filename=f"结构看板_{briefing.as_of:%Y%m%d}.xlsx", rows=len(briefing.cards))


def drilldown_export(*, actor, cadres, title: str, list_label: str, as_of: dt.date, scope_label: str,
                     plan_end: dt.date | None = None) -> ExportFile:
    """Return a drill-down list (the page's queryset ``cadres``, every row) as a workbook; audit it.

    Full ID numbers (and birth dates) only for those who may see them, as the roster's export. The audit
    row names the target, the list, the statistics date and the scope, with the row count.
    """
    full_id = can_see_full_id_number(actor)
    export = reports.DrilldownExport(cadres, full_id=full_id, as_of=as_of, plan_end=plan_end)
    content = export.render(heading=f"{list_label}（{title}）　统计时点 {as_of:%Y-%m-%d}　统计范围 {scope_label}")
    audit_record(Event.EXPORT, actor=actor, object_type="cadres.cadre", object_repr=list_label, detail={
        "report": f"结构看板名单：{title}（统计时点 {as_of:%Y-%m-%d}，统计范围：{scope_label}）",
        "rows": export.row_count, "full_id_number": full_id})
    return ExportFile(content=content, filename=f"看板名单_{title}_{as_of:%Y%m%d}.xlsx", rows=export.row_count)
