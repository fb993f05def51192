"""The roster list, its search and filters, and its Excel export."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse
from django.utils import timezone
from django.views.generic import ListView, View

from cadre_office.audit.services import Event, audit_record
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.forms import RosterFilterForm
from cadres.permissions import can_see_full_id_number
from cadres.reports import RosterExport
from cadres.selectors import department_choices, roster

PAGE_SIZES = (20, 50, 100, 200)


class RosterFilterMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "cadres.view_cadre"

    def get_filter_form(self) -> RosterFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = RosterFilterForm(self.request.GET or None,
                                                 departments=department_choices(self.request.user),
                                                 id_search=can_see_full_id_number(self.request.user))
        return self._filter_form

    def get_queryset(self):
        return roster(self.request.user, self.get_filter_form().filters())


class CadreListView(RosterFilterMixin, ListView):
    template_name = "cadres/cadre_list.html"
    context_object_name = "cadres"

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", 50))
        except ValueError:
            size = 50
        return size if size in PAGE_SIZES else 50

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "roster-results":
            return ["cadres/_roster_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        context.update(
            filter_form=self.get_filter_form(),
            filters=self.get_filter_form().filters(),
            query_string=query.urlencode(),
            sort_query_string=sort_query.urlencode(),
            page_sizes=PAGE_SIZES,
        )
        return context


class CadreExportView(RosterFilterMixin, View):
    """The filtered roster as an Excel workbook."""

    permission_required = ("cadres.view_cadre", "cadres.export_roster")

    def get(self, request):
        queryset = self.get_queryset()
        full_id = can_see_full_id_number(request.user)
        export = RosterExport(queryset, full_id=full_id)
        content = export.render()
        audit_record(
            Event.EXPORT, actor=request.user, object_type="cadres.cadre", object_repr="干部花名册",
            # The filters as the user typed them (decoded, so that ``audit_record`` can mask an ID number in them).
            detail={"filters": {key: value for key, value in request.GET.items() if value and key != "page"},
                    "rows": export.row_count, "full_id_number": full_id},
        )
        return FileResponse(io.BytesIO(content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=f"干部花名册_{timezone.localdate():%Y%m%d}.xlsx")
