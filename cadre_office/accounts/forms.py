"""Forms of the account pages. They parse input; the services decide (password rules, scope, self)."""

from django import forms
from django.contrib.auth import get_user_model

from cadre_office.accounts import messages
from cadre_office.accounts.roles import ROLE_DESCRIPTIONS, Role, second_factor_role_names
from cadre_office.accounts.selectors import scope_department_choices
from cadre_office.forms import PleaseChooseMixin

PASSWORD_HELP = (
    "留空则由系统生成强密码（仅显示一次）；自行设置须至少 10 位，含大写字母、小写字母、数字、符号中的至少 3 类。"  # noqa: S105
)
SCOPE_HELP = "仅“科室负责人”需要选择，可按住 Ctrl 多选；授权某单位即含其下级单位。其他角色请留空。"
ROLE_HELP = "一个账号只能有一个角色；三员（系统、安全、审计管理员）互相排斥。"
GRANT_REASON_HELP = ("授予须动态口令的角色（{roles}）须经第二人确认后生效，此理由供确认人核对（选填）。")

User = get_user_model()


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Departments indented by their depth in the tree."""

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


def _role_field(required=False):
    return forms.ChoiceField(
        label="角色", required=required, choices=[("", "（暂不分配）"), *Role.choices], help_text=ROLE_HELP,
    )


def _grant_reason_field():
    return forms.CharField(label="申请理由", required=False, max_length=200,
                           help_text=GRANT_REASON_HELP.format(roles=second_factor_role_names()))


def _scope_field():
    return DepartmentMultipleChoiceField(
        label="管辖单位", queryset=scope_department_choices(), required=False, help_text=SCOPE_HELP,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )


class AccountCreateForm(PleaseChooseMixin, forms.Form):
    """A new account. Role and scope appear only for those who may assign roles (``with_role``)."""

    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，建议用姓名拼音；不能与已有用户名重复（不区分大小写）。"
    )
    full_name = forms.CharField(label="姓名", max_length=150)
    display_title = forms.CharField(label="职务", max_length=50, required=False)
    password = forms.CharField(
        label="初始密码", required=False, strip=False, help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="确认密码", required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "full_name", "password", "password_confirm", "display_title"]

    def __init__(self, *args, with_role: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_role:
            self.fields["role"] = _role_field()
            self.fields["departments"] = _scope_field()
            self.fields["reason"] = _grant_reason_field()

    def clean(self):
        data = super().clean()
        if data.get("password", "") != data.get("password_confirm", ""):
            self.add_error("password_confirm", messages.PASSWORDS_DIFFER)
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "username": data["username"], "full_name": data["full_name"], "display_title": data["display_title"],
            "role": data.get("role") or None, "departments": list(data.get("departments") or []),
            "reason": data.get("reason") or "",
        }


class AccountUpdateForm(PleaseChooseMixin, forms.Form):
    """An account's name, title, role and scope (for those who may assign roles)."""

    full_name = forms.CharField(label="姓名", max_length=150)
    display_title = forms.CharField(label="职务", max_length=50, required=False)
    role = _role_field()
    departments = _scope_field()
    reason = _grant_reason_field()

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "（无角色）"), *Role.choices]
        self.fields["departments"].queryset = scope_department_choices(account)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"], "display_title": data["display_title"],
            "role": data["role"] or None, "departments": list(data["departments"]), "reason": data["reason"],
        }


class ConfirmForm(PleaseChooseMixin, forms.Form):
    """The confirmation of an action that takes no input (the CSRF token is the whole form)."""


class ChangeReasonForm(PleaseChooseMixin, forms.Form):
    """Why a change is asked for: the confirmer reads it before deciding."""

    reason = forms.CharField(label="申请理由", max_length=200,
                             help_text="如“本人手机丢失，需重新绑定”，供确认人核对，记入审计记录。",
                             error_messages={"required": messages.REASON_REQUIRED})


class ChangeDecisionForm(PleaseChooseMixin, forms.Form):
    """The confirmer's comment: optional when confirming, required when rejecting (the service checks)."""

    comment = forms.CharField(label="意见", required=False, max_length=200,
                              help_text="驳回时必填，说明理由；确认时选填。")


class AccountDisableForm(PleaseChooseMixin, forms.Form):
    reason = forms.CharField(label="停用原因", required=False, max_length=200,
                             help_text="选填，如“调离本局”“长期病假”，记入审计记录。")


def role_descriptions() -> list[tuple[str, str]]:
    return [(role.label, ROLE_DESCRIPTIONS[role]) for role in Role]
