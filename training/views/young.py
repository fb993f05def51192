"""年轻干部选育 pages: the rounds, the eligible cadres, nominations, the review gate, the pool and their exports."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView, View

from cadre_office.lists import FilteredListView
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.permissions import visible_to
from training.forms_young import DecisionForm, NominationForm, RoundForm
from training.models import YoungCadreRound
from training.selectors import young as selectors
from training.services import young as services

ROUND_SAVED = "选育年度已保存。"
ROUND_ADVANCED = "已{action}。"
NOMINATED = "已推荐{name}，待局领导审批。"
WITHDRAWN = "已撤回对{name}的推荐。"
APPROVED = "已同意{name}，列入后备干部库。"
REJECTED = "已不同意{name}。"


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return HttpResponseRedirect(target)


# --- rounds -------------------------------------------------------------------------------------------


class RoundListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """年轻干部选育: every year's round with its counts."""

    permission_required = "training.view_youngcadreround"
    template_name = "training/young/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return selectors.round_list(self.request.user)


class RoundFormMixin(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin):
    model = YoungCadreRound
    form_class = RoundForm
    template_name = "training/young/round_form.html"
    success_message = ROUND_SAVED
    context_object_name = "round"

    def get_success_url(self):
        return reverse("training:round_detail", args=[self.object.pk])


class RoundCreateView(RoundFormMixin, CreateView):
    permission_required = "training.add_youngcadreround"

    def get_initial(self):
        return services.round_defaults()

    def perform(self, form):
        return services.round_create(actor=self.request.user, round_=form.instance)


class RoundUpdateView(RoundFormMixin, UpdateView):
    permission_required = "training.change_youngcadreround"

    def perform(self, form):
        return services.round_update(actor=self.request.user, round_=form.instance)


class RoundDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """One round: its rules, its steps, quota against approvals, and the pool by age band and level."""

    permission_required = "training.view_youngcadreround"
    template_name = "training/young/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return selectors.rounds_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        round_ = self.object
        return super().get_context_data(
            figures=selectors.round_figures(self.request.user, round_),
            reference_date=selectors.reference_date(round_.year),
            steps=[(to, label) for (state, to), label in services.ROUND_STEPS.items() if state == round_.state],
            **kwargs)


class RoundAdvanceView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST a round's next step (``to``); a refusal comes back as a message."""

    permission_required = "training.change_youngcadreround"
    http_method_names = ["post"]

    def post(self, request, pk):
        round_ = get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)
        to = request.POST.get("to", "")
        try:
            services.round_advance(actor=request.user, round_=round_, to=to)
            messages.success(request, ROUND_ADVANCED.format(
                action=next(label for (_, target), label in services.ROUND_STEPS.items() if target == to)))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse("training:round_detail", args=[round_.pk]))


class RoundMixin:
    """A page of one round (``round_pk``), any round the user may read."""

    @cached_property
    def round(self):
        return get_object_or_404(selectors.rounds_visible_to(self.request.user), pk=self.kwargs["round_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.round,
                                        reference_date=selectors.reference_date(self.round.year), **kwargs)


class EligibleListView(RoundMixin, FilteredListView):
    """符合条件的干部: those in scope the round's rules admit, to nominate from."""

    permission_required = "training.view_nomination"
    template_name = "training/young/eligible_list.html"
    results_template = "training/young/_eligible_results.html"
    results_id = "eligible-results"
    context_object_name = "cadres"

    def get_filterset(self):
        if not hasattr(self, "filterset"):
            self.filterset = selectors.eligible_filterset(self.request.user, self.round, self.request.GET or None)
        return self.filterset

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        open_ = self.round.state == YoungCadreRound.State.OPEN and today <= self.round.nomination_deadline
        return super().get_context_data(can_nominate=open_ and self.request.user.has_perm("training.nominate"),
                                        **kwargs)


# --- nominations --------------------------------------------------------------------------------------


class NominationListView(RoundMixin, FilteredListView):
    """A round's nominations in the user's scope."""

    permission_required = "training.view_nomination"
    template_name = "training/young/nomination_list.html"
    results_template = "training/young/_nomination_results.html"
    results_id = "nomination-results"
    context_object_name = "nominations"

    def get_filterset(self):
        if not hasattr(self, "filterset"):
            self.filterset = selectors.nomination_filterset(self.request.user, self.round, self.request.GET or None)
        return self.filterset


class NominationExportView(RoundMixin, LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_nomination", "training.export_training")

    def get(self, request, round_pk):
        export = services.nominations_export(actor=request.user, round_=self.round, data=request.GET)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=export.filename)


class NominationCreateView(RoundMixin, LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
    """推荐: one cadre (in scope, else 404) in one round, by recommendation or self-recommendation."""

    permission_required = "training.nominate"
    form_class = NominationForm
    template_name = "training/young/nomination_form.html"

    @cached_property
    def cadre(self):
        return get_in_scope_or_404(visible_to(self.request.user).select_related("department"),
                                   actor=self.request.user, path=self.request.path, pk=self.kwargs["cadre_pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.cadre  # noqa: B018 - out of scope: 404 before anything else
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cadre=self.cadre, problems=selectors.ineligibility(self.round, self.cadre),
                                        **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        nomination = services.nomination_create(
            actor=self.request.user, round_=self.round, cadre=self.cadre, kind=data["kind"], reason=data["reason"],
            recommender=data["recommender"], recommended_by=data["recommended_by"])
        self.success_message = NOMINATED.format(name=self.cadre.name)
        return nomination

    def get_success_url(self):
        return reverse("training:nomination_list", args=[self.round.pk])


class NominationWithdrawView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "training.nominate"
    http_method_names = ["post"]

    def post(self, request, pk):
        nomination = get_in_scope_or_404(selectors.nominations_visible_to(request.user).select_related("cadre"),
                                         actor=request.user, path=request.path, pk=pk)
        try:
            services.nomination_withdraw(actor=request.user, nomination=nomination)
            messages.success(request, WITHDRAWN.format(name=nomination.cadre.name))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return _back(request, reverse("training:nomination_list", args=[nomination.round_id]))


# --- the review gate ----------------------------------------------------------------------------------


class NominationReviewView(FilteredListView):
    """推荐人选审批: pending nominations of rounds under review; the leader's own ones shown without buttons."""

    permission_required = "training.decide_nomination"
    filterset_for = staticmethod(selectors.review_filterset)
    template_name = "training/young/review.html"
    results_template = "training/young/_nomination_results.html"
    results_id = "nomination-results"
    context_object_name = "nominations"

    def get_context_data(self, **kwargs):
        rounds = YoungCadreRound.objects.filter(state=YoungCadreRound.State.REVIEW).order_by("year")
        return super().get_context_data(review_queue=True, review_rounds=rounds, **kwargs)


class NominationDecideView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST 同意 / 不同意 on one nomination (in scope, else 404); a refusal comes back as a message."""

    permission_required = "training.decide_nomination"
    http_method_names = ["post"]

    def post(self, request, pk):
        nomination = get_in_scope_or_404(selectors.nominations_visible_to(request.user).select_related("cadre"),
                                         actor=request.user, path=request.path, pk=pk)
        form = DecisionForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            if request.POST.get("decision") == "approve":
                services.nomination_approve(actor=request.user, nomination=nomination, reason=reason)
                messages.success(request, APPROVED.format(name=nomination.cadre.name))
            else:
                services.nomination_reject(actor=request.user, nomination=nomination, reason=reason)
                messages.success(request, REJECTED.format(name=nomination.cadre.name))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return _back(request, reverse("training:nomination_review"))


# --- the pool -----------------------------------------------------------------------------------------


class PoolListView(FilteredListView):
    """后备干部库: members in scope, in or out, with filters."""

    permission_required = "training.view_poolmember"
    filterset_for = staticmethod(selectors.pool_filterset)
    template_name = "training/young/pool_list.html"
    results_template = "training/young/_pool_results.html"
    results_id = "pool-results"
    context_object_name = "members"


class PoolExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_poolmember", "training.export_training")

    def get(self, request):
        export = services.pool_export(actor=request.user, data=request.GET)
        return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=export.filename)

