"""到龄退休: the list of cadres due to retire (the list kit), its export, and 办理退休 for one of them."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, View

from cadre_office.lists import FilteredListView
from cadre_office.views import ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres import messages as texts
from cadres import services
from cadres.forms import RetireForm
from cadres.retirement import default_retire_date, outlook
from cadres.selectors import retirement_filterset
from cadres.views.record import CadreScopedMixin


class RetirementDueListView(FilteredListView):
    """到龄退休: in service, retirement month within the months asked (default 12), overdue first."""

    permission_required = "cadres.view_cadre"
    filterset_for = staticmethod(retirement_filterset)
    template_name = "cadres/retirement_list.html"
    results_template = "cadres/_retirement_results.html"
    results_id = "retirement-results"
    context_object_name = "cadres"

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset()
        return super().get_context_data(as_of=filterset.as_of_day, months=filterset.horizon_months,
                                        page_url=self.request.get_full_path(), **kwargs)


class RetirementDueExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The 到龄退休 list as filtered, as an Excel workbook (built and audited by ``services.retirement_export``)."""

    permission_required = ("cadres.view_cadre", "cadres.export_roster")

    def get(self, request):
        export = services.retirement_export(actor=request.user, data=request.GET)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=export.filename)


class CadreRetireView(CadreScopedMixin, ServiceFormMixin, FormView):
    """办理退休: a confirmation page saying what will be closed, then ``services.cadre_retire``."""

    form_class = RetireForm
    template_name = "cadres/retire_confirm.html"

    def get_initial(self):
        return {"retire_date": default_retire_date(self.cadre.birth_date, self.cadre.gender)}

    def get_context_data(self, **kwargs):
        cadre = self.cadre
        return super().get_context_data(
            retirement=outlook(cadre.birth_date, cadre.gender, timezone.localdate()),
            open_posts=list(cadre.posts.open().select_related("department").order_by("level", "start_date")),
            open_ranks=list(cadre.ranks.open().order_by("rank")),
            back_url=self.back_url(), **kwargs)

    def back_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return target
        return reverse("cadres:cadre_detail", args=[self.cadre.pk])

    def perform(self, form):
        cadre = services.cadre_retire(actor=self.request.user, cadre=self.cadre,
                                      retire_date=form.cleaned_data["retire_date"], reason=form.cleaned_data["reason"])
        messages.success(self.request, texts.RETIRED_DONE.format(name=cadre.name, date=cadre.status_date))

    def get_success_url(self):
        return self.back_url()
