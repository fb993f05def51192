"""Forms of the selection pages. They parse input into what the services take; the services decide."""

from django import forms

from cadre_office.forms import PleaseChooseMixin
from cadres.codes import LeadershipLevel
from cadres.forms import DateInput, DepartmentChoiceField
from cadres.models import Department
from selection import messages
from selection.models import Candidate, SelectionCase, StepDefinition, Vote

Rule = StepDefinition.Rule
VOTE_CHOICES = {label: value for value, label in Vote.Choice.choices}
PROBATION_CHOICES = {"胜任": "competent", "不胜任": "incompetent"}


class CaseCreateForm(PleaseChooseMixin, forms.Form):
    """The case itself; its candidates come from ``CandidatePickForm`` (the picker beside it)."""

    title = forms.CharField(label="事由", max_length=100)
    department = DepartmentChoiceField(label="单位", queryset=Department.objects.none(),
                                       help_text="选定单位后，下方人选列表先列出该单位（含下级单位）的在职干部")
    post_title = forms.CharField(label="拟任职务", max_length=100)
    level = forms.ChoiceField(label="职务层次", choices=[
        (LeadershipLevel.TOWNSHIP_CHIEF.value, LeadershipLevel.TOWNSHIP_CHIEF.label),
        (LeadershipLevel.TOWNSHIP_DEPUTY.value, LeadershipLevel.TOWNSHIP_DEPUTY.label),
    ])
    post_count = forms.IntegerField(label="职数", min_value=1, max_value=20, initial=1)
    method = forms.ChoiceField(label="方式", choices=SelectionCase.Method.choices)

    def __init__(self, *args, departments, picker_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if picker_url:
            # With JavaScript, choosing the unit lists its cadres in the picker at once (htmx).
            self.fields["department"].widget.attrs.update({
                "hx-get": picker_url, "hx-trigger": "change", "hx-target": "#picker-lists",
                "hx-include": "#candidate-picker",
            })


class CandidatePickForm(PleaseChooseMixin, forms.Form):
    """The cadres chosen in the picker (hidden inputs ``cadres``): in the user's scope and in service."""

    cadres = forms.ModelMultipleChoiceField(
        label="人选", queryset=None, required=False, widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": "所选人选已不是在职干部或不在您的管辖范围内"})

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres

    def chosen(self) -> list:
        """The chosen cadres in the order they were picked (人选编号 follows it)."""
        order = {str(pk): index for index, pk in enumerate(self.data.getlist("cadres"))}
        return sorted(self.cleaned_data["cadres"], key=lambda cadre: order.get(str(cadre.pk), 0))


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


MISSING_REASON_HELP = "须有的材料尚未上传时填写，如“原件在档案室，扫描后补传”；记入办理记录和纪实表"


class StepSubmitForm(PleaseChooseMixin, forms.Form):
    """The record of the current step: an opinion, the few data fields its rule needs, and — when required
    records are missing — the reason to go on without them.

    Candidates are written by their 人选编号 (``Candidate.number``) and handed to the service by id.
    """

    opinion = forms.CharField(label="办理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    missing_reason = forms.CharField(label="缺少材料的原因", required=False, max_length=500,
                                     widget=forms.Textarea(attrs={"rows": 2}), help_text=MISSING_REASON_HELP)

    def __init__(self, *args, definition: StepDefinition, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        rule = definition.rule
        self.rule = rule
        self.by_number = {str(candidate.number): candidate.pk for candidate in candidates}
        self.fields["opinion"].required = definition.opinion_required
        self.fields["opinion"].error_messages["required"] = messages.SUBMIT_OPINION_REQUIRED.format(
            number=definition.number)
        if rule in (Rule.RECOMMENDATION_VOTE, Rule.DECISION_VOTE):
            self.fields["meeting_date"] = forms.DateField(label="会议日期", widget=DateInput)
            self.fields["members_due"] = forms.IntegerField(label="应到会人数", min_value=0)
            self.fields["attending"] = forms.IntegerField(label="实到会人数", min_value=0)
            self.fields["votes"] = forms.CharField(
                label="表决情况", widget=forms.Textarea(attrs={"rows": 5}),
                help_text="每行一票：成员,人选编号,同意|不同意|缓议（人选编号见上方人选表）")
        elif rule == Rule.INSPECTION_NOTICE:
            self.fields["notice_date"] = forms.DateField(label="预告日期", widget=DateInput)
            self.fields["inspection_date"] = forms.DateField(label="考察日期", widget=DateInput)
        elif rule == Rule.PUBLICITY:
            self.fields["start"] = forms.DateField(label="公示开始", widget=DateInput)
            self.fields["end"] = forms.DateField(label="公示结束", widget=DateInput)
        elif rule == Rule.PROBATION:
            self.fields["results"] = forms.CharField(
                label="考核结果", widget=forms.Textarea(attrs={"rows": 3}),
                help_text="每行一人：人选编号,胜任|不胜任（人选编号见上方人选表）")

    def clean_votes(self):
        rows = _parse_lines(self.cleaned_data["votes"], 3, "第{index}行应为“成员,人选编号,同意|不同意|缓议”")
        votes = []
        for member, number, choice in rows:
            if choice not in VOTE_CHOICES:
                raise forms.ValidationError(f"“{choice}”不是有效的表决意见（同意、不同意或缓议）")
            votes.append({"member": member, "candidate": self._candidate(number), "choice": VOTE_CHOICES[choice]})
        return votes

    def _candidate(self, number: str) -> int:
        if number not in self.by_number:
            raise forms.ValidationError(f"人选编号“{number}”不是本次工作的人选")
        return self.by_number[number]

    def clean_results(self):
        rows = _parse_lines(self.cleaned_data["results"], 2, "第{index}行应为“人选编号,胜任|不胜任”")
        results = {}
        for number, result in rows:
            if result not in PROBATION_CHOICES:
                raise forms.ValidationError(f"“{result}”不是有效的考核结果（胜任或不胜任）")
            results[str(self._candidate(number))] = PROBATION_CHOICES[result]
        return results

    def data_for_service(self) -> dict:
        """Return the step's ``data`` (everything but the opinion and the missing records' reason)."""
        return {name: value for name, value in self.cleaned_data.items() if name not in ("opinion", "missing_reason")}


class StepDecideForm(PleaseChooseMixin, forms.Form):
    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(choices=[(APPROVE, "同意"), (RETURN, "退回修改")], widget=forms.HiddenInput)
    opinion = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    missing_reason = forms.CharField(label="缺少材料的原因", required=False, max_length=500,
                                     widget=forms.Textarea(attrs={"rows": 2}), help_text=MISSING_REASON_HELP)


class CandidateVetoForm(PleaseChooseMixin, forms.Form):
    candidate = forms.ModelChoiceField(label="人选", queryset=Candidate.objects.none())
    reason = forms.CharField(label="否决理由", max_length=200)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = case.candidates.filter(state=Candidate.State.ACTIVE)


class AttachmentForm(PleaseChooseMixin, forms.Form):
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


class CaseStateForm(PleaseChooseMixin, forms.Form):
    """Pause, resume or terminate the case, with the reason the trail keeps."""

    PAUSE, RESUME, TERMINATE = "pause", "resume", "terminate"

    action = forms.ChoiceField(choices=[(PAUSE, "暂停"), (RESUME, "恢复"), (TERMINATE, "终止")],
                               widget=forms.HiddenInput)
    reason = forms.CharField(label="原因", max_length=200)


class CandidateDropForm(PleaseChooseMixin, forms.Form):
    """Leave a candidate off the list (未列入) before the inspection candidates are decided."""

    candidate = forms.ModelChoiceField(label="人选", queryset=Candidate.objects.none())
    reason = forms.CharField(label="未列入原因", max_length=200)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = case.candidates.filter(state=Candidate.State.ACTIVE)
