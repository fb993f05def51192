"""Forms of 理论培训. They parse input and offer choices within the user's scope; the services decide."""

from django import forms

from cadre_office.forms import PleaseChooseMixin
from cadres.forms import DateInput
from cadres.permissions import visible_to
from training.models import Enrolment, TrainingProgramme, TrainingSettings


class ProgrammeForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = TrainingProgramme
        fields = ["name", "category", "kind", "mode", "organiser", "location", "start_date", "end_date", "hours",
                  "certificate", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}


class EnrolForm(forms.Form):
    """The cadres ticked in the search results (a forged id outside the scope does not validate)."""

    cadres = forms.ModelMultipleChoiceField(label="干部", queryset=None, error_messages={
        "required": "请至少选择一名干部。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = visible_to(user).active()


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["attended_hours", "absences", "note"]


class CompleteForm(forms.Form):
    hours = forms.DecimalField(label="认定学时", max_digits=5, decimal_places=1, required=False,
                               help_text="不填按培训项目的学时认定")
    credited_on = forms.DateField(label="结业日期", widget=DateInput(), required=False,
                                  help_text="不填按培训结束日期；学时计入结业日期所在年度")
    certificate_no = forms.CharField(label="结业证书编号", max_length=40, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", max_length=200, required=False)


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(label="考勤表（.xlsx）", help_text="按“下载考勤表模板”的格式填写，第1行为表头")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 工作簿")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("文件过大（上限 5MB）")
        return upload


class TrainingSettingsForm(forms.ModelForm):
    class Meta:
        model = TrainingSettings
        fields = ["required_hours", "required_days", "hours_per_day", "promotion_training_months", "same_post_years",
                  "young_age_limit", "young_min_education", "placement_reminder_days"]
