"""The department tree."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count, Q
from django.urls import reverse_lazy
from django.views.generic import CreateView, ListView, UpdateView

from cadre_office.views import ServiceFormMixin
from cadres import services
from cadres.codes import PersonnelStatus
from cadres.forms import DepartmentForm
from cadres.models import Department
from cadres.permissions import departments_visible_to


class DepartmentListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "cadres.view_department"
    template_name = "cadres/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        active = Q(cadres__status=PersonnelStatus.ACTIVE)
        return departments_visible_to(self.request.user).in_tree_order().annotate(
            cadre_count=Count("cadres", filter=active),
            leader_count=Count("cadres", filter=active & ~Q(cadres__current_level="")),
        )


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


class DepartmentUpdateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, UpdateView):
    permission_required = "cadres.change_department"
    model = Department
    form_class = DepartmentForm
    template_name = "cadres/department_form.html"
    success_url = reverse_lazy("cadres:department_list")
    success_message = "单位已保存。"

    def get_queryset(self):
        return departments_visible_to(self.request.user)

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.department_update(actor=self.request.user, department=self.get_object(), **fields)
