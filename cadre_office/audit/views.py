"""The audit administrator's pages: the audit log with its filters, and its Excel export."""

import io
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse
from django.utils import timezone
from django.views.generic import View

from cadre_office.audit.reports import AuditRow, audit_log_export, export_filename
from cadre_office.audit.selectors import audit_filterset
from cadre_office.lists import FilteredListView
from cadre_office.xlsx import XLSX_CONTENT_TYPE


class AuditEventListView(FilteredListView):
    """审计日志: newest first, filtered, paginated (the list kit: cadre_office.lists)."""

    permission_required = "audit.view_auditevent"
    filterset_for = staticmethod(audit_filterset)
    template_name = "audit/event_list.html"
    results_template = "audit/_event_results.html"
    results_id = "audit-results"
    context_object_name = "events"
    page_sizes = (50, 100, 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [AuditRow(event) for event in context["events"]]
        return context


def attachment_header(filename: str, fallback: str) -> str:
    """Return a Content-Disposition naming ``filename`` (RFC 5987) with an ASCII ``fallback`` for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


class AuditEventExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The filtered audit log as an Excel workbook; the export itself is audited."""

    permission_required = ("audit.view_auditevent", "audit.export_auditevent")

    def get(self, request):
        content = audit_log_export(actor=request.user, filters=audit_filterset(request.user, request.GET))
        day = timezone.localdate()
        # Built in memory (openpyxl removes its own temporary file once saved), so no export file is left on disk.
        response = FileResponse(io.BytesIO(content), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment_header(export_filename(day), f"audit-log_{day:%Y%m%d}.xlsx")
        return response
