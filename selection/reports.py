"""The printable case record (纪实表): the whole trail of a selection case as a PDF (WeasyPrint).

The HTML is rendered from a template with Django's autoescaping (user text cannot inject
markup), and WeasyPrint may fetch nothing but the app's own static files (docs/security.md 23).
"""

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from cadre_office.pdf import render_pdf
from selection.models import Candidate, CaseStep, SelectionCase, StepEvent
from selection.selectors import hidden_candidates


def case_record_context(case: SelectionCase, *, viewer) -> dict:
    """Everything the record shows to ``viewer``, read in a fixed number of queries.

    Candidates outside the viewer's roster scope appear without name, unit or reasons. An entry made
    while required records were missing shows which and the reason given.
    """
    case = (
        SelectionCase.objects.select_related("department", "template", "created_by")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.select_related("definition", "submitted_by", "decided_by")
                     .order_by("number")),
            Prefetch("events", queryset=StepEvent.objects.select_related("actor", "step", "candidate__cadre")
                     .order_by("at", "id")),
            Prefetch("candidates", queryset=Candidate.objects.select_related("cadre", "cadre__department")
                     .order_by("number")),
        )
        .get(pk=case.pk)
    )
    events_by_step: dict[int | None, list] = {}
    for event in case.events.all():
        events_by_step.setdefault(event.step.number if event.step_id else None, []).append(event)
    steps = [(step, events_by_step.get(step.number, [])) for step in case.steps.all()]
    return {"case": case, "steps": steps, "case_events": events_by_step.get(None, []),
            "hidden_candidates": hidden_candidates(viewer, case.candidates.all()),
            "printed_at": timezone.localtime(), "BUREAU_NAME": settings.BUREAU_NAME}


def case_record_pdf(case: SelectionCase, *, viewer) -> bytes:
    """Return the 纪实表 of ``case`` as ``viewer`` may read it, as PDF bytes."""
    return render_pdf("selection/case_record_pdf.html", case_record_context(case, viewer=viewer))
