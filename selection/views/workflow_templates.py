"""流程模板: the bureau edits the selection template's steps, or makes a new version, without code.

Personnel staff (``selection.change_stepdefinition``) see the versions and the current one's
sixteen steps, edit a step while no case uses the current version, and otherwise make a new
version first (see ``selection.services.workflow_templates`` for the rule). Rules are code and shown
read-only.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from cadre_office.views import ServiceFormMixin
from selection.models import StepDefinition
from selection.selectors import current_template, template_in_use, workflow_template_page
from selection.services import step_definition_update, template_new_version
from selection.services.workflow_templates import APPROVER_ROLES, DECIDING_ROLES

EDIT = "selection.change_stepdefinition"


class ApproverChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        full = user.get_full_name()
        return f"{full}（{user.get_username()}）" if full else user.get_username()


class StepDefinitionForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60)
    actor_text = forms.CharField(label="承办", max_length=60, required=False, help_text="如：人事部门、党组、考察组")
    decided_by_role = forms.ChoiceField(label="审批角色", required=False,
                                        choices=[("", "（不指定）"), *[(r.value, r.label) for r in DECIDING_ROLES]],
                                        help_text="审批关口由该角色的任一人员审批；记录类步骤留空。"
                                                  "人事干部负责提交，不能作为审批角色")
    approvers = ApproverChoiceField(label="指定审批人", required=False, queryset=get_user_model().objects.none(),
                                    help_text="指定后，这些人员也可审批本关口（可多选），如人事部门负责人；"
                                              "任何人都不能审批本人提交的步骤")
    required_records = forms.CharField(label="须有材料", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                       help_text="每行一项材料的名称")
    missing_materials = forms.ChoiceField(label="缺少材料时", choices=StepDefinition.MissingMaterials.choices,
                                          help_text="须有材料未上传时：填写原因后仍可提交、审批（原因记入办理记录和纪实表），"
                                                    "或须先上传才能提交、审批")
    opinion_required = forms.BooleanField(label="须填写意见", required=False,
                                          help_text="提交本步须填写办理意见；审批关口同意时也须填写审批意见")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__name__in=[r.value for r in APPROVER_ROLES])
            .distinct().order_by("username")
        )

    def clean_required_records(self):
        return [line.strip() for line in self.cleaned_data["required_records"].splitlines() if line.strip()]


class WorkflowTemplateDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The versions, and the current version's steps with an edit link each (while no case uses it)."""

    permission_required = EDIT
    template_name = "selection/template_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**workflow_template_page(), **kwargs)


class StepDefinitionUpdateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormMixin, FormView):
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
                "approvers": list(step.approvers.all()), "required_records": "\n".join(step.required_records),
                "missing_materials": step.missing_materials, "opinion_required": step.opinion_required}

    def get_context_data(self, **kwargs):
        return super().get_context_data(step=self.step, template=self.step.template,
                                        in_use=template_in_use(self.step.template), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return step_definition_update(actor=self.request.user, step=self.step, name=data["name"],
                                      actor_text=data["actor_text"], decided_by_role=data["decided_by_role"],
                                      approvers=data["approvers"], required_records=data["required_records"],
                                      missing_materials=data["missing_materials"],
                                      opinion_required=data["opinion_required"])

    def get_success_url(self):
        return reverse("selection:workflow_template_detail")


class WorkflowTemplateNewVersionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST: copy the current template into a new version that new cases will use."""

    permission_required = EDIT
    http_method_names = ["post"]

    def post(self, request):
        template = current_template()
        if template is None:
            raise Http404("没有当前流程模板")
        try:
            new = template_new_version(actor=request.user, template=template)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已新建第{new.version}版，新发起的选拔任用工作将使用此版本；"
                                       f"进行中的工作仍按原版本办理。")
        return redirect("selection:workflow_template_detail")
