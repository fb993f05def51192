"""Forms of the young-cadre round: they parse input and offer choices; the services decide."""

from django import forms

from cadre_office.forms import PleaseChooseMixin
from cadres.forms import DateInput
from oversight.forms_points_talks import UserChoiceField, leaders
from training.models import Nomination, YoungCadreRound


class RoundForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = YoungCadreRound
        fields = ["year", "name", "quota", "age_limit", "min_education", "nomination_deadline", "note"]
        widgets = {"nomination_deadline": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"age_limit": "按当年12月31日计算周岁", "min_education": "全日制或在职最高学历，达到此层次及以上",
                      "quota": "本年度拟选育的人数，同意人数不能超过名额"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True


class NominationForm(PleaseChooseMixin, forms.Form):
    kind = forms.ChoiceField(label="推荐方式", choices=Nomination.Kind.choices, widget=forms.RadioSelect,
                             initial=Nomination.Kind.RECOMMENDED)
    recommender = forms.CharField(label="推荐人（单位）", max_length=100, required=False,
                                  help_text="组织推荐的填写，如：办公室党支部、王局长")
    recommended_by = UserChoiceField(label="推荐领导（系统账号）", queryset=None, required=False,
                                     help_text="由局领导推荐、您代为登记的，选择该领导；该领导不能审批本推荐。不选即为您本人推荐")
    reason = forms.CharField(label="推荐理由", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="组织推荐的写明推荐理由；个人自荐的填写本人陈述")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended_by"].queryset = leaders()
        self.fields["recommended_by"].empty_label = "（本人）"


class DecisionForm(forms.Form):
    reason = forms.CharField(label="审批意见", max_length=300, required=False)
