"""Celery tasks of oversight: thin, they take dates and call a service."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from cadre_office.audit.context import audit_source
from cadre_office.history import service_account
from oversight.services.adjustments import flags_raise

TASK_ACCOUNT = "task_oversight_flags"


@shared_task(name="oversight.raise_flags", ignore_result=True)
def raise_flags(today: str | None = None) -> int:
    """Run the 动态管理 rules over the team (the beat runs this nightly); return the flags raised.

    Idempotent: a flag is raised once per cadre, rule and basis, so a second run of the same night adds nothing.
    """
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with audit_source("task:oversight.raise_flags"):
        return len(flags_raise(actor=service_account(TASK_ACCOUNT), day=day))
