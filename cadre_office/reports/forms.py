"""The forms of 报表: the monthly report's run form (a month, last month by default, and a scope: 全局 or a
unit), and the appointment form's 任免理由, LRMX upload and import confirmation."""

from django import forms
from django.core.exceptions import ValidationError

from cadre_office.reports import messages
from cadre_office.reports.appointment import messages as form_messages
from cadre_office.reports.appointment.lrmx import MAX_FILE_BYTES
from cadre_office.reports.selectors import BUREAU_CHOICE, MonthField, scope_choices
from cadre_office.reports.services import last_month
from cadres.models import Department
from cadres.selectors import department_choices


class MonthlyReportRunForm(forms.Form):
    month = MonthField(label="统计月份", error_messages={"invalid": messages.MONTH_INVALID},
                       help_text="统计时点为该月最后一天")
    scope = forms.ChoiceField(label="统计范围", help_text="全局，或一个单位及其全部下级单位")

    def __init__(self, *args, user, **kwargs):
        kwargs["initial"] = {"month": last_month(), "scope": BUREAU_CHOICE, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(user)

    def clean_scope(self):
        value = self.cleaned_data["scope"]
        return None if value == BUREAU_CHOICE else Department.objects.get(pk=value)


class ReasonForm(forms.Form):
    """A candidate's 任免理由, written into the candidate's appointment form."""

    appointment_reason = forms.CharField(label="任免理由", required=False, max_length=500,
                                         widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))


class UploadForm(forms.Form):
    """An ``.lrmx`` upload: its name and size are checked here, its content by ``appointment.lrmx``."""

    file = forms.FileField(label="任免审批表文件（.lrmx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".lrmx"):
            raise ValidationError(form_messages.WRONG_EXTENSION)
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(form_messages.FILE_TOO_LARGE.format(size=MAX_FILE_BYTES // 1024 // 1024))
        return upload


class ApplyForm(forms.Form):
    """Confirm an import: a new cadre needs the unit it is added to (one the user may choose)."""

    department = forms.ModelChoiceField(label="新增干部的单位", queryset=None, required=False,
                                        widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args, user, new_cadre: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_choices(user)
        self.fields["department"].required = new_cadre
        self.fields["department"].error_messages["required"] = form_messages.UNIT_REQUIRED
