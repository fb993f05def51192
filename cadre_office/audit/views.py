"""The audit administrator's pages: the audit log with its filters, and its Excel export."""

import io
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse
from django.utils import timezone
from django.views.generic import ListView, View

from cadre_office.audit.forms import AuditFilterForm
from cadre_office.audit.reports import AuditRow, audit_log_export, export_filename
from cadre_office.audit.selectors import audit_events
from cadre_office.xlsx import XLSX_CONTENT_TYPE

PAGE_SIZES = (50, 100, 200)
DEFAULT_PAGE_SIZE = 50


class AuditFilterMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "audit.view_auditevent"

    def get_filter_form(self) -> AuditFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = AuditFilterForm(self.request.GET or None)
        return self._filter_form

    def get_queryset(self):
        return audit_events(self.request.user, self.get_filter_form().filters())


class AuditEventListView(AuditFilterMixin, ListView):
    """审计日志: newest first, filtered, paginated."""

    template_name = "audit/event_list.html"
    context_object_name = "events"

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", DEFAULT_PAGE_SIZE))
        except ValueError:
            size = DEFAULT_PAGE_SIZE
        return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "audit-results":
            return ["audit/_event_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.get_filter_form(),
            rows=[AuditRow(event) for event in context["events"]],
            query_string=query.urlencode(),
            page_sizes=PAGE_SIZES,
        )
        return context


def attachment_header(filename: str, fallback: str) -> str:
    """Return a Content-Disposition naming ``filename`` (RFC 5987) with an ASCII ``fallback`` for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


class AuditEventExportView(AuditFilterMixin, View):
    """The filtered audit log as an Excel workbook; the export itself is audited."""

    permission_required = ("audit.view_auditevent", "audit.export_auditevent")

    def get(self, request):
        content = audit_log_export(actor=request.user, filters=self.get_filter_form().filters())
        day = timezone.localdate()
        # Built in memory (openpyxl removes its own temporary file once saved), so no export file is left on disk.
        response = FileResponse(io.BytesIO(content), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment_header(export_filename(day), f"audit-log_{day:%Y%m%d}.xlsx")
        return response
