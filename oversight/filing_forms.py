"""The forms of 备案: the per-kind submission form and the forms of the steps (理由, 核查结论)."""

from django import forms

from cadre_office.forms import PleaseChooseMixin
from cadres.forms import DateInput
from oversight.models import Filing

# The fields each kind's form shows, in the order the page lays them out.
KIND_FIELDS = {
    Filing.Kind.EDUCATION: ["education_stage", "event_date", "school", "major", "education_level", "degree",
                            "study_mode", "note"],
    Filing.Kind.HONOUR: ["honour_title", "honour_level", "awarding_body", "event_date", "note"],
    Filing.Kind.PETITION: ["petition_source", "event_date", "petition_summary", "note"],
}
EVENT_DATE_LABELS = {
    Filing.Kind.EDUCATION: "入学或毕业日期",
    Filing.Kind.HONOUR: "授予日期",
    Filing.Kind.PETITION: "收到信访件日期",
}


class FilingForm(PleaseChooseMixin, forms.ModelForm):
    """报送 a filing of one kind: only that kind's fields, each required as the model says."""

    class Meta:
        model = Filing
        fields = sorted({name for names in KIND_FIELDS.values() for name in names})
        widgets = {"event_date": DateInput(), "petition_summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        wanted = KIND_FIELDS[kind]
        self.fields = {name: self.fields[name] for name in wanted}
        for name in Filing.REQUIRED_FIELDS[kind]:
            self.fields[name].required = True
        self.fields["event_date"].label = EVENT_DATE_LABELS[kind]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200, widget=forms.TextInput(
        attrs={"placeholder": "如：缺少学历证书复印件，请补充后重新报送"}))


class ReviewForm(forms.Form):
    opinion = forms.CharField(label="审核意见", max_length=200, required=False, widget=forms.TextInput(
        attrs={"placeholder": "如：材料齐全，信息属实"}))


class OutcomeForm(PleaseChooseMixin, forms.Form):
    outcome = forms.ChoiceField(label="核查结论", choices=[("", "---------"), *Filing.Outcome.choices],
                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    handling = forms.CharField(label="处理情况", max_length=500, widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-control form-control-sm",
               "placeholder": "如：经核查，反映问题不属实，予以了结"}))
