"""Forms of 个人培养计划. They parse input and offer choices within the user's scope; the services decide."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from cadre_office.forms import PleaseChooseMixin
from cadres.permissions import visible_to
from oversight.selectors_inspection import open_shortcomings
from training.models import DevelopmentPlan, PlanGap, PlanGoal, PlanItem, PlanReview, TrainingProgramme
from training.selectors.plans import review_choices
from training.services.plans import LINK_FIELDS


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = obj.current_post_title or obj.get_current_rank_display()
        return f"{obj.name}（{obj.department.name}{' ' + title if title else ''}）"


def mentor_field(user, cadre):
    """The cadres in service in ``user``'s scope, the cadre themself left out (the service checks it too)."""
    queryset = (visible_to(user).active().exclude(pk=cadre.pk).select_related("department")
                .order_by("department__path", "name_pinyin"))
    return CadreChoiceField(label="培养导师", queryset=queryset, required=False, empty_label="（暂不指定）",
                            help_text="一般由分管领导或经验丰富的科级领导干部担任。")


class ShortcomingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.visit.visited_on:%Y-%m-%d}考察 · {obj.get_area_display()}：{obj.description}"


class PlanForm(PleaseChooseMixin, forms.ModelForm):
    """The plan's head: years, direction, mentor and the mentor's duty."""

    class Meta:
        model = DevelopmentPlan
        fields = ["start_year", "end_year", "direction", "mentor", "mentor_note"]

    def __init__(self, *args, user, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"] = mentor_field(user, cadre)
        self.fields["mentor_note"].widget.attrs["placeholder"] = "如：每季度谈心一次，指导起草重要文稿"
        if not self.instance.pk:
            year = timezone.localdate().year
            self.initial.update(start_year=self.initial.get("start_year") or year,
                                end_year=self.initial.get("end_year") or year + 2)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "结束年度不能早于起始年度。")
        return data


class PlanCreateForm(PlanForm):
    """A new plan: the head, and its gaps (the cadre's open 考察 shortcomings, ticked, plus lines typed)."""

    shortcomings = ShortcomingChoiceField(label="考察发现的不足", queryset=None, required=False,
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                          help_text="默认全部列为培养短板（拾缺补漏）；不需列入的取消勾选。")
    extra_gaps = forms.CharField(label="其他短板", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="每行一条，逐条列为培养短板。")

    def __init__(self, *args, user, cadre, **kwargs):
        super().__init__(*args, user=user, cadre=cadre, **kwargs)
        found = list(open_shortcomings(cadre))
        if found:
            self.fields["shortcomings"].queryset = open_shortcomings(cadre)
            self.fields["shortcomings"].initial = [item.pk for item in found]
        else:
            del self.fields["shortcomings"]
            self.fields["extra_gaps"].help_text = "该干部没有未整改的考察问题。需要补齐的短板请每行一条填写。"

    def clean(self):
        data = super().clean()
        data.setdefault("shortcomings", [])
        return data

    def clean_extra_gaps(self):
        lines = [line.strip() for line in self.cleaned_data["extra_gaps"].splitlines()]
        too_long = [line for line in lines if len(line) > 300]
        if too_long:
            raise forms.ValidationError("每条短板不超过300字。")
        return [line for line in lines if line]


class PlanGapForm(forms.ModelForm):
    class Meta:
        model = PlanGap
        fields = ["text", "closed"]


class PlanGoalForm(forms.ModelForm):
    class Meta:
        model = PlanGoal
        fields = ["text", "due_year", "achieved"]


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.start_date:%Y-%m-%d}至{obj.end_date:%Y-%m-%d}，{obj.hours.normalize():f}学时）"


class RecordChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        day = getattr(obj, "planned_start", None) or getattr(obj, "planned_date", None)
        return f"{obj}（{day:%Y-%m-%d}，{obj.get_state_display()}）"


class PlanItemForm(PleaseChooseMixin, forms.ModelForm):
    """A planned item: what, when, which gap it addresses, and the record that carries it out.

    The pickers offer the programmes running in the plan's years and the cadre's own placements and
    rotation plans; the service checks the programme runs in the item's year.
    """

    class Meta:
        model = PlanItem
        fields = ["kind", "title", "due_year", "gap", "programme", "placement", "rotation"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gap"].queryset = plan.gaps.all()
        self.fields["programme"] = ProgrammeChoiceField(
            label="关联培训项目", required=False, help_text="理论培训类：参训并结业即为完成。",
            queryset=TrainingProgramme.objects.filter(
                Q(start_date__year__lte=plan.end_year) & Q(end_date__year__gte=plan.start_year))
            .order_by("start_date", "pk"))
        self.fields["placement"] = RecordChoiceField(
            label="关联实践锻炼", required=False, help_text="实践锻炼类：锻炼期满即为完成。",
            queryset=plan.cadre.placements.order_by("planned_start", "pk"))
        self.fields["rotation"] = RecordChoiceField(
            label="关联岗位交流", required=False, help_text="岗位交流类：交流到位即为完成。",
            queryset=plan.cadre.rotation_plans.select_related("cadre").order_by("planned_date", "pk"))
        for name in ("gap", "programme", "placement", "rotation"):
            self.fields[name].empty_label = "（暂不关联）" if name != "gap" else "（不针对具体短板）"
        if not self.instance.pk:
            self.initial["due_year"] = max(plan.start_year, timezone.localdate().year)

    def clean(self):
        data = super().clean()
        # Only the picker of the chosen kind counts (one may have been set before the kind was changed).
        own = LINK_FIELDS.get(data.get("kind"))
        for name in LINK_FIELDS.values():
            if name != own:
                data[name] = None
                setattr(self.instance, name, None)
        return data


class PlanCloseForm(forms.Form):
    reason = forms.CharField(label="结束原因", max_length=200)


class PlanReviewForm(PleaseChooseMixin, forms.ModelForm):
    """A half-year review: which half (the current or the previous one), rating, progress, next steps."""

    period = forms.ChoiceField(label="考评期间")

    class Meta:
        model = PlanReview
        fields = ["rating", "progress", "next_steps"]
        widgets = {"progress": forms.Textarea(attrs={"rows": 3}), "next_steps": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"period": self.fields.pop("period"), **self.fields}
        self.fields["period"].choices = review_choices(today)

    def clean_period(self):
        year, half = self.cleaned_data["period"].split("-")
        return int(year), int(half)
