"""Saving tracked models so every history row names its author.

simple-history takes the author from the request in views; services, commands and
Celery tasks have no request, so every write goes through ``tracked_save`` with the
acting user (a person, or the service account of a command).
"""

from django.contrib.auth import get_user_model
from django.db import models


def tracked_save(obj: models.Model, *, actor, reason: str = "", update_fields=None, clean: bool = True) -> None:
    """Validate ``obj`` and save it with ``actor`` and ``reason`` on its history row."""
    if clean:
        obj.full_clean()
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.save(update_fields=update_fields)


def tracked_delete(obj: models.Model, *, actor, reason: str = "") -> None:
    """Delete ``obj`` leaving a '-' history row with ``actor``."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.delete()


def service_account(name: str):
    """Return the inactive account that authors changes made by command or task ``name``.

    It cannot log in (no usable password, inactive) and holds no permissions; it only
    appears as the author of history rows, named after the command (``import_roster``).
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=name,
        defaults={"is_active": False, "first_name": "系统任务"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
