"""动态管理 pages: the review queue, the decision on a flagged cadre, the rules (the age ladder is the dashboard's)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, UpdateView

from cadre_office.lists import FilteredListView
from cadre_office.views import ServiceFormMixin
from cadres.selectors import department_choices
from cadres.views.record import CadreScopedMixin
from oversight.forms import DecisionForm, FlagRuleForm
from oversight.models import AdjustmentDecision, AdjustmentFlag, AnnualAppraisal, FlagRule, RecognitionEvaluation
from oversight.selectors.adjustments import flag_filterset
from oversight.services import adjustments as services

VIEW = "oversight.view_adjustmentflag"
DECIDE = "oversight.decide_adjustment"

FLAGS_RAISED = "已按预警规则完成检查：新增预警 {count} 条。"
DECIDED = "已对{name}作出处理决定：{outcome}。"
RULE_SAVED = "已保存预警规则“{rule}”。"


class FlagListView(FilteredListView):
    """The review queue: flagged cadres waiting for a decision (the handled ones on demand)."""

    permission_required = VIEW
    filterset_for = staticmethod(flag_filterset)
    template_name = "oversight/adjustments/flag_list.html"
    results_template = "oversight/adjustments/_flag_results.html"
    results_id = "flag-results"
    context_object_name = "flags"


class FlagRecheckView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Run the rules over the team now (the nightly task does the same)."""

    permission_required = DECIDE

    def post(self, request):
        raised = services.flags_raise(actor=request.user)
        messages.success(request, FLAGS_RAISED.format(count=len(raised)))
        return redirect("oversight:flag_list")


class DecisionCreateView(CadreScopedMixin, ServiceFormMixin, FormView):
    """研判: the cadre's open flags and record beside the decision form."""

    permission_required = DECIDE
    form_class = DecisionForm
    template_name = "oversight/adjustments/decision_form.html"

    def get_initial(self):
        today = timezone.localdate()
        return {"decided_on": today, "effective_date": today, "new_department": self.cadre.department_id}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": department_choices(self.request.user)}

    def get_context_data(self, **kwargs):
        cadre = self.cadre
        return super().get_context_data(
            open_flags=list(AdjustmentFlag.objects.filter(cadre=cadre, state=AdjustmentFlag.State.OPEN)
                            .select_related("rule")),
            appraisals=list(AnnualAppraisal.objects.filter(cadre=cadre).order_by("-year")[:5]),
            evaluations=list(RecognitionEvaluation.objects.filter(cadre=cadre).order_by("-evaluated_on")[:3]),
            open_posts=list(cadre.posts.open().select_related("department").order_by("level", "start_date")),
            decisions=list(AdjustmentDecision.objects.filter(cadre=cadre).select_related("decided_by")),
            **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        decision = services.decision_make(
            actor=self.request.user, cadre=self.cadre, outcome=data["outcome"], reason=data["reason"],
            decided_on=data["decided_on"], effective_date=data["effective_date"], document=data["document"],
            new_department=data["new_department"], new_title=data["new_title"], new_level=data["new_level"],
            pool_exit=data["pool_exit"])
        self.success_message = DECIDED.format(name=self.cadre.name, outcome=decision.get_outcome_display())
        return decision

    def get_success_url(self):
        return reverse("oversight:flag_list")


class FlagRuleListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """The rules as data: what each flags, its numbers, on or off."""

    permission_required = "oversight.view_flagrule"
    template_name = "oversight/adjustments/rule_list.html"
    context_object_name = "rules"

    def get_queryset(self):
        return FlagRule.objects.order_by("id")


class FlagRuleUpdateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, UpdateView):
    permission_required = "oversight.change_flagrule"
    model = FlagRule
    form_class = FlagRuleForm
    template_name = "oversight/adjustments/rule_form.html"
    context_object_name = "rule"

    def perform(self, form):
        data = form.cleaned_data
        rule = services.flag_rule_update(actor=self.request.user, rule=self.object, active=data["active"],
                                         times=data["times"], window=data["window"], threshold=data["threshold"],
                                         note=data["note"])
        self.success_message = RULE_SAVED.format(rule=rule)
        return rule

    def get_success_url(self):
        return reverse("oversight:flagrule_list")
