"""Forms of 积分管理 and 谈心谈话. They parse input and offer choices within the user's scope; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from cadre_office.accounts.roles import Role
from cadre_office.forms import PleaseChooseMixin
from cadres.forms import DateInput
from cadres.permissions import visible_to
from oversight.models import PointRule, Talk, TalkFollowUp, TalkPlan


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = obj.current_post_title or obj.get_current_rank_display()
        return f"{obj.name}（{obj.department.name}{' ' + title if title else ''}）"


def cadre_field(user, label="干部"):
    """A choice of the cadres in service in ``user``'s scope (a forged id outside it does not validate)."""
    queryset = visible_to(user).active().select_related("department").order_by("department__path", "name_pinyin")
    return CadreChoiceField(label=label, queryset=queryset)


def leaders():
    return (get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER)
            .order_by("last_name", "first_name", "username"))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PointRuleForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = PointRule
        fields = ["name", "category", "points", "yearly_cap", "validity_months", "evidence_required",
                  "evidence_hint", "reviewer_role", "active", "order"]


class PointEntryForm(PleaseChooseMixin, forms.Form):
    cadre = forms.ModelChoiceField(queryset=None)
    rule = forms.ModelChoiceField(label="积分项目", queryset=PointRule.objects.filter(active=True))
    occurred_on = forms.DateField(label="发生日期", widget=DateInput())
    evidence = forms.CharField(label="依据", max_length=200, required=False,
                               help_text="文件文号或情况说明；规则要求提供依据的必须填写")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"cadre": cadre_field(user), **{k: v for k, v in self.fields.items() if k != "cadre"}}
        self.fields["cadre"].empty_label = "请选择"
        self.fields["rule"].empty_label = "请选择"
        self.fields["occurred_on"].initial = timezone.localdate()


class ReviewForm(forms.Form):
    note = forms.CharField(label="审核意见", max_length=200, required=False)


class TalkForm(PleaseChooseMixin, forms.ModelForm):
    """An ad-hoc talk (already held), or a due one being recorded as held (``due=True``: cadre and kind fixed)."""

    class Meta:
        model = Talk
        fields = ["cadre", "kind", "talker", "talker_name", "held_on", "place", "praise", "shortcomings",
                  "requirements", "cadre_response"]
        widgets = {"held_on": DateInput(),
                   **{name: forms.Textarea(attrs={"rows": 3}) for name in
                      ("praise", "shortcomings", "requirements", "cadre_response")}}

    def __init__(self, *args, user, due=False, **kwargs):
        super().__init__(*args, **kwargs)
        if due:
            del self.fields["cadre"], self.fields["kind"]
        else:
            self.fields["cadre"] = cadre_field(user, label="谈话对象")
            self.fields["cadre"].empty_label = "请选择"
            self.fields = {"cadre": self.fields.pop("cadre"), **self.fields}
        talkers = get_user_model().objects.filter(is_active=True, groups__name__in=[Role.LEADER, Role.PERSONNEL]) \
            .order_by("last_name", "first_name", "username")
        if not user.has_perm("oversight.record_any_talk"):
            talkers = talkers.filter(pk=user.pk)  # a leader records the talks they held
        self.fields["talker"] = UserChoiceField(label="谈话人", queryset=talkers, required=False, empty_label="请选择")
        if not self.initial.get("talker") and self.instance.talker_id is None:
            self.initial["talker"] = user.pk
        self.fields["held_on"].required = True
        if not self.initial.get("held_on"):
            self.initial["held_on"] = timezone.localdate()


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = TalkFollowUp
        fields = ["item", "due_on"]
        widgets = {"due_on": DateInput()}


class FollowUpDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DateInput())
    result = forms.CharField(label="完成情况", max_length=200)


class TalkPlanForm(PleaseChooseMixin, forms.ModelForm):
    kinds = forms.MultipleChoiceField(label="计入的谈话类型", choices=Talk.Kind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple, help_text="不选表示各类谈话均计入")

    class Meta:
        model = TalkPlan
        fields = ["year", "leader", "kinds", "min_per_cadre", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"] = UserChoiceField(label="主要领导", queryset=leaders(), empty_label="请选择")
