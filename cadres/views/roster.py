"""The roster list, its search and filters, and its Excel export (the list kit: cadre_office.lists)."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse
from django.utils import timezone
from django.views.generic import View

from cadre_office.audit.services import Event, audit_record
from cadre_office.lists import FilteredListView
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.permissions import can_see_full_id_number
from cadres.reports import RosterExport
from cadres.selectors import roster, roster_filterset


class CadreListView(FilteredListView):
    """干部花名册."""

    permission_required = "cadres.view_cadre"
    filterset_for = staticmethod(roster_filterset)
    template_name = "cadres/cadre_list.html"
    results_template = "cadres/_roster_results.html"
    results_id = "roster-results"
    context_object_name = "cadres"


class CadreExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The filtered roster as an Excel workbook."""

    permission_required = ("cadres.view_cadre", "cadres.export_roster")

    def get(self, request):
        full_id = can_see_full_id_number(request.user)
        export = RosterExport(roster(request.user, request.GET), full_id=full_id)
        content = export.render()
        audit_record(
            Event.EXPORT, actor=request.user, object_type="cadres.cadre", object_repr="干部花名册",
            # The filters as the user typed them (decoded, so that ``audit_record`` can mask an ID number in them).
            detail={"filters": {key: value for key, value in request.GET.items() if value and key != "page"},
                    "rows": export.row_count, "full_id_number": full_id},
        )
        return FileResponse(io.BytesIO(content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=f"干部花名册_{timezone.localdate():%Y%m%d}.xlsx")
