"""节假日安排: personnel staff enter a year's official holidays and adjusted workdays.

The State Council publishes each year's arrangement late in the year before; the
chinese-calendar package knows only published years. A year entered here overrides the
package; a year neither knows is refused by the working-day calculations.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView

from selection.models import CalendarDay
from selection.selectors import calendar_year_entered, calendar_years
from selection.services import calendar_year_save

KIND_WORDS = {"休": CalendarDay.Kind.HOLIDAY, "班": CalendarDay.Kind.WORKDAY}
LINE_HELP = "每行一天：日期 休/班 名称，例如“2027-10-01 休 国庆节”“2027-09-26 班 国庆节调休上班”。"
BAD_LINE = "第{n}行格式不对：{line}（应为“日期 休/班 名称”）"


class HolidayYearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    days = forms.CharField(label="节假日与调休上班", widget=forms.Textarea(attrs={"rows": 16}), help_text=LINE_HELP)
    note = forms.CharField(label="依据", max_length=200, required=False,
                           help_text="如：国务院办公厅关于2027年部分节假日安排的通知")

    def clean_days(self):
        parsed, errors = [], []
        for n, line in enumerate(self.cleaned_data["days"].splitlines(), start=1):
            parts = line.split(maxsplit=2)
            if not parts:
                continue
            try:
                day = dt.date.fromisoformat(parts[0])
                kind = KIND_WORDS[parts[1]]
            except (ValueError, IndexError, KeyError):
                errors.append(BAD_LINE.format(n=n, line=line.strip()))
                continue
            parsed.append((day, kind, parts[2] if len(parts) > 2 else ""))
        if errors:
            raise ValidationError(errors)
        return parsed


class CalendarYearEditView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Enter or correct one year's arrangement; list the years entered so far."""

    permission_required = "selection.change_calendarday"
    template_name = "selection/holidays.html"
    form_class = HolidayYearForm

    def get_year(self) -> int:
        try:
            return int(self.request.GET.get("year") or timezone.localdate().year + 1)
        except ValueError:
            return timezone.localdate().year + 1

    def get_initial(self):
        year = self.get_year()
        days, note = calendar_year_entered(year)
        words = {kind: word for word, kind in KIND_WORDS.items()}
        lines = [f"{d.date:%Y-%m-%d} {words[d.kind]} {d.name}".strip() for d in days]
        return {"year": year, "days": "\n".join(lines), "note": note}

    def get_context_data(self, **kwargs):
        return super().get_context_data(years=calendar_years(), **kwargs)

    def form_valid(self, form):
        try:
            calendar_year_save(actor=self.request.user, year=form.cleaned_data["year"],
                               days=form.cleaned_data["days"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error("days", exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, f"{form.cleaned_data['year']}年的节假日安排已保存。")
        return redirect(f"{self.request.path}?year={form.cleaned_data['year']}")
