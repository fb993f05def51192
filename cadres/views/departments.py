"""The department tree."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import CreateView, ListView, UpdateView

from cadre_office.views import ServiceFormMixin
from cadres import services
from cadres.forms import DepartmentForm
from cadres.models import Department
from cadres.permissions import departments_visible_to
from cadres.selectors import department_tree, unit_quotas
from cadres.services.departments import (
    DepartmentMoveNeedsConfirmation,
    department_move_impact,
    department_request_move,
)

MOVE_REQUESTED = "单位的其他修改已保存；移动到“{parent}”须经安全管理员确认后生效，可在“账号变更确认”中查看进度。"


class DepartmentListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "cadres.view_department"
    template_name = "cadres/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        return department_tree(self.request.user, as_of=timezone.localdate())


class DepartmentCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, CreateView):
    permission_required = "cadres.add_department"
    form_class = DepartmentForm
    template_name = "cadres/department_form.html"
    success_url = reverse_lazy("cadres:department_list")
    success_message = "单位已新增。"

    def perform(self, form):
        data = form.cleaned_data
        return services.department_create(
            actor=self.request.user, name=data["name"], parent=data["parent"] or services.department_root(
                actor=self.request.user), kind=data["kind"], sort_order=data["sort_order"],
            short_name=data["short_name"],
        )


class DepartmentMoveForm(forms.Form):
    """Why a unit moves, asked for when the move changes who sees which cadres (the confirmer reads it)."""

    move_reason = forms.CharField(label="移动理由", max_length=200,
                                  help_text="如“机构改革，档案馆划归办公室管理”，供安全管理员核对。",
                                  error_messages={"required": "请填写移动理由，供安全管理员核对。"})


class DepartmentUpdateView(LoginRequiredMixin, PermissionRequiredMixin, UpdateView):
    """Edit a unit. A move that changes who sees which cadres shows who gains (or loses) how many, and is
    sent to the security administrator for confirmation instead of taking effect."""

    permission_required = "cadres.change_department"
    model = Department
    form_class = DepartmentForm
    template_name = "cadres/department_form.html"
    success_url = reverse_lazy("cadres:department_list")
    success_message = "单位已保存。"

    def get_queryset(self):
        return departments_visible_to(self.request.user)

    def service_fields(self, form, department) -> dict:
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if fields["parent"] is None and department.parent_id is not None:
            # "（无：本局）" names the bureau, as on the create page; a unit is never made a second root.
            fields["parent"] = services.department_root(actor=self.request.user)
        return fields

    def form_valid(self, form):
        # The form has written its values onto self.object: the services get the row as stored.
        department = self.get_object()
        fields = self.service_fields(form, department)
        if self.request.POST.get("request_move"):
            return self.request_move(form, department, fields)
        try:
            services.department_update(actor=self.request.user, department=department, **fields)
        except DepartmentMoveNeedsConfirmation as exc:
            return self.preview(form, exc.impact, DepartmentMoveForm())
        except ValidationError as exc:
            return self.refused(form, exc)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def request_move(self, form, department, fields):
        move_form = DepartmentMoveForm(self.request.POST)
        if not move_form.is_valid():
            return self.preview(form, department_move_impact(department=department, parent=fields["parent"]),
                                move_form)
        try:
            change = department_request_move(actor=self.request.user, department=department,
                                             reason=move_form.cleaned_data["move_reason"], **fields)
        except ValidationError as exc:
            return self.refused(form, exc)
        if change is None:  # nobody's view changes any more (the tree changed meanwhile): done at once
            messages.success(self.request, self.success_message)
        else:
            messages.info(self.request, MOVE_REQUESTED.format(parent=fields["parent"]))
        return HttpResponseRedirect(self.get_success_url())

    def refused(self, form, exc):
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending_move"] = (self.object.change_requests.filter(kind="move_department", state="pending")
                                   .select_related("requested_by").first())
        context["quota_day"] = timezone.localdate()
        context["quota_figures"], context["quota_approvals"] = unit_quotas(self.object, as_of=context["quota_day"])
        return context

    def preview(self, form, impact, move_form):
        return self.render_to_response(self.get_context_data(form=form, impact=impact, move_form=move_form))
