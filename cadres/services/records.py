"""The one save and delete of every child record of a cadre (education, posts, ranks, appraisals …).

Each is atomic and writes, in the same transaction, the record's history row (naming ``actor``
and the reason) and one audit row on the cadre naming the record. What differs between kinds
(closing the previous post, refreshing the cached current post, one appraisal a year) is in the
hooks of the record's ``RecordType`` (``cadres.records``), run inside that transaction.
"""

from django.db import transaction

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_delete, tracked_save
from cadres.records import record_type_for


def audit_cadre_change(event: str, *, actor, cadre, record=None, record_id=None, reason: str = "", **detail) -> None:
    """Write the one audit row of a change to ``cadre``'s data (its own fields or one of its records)."""
    if record is not None:
        detail.update(record=str(record._meta.verbose_name), record_id=record_id or record.pk)
    audit_record(event, actor=actor, obj=cadre, detail={"reason": reason, **detail})


@transaction.atomic
def child_record_save(*, actor, obj, reason: str = "", **options):
    """Add or correct the child record ``obj``; ``options`` go to its kind's hooks."""
    record_type = record_type_for(type(obj))
    adding = obj._state.adding
    reason = reason or record_type.reason("add" if adding else "change")
    record_type.before_save(actor=actor, obj=obj, adding=adding, reason=reason, **options)
    tracked_save(obj, actor=actor, reason=reason)
    record_type.after_save(actor=actor, obj=obj, adding=adding, reason=reason, **options)
    audit_cadre_change(Event.CREATE if adding else Event.UPDATE, actor=actor, cadre=obj.cadre, record=obj,
                       reason=reason)
    return obj


@transaction.atomic
def child_record_delete(*, actor, obj, reason: str = "") -> None:
    """Delete the child record ``obj``; the history keeps it (a '-' row naming ``actor``)."""
    record_type = record_type_for(type(obj))
    cadre, record_id = obj.cadre, obj.pk
    reason = reason or record_type.reason("delete")
    tracked_delete(obj, actor=actor, reason=reason)
    record_type.after_delete(actor=actor, obj=obj, cadre=cadre, reason=reason)
    audit_cadre_change(Event.DELETE, actor=actor, cadre=cadre, record=obj, record_id=record_id, reason=reason)
