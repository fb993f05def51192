"""Forms of 实践锻炼 and 岗位交流. They parse input and offer choices within the user's scope; the services decide."""

from django import forms
from django.utils import timezone

from cadre_office.forms import PleaseChooseMixin
from cadres.forms import DateInput, DepartmentChoiceField
from cadres.selectors import department_choices
from oversight.forms_points_talks import cadre_field
from training.models import PracticePlacement, RotationPlan


class PlacementForm(PleaseChooseMixin, forms.ModelForm):
    """A planned placement: the cadre (in scope; fixed once registered), where, as what, when, with whom."""

    class Meta:
        model = PracticePlacement
        fields = ["cadre", "kind", "host", "role", "mentor", "planned_start", "planned_end", "note"]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["cadre"]
        else:
            self.fields["cadre"] = cadre_field(user)
            self.fields["cadre"].empty_label = "请选择"
            self.fields = {"cadre": self.fields.pop("cadre"), **self.fields}
        self.fields["host"].widget.attrs.update(placeholder="如：某某街道办事处、区政务服务中心")
        self.fields["role"].widget.attrs.update(placeholder="如：挂任街道办事处副主任")


class PlacementStartForm(forms.Form):
    started_on = forms.DateField(label="实际开始日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()


class PlacementEndForm(PleaseChooseMixin, forms.Form):
    ended_on = forms.DateField(label="实际结束日期", widget=DateInput())
    assessment = forms.ChoiceField(label="期满考核等次",
                                   choices=[("", "请选择"), *PracticePlacement.Assessment.choices])
    assessment_text = forms.CharField(label="考核评价", widget=forms.Textarea(attrs={"rows": 4}),
                                      help_text="派出单位和接收单位的综合评价：锻炼表现、取得的实绩、存在的不足。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class RotationForm(PleaseChooseMixin, forms.ModelForm):
    """A rotation plan for one cadre (the cadre and their current post come from the URL)."""

    class Meta:
        model = RotationPlan
        fields = ["to_department", "to_title", "to_level", "planned_date", "reason", "document"]
        widgets = {"planned_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_department"] = DepartmentChoiceField(label="交流到单位", queryset=department_choices(user),
                                                             empty_label="请选择")
        self.fields = {"to_department": self.fields.pop("to_department"), **self.fields}
        self.fields["to_title"].widget.attrs.update(placeholder="如：综合科副科长")
        self.fields["to_level"].help_text = "非领导职务留空。"
        self.fields["reason"].widget.attrs.update(placeholder="如：同一岗位任职满5年，按规定交流")
        self.fields["document"].widget.attrs.update(placeholder="如：区财党组〔2026〕12号")
        self.fields["planned_date"].help_text = "当天或以前的日期可立即执行；以后的日期到期由系统自动执行。"
