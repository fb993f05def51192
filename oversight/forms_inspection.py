"""Forms of 定期考察. They parse input; the services decide (oversight.services.inspection)."""

from django import forms
from django.conf import settings

from cadre_office.forms import PleaseChooseMixin
from cadres.forms import DateInput
from oversight import messages_inspection as msg
from oversight.models import (
    QUARTERS,
    AppraisalConflictRule,
    DisciplineAction,
    InspectionShortcoming,
    InspectionVisit,
    OversightSettings,
)

# A completed grid template is a few kilobytes; this leaves room and stops anything else early.
GRID_UPLOAD_MAX_BYTES = getattr(settings, "GRID_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)


def year_choices(today, back: int = 5) -> list[tuple[int, str]]:
    return [(year, f"{year}年") for year in range(today.year, today.year - back - 1, -1)]


class QuarterFilterForm(forms.Form):
    """The filter bar of the 平时考核 overview: year, quarter and state (defaults: the quarter due)."""

    year = forms.TypedChoiceField(label="年度", coerce=int)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=QUARTERS)
    state = forms.ChoiceField(label="状态", required=False, choices=[
        ("", "全部状态"), ("pending", "未提交"), ("submitted", "待确认"), ("confirmed", "已确认")])

    def __init__(self, data=None, *, today, default):
        super().__init__(data)
        self.fields["year"].choices = year_choices(today)
        self.fields["year"].initial, self.fields["quarter"].initial = default
        self.default = default

    def values(self) -> tuple[int, int, str]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"], self.cleaned_data["quarter"], self.cleaned_data["state"]
        return (*self.default, "")


class YearFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, data=None, *, today, default):
        super().__init__(data)
        self.fields["year"].choices = year_choices(today)
        self.fields["year"].initial = default
        self.default = default

    def value(self) -> int:
        return self.cleaned_data["year"] if self.is_bound and self.is_valid() else self.default


class ReopenForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200, widget=forms.TextInput(
        attrs={"placeholder": "如：等次有误，请核实后重新提交"}))


class GridUploadForm(forms.Form):
    file = forms.FileField(label="填好的导入模板", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(msg.IMPORT_NOT_XLSX)
        if upload.size > GRID_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(msg.IMPORT_TOO_LARGE.format(limit=GRID_UPLOAD_MAX_BYTES // (1024 * 1024)))
        return upload


class OversightSettingsForm(forms.ModelForm):
    class Meta:
        model = OversightSettings
        fields = ["excellent_share_percent"]


class ConflictRuleForm(PleaseChooseMixin, forms.ModelForm):
    kinds = forms.MultipleChoiceField(label="处分类别", choices=DisciplineAction.Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AppraisalConflictRule
        fields = ["name", "kinds", "condition", "outcome", "basis", "is_active", "sort_order"]


class InspectionVisitForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = InspectionVisit
        fields = ["visited_on", "inspectors", "political_rating", "political_text", "performance_rating",
                  "performance_text", "morale_rating", "morale_text", "integrity_rating", "integrity_text"]
        widgets = {"visited_on": DateInput(),
                   **{f"{key}_text": forms.Textarea(attrs={"rows": 2}) for key, _ in InspectionVisit.ASPECTS}}


def _visit_label(visit) -> str:
    return f"{visit.visited_on:%Y-%m-%d} 考察（{visit.inspectors}）"


class ShortcomingForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = InspectionShortcoming
        fields = ["visit", "area", "description", "suggestion", "resolved_on"]
        widgets = {"resolved_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2}),
                   "suggestion": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this cadre's visits: another cadre's visit id posted is refused as an invalid choice.
        self.fields["visit"].queryset = InspectionVisit.objects.filter(cadre=cadre).order_by("-visited_on", "-pk")
        self.fields["visit"].label_from_instance = _visit_label
