"""流程模板: the bureau edits the selection template's steps, or makes a new version, without code.

Personnel staff (``selection.change_stepdefinition``) see the versions and the current one's
sixteen steps, edit a step while no case uses the current version, and otherwise make a new
version first (see ``selection.templates`` for the rule). Rules are code and shown read-only.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView
from django.views.generic import TemplateView as BaseTemplateView

from cadre_office.views import ServiceFormMixin
from selection.models import StepDefinition, WorkflowTemplate
from selection.templates import DECIDING_ROLES, step_definition_update, template_in_use, template_new_version

EDIT = "selection.change_stepdefinition"


def _current_template():
    return WorkflowTemplate.objects.filter(is_current=True).first()


class ApproverChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        full = user.get_full_name()
        return f"{full}（{user.get_username()}）" if full else user.get_username()


class StepDefinitionForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60)
    actor_text = forms.CharField(label="承办", max_length=60, required=False, help_text="如：人事部门、党组、考察组")
    decided_by_role = forms.ChoiceField(label="审批角色", required=False,
                                        choices=[("", "（不指定）"), *[(r.value, r.label) for r in DECIDING_ROLES]],
                                        help_text="审批关口由该角色的任一人员审批；记录类步骤留空")
    approvers = ApproverChoiceField(label="指定审批人", required=False, queryset=get_user_model().objects.none(),
                                    help_text="指定后，这些人员也可审批本关口（可多选）")
    required_records = forms.CharField(label="须有材料", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                       help_text="每行一项材料的名称")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__name__in=[r.value for r in DECIDING_ROLES])
            .distinct().order_by("username")
        )

    def clean_required_records(self):
        return [line.strip() for line in self.cleaned_data["required_records"].splitlines() if line.strip()]


class TemplateView(LoginRequiredMixin, PermissionRequiredMixin, BaseTemplateView):
    """The versions, and the current version's steps with an edit link each (while no case uses it)."""

    permission_required = EDIT
    template_name = "selection/template_detail.html"

    def get_context_data(self, **kwargs):
        template = _current_template()
        steps = template.steps.order_by("number").prefetch_related("approvers") if template else []
        return super().get_context_data(
            template=template,
            steps=steps,
            in_use=template_in_use(template) if template else 0,
            versions=WorkflowTemplate.objects.annotate(case_count=Count("cases")).order_by("name", "-version"),
            **kwargs,
        )


class StepUpdateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
    """Edit one step of the current template; the service refuses it while a case uses the template."""

    permission_required = EDIT
    template_name = "selection/template_step_form.html"
    form_class = StepDefinitionForm
    success_message = "流程步骤已保存"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(EDIT):
            self.step = get_object_or_404(StepDefinition.objects.select_related("template"), pk=kwargs["pk"])
            if not self.step.template.is_current:
                raise Http404("只能修改当前版本的步骤")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        step = self.step
        return {"name": step.name, "actor_text": step.actor, "decided_by_role": step.decided_by_role,
                "approvers": list(step.approvers.all()), "required_records": "\n".join(step.required_records)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(step=self.step, template=self.step.template,
                                        in_use=template_in_use(self.step.template), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return step_definition_update(actor=self.request.user, step=self.step, name=data["name"],
                                      actor_text=data["actor_text"], decided_by_role=data["decided_by_role"],
                                      approvers=data["approvers"], required_records=data["required_records"])

    def get_success_url(self):
        return reverse("selection:template")


class NewVersionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST: copy the current template into a new version that new cases will use."""

    permission_required = EDIT
    http_method_names = ["post"]

    def post(self, request):
        template = _current_template()
        if template is None:
            raise Http404("没有当前流程模板")
        try:
            new = template_new_version(actor=request.user, template=template)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已新建第{new.version}版，新发起的选拔任用工作将使用此版本；"
                                       f"进行中的工作仍按原版本办理。")
        return redirect("selection:template")
