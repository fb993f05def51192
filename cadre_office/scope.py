"""Finding one object inside the user's scope, and recording the attempts outside it.

Outside the scope an object is not found (404), never "forbidden" (403): a department head
must not learn that another department's cadre exists. The attempt is still recorded as
越权访问 in the audit log, one row per request, so that someone walking through other units'
records by number is seen (docs/security.md, scope).
"""

from django.http import Http404

from cadre_office.audit.services import Event, Outcome, audit_record

OUT_OF_SCOPE = "out_of_scope"


def audit_out_of_scope(*, actor, model, pk, path: str = "") -> None:
    """Record that ``actor`` asked for ``model`` ``pk``, which exists but lies outside their scope."""
    obj = model._base_manager.filter(pk=pk).first() if pk is not None else None
    if obj is None or not getattr(actor, "is_authenticated", False):
        return  # nothing there: a wrong number, not a probe of someone's data
    detail = {"reason": OUT_OF_SCOPE}
    if path:
        detail["path"] = path
    audit_record(Event.ACCESS_DENIED, actor=actor, obj=obj, outcome=Outcome.DENIED, detail=detail)


def get_in_scope_or_404(queryset, *, actor, path: str = "", **lookup):
    """Return the object of ``queryset`` (the user's scope) matching ``lookup``, or raise Http404.

    A miss on an object that exists beyond the scope is audited (``audit_out_of_scope``).
    """
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        pk = lookup.get("pk", lookup.get("id"))
        audit_out_of_scope(actor=actor, model=queryset.model, pk=pk, path=path)
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.") from None
