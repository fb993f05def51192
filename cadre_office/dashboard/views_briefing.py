"""The dashboard for briefings: the print view and the cards as Excel and PDF (one selector feeds all three).

The drill-down lists' export stays with the drill-down pages (``views.DrilldownExportView``).
"""

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.generic import TemplateView, View

from cadre_office.dashboard import permissions, reports, selectors, services
from cadre_office.dashboard.views import NOTHING_STORED, DashboardMixin
from cadre_office.pdf import PdfDownloadMixin


class BriefingMixin(DashboardMixin):
    """The dashboard of ?as_of (else the latest stored date) for a briefing; for those who may export it."""

    permission_required = (permissions.VIEW, permissions.EXPORT)

    @cached_property
    def briefing(self):
        return selectors.briefing(self.request.user, today=self.today, as_of=self.requested_as_of)

    def stored_briefing(self):
        """The briefing, or 404 where nothing is stored to print (no plan, or not computed yet)."""
        if self.briefing.snapshot is None:
            raise Http404(NOTHING_STORED)
        return self.briefing

    def file_query(self) -> str:
        return urlencode({"as_of": f"{self.briefing.as_of:%Y-%m-%d}"}) if self.briefing.snapshot else ""


class BriefingPrintView(BriefingMixin, TemplateView):
    """The cards on A4 landscape for a briefing: no navigation, black on white, a 打印 button."""

    template_name = "dashboard/print.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(briefing=self.briefing, file_query=self.file_query(),
                                        title=reports.BRIEFING_TITLE, printed_at=timezone.localtime(), **kwargs)


class BriefingExcelView(BriefingMixin, View):
    """The cards as a workbook (audited): the print view's figures, one line per target."""

    def get(self, request):
        export = services.briefing_export(actor=request.user, briefing=self.stored_briefing())
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=export.content_type,
                            filename=export.filename)


class BriefingPdfView(BriefingMixin, PdfDownloadMixin, View):
    """The cards as a PDF (WeasyPrint, audited as a download of the snapshot): the print view's sheet."""

    @property
    def pdf_report_name(self) -> str:
        return f"结构看板（统计范围：{self.briefing.scope.label}）"

    def pdf_object(self):
        return self.stored_briefing().snapshot

    def pdf_filename(self, snapshot) -> str:
        return f"结构看板_{snapshot.as_of:%Y%m%d}.pdf"

    def pdf_content(self, snapshot) -> bytes:
        user = self.request.user
        return reports.briefing_pdf(self.briefing, printed_at=timezone.localtime(),
                                    printer=user.get_full_name() or user.get_username())
