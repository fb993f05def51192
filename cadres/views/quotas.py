"""职数: the overview on a day, who occupies a number, the export, and recording or correcting an approval."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.generic import CreateView, TemplateView, UpdateView, View

from cadre_office.views import ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres import services
from cadres.forms import QuotaFilterForm, QuotaForm
from cadres.models import PostQuota
from cadres.permissions import departments_visible_to
from cadres.quotas import KIND_LABELS, parse_kind
from cadres.selectors import department_choices, quota_occupants, quota_overview, quota_unit

VIEW_QUOTAS = "cadres.view_postquota"


class QuotaDayMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """?as_of=YYYY-MM-DD (default today) and ?show=over|vacant, parsed once."""

    permission_required = VIEW_QUOTAS

    @cached_property
    def filter_form(self) -> QuotaFilterForm:
        return QuotaFilterForm(self.request.GET or None, today=timezone.localdate())

    @cached_property
    def as_of(self):
        return self.filter_form.values()[0]

    @cached_property
    def show(self) -> str:
        return self.filter_form.values()[1]


class QuotaOverviewView(QuotaDayMixin, TemplateView):
    """职数情况: each unit's quotas against occupancy on a day, in tree order, with the totals."""

    template_name = "cadres/quota_overview.html"

    def get_context_data(self, **kwargs):
        overview = quota_overview(self.request.user, as_of=self.as_of, show=self.show)
        query = urlencode({"as_of": f"{self.as_of:%Y-%m-%d}", **({"show": self.show} if self.show else {})})
        return super().get_context_data(overview=overview, filter_form=self.filter_form, query_string=query,
                                        day_query=urlencode({"as_of": f"{self.as_of:%Y-%m-%d}"}), **kwargs)


class QuotaExportView(QuotaDayMixin, View):
    """The overview as shown (day and filter) as an Excel workbook (built and audited by ``services.quota_export``)."""

    def get(self, request):
        export = services.quota_export(actor=request.user, as_of=self.as_of, show=self.show)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=export.filename)


class QuotaOccupantsView(QuotaDayMixin, TemplateView):
    """Who occupies a unit's quota of one kind on the day: the rows behind the overview's number."""

    permission_required = (VIEW_QUOTAS, "cadres.view_cadre")
    template_name = "cadres/quota_occupants.html"

    def get_context_data(self, **kwargs):
        kind = self.kwargs["kind_code"]
        if parse_kind(kind) is None:
            raise Http404("没有这类职数")
        unit = quota_unit(self.request.user, self.kwargs["unit_pk"], path=self.request.path)
        occupants = quota_occupants(self.request.user, unit=unit, kind=kind, as_of=self.as_of)
        return super().get_context_data(unit=unit, kind=kind, kind_label=KIND_LABELS[kind], occupants=occupants,
                                        is_rank=kind.startswith("R"), as_of=self.as_of,
                                        day_query=urlencode({"as_of": f"{self.as_of:%Y-%m-%d}"}), **kwargs)


class QuotaFormMixin(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin):
    model = PostQuota
    form_class = QuotaForm
    template_name = "cadres/quota_form.html"

    def get_queryset(self):
        return PostQuota.objects.filter(department__in=departments_visible_to(self.request.user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": department_choices(self.request.user)}

    def get_success_url(self):
        return reverse("cadres:department_update", args=[self.object.department_id]) + "#quotas"


class QuotaCreateView(QuotaFormMixin, CreateView):
    """新增职数: a new approval (a new 批复), effective from its day on."""

    permission_required = "cadres.add_postquota"
    success_message = "职数核定已保存。"

    def get_initial(self):
        unit = self.request.GET.get("department", "")
        return {"department": unit} if unit.isdigit() else {}

    def perform(self, form):
        return services.quota_create(actor=self.request.user, **form.service_fields())


class QuotaUpdateView(QuotaFormMixin, UpdateView):
    """更正职数: correct an approval entered wrongly, with the reason."""

    permission_required = "cadres.change_postquota"
    success_message = "职数核定已更正。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "correcting": True}

    def perform(self, form):
        quota = self.get_object()
        return services.quota_update(actor=self.request.user, quota=quota, reason=form.cleaned_data["reason"],
                                     **form.service_fields())
