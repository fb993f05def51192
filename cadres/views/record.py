"""A cadre's full record: reading it, and changing it through the services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, View
from django.views.generic.edit import CreateView, UpdateView

from cadre_office.scope import get_in_scope_or_404
from cadre_office.views import ServiceFormMixin
from cadres import messages as texts
from cadres import permissions, services
from cadres.forms import CadreForm, IdNumberChangeForm, StatusForm
from cadres.models import Education
from cadres.records import record_page_tabs
from cadres.selectors import cadre_history, cadre_record, department_choices, highest_education


class CadreDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """The full record. Every view of it is audited; the ID number shows masked until revealed."""

    permission_required = "cadres.view_cadre"
    template_name = "cadres/cadre_detail.html"
    context_object_name = "cadre"
    revealed = False

    def get_object(self, queryset=None):
        return cadre_record(self.request.user, self.kwargs["pk"], path=self.request.path)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        services.cadre_record_viewed(actor=request.user, cadre=self.object)
        return response

    def get_context_data(self, **kwargs):
        cadre = self.object
        user = self.request.user
        return super().get_context_data(
            highest_fulltime=highest_education(cadre, Education.Kind.FULL_TIME),
            highest_parttime=highest_education(cadre, Education.Kind.PART_TIME),
            record_tabs=record_page_tabs(user, cadre),
            history=cadre_history(cadre, full_birth_date=permissions.can_see_full_id_number(user)),
            can_reveal_id=permissions.can_see_full_id_number(user),
            revealed=self.revealed,
            can_edit=permissions.can_edit_cadre(user, cadre),
            **kwargs,
        )


class CadreRevealIdView(CadreDetailView):
    """Reveal a cadre's full ID number: an explicit, permitted POST that writes an access record.

    htmx swaps in just the number; a plain form post gets the record page with it shown.
    The audit row says who, whose, which field, when and from where, never the value.
    """

    permission_required = ("cadres.view_cadre", "cadres.view_full_id_number")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = cadre = get_in_scope_or_404(permissions.visible_to(request.user), actor=request.user,
                                                  path=request.path, pk=kwargs["pk"])
        services.cadre_id_number_revealed(actor=request.user, cadre=cadre)
        if request.htmx:
            return render(request, "cadres/_id_number.html", {"cadre": cadre, "revealed": True})
        self.object = self.get_object()
        self.revealed = True
        return self.render_to_response(self.get_context_data(object=self.object))


class CadrePhotoView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Serve a photo only to those who may see the cadre (photos are personal data)."""

    permission_required = "cadres.view_cadre"

    def get(self, request, pk):
        cadre = get_in_scope_or_404(permissions.visible_to(request.user).only("photo"), actor=request.user,
                                    path=request.path, pk=pk)
        if not cadre.photo:
            raise Http404
        response = FileResponse(cadre.photo.open("rb"))
        response["Cache-Control"] = "private, no-store"
        return response


class CadreCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, CreateView):
    permission_required = "cadres.add_cadre"
    form_class = CadreForm
    template_name = "cadres/cadre_form.html"
    success_message = "已新增干部。可继续录入学历、任职和职级。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": department_choices(self.request.user)}

    def perform(self, form):
        return services.cadre_create(actor=self.request.user, **form.service_data())

    def get_success_url(self):
        return reverse("cadres:cadre_detail", args=[self.object.pk])


class CadreScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Views about one cadre: ``self.cadre`` is looked up in the user's scope.

    The order of the checks is deliberate: anonymous → login; no right to read cadres →
    403; a cadre outside the user's scope → 404 (whatever the action, so a department head
    cannot learn that another department's cadre exists); then the action's own
    permission → 403.
    """

    permission_required = "cadres.change_cadre"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perm("cadres.view_cadre"):
                raise PermissionDenied
            self.cadre  # noqa: B018  (404 outside the scope, before the action's permission check)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def cadre(self):
        return get_in_scope_or_404(permissions.visible_to(self.request.user), actor=self.request.user,
                                   path=self.request.path, pk=self.kwargs["cadre_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(cadre=self.cadre, **kwargs)

    def get_success_url(self):
        return reverse("cadres:cadre_detail", args=[self.cadre.pk]) + getattr(self, "success_anchor", "")


class StaleEditMixin:
    """A form edited from a loaded copy: a stale or missing ``version`` sends the user back to the record."""

    def form_invalid(self, form):
        if form.has_error("version"):  # posted without the copy it was loaded from
            return self.stale()
        return super().form_invalid(form)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.StaleEditError:
            return self.stale()

    def stale(self):
        messages.error(self.request, texts.STALE_EDIT)
        return HttpResponseRedirect(reverse("cadres:cadre_detail", args=[self.cadre.pk]))


class CadreUpdateView(CadreScopedMixin, StaleEditMixin, ServiceFormMixin, UpdateView):
    form_class = CadreForm
    template_name = "cadres/cadre_form.html"
    success_message = "基本信息已保存。"

    def get_object(self, queryset=None):
        return self.cadre

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": department_choices(self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_change_id_number=permissions.can_change_id_number(self.request.user, self.cadre), **kwargs)

    def perform(self, form):
        return services.cadre_update(
            actor=self.request.user, cadre=self.cadre, data=form.service_data(),
            expected_version=form.cleaned_data.get("version"),
        )


class CadreIdNumberChangeView(CadreScopedMixin, StaleEditMixin, ServiceFormMixin, FormView):
    """Correct the ID number: a form and a reason of its own; the old number is never shown here."""

    form_class = IdNumberChangeForm
    template_name = "cadres/id_number_form.html"
    success_message = texts.ID_CHANGED
    permission_required = ("cadres.change_cadre", "cadres.view_full_id_number")

    def get_initial(self):
        return {"version": self.cadre.version}

    def perform(self, form):
        data = form.cleaned_data
        return services.cadre_change_id_number(actor=self.request.user, cadre=self.cadre, id_number=data["id_number"],
                                               reason=data["reason"], expected_version=data.get("version"))


class CadreStatusView(CadreScopedMixin, ServiceFormMixin, FormView):
    form_class = StatusForm
    template_name = "cadres/record_form.html"
    success_message = "人员状态已更新。"
    extra_context = {"heading": "变更人员状态"}

    def get_initial(self):
        return {"status": self.cadre.status, "status_date": self.cadre.status_date,
                "reason": self.cadre.status_reason}

    def perform(self, form):
        services.cadre_set_status(
            actor=self.request.user, cadre=self.cadre, status=form.cleaned_data["status"],
            status_date=form.cleaned_data["status_date"], reason=form.cleaned_data["reason"],
        )
