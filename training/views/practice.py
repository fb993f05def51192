"""实践锻炼 and 岗位交流 pages: placements and their steps, rotation plans, carrying them out, the candidates."""

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, UpdateView, View

from cadre_office.lists import FilteredListView
from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ScopedMixin, ServiceFormMixin
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.permissions import visible_to
from training.forms_practice import CancelForm, PlacementEndForm, PlacementForm, PlacementStartForm, RotationForm
from training.models import PracticePlacement, RotationPlan, TrainingSettings
from training.selectors.practice import (
    candidate_filterset,
    placement_filterset,
    placement_page_queryset,
    post_text,
    rotation_filterset,
    rotation_page_queryset,
    years_in_post,
)
from training.services.practice import (
    CARRY_OUT_PERMISSIONS,
    open_post_of,
    placement_cancel,
    placement_create,
    placement_end,
    placement_start,
    placement_update,
    placements_export,
    rotation_cancel,
    rotation_candidates_export,
    rotation_carry_out,
    rotation_create,
    rotations_export,
)

PLACEMENT_SAVED = "实践锻炼已登记。"
PLACEMENT_UPDATED = "实践锻炼已修改。"
PLACEMENT_STARTED = "已登记实践锻炼开始。"
PLACEMENT_ENDED = "已办理实践锻炼期满，考核结果已记入全程记实。"
PLACEMENT_CANCELLED = "已取消该实践锻炼。"
ROTATION_SAVED = "岗位交流计划已制定。"
ROTATION_CANCELLED = "已取消该交流计划。"
ROTATION_DONE = "已执行岗位交流：{name}自{day}起任{title}，原任职务于前一日免去。"


def _export_response(export):
    return FileResponse(io.BytesIO(export.content), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                        filename=export.filename)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- placements --------------------------------------------------------------------------------------


class PlacementListView(FilteredListView):
    """实践锻炼: every placement in the user's scope; ``?due=soon|overdue`` are the desk's reminders."""

    permission_required = "training.view_practiceplacement"
    filterset_for = staticmethod(placement_filterset)
    template_name = "training/practice/placement_list.html"
    results_template = "training/practice/_placement_results.html"
    results_id = "placement-results"
    context_object_name = "placements"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        soon_until = today + dt.timedelta(days=TrainingSettings.current().placement_reminder_days)
        return super().get_context_data(today=today, soon_until=soon_until, **kwargs)


class PlacementExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_practiceplacement", "training.export_training")

    def get(self, request):
        return _export_response(placements_export(actor=request.user, data=request.GET))


class PlacementCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, CreateView):
    """登记实践锻炼: a planned placement of a cadre in scope (``?cadre=`` preselects one)."""

    permission_required = "training.add_practiceplacement"
    model = PracticePlacement
    form_class = PlacementForm
    template_name = "training/practice/placement_form.html"
    success_message = PLACEMENT_SAVED

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        cadre = self.request.GET.get("cadre", "")
        return {"cadre": cadre} if cadre.isdigit() else {}

    def perform(self, form):
        return placement_create(actor=self.request.user, placement=form.instance)

    def get_success_url(self):
        return reverse("training:placement_detail", args=[self.object.pk])


class PlacementScopedMixin(ScopedMixin):
    scope = staticmethod(placement_page_queryset)
    model = PracticePlacement


class PlacementUpdateView(PlacementScopedMixin, ServiceFormMixin, UpdateView):
    permission_required = "training.change_practiceplacement"
    form_class = PlacementForm
    template_name = "training/practice/placement_form.html"
    success_message = PLACEMENT_UPDATED

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return placement_update(actor=self.request.user, placement=form.instance)

    def get_success_url(self):
        return reverse("training:placement_detail", args=[self.object.pk])


class PlacementDetailView(PlacementScopedMixin, DetailView):
    """A placement: where, as what, when; the step it is at and the form for the next one."""

    permission_required = "training.view_practiceplacement"
    template_name = "training/practice/placement_detail.html"
    context_object_name = "placement"

    def get_context_data(self, **kwargs):
        placement, user = self.object, self.request.user
        may_change = user.has_perm("training.change_practiceplacement")
        planned = placement.state == PracticePlacement.State.PLANNED
        under_way = placement.state == PracticePlacement.State.UNDER_WAY
        # A form posted back with its errors (``PlacementStepView``) replaces the blank one of its step.
        posted = {name: kwargs.pop(name, None) for name in ("start_form", "cancel_form", "end_form")}
        context = {
            "today": timezone.localdate(), "may_change": may_change and planned,
            "start_form": posted["start_form"] or (PlacementStartForm() if may_change and planned else None),
            "cancel_form": posted["cancel_form"] or (CancelForm() if may_change and planned else None),
            "end_form": posted["end_form"] or (PlacementEndForm() if may_change and under_way else None),
        }
        if under_way:
            context["reminder_days"] = TrainingSettings.current().placement_reminder_days
            context["soon_until"] = context["today"] + dt.timedelta(days=context["reminder_days"])
        return super().get_context_data(**context, **kwargs)


class PlacementStepView(PlacementScopedMixin, View):
    """POST one step of a placement (start, end, cancel); a refusal comes back on the detail page's form."""

    permission_required = "training.change_practiceplacement"
    http_method_names = ["post"]
    form_class = None
    form_name = ""
    success_message = ""

    def perform(self, placement, form):
        raise NotImplementedError

    def post(self, request, pk):
        placement = get_in_scope_or_404(placement_page_queryset(request.user), actor=request.user,
                                        path=request.path, pk=pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(placement, form)
                messages.success(request, self.success_message)
                return redirect("training:placement_detail", pk=placement.pk)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # the placement is past this step (a second click): say so
                    messages.error(request, "；".join(exc.messages))
                    return redirect("training:placement_detail", pk=placement.pk)
                _form_errors(form, exc)
        view = PlacementDetailView(request=request, kwargs={"pk": pk}, args=())
        view.object = placement
        return view.render_to_response(view.get_context_data(**{self.form_name: form}))


class PlacementStartView(PlacementStepView):
    form_class, form_name, success_message = PlacementStartForm, "start_form", PLACEMENT_STARTED

    def perform(self, placement, form):
        placement_start(actor=self.request.user, placement=placement, **form.cleaned_data)


class PlacementEndView(PlacementStepView):
    form_class, form_name, success_message = PlacementEndForm, "end_form", PLACEMENT_ENDED

    def perform(self, placement, form):
        placement_end(actor=self.request.user, placement=placement, **form.cleaned_data)


class PlacementCancelView(PlacementStepView):
    form_class, form_name, success_message = CancelForm, "cancel_form", PLACEMENT_CANCELLED

    def perform(self, placement, form):
        placement_cancel(actor=self.request.user, placement=placement, **form.cleaned_data)


# --- rotation plans ---------------------------------------------------------------------------------


class RotationListView(FilteredListView):
    """岗位交流计划: every plan in the user's scope, with what is due to be carried out."""

    permission_required = "training.view_rotationplan"
    filterset_for = staticmethod(rotation_filterset)
    template_name = "training/practice/rotation_list.html"
    results_template = "training/practice/_rotation_results.html"
    results_id = "rotation-results"
    context_object_name = "rotations"

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class RotationExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_rotationplan", "training.export_training")

    def get(self, request):
        return _export_response(rotations_export(actor=request.user, data=request.GET))


class RotationCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, CreateView):
    """制定交流计划 for one cadre in scope and in service: from their current post to the post named."""

    permission_required = "training.add_rotationplan"
    model = RotationPlan
    form_class = RotationForm
    template_name = "training/practice/rotation_form.html"
    success_message = ROTATION_SAVED

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.cadre = get_in_scope_or_404(visible_to(request.user).select_related("department"),
                                             actor=request.user, path=request.path, pk=kwargs["cadre_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "user": self.request.user, "instance": RotationPlan(cadre=self.cadre)}

    def get_initial(self):
        # A rotation usually keeps the level: offer the current one. The date is left to the officer
        # (today or earlier may be carried out at once).
        years = TrainingSettings.current().same_post_years
        post = self.from_post
        return {"to_level": post.level if post else "", "reason": f"同一岗位任职满{years}年，按规定交流"}

    @cached_property
    def from_post(self):
        return open_post_of(self.cadre)

    def get_context_data(self, **kwargs):
        post = self.from_post
        return super().get_context_data(cadre=self.cadre, from_post=post,
                                        years=years_in_post(post.start_date) if post else None, **kwargs)

    def perform(self, form):
        return rotation_create(actor=self.request.user, plan=form.instance)

    def get_success_url(self):
        return reverse("training:rotation_detail", args=[self.object.pk])


class RotationScopedMixin(ScopedMixin):
    scope = staticmethod(rotation_page_queryset)
    model = RotationPlan


class RotationDetailView(RotationScopedMixin, DetailView):
    """A rotation plan: from which post to which, when; carry it out (when due) or cancel it."""

    permission_required = "training.view_rotationplan"
    template_name = "training/practice/rotation_detail.html"
    context_object_name = "rotation"

    def get_context_data(self, **kwargs):
        rotation, user, today = self.object, self.request.user, timezone.localdate()
        may = user.has_perm("training.change_rotationplan") and rotation.state == RotationPlan.State.PLANNED
        return super().get_context_data(
            today=today, may_cancel=may, may_carry_out=may and rotation.planned_date <= today
            and user.has_perms(CARRY_OUT_PERMISSIONS),
            cancel_form=kwargs.pop("cancel_form", CancelForm()), **kwargs)


class RotationCancelView(RotationScopedMixin, View):
    permission_required = "training.change_rotationplan"
    http_method_names = ["post"]

    def post(self, request, pk):
        rotation = get_in_scope_or_404(rotation_page_queryset(request.user), actor=request.user, path=request.path,
                                       pk=pk)
        try:
            rotation_cancel(actor=request.user, plan=rotation, reason=request.POST.get("reason", ""))
            messages.success(request, ROTATION_CANCELLED)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("training:rotation_detail", pk=rotation.pk)


class RotationCarryOutView(RotationScopedMixin, View):
    """POST 执行交流: the new post from the planned date through the roster's services."""

    permission_required = CARRY_OUT_PERMISSIONS
    http_method_names = ["post"]

    def post(self, request, pk):
        rotation = get_in_scope_or_404(rotation_page_queryset(request.user), actor=request.user, path=request.path,
                                       pk=pk)
        try:
            done = rotation_carry_out(actor=request.user, plan=rotation)
            messages.success(request, ROTATION_DONE.format(name=done.cadre.name, day=f"{done.done_on:%Y-%m-%d}",
                                                           title=post_text(done.to_department, done.to_title)))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("training:rotation_detail", pk=rotation.pk)


# --- rotation candidates ----------------------------------------------------------------------------


class RotationCandidateListView(FilteredListView):
    """岗位交流人选: cadres in the same post for the set number of years or more, and whether a plan exists."""

    permission_required = "training.view_rotationplan"
    filterset_for = staticmethod(candidate_filterset)
    template_name = "training/practice/candidate_list.html"
    results_template = "training/practice/_candidate_results.html"
    results_id = "candidate-results"
    context_object_name = "candidates"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for cadre in context["candidates"]:  # the page's rows, already fetched: no query
            cadre.years_in_post = years_in_post(cadre.current_post_start, today)
        return context


class RotationCandidateExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = ("training.view_rotationplan", "training.export_training")

    def get(self, request):
        return _export_response(rotation_candidates_export(actor=request.user, data=request.GET))
