"""个人培养计划 pages: the pool members and their plans, a plan with its progress, and the writes on it.

Thin views: each reads through ``training.selectors.plans`` (scoped; out of scope is 404) and writes
through one service of ``training.services.plans``; a refusal lands on the form or comes back as a message.
"""

import io
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, View

from cadre_office.lists import FilteredListView
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from training.forms_plans import (
    PlanCloseForm,
    PlanCreateForm,
    PlanForm,
    PlanGapForm,
    PlanGoalForm,
    PlanItemForm,
    PlanReviewForm,
)
from training.models import DevelopmentPlan, PlanGap, PlanGoal, PlanItem
from training.selectors.plans import (
    half_label,
    members_visible_to,
    plan_detail,
    plan_filterset,
    plan_items,
    plans_visible_to,
    progress_of,
)
from training.services.plans import (
    plan_activate,
    plan_close,
    plan_create,
    plan_review_record,
    plan_row_delete,
    plan_row_save,
    plan_update,
    plans_export,
)

PLAN_CREATED = "培养计划已制定（草拟），请补充培养目标和培养安排后启动实施。"
PLAN_SAVED = "培养计划已保存。"
PLAN_ACTIVATED = "培养计划已启动实施。"
PLAN_CLOSED = "培养计划已结束。"
ROW_SAVED = "{label}已保存。"
ROW_DELETED = "{label}已删除。"
REVIEW_SAVED = "{period}考评已记录。"


def _with_progress(rows):
    for row in rows:
        row.the_plan = getattr(row, "plan", None)
        row.progress = progress_of(row) if row.the_plan else None
    return rows


class PlanListView(FilteredListView):
    """培养计划: the pool members in scope, with or without a plan, its progress, last review and whether one is due."""

    permission_required = "training.view_developmentplan"
    filterset_for = staticmethod(plan_filterset)
    template_name = "training/plans/plan_list.html"
    results_template = "training/plans/_plan_results.html"
    results_id = "plan-results"
    context_object_name = "members"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _with_progress(context["members"])
        return context


class PlanExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The plan list as filtered, as an Excel workbook (built and audited by the service)."""

    permission_required = ("training.view_developmentplan", "training.export_training")

    def get(self, request):
        export = plans_export(actor=request.user, data=request.GET)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=export.filename)


class PlanCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
    """制定培养计划 for one pool member in scope (404 outside it)."""

    permission_required = "training.add_developmentplan"
    form_class = PlanCreateForm
    template_name = "training/plans/plan_form.html"
    success_message = PLAN_CREATED

    @cached_property
    def member(self):
        return get_in_scope_or_404(members_visible_to(self.request.user).select_related("cadre__department"),
                                   actor=self.request.user, path=self.request.path, pk=self.kwargs["member"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "cadre": self.member.cadre}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cadre=self.member.cadre, member=self.member, heading="制定个人培养计划",
                                        **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return plan_create(actor=self.request.user, member=self.member, start_year=data["start_year"],
                           end_year=data["end_year"], direction=data["direction"], mentor=data["mentor"],
                           mentor_note=data["mentor_note"], shortcomings=data["shortcomings"],
                           extra_gaps=data["extra_gaps"])

    def get_success_url(self):
        return reverse("training:plan_detail", args=[self.object.pk])


class PlanScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """The plan of the URL within the user's scope (404 outside it, audited)."""

    plan_url_kwarg = "pk"

    @cached_property
    def plan(self):
        return get_in_scope_or_404(plans_visible_to(self.request.user).select_related("cadre__department"),
                                   actor=self.request.user, path=self.request.path,
                                   pk=self.kwargs[self.plan_url_kwarg])

    def plan_url(self):
        return reverse("training:plan_detail", args=[self.plan.pk])


class PlanDetailView(PlanScopedMixin, DetailView):
    """A plan: its head, progress, gaps, goals, planned items (done from their records) and reviews; printable."""

    permission_required = "training.view_developmentplan"
    template_name = "training/plans/plan_detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        return get_in_scope_or_404(plan_detail(self.request.user), actor=self.request.user,
                                   path=self.request.path, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        plan, user = self.object, self.request.user
        editable = plan.state != DevelopmentPlan.State.CLOSED and user.has_perm("training.change_developmentplan")
        return super().get_context_data(
            progress=progress_of(plan), gaps=list(plan.gaps.all()), goals=list(plan.goals.all()),
            items=list(plan_items(plan)), reviews=list(plan.reviews.select_related("reviewer")),
            editable=editable,
            may_activate=editable and plan.state == DevelopmentPlan.State.DRAFT,
            may_close=editable and plan.state == DevelopmentPlan.State.ACTIVE,
            may_review=plan.state == DevelopmentPlan.State.ACTIVE and user.has_perm("training.review_plan"),
            close_form=PlanCloseForm(), today=timezone.localdate(), **kwargs)


class PlanUpdateView(PlanScopedMixin, ServiceFormMixin, FormView):
    """修改计划: years, direction, mentor and the mentor's duty."""

    permission_required = "training.change_developmentplan"
    form_class = PlanForm
    template_name = "training/plans/plan_form.html"
    success_message = PLAN_SAVED

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.plan, "user": self.request.user,
                "cadre": self.plan.cadre}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cadre=self.plan.cadre, plan=self.plan, heading="修改个人培养计划", **kwargs)

    def perform(self, form):
        return plan_update(actor=self.request.user, plan=form.instance)

    def get_success_url(self):
        return self.plan_url()


class PlanActionView(PlanScopedMixin, View):
    """POST 启动实施 / 结束 on a plan; a refusal comes back as a message on the plan's page."""

    permission_required = "training.change_developmentplan"
    http_method_names = ["post"]
    action = ""

    def post(self, request, pk):
        try:
            if self.action == "activate":
                plan_activate(actor=request.user, plan=self.plan)
                messages.success(request, PLAN_ACTIVATED)
            else:
                form = PlanCloseForm(request.POST)
                plan_close(actor=request.user, plan=self.plan,
                           reason=form.cleaned_data["reason"] if form.is_valid() else "")
                messages.success(request, PLAN_CLOSED)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(self.plan_url())


# --- gaps, goals and items: one set of views, told which kind of row -----------------------------


@dataclass(frozen=True)
class RowKind:
    """A kind of row of a plan: its model, its form, and what it is called."""

    model: type
    form_class: type
    label: str
    anchor: str


ROWS = {
    "gap": RowKind(PlanGap, PlanGapForm, "培养短板", "gaps"),
    "goal": RowKind(PlanGoal, PlanGoalForm, "培养目标", "goals"),
    "item": RowKind(PlanItem, PlanItemForm, "培养安排", "items"),
}


class PlanRowMixin(PlanScopedMixin):
    permission_required = "training.change_developmentplan"
    row: RowKind = None

    @cached_property
    def instance(self):
        if "row" not in self.kwargs:
            return self.row.model(plan=self.plan)
        return get_in_scope_or_404(self.row.model.objects.filter(plan=self.plan), actor=self.request.user,
                                   path=self.request.path, pk=self.kwargs["row"])

    def get_success_url(self):
        return f"{self.plan_url()}#{self.row.anchor}"


class PlanRowFormView(PlanRowMixin, ServiceFormMixin, FormView):
    """新增 / 修改 a gap, goal or planned item of a plan."""

    template_name = "training/plans/row_form.html"

    def get_form_class(self):
        return self.row.form_class

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "instance": self.instance}
        if self.row.model is PlanItem:
            kwargs["plan"] = self.plan
        return kwargs

    def get_context_data(self, **kwargs):
        verb = "新增" if self.instance._state.adding else "修改"
        return super().get_context_data(plan=self.plan, heading=f"{verb}{self.row.label}", row=self.row, **kwargs)

    def perform(self, form):
        self.success_message = ROW_SAVED.format(label=self.row.label)
        return plan_row_save(actor=self.request.user, row=form.instance)


class PlanRowDeleteView(PlanRowMixin, View):
    """POST: delete a gap, goal or planned item (a refusal comes back as a message)."""

    http_method_names = ["post"]

    def post(self, request, **kwargs):
        try:
            plan_row_delete(actor=request.user, row=self.instance)
            messages.success(request, ROW_DELETED.format(label=self.row.label))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(self.get_success_url())


class PlanReviewCreateView(PlanScopedMixin, ServiceFormMixin, FormView):
    """半年考评: the half, the rating, the progress and the next steps; the reviewer is the user."""

    permission_required = "training.review_plan"
    form_class = PlanReviewForm
    template_name = "training/plans/row_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "today": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, heading="培养计划考评", **kwargs)

    def perform(self, form):
        year, half = form.cleaned_data["period"]
        self.success_message = REVIEW_SAVED.format(period=half_label(year, half))
        return plan_review_record(actor=self.request.user, plan=self.plan, year=year, half=half,
                                  rating=form.cleaned_data["rating"], progress=form.cleaned_data["progress"],
                                  next_steps=form.cleaned_data["next_steps"])

    def get_success_url(self):
        return f"{self.plan_url()}#reviews"
