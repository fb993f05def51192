"""The printable case record (纪实表): the whole trail of a selection case as a PDF (WeasyPrint).

The HTML is rendered from a template with Django's autoescaping (user text cannot inject
markup), and WeasyPrint may fetch nothing but the app's own static files (SECURITY.md 23).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from selection.models import Candidate, CaseStep, SelectionCase, StepEvent


class ExternalFetchRefused(FatalURLFetchingError):
    """The PDF asked for a resource outside the app's static files: rendering stops."""


class StaticOnlyFetcher(URLFetcher):
    """Serve the app's own static files (``/static/…``) to WeasyPrint and refuse everything else."""

    def fetch(self, url, headers=None):
        prefix = "file://" + settings.STATIC_URL
        if url.startswith(prefix):
            try:
                found = finders.find(url[len(prefix):])
            except SuspiciousFileOperation:
                found = None
            if found:
                return super().fetch(Path(found).as_uri(), headers)
        raise ExternalFetchRefused(url)


def case_record_context(case: SelectionCase) -> dict:
    """Everything the record shows, read in a fixed number of queries."""
    case = (
        SelectionCase.objects.select_related("department", "template", "created_by")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.select_related("definition", "submitted_by", "decided_by")
                     .order_by("number")),
            Prefetch("events", queryset=StepEvent.objects.select_related("actor", "step", "candidate__cadre")
                     .order_by("at", "id")),
            Prefetch("candidates", queryset=Candidate.objects.select_related("cadre", "cadre__department")),
        )
        .get(pk=case.pk)
    )
    events_by_step: dict[int | None, list] = {}
    for event in case.events.all():
        events_by_step.setdefault(event.step.number if event.step_id else None, []).append(event)
    steps = [(step, events_by_step.get(step.number, [])) for step in case.steps.all()]
    return {"case": case, "steps": steps, "case_events": events_by_step.get(None, []),
            "printed_at": timezone.localtime(), "BUREAU_NAME": settings.BUREAU_NAME}


def case_record_pdf(case: SelectionCase) -> bytes:
    """Return the 纪实表 of ``case`` as PDF bytes."""
    from weasyprint import HTML

    html = render_to_string("selection/case_record_pdf.html", case_record_context(case))
    return HTML(string=html, base_url="file://", url_fetcher=StaticOnlyFetcher()).write_pdf()
