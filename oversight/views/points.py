"""积分管理 pages: the rule table, the ledger, the review queue and its actions, the ranking and its export."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import CreateView, FormView, ListView, UpdateView, View

from cadre_office.lists import FilteredListView
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from oversight.forms_points_talks import PointEntryForm, PointRuleForm, ReviewForm
from oversight.models import PointRule
from oversight.selectors.points import entries_visible_to, entry_filterset, ranking_filterset, review_filterset
from oversight.services import point_entry_approve, point_entry_create, point_entry_reject, point_rule_save
from oversight.services.points import points_ranking_export

ENTRY_SAVED = "积分记录已录入，待审核。"
RULE_SAVED = "积分规则已保存。"
APPROVED = "已审核通过：{entry}。"
REJECTED = "已审核不通过：{entry}。"


class PointRuleListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """积分规则: the table as it stands, inactive rules last."""

    permission_required = "oversight.view_pointrule"
    template_name = "oversight/points/rule_list.html"
    context_object_name = "rules"

    def get_queryset(self):
        return PointRule.objects.order_by("-active", "order", "id")


class PointRuleFormMixin(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin):
    model = PointRule
    form_class = PointRuleForm
    template_name = "oversight/points/rule_form.html"
    success_url = reverse_lazy("oversight:points_rules")
    success_message = RULE_SAVED

    def perform(self, form):
        return point_rule_save(actor=self.request.user, rule=form.instance)


class PointRuleCreateView(PointRuleFormMixin, CreateView):
    permission_required = "oversight.add_pointrule"


class PointRuleUpdateView(PointRuleFormMixin, UpdateView):
    permission_required = "oversight.change_pointrule"


class PointEntryListView(FilteredListView):
    """积分记录: every entry in the user's scope."""

    permission_required = "oversight.view_pointentry"
    filterset_for = staticmethod(entry_filterset)
    template_name = "oversight/points/entry_list.html"
    results_template = "oversight/points/_entry_results.html"
    results_id = "entry-results"
    context_object_name = "entries"


class PointReviewQueueView(PointEntryListView):
    """积分待审核: the pending entries whose rule this user's role reviews, entered by someone else."""

    permission_required = "oversight.review_pointentry"
    filterset_for = staticmethod(review_filterset)
    template_name = "oversight/points/review_queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(review_queue=True, review_form=ReviewForm(), **kwargs)


class PointEntryCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
    """录入积分: the cadre (in scope), the item, the date and the evidence; the service gives the points."""

    permission_required = "oversight.add_pointentry"
    form_class = PointEntryForm
    template_name = "oversight/points/entry_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        cadre = self.request.GET.get("cadre", "")
        return {"cadre": cadre} if cadre.isdigit() else {}

    def get_context_data(self, **kwargs):
        rules = PointRule.objects.filter(active=True).order_by("order", "id")
        return super().get_context_data(rules=rules, **kwargs)

    success_message = ENTRY_SAVED
    success_url = reverse_lazy("oversight:points_entries")

    def perform(self, form):
        point_entry_create(actor=self.request.user, **form.cleaned_data)


class PointEntryReviewView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST 通过 / 不通过 on one entry (in scope, else 404); a refusal comes back as a message."""

    permission_required = "oversight.review_pointentry"
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_in_scope_or_404(entries_visible_to(request.user).select_related("rule", "cadre"),
                                    actor=request.user, path=request.path, pk=pk)
        form = ReviewForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            if request.POST.get("decision") == "approve":
                point_entry_approve(actor=request.user, entry=entry, note=note)
                messages.success(request, APPROVED.format(entry=f"{entry.cadre.name} {entry}"))
            else:
                point_entry_reject(actor=request.user, entry=entry, note=note)
                messages.success(request, REJECTED.format(entry=f"{entry.cadre.name} {entry}"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("oversight:points_review")
        return HttpResponseRedirect(target)


class PointRankingView(FilteredListView):
    """积分排名: the cadres of a unit ranked by the points that count for the year."""

    permission_required = "oversight.view_pointentry"
    filterset_for = staticmethod(ranking_filterset)
    template_name = "oversight/points/ranking.html"
    results_template = "oversight/points/_ranking_results.html"
    results_id = "ranking-results"
    context_object_name = "cadres"


class PointRankingExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The ranking as filtered, as an Excel workbook (built and audited by the service)."""

    permission_required = ("oversight.view_pointentry", "oversight.export_points")

    def get(self, request):
        export = points_ranking_export(actor=request.user, data=request.GET)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=export.filename)
