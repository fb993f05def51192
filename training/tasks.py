"""Celery tasks of training: thin, they take dates and call a service."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from cadre_office.audit.context import audit_source
from cadre_office.history import service_account
from training.services.practice import rotations_carry_out_due

ROTATION_ACCOUNT = "task_training_rotations"


@shared_task(name="training.carry_out_rotations", ignore_result=True)
def carry_out_rotations(today: str | None = None) -> int:
    """Carry out every rotation plan dated today or earlier (the beat runs this nightly); return how many.

    Idempotent: a plan carried out is no longer planned, so a second run of the same night does nothing.
    """
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with audit_source("task:training.carry_out_rotations"):
        done, _refused = rotations_carry_out_due(actor=service_account(ROTATION_ACCOUNT), today=day)
    return done
