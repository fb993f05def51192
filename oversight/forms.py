"""Forms of the oversight records entered on a cadre. They parse input; the services decide."""

from django import forms

from cadre_office.forms import PleaseChooseMixin
from cadres.codes import LeadershipLevel
from cadres.forms import DateInput, DepartmentChoiceField
from cadres.models import Department
from oversight.models import AdjustmentDecision, AnnualAppraisal, DisciplineAction, FlagRule, RecognitionEvaluation
from oversight.services import EFFECT_BEFORE_DECISION
from oversight.services.adjustments import APPROVING_OVER_PARTICIPANTS


class AppraisalForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = AnnualAppraisal
        fields = ["year", "grade"]


class DisciplineForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = DisciplineAction
        fields = ["kind", "decided_on", "effect_until", "summary"]
        widgets = {"decided_on": DateInput(), "effect_until": DateInput()}

    def clean(self):
        data = super().clean()
        decided_on, effect_until = data.get("decided_on"), data.get("effect_until")
        if decided_on and effect_until and effect_until < decided_on:
            # Said here in words, rather than as the model's check constraint's generic message.
            self.add_error("effect_until", EFFECT_BEFORE_DECISION)
        return data


# --- 动态管理 ------------------------------------------------------------------------------------


class RecognitionForm(forms.ModelForm):
    class Meta:
        model = RecognitionEvaluation
        fields = ["occasion", "evaluated_on", "participants", "approving"]
        widgets = {"evaluated_on": DateInput()}

    def clean(self):
        data = super().clean()
        participants, approving = data.get("participants"), data.get("approving")
        if participants is not None and approving is not None and approving > participants:
            self.add_error("approving", APPROVING_OVER_PARTICIPANTS)
        return data


class DecisionForm(PleaseChooseMixin, forms.Form):
    """The decision on a flagged cadre; which fields matter depends on the outcome (the service checks)."""

    outcome = forms.ChoiceField(label="处理结果", choices=AdjustmentDecision.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="研判意见或会议决定，如：经局党组会议研究，调出科级干部队伍")
    decided_on = forms.DateField(label="决定日期", widget=DateInput())
    effective_date = forms.DateField(label="生效日期", widget=DateInput(),
                                     help_text="调出或调整岗位的，原职务于生效日期前一日免去")
    document = forms.CharField(label="文号", max_length=100, required=False)
    new_department = DepartmentChoiceField(label="新任职单位", queryset=Department.objects.none(), required=False,
                                           help_text="调整岗位必填；调出后另任非领导职务的可填")
    new_title = forms.CharField(label="新任职务", max_length=100, required=False,
                                help_text="调整岗位必填；调出后另任职务的填写（非领导职务）")
    new_level = forms.ChoiceField(label="新职务层次", required=False,
                                  choices=[("", "请选择"), *LeadershipLevel.choices],
                                  help_text="调整岗位必选；调出后另任职务的不选（非领导职务）")
    pool_exit = forms.BooleanField(label="同时调出后备干部库", required=False,
                                   help_text="干部在后备干部库中的，同时调出；调出科级干部队伍的一律调出")

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_department"].queryset = departments if departments is not None else Department.objects.none()


class FlagRuleForm(forms.ModelForm):
    class Meta:
        model = FlagRule
        fields = ["active", "times", "window", "threshold", "note"]
