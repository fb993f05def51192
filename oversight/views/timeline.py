"""全程记实: a cadre's timeline page and its PDF, scoped like the record page (404 outside)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.views.generic import TemplateView

from cadre_office.pdf import PdfDownloadMixin, render_pdf
from cadres.forms import DateInput
from cadres.timeline import KINDS
from cadres.views.record import CadreScopedMixin
from oversight import filing_messages as texts
from oversight.filing_selectors import ADD, kinds_for
from oversight.timeline import timeline_entries, timeline_kinds


def labelled(entries):
    """Pair each entry with its kind's label, as the page and the PDF show it."""
    return [(entry, KINDS[entry.kind].label) for entry in entries]


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label="类别", required=False, widget=forms.CheckboxSelectMultiple)
    start = forms.DateField(label="起始日期", required=False, widget=DateInput(
        attrs={"class": "form-control form-control-sm"}))
    end = forms.DateField(label="截止日期", required=False, widget=DateInput(
        attrs={"class": "form-control form-control-sm"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.slug, kind.label) for kind in timeline_kinds()]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", texts.TIMELINE_BAD_PERIOD)
        return data


class TimelineMixin(CadreScopedMixin):
    permission_required = "cadres.view_cadre"

    def timeline(self):
        """Return (form, entries, filters) for the GET's filters; a filter in error is left out."""
        form = TimelineFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        if form.is_bound and not data:
            data = {name: value for name, value in getattr(form, "cleaned_data", {}).items()
                    if name not in form.errors}
        kinds = set(data.get("kind") or []) or None
        entries = timeline_entries(cadre=self.cadre, user=self.request.user, kinds=kinds, start=data.get("start"),
                                   end=data.get("end"))
        return form, entries, {"kinds": kinds, "start": data.get("start"), "end": data.get("end")}


class CadreTimelineView(TimelineMixin, TemplateView):
    """全程记实 of one cadre: every app's entries in date order, filtered by kind and period."""

    template_name = "oversight/timeline.html"

    def get_context_data(self, **kwargs):
        form, entries, filters = self.timeline()
        kind_labels = dict(self.request.GET.lists()).get("kind", [])
        return super().get_context_data(
            form=form, rows=labelled(entries), count=len(entries), filters=filters,
            query_string=self.request.GET.urlencode(),
            filtered=bool(kind_labels or filters["start"] or filters["end"]),
            filing_kinds=kinds_for(self.request.user) if self.request.user.has_perm(ADD) else [], **kwargs)


class CadreTimelinePdfView(TimelineMixin, PdfDownloadMixin, TemplateView):
    """全程记实 as a PDF: the cadre's header, the entries as filtered, who printed it and when."""

    pdf_report_name = "干部全程记实"

    def pdf_object(self):
        return self.cadre

    def pdf_filename(self, cadre) -> str:
        return f"全程记实_{cadre.name}_{timezone.localdate():%Y%m%d}.pdf"

    def pdf_content(self, cadre) -> bytes:
        _, entries, filters = self.timeline()
        user = self.request.user
        return render_pdf("oversight/timeline_pdf.html", {
            "cadre": cadre, "rows": labelled(entries), "filters": filters, "printed_at": timezone.localtime(),
            "printer": user.get_full_name() or user.get_username(), "BUREAU_NAME": settings.BUREAU_NAME,
        })
