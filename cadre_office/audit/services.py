"""Writing the audit log. Services call ``audit_record`` inside their own transaction."""

from django.db import models

from cadre_office.audit.context import current_origin
from cadre_office.audit.models import AuditEvent
from cadres.idnumbers import mask_id_numbers_in

Event = AuditEvent.Event
Outcome = AuditEvent.Outcome


def audit_record(
    event: str,
    *,
    actor=None,
    username: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    outcome: str = Outcome.SUCCESS,
    detail: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one audit row for ``event`` by ``actor`` on ``obj``.

    The address and channel come from the current request or command (see ``context``);
    ``username`` names the account tried where there is no user (a failed login).
    Callers pass ``detail`` without secrets: never a password or a full ID number. Whatever
    looks like an ID number in the texts kept (a search typed into a filter, a username tried at
    the login) is masked here all the same, before the row is written: an audit row can never
    be removed, so it must never hold a full number.
    """
    origin = current_origin()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        event=event,
        user=actor,
        username=mask_id_numbers_in(actor.get_username() if actor is not None else username)[:150],
        ip=ip or origin.ip,
        source=origin.source,
        outcome=outcome,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id)[:40],
        object_repr=mask_id_numbers_in(str(object_repr))[:200],
        detail=_masked(detail or {}),
    )


def _masked(value):
    """Return ``value`` (the JSON of ``detail``) with ID-number-like text masked at every level."""
    if isinstance(value, str):
        return mask_id_numbers_in(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value
