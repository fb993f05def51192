"""The roster list, its search and filters, and its Excel export (the list kit: cadre_office.lists)."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse
from django.views.generic import View

from cadre_office.lists import FilteredListView
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres import services
from cadres.permissions import can_batch_change
from cadres.selectors import roster_filterset


class CadreListView(FilteredListView):
    """干部花名册."""

    permission_required = "cadres.view_cadre"
    filterset_for = staticmethod(roster_filterset)
    template_name = "cadres/cadre_list.html"
    results_template = "cadres/_roster_results.html"
    results_id = "roster-results"
    context_object_name = "cadres"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, can_batch_change=can_batch_change(self.request.user))


class CadreExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The filtered roster as an Excel workbook (built and audited by ``services.roster_export``)."""

    permission_required = ("cadres.view_cadre", "cadres.export_roster")

    def get(self, request):
        export = services.roster_export(actor=request.user, data=request.GET)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=export.filename)
