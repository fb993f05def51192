"""The audit log's filter bar. It parses input; the selector decides what matches."""

from django import forms
from django.core.validators import RegexValidator

from cadre_office.audit.models import AuditEvent
from cadre_office.audit.selectors import AuditFilters

# Messages users see, defined once (tests import them).
DATE_RANGE_REVERSED = "结束日期不能早于开始日期。"
IP_INVALID = "地址只能包含数字、字母a-f、点和冒号。"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _blank(label: str, choices) -> list:
    return [("", label), *choices]


class AuditFilterForm(forms.Form):
    """The filter bar (GET). Fields that do not validate are shown with their error and left out."""

    date_from = forms.DateField(label="日期从", required=False, widget=DateInput())
    date_to = forms.DateField(label="日期至", required=False, widget=DateInput())
    username = forms.CharField(label="用户名", required=False, max_length=150)
    event = forms.ChoiceField(label="事件", required=False, choices=_blank("全部事件", AuditEvent.Event.choices))
    outcome = forms.ChoiceField(label="结果", required=False, choices=_blank("全部结果", AuditEvent.Outcome.choices))
    ip = forms.CharField(
        label="地址", required=False, max_length=45,
        validators=[RegexValidator(r"^[0-9A-Fa-f.:]*$", IP_INVALID)],
    )
    q = forms.CharField(label="对象", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(placeholder="账号或其片段", autocomplete="off")
        self.fields["ip"].widget.attrs.update(placeholder="如 10.1.2.3 或 10.1.", autocomplete="off")
        self.fields["q"].widget.attrs.update(placeholder="对象名称或编号", autocomplete="off")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATE_RANGE_REVERSED)
        return cleaned

    def filters(self) -> AuditFilters:
        """Return the filters to apply; fields that did not validate are left out."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return AuditFilters(**data)
