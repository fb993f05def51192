"""Forms of the selection pages. They parse input into what the services take; the services decide."""

from django import forms

from cadres.codes import LeadershipLevel
from cadres.forms import DateInput, DepartmentChoiceField
from cadres.models import Department
from selection.models import Candidate, SelectionCase, StepDefinition, Vote
from selection.selectors import CaseFilters

Rule = StepDefinition.Rule
STEP_CHOICES = [("", "全部步骤"), *((str(n), f"第{n}步") for n in range(1, 17))]
VOTE_CHOICES = {label: value for value, label in Vote.Choice.choices}
PROBATION_CHOICES = {"胜任": "competent", "不胜任": "incompetent"}


class CadreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.department.name}）"


class CaseFilterForm(forms.Form):
    """The case list's filter bar (GET). Invalid values are ignored rather than refused."""

    q = forms.CharField(label="编号、事由或职务", required=False, max_length=50)
    state = forms.ChoiceField(label="状态", required=False,
                              choices=[("", "全部状态"), *SelectionCase.State.choices])
    step = forms.TypedChoiceField(label="当前步骤", required=False, choices=STEP_CHOICES, coerce=int,
                                  empty_value=None)
    department = DepartmentChoiceField(label="单位", queryset=Department.objects.none(), required=False,
                                       empty_label="全部单位")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def filters(self) -> CaseFilters:
        if not self.is_bound:
            return CaseFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return CaseFilters(**data)


class CaseCreateForm(forms.Form):
    title = forms.CharField(label="事由", max_length=100)
    department = DepartmentChoiceField(label="单位", queryset=Department.objects.none())
    post_title = forms.CharField(label="拟任职务", max_length=100)
    level = forms.ChoiceField(label="职务层次", choices=[
        (LeadershipLevel.TOWNSHIP_CHIEF.value, LeadershipLevel.TOWNSHIP_CHIEF.label),
        (LeadershipLevel.TOWNSHIP_DEPUTY.value, LeadershipLevel.TOWNSHIP_DEPUTY.label),
    ])
    post_count = forms.IntegerField(label="职数", min_value=1, max_value=20, initial=1)
    method = forms.ChoiceField(label="方式", choices=SelectionCase.Method.choices)
    cadres = CadreChoiceField(label="人选", queryset=None, required=False,
                              widget=forms.SelectMultiple(attrs={"size": 8}),
                              help_text="可按住 Ctrl 多选；考察对象确定前还可增减人选")

    def __init__(self, *args, departments, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["cadres"].queryset = cadres


def _parse_lines(text: str, width: int, error: str) -> list[list[str]]:
    rows = []
    for index, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.replace("，", ",").split(",")]
        if len(parts) != width or not all(parts):
            raise forms.ValidationError(error.format(index=index))
        rows.append(parts)
    return rows


class StepSubmitForm(forms.Form):
    """The record of the current step: an opinion, and the few data fields its rule needs."""

    opinion = forms.CharField(label="办理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rule: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        if rule in (Rule.RECOMMENDATION_VOTE, Rule.DECISION_VOTE):
            self.fields["meeting_date"] = forms.DateField(label="会议日期", widget=DateInput)
            self.fields["members_due"] = forms.IntegerField(label="应到会人数", min_value=0)
            self.fields["attending"] = forms.IntegerField(label="实到会人数", min_value=0)
            self.fields["votes"] = forms.CharField(
                label="表决情况", widget=forms.Textarea(attrs={"rows": 5}),
                help_text="每行一票：成员,人选编号,同意|不同意|缓议")
        elif rule == Rule.INSPECTION_NOTICE:
            self.fields["notice_date"] = forms.DateField(label="预告日期", widget=DateInput)
            self.fields["inspection_date"] = forms.DateField(label="考察日期", widget=DateInput)
        elif rule == Rule.PUBLICITY:
            self.fields["start"] = forms.DateField(label="公示开始", widget=DateInput)
            self.fields["end"] = forms.DateField(label="公示结束", widget=DateInput)
        elif rule == Rule.PROBATION:
            self.fields["results"] = forms.CharField(
                label="考核结果", widget=forms.Textarea(attrs={"rows": 3}),
                help_text="每行一人：人选编号,胜任|不胜任")

    def clean_votes(self):
        rows = _parse_lines(self.cleaned_data["votes"], 3, "第{index}行应为“成员,人选编号,同意|不同意|缓议”")
        votes = []
        for member, candidate, choice in rows:
            if choice not in VOTE_CHOICES:
                raise forms.ValidationError(f"“{choice}”不是有效的表决意见（同意、不同意或缓议）")
            votes.append({"member": member, "candidate": candidate, "choice": VOTE_CHOICES[choice]})
        return votes

    def clean_results(self):
        rows = _parse_lines(self.cleaned_data["results"], 2, "第{index}行应为“人选编号,胜任|不胜任”")
        results = {}
        for candidate, result in rows:
            if result not in PROBATION_CHOICES:
                raise forms.ValidationError(f"“{result}”不是有效的考核结果（胜任或不胜任）")
            results[candidate] = PROBATION_CHOICES[result]
        return results

    def data_for_service(self) -> dict:
        """Return the step's ``data`` (everything but the opinion)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "opinion"}


class StepDecideForm(forms.Form):
    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(choices=[(APPROVE, "同意"), (RETURN, "退回修改")], widget=forms.HiddenInput)
    opinion = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CandidateVetoForm(forms.Form):
    candidate = forms.ModelChoiceField(label="人选", queryset=Candidate.objects.none())
    reason = forms.CharField(label="否决理由", max_length=200)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = case.candidates.filter(state=Candidate.State.ACTIVE)


class AttachmentForm(forms.Form):
    """Upload one record to a step: a name from the step's required records, or another name typed in."""

    OTHER = ""

    record_name = forms.ChoiceField(label="材料名称", required=False)
    other_name = forms.CharField(label="其他材料名称", required=False, max_length=60)
    file = forms.FileField(label="文件")

    def __init__(self, *args, required_records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_name"].choices = [*((name, name) for name in required_records),
                                              (self.OTHER, "其他（请填写）")]

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("record_name") or (cleaned.get("other_name") or "").strip()
        if not name:
            self.add_error("other_name", "请选择或填写材料名称")
        cleaned["name"] = name
        return cleaned


class CaseStateForm(forms.Form):
    """Pause, resume or terminate the case, with the reason the trail keeps."""

    PAUSE, RESUME, TERMINATE = "pause", "resume", "terminate"

    action = forms.ChoiceField(choices=[(PAUSE, "暂停"), (RESUME, "恢复"), (TERMINATE, "终止")],
                               widget=forms.HiddenInput)
    reason = forms.CharField(label="原因", max_length=200)


class CandidateDropForm(forms.Form):
    """Leave a candidate off the list (未列入) before the inspection candidates are decided."""

    candidate = forms.ModelChoiceField(label="人选", queryset=Candidate.objects.none())
    reason = forms.CharField(label="未列入原因", max_length=200)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = case.candidates.filter(state=Candidate.State.ACTIVE)
