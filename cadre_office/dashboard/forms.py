"""Forms of the dashboard pages. They parse input; the services decide."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from cadre_office.dashboard.models import Plan, Target
from cadre_office.dashboard.plans import PLAN_ENDS_BEFORE_START
from cadre_office.dashboard.selectors import AGE_BOUND_CODES
from cadre_office.forms import PleaseChooseMixin

AS_OF_IN_FUTURE = "统计时点不能晚于今天。"
AS_OF_TOO_EARLY = "统计时点不能早于 2000-01-01。"
RATIO_GOAL_RANGE = "比例目标须在 0% 到 100% 之间。"
AGE_RANGE = "年龄上限须在 18 到 70 岁之间。"
COUNT_GOAL_WHOLE = "人数目标须为不小于 0 的整数。"
EARLIEST_AS_OF = dt.date(2000, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AsOfForm(PleaseChooseMixin, forms.Form):
    """?as_of=YYYY-MM-DD on the dashboard, the trend and the drill-down; a bad value is ignored."""

    as_of = forms.DateField(label="统计时点", required=False, input_formats=["%Y-%m-%d"])

    def as_of_or(self, default: dt.date | None) -> dt.date | None:
        if self.is_bound and self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return default


class RecomputeForm(PleaseChooseMixin, forms.Form):
    """The date to recompute: the one shown, or any earlier day up to today."""

    as_of = forms.DateField(label="统计时点", widget=DateInput, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["as_of"].widget.attrs.update({"max": f"{today:%Y-%m-%d}", "min": f"{EARLIEST_AS_OF:%Y-%m-%d}",
                                                "class": "form-control form-control-sm"})

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise forms.ValidationError(AS_OF_IN_FUTURE)
        if as_of < EARLIEST_AS_OF:
            raise forms.ValidationError(AS_OF_TOO_EARLY)
        return as_of


class TargetForm(PleaseChooseMixin, forms.Form):
    """One row of the targets table: the goal (in % for a ratio, in heads for a count) and the age bound."""

    goal = forms.DecimalField(label="目标值", required=False)
    age_max = forms.IntegerField(label="年龄上限", required=False,
                                 validators=[MinValueValidator(18, AGE_RANGE), MaxValueValidator(70, AGE_RANGE)])

    def __init__(self, *args, target: Target, **kwargs):
        self.target = target
        is_ratio = target.kind == Target.Kind.RATIO
        initial = {"age_max": target.age_max}
        if target.goal is not None:
            initial["goal"] = f"{(target.goal * 100).normalize():f}" if is_ratio else int(target.goal)
        super().__init__(*args, prefix=f"t{target.pk}", initial=initial, **kwargs)
        goal = self.fields["goal"]
        if is_ratio:
            goal.max_digits, goal.decimal_places = 5, 2
            goal.widget.attrs.update({"min": "0", "max": "100", "step": "0.01"})
        else:
            goal.widget.attrs.update({"min": "0", "step": "1"})
        goal.widget.attrs.update({"class": "form-control form-control-sm num goal-input",
                                  "aria-label": f"{target.name} 目标值"})
        if target.code in AGE_BOUND_CODES:
            self.fields["age_max"].widget.attrs.update({"class": "form-control form-control-sm num age-input",
                                                        "min": "18", "max": "70",
                                                        "aria-label": f"{target.name} 年龄上限"})
        else:
            del self.fields["age_max"]

    def clean_goal(self):
        goal = self.cleaned_data["goal"]
        if goal is None:
            return goal
        if self.target.kind == Target.Kind.RATIO and not (0 <= goal <= 100):
            raise forms.ValidationError(RATIO_GOAL_RANGE)
        if self.target.kind == Target.Kind.COUNT and (goal < 0 or goal != goal.to_integral_value() or goal >= 10**6):
            raise forms.ValidationError(COUNT_GOAL_WHOLE)
        return goal

    @property
    def has_age_bound(self) -> bool:
        return "age_max" in self.fields

    def values(self) -> tuple[Decimal | None, int | None]:
        """Return (goal as stored: a fraction for a ratio, age bound) from the cleaned data."""
        goal = self.cleaned_data.get("goal")
        if goal is not None and self.target.kind == Target.Kind.RATIO:
            goal = (goal / 100).quantize(Decimal("0.0001"))
        age_max = self.cleaned_data.get("age_max") if self.has_age_bound else self.target.age_max
        return goal, age_max


class PlanForm(PleaseChooseMixin, forms.ModelForm):
    """A plan's name and period."""

    class Meta:
        model = Plan
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", PLAN_ENDS_BEFORE_START)
        return data

    def _post_clean(self):
        # The services validate and save; the form only parses (no model validation here).
        pass


class LadderDayForm(forms.Form):
    """The age ladder's day (统计时点); empty: today."""

    as_of = forms.DateField(label="统计时点", required=False, widget=DateInput, input_formats=["%Y-%m-%d"])
