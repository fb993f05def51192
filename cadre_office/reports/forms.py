"""The run form of the monthly report: a month (last month by default) and a scope (全局 or a unit)."""

from django import forms

from cadre_office.reports import messages
from cadre_office.reports.selectors import BUREAU_CHOICE, MonthField, scope_choices
from cadre_office.reports.services import last_month
from cadres.models import Department


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
