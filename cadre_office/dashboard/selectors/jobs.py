"""Recompute jobs the page shows progress for."""

import datetime as dt

from cadre_office.dashboard.models import RecomputeJob

# A job still queued after this long is shown no more (a worker that never came): the page stops polling.
PENDING_JOB_WINDOW = dt.timedelta(minutes=30)


def recompute_jobs_visible_to(user):
    """Return the recompute jobs ``user`` may follow: all of them for those who may recompute."""
    if not user.has_perm("dashboard.recompute_dashboard"):
        return RecomputeJob.objects.none()
    return RecomputeJob.objects.all()


def pending_job(user, *, now: dt.datetime) -> RecomputeJob | None:
    """Return the user's latest recompute still queued or running (asked for recently), if any."""
    return (
        recompute_jobs_visible_to(user)
        .filter(requested_by=user, state__in=[RecomputeJob.State.QUEUED, RecomputeJob.State.RUNNING],
                requested_at__gte=now - PENDING_JOB_WINDOW)
        .order_by("-requested_at").first()
    )
