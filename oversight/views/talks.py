"""谈心谈话 pages: the list (with due and overdue), a talk and its follow-ups, recording, the plan and its coverage."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, UpdateView, View

from cadre_office.lists import FilteredListView
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ScopedMixin, ServiceFormMixin
from oversight.forms_points_talks import CancelForm, FollowUpDoneForm, FollowUpForm, TalkForm, TalkPlanForm
from oversight.models import Talk, TalkFollowUp, TalkPlan
from oversight.selectors.talks import (
    coverage_filterset,
    coverage_queryset,
    coverage_summary,
    follow_up_filterset,
    follow_ups_visible_to,
    plan_for,
    talk_filterset,
    talk_page_queryset,
)
from oversight.services import (
    follow_up_add,
    follow_up_complete,
    talk_cancel,
    talk_create,
    talk_plan_save,
    talk_record_held,
)
from oversight.services.talks import may_record

TALK_SAVED = "谈话记录已保存。"
TALK_CANCELLED = "已取消该谈话。"
FOLLOW_UP_SAVED = "跟踪事项已添加。"
FOLLOW_UP_DONE_SAVED = "跟踪事项已办结。"
PLAN_SAVED = "{year}年度谈心谈话计划已保存。"


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class TalkListView(FilteredListView):
    """谈心谈话: talks held and due in the user's scope; ``?due=overdue`` is the desk's overdue list."""

    permission_required = "oversight.view_talk"
    filterset_for = staticmethod(talk_filterset)
    template_name = "oversight/talks/talk_list.html"
    results_template = "oversight/talks/_talk_results.html"
    results_id = "talk-results"
    context_object_name = "talks"

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class TalkCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
    """记录谈话: a talk already held (日常谈心, 离任谈话 …), not raised by an event."""

    permission_required = "oversight.add_talk"
    form_class = TalkForm
    template_name = "oversight/talks/talk_form.html"
    success_message = TALK_SAVED

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "user": self.request.user, "instance": Talk()}

    def get_initial(self):
        cadre, kind = self.request.GET.get("cadre", ""), self.request.GET.get("kind", "")
        return {**({"cadre": cadre} if cadre.isdigit() else {}), **({"kind": kind} if kind in Talk.Kind.values else {})}

    def perform(self, form):
        return talk_create(actor=self.request.user, talk=form.instance)

    def get_success_url(self):
        return reverse("oversight:talk_detail", args=[self.object.pk])


class TalkScopedMixin(ScopedMixin):
    scope = staticmethod(talk_page_queryset)
    model = Talk


class TalkDetailView(TalkScopedMixin, DetailView):
    """A talk: what was said (肯定成绩, 指出不足, 提出要求), its follow-ups, and what may be done next."""

    permission_required = "oversight.view_talk"
    template_name = "oversight/talks/talk_detail.html"
    context_object_name = "talk"

    def get_context_data(self, **kwargs):
        talk, user = self.object, self.request.user
        may_write = (user.has_perm("oversight.change_talk") and may_record(user, talk.talker)) or \
            user.has_perm("oversight.record_any_talk")
        return super().get_context_data(
            follow_ups=list(talk.follow_ups.all()), may_write=may_write, today=timezone.localdate(),
            may_record_held=talk.state == Talk.State.DUE and user.has_perm("oversight.change_talk"),
            may_cancel=talk.state == Talk.State.DUE and user.has_perm("oversight.record_any_talk"),
            follow_up_form=kwargs.pop("follow_up_form", FollowUpForm()), cancel_form=CancelForm(),
            done_form=FollowUpDoneForm(initial={"done_on": timezone.localdate()}), **kwargs)


class TalkRecordView(TalkScopedMixin, ServiceFormMixin, UpdateView):
    """记录谈话情况: a due talk recorded as held (the cadre and kind stay as raised)."""

    permission_required = "oversight.change_talk"
    form_class = TalkForm
    template_name = "oversight/talks/talk_form.html"
    success_message = TALK_SAVED

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "due": True}

    def perform(self, form):
        return talk_record_held(actor=self.request.user, talk=form.instance)

    def get_success_url(self):
        return reverse("oversight:talk_detail", args=[self.object.pk])


class TalkCancelView(TalkScopedMixin, View):
    permission_required = "oversight.record_any_talk"
    http_method_names = ["post"]

    def post(self, request, pk):
        talk = get_in_scope_or_404(talk_page_queryset(request.user), actor=request.user, path=request.path, pk=pk)
        form = CancelForm(request.POST)
        try:
            talk_cancel(actor=request.user, talk=talk, reason=form.data.get("reason", ""))
            messages.success(request, TALK_CANCELLED)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("oversight:talk_detail", pk=talk.pk)


class FollowUpCreateView(TalkScopedMixin, View):
    permission_required = "oversight.add_talkfollowup"
    http_method_names = ["post"]

    def post(self, request, pk):
        talk = get_in_scope_or_404(talk_page_queryset(request.user), actor=request.user, path=request.path, pk=pk)
        form = FollowUpForm(request.POST, instance=TalkFollowUp(talk=talk))
        if form.is_valid():
            try:
                follow_up_add(actor=request.user, follow_up=form.instance)
                messages.success(request, FOLLOW_UP_SAVED)
                return redirect("oversight:talk_detail", pk=talk.pk)
            except ValidationError as exc:
                _form_errors(form, exc)
        view = TalkDetailView(request=request, kwargs={"pk": pk}, args=())
        view.object = talk
        return view.render_to_response(view.get_context_data(follow_up_form=form))


class FollowUpDoneView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "oversight.change_talkfollowup"
    http_method_names = ["post"]

    def post(self, request, pk):
        follow_up = get_in_scope_or_404(follow_ups_visible_to(request.user), actor=request.user, path=request.path,
                                        pk=pk)
        form = FollowUpDoneForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                follow_up_complete(actor=request.user, follow_up=follow_up, **form.cleaned_data)
                messages.success(request, FOLLOW_UP_DONE_SAVED)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        return redirect("oversight:talk_detail", pk=follow_up.talk_id)


class FollowUpListView(FilteredListView):
    """谈话跟踪事项: open follow-ups in scope, earliest due first."""

    permission_required = "oversight.view_talk"
    filterset_for = staticmethod(follow_up_filterset)
    template_name = "oversight/talks/followup_list.html"
    results_template = "oversight/talks/_followup_results.html"
    results_id = "followup-results"
    context_object_name = "follow_ups"

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


def _year(request) -> int:
    this_year = timezone.localdate().year
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and this_year - 5 <= int(value) <= this_year + 1 else this_year


class TalkPlanView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
    """年度谈心谈话计划: the year's leader, the kinds that count and the minimum per cadre."""

    permission_required = "oversight.change_talkplan"
    form_class = TalkPlanForm
    template_name = "oversight/talks/plan_form.html"

    def get_form_kwargs(self):
        year = _year(self.request)
        instance = TalkPlan.objects.filter(year=year).first() or TalkPlan(year=year)
        return {**super().get_form_kwargs(), "instance": instance}

    def perform(self, form):
        self.success_message = PLAN_SAVED.format(year=form.instance.year)
        return talk_plan_save(actor=self.request.user, plan=form.instance)

    def get_success_url(self):
        return reverse("oversight:talk_coverage") + f"?year={self.object.year}"


class TalkCoverageView(FilteredListView):
    """谈心谈话计划完成情况: the 科级 cadres in scope the plan's leader has not yet talked with this year."""

    permission_required = "oversight.view_talkplan"
    template_name = "oversight/talks/coverage.html"
    results_template = "oversight/talks/_coverage_results.html"
    results_id = "coverage-results"
    context_object_name = "cadres"

    def dispatch(self, request, *args, **kwargs):
        self.year = _year(request)
        self.plan = plan_for(self.year)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset(self):
        if not hasattr(self, "filterset"):
            plan = self.plan or TalkPlan(year=self.year, min_per_cadre=1)
            self.filterset = coverage_filterset(self.request.user, self.request.GET or None, plan=plan)
        return self.filterset

    def get_queryset(self):
        return super().get_queryset() if self.plan else TalkPlan.objects.none()

    def get_context_data(self, **kwargs):
        summary = coverage_summary(coverage_queryset(self.request.user, self.plan), self.plan) if self.plan else None
        this_year = timezone.localdate().year
        kinds = "、".join(Talk.Kind(kind).label for kind in self.plan.kinds) if self.plan else ""
        return super().get_context_data(plan=self.plan, year=self.year, summary=summary, plan_kinds=kinds,
                                        years=range(this_year, this_year - 5, -1), **kwargs)

