"""用户管理: the account pages of the system and security administrators.

``accounts.manage_accounts`` opens the list, the account page, creating accounts and the
disable / enable / reset password / unlock actions and asking for a second-factor reset;
``accounts.assign_roles`` (the security administrator only) also sets role and scope. A role
with a second factor is not granted here but requested, for a second person to confirm
(``views.changes``). The pages show accounts, never cadre data or the audit log (三员分立).
Every write goes through ``cadre_office.accounts.services``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import DetailView, FormView

from cadre_office.accounts import services
from cadre_office.accounts.forms import (
    AccountCreateForm,
    AccountDisableForm,
    AccountUpdateForm,
    ConfirmForm,
)
from cadre_office.accounts.forms import role_descriptions as _role_descriptions
from cadre_office.accounts.models import ChangeRequest
from cadre_office.accounts.permissions import can_cancel
from cadre_office.accounts.roles import SECOND_FACTOR_ROLES
from cadre_office.accounts.selectors import (
    account_filterset,
    accounts,
    manageable_accounts,
    pending_changes_of_account,
)
from cadre_office.lists import FilteredListView
from cadre_office.views import ServiceFormMixin

MANAGE = "accounts.manage_accounts"
ASSIGN = "accounts.assign_roles"

CREATED = "账号“{username}”已新建，首次登录须修改密码。"
CREATED_WITHOUT_ROLE = "账号“{username}”已新建，尚未分配角色：请安全管理员分配角色后再交付使用。"
UPDATED = "账号“{username}”的信息已保存。"
GRANT_REQUESTED = ("授予“{role}”角色须经第二人确认：申请已提交，确认前该账号保持原角色。"
                   "确认人可在“账号变更确认”中办理。")
DISABLED = "账号“{username}”已停用，其登录会话已全部结束。"
ENABLED = "账号“{username}”已启用。"
UNLOCKED = "账号“{username}”已解除锁定。"


def _refusal(exc) -> list[str]:
    """The Chinese text of a service's refusal (PermissionDenied carries it as its argument)."""
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]


class AccountPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = MANAGE


class AccountTargetMixin(AccountPermissionMixin):
    """An action on one account: ``self.account``, never a service account (404)."""

    def dispatch(self, request, *args, **kwargs):
        # Authentication and permission come first (the mixins' dispatch), then the account.
        if not request.user.is_authenticated or not self.has_permission():
            return super().dispatch(request, *args, **kwargs)
        self.account = get_object_or_404(manageable_accounts(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(account=self.account, is_self=self.account.pk == self.request.user.pk)
        return context

    def get_success_url(self):
        return reverse("accounts:user_detail", args=[self.account.pk])


class UserListView(FilteredListView):
    """用户管理: every account, filtered (the list kit: cadre_office.lists)."""

    permission_required = MANAGE
    filterset_for = staticmethod(account_filterset)
    template_name = "accounts/user_list.html"
    results_template = "accounts/_user_results.html"
    results_id = "user-results"
    context_object_name = "accounts"


class UserDetailView(AccountPermissionMixin, DetailView):
    template_name = "accounts/user_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return accounts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.object
        role = services.account_role(account)
        pending = list(pending_changes_of_account(account))
        context.update(
            is_self=account.pk == self.request.user.pk,
            role=role,
            role_descriptions=dict(_role_descriptions()),
            created_by=getattr(getattr(account, "profile", None), "created_by", None),
            owes_second_factor=role in SECOND_FACTOR_ROLES,
            has_second_factor=services.has_second_factor(account),
            activation=services.activation_live(user=account),
            pending_changes=[(change, can_cancel(self.request.user, change)) for change in pending],
            reset_pending=any(change.kind == ChangeRequest.Kind.RESET_SECOND_FACTOR for change in pending),
        )
        return context


class UserCreateView(AccountPermissionMixin, ServiceFormMixin, FormView):
    """New account: the password typed in, or a generated one shown once on the next page."""

    template_name = "accounts/user_form.html"
    form_class = AccountCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "with_role": self.request.user.has_perm(ASSIGN)}

    def perform(self, form):
        data = form.service_data()
        self.generated_password = ""
        password = form.cleaned_data["password"]
        if not password:
            password = self.generated_password = services.temporary_password(
                username=data["username"], full_name=data["full_name"])
        self.account = services.account_create(actor=self.request.user, password=password, **data)
        self.grant_pending = bool(data["role"]) and services.account_role(self.account) != data["role"]
        self.success_message = (CREATED if data["role"] else CREATED_WITHOUT_ROLE).format(
            username=self.account.username)
        if self.grant_pending:
            self.success_message += GRANT_REQUESTED.format(role=data["role"])

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "generated_password", "") and response.status_code == 302:
            # Rendered in answer to the POST, never stored: the page is the only place it appears.
            return render(self.request, "accounts/user_password_once.html", {
                "account": self.account, "password": self.generated_password, "created": True,
                "grant_pending": self.grant_pending,
            })
        return response

    def get_success_url(self):
        return reverse("accounts:user_detail", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "role_descriptions": _role_descriptions()}


class UserUpdateView(AccountTargetMixin, ServiceFormMixin, FormView):
    """Name, title, role and scope: the security administrator's page."""

    permission_required = (MANAGE, ASSIGN)
    template_name = "accounts/user_form.html"
    form_class = AccountUpdateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "account": self.account}

    def get_initial(self):
        account = self.account
        return {
            "full_name": account.first_name, "display_title": account.display_title,
            "role": services.account_role(account) or "",
            "departments": [grant.content_object for grant in account.scope_grants],
        }

    def perform(self, form):
        data = form.service_data()
        change = services.account_update(actor=self.request.user, user=self.account, **data)
        self.success_message = UPDATED.format(username=self.account.username)
        if change is not None:
            self.success_message += GRANT_REQUESTED.format(role=data["role"])

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as exc:
            form.add_error(None, _refusal(exc))
            return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "role_descriptions": _role_descriptions()}


class AccountActionView(AccountTargetMixin, FormView):
    """A confirmation page (GET) and the action it confirms (POST), through one service."""

    template_name = "accounts/user_confirm.html"
    form_class = ConfirmForm
    title = ""
    question = ""
    button = ""
    button_class = "btn-primary"
    success_message = ""

    def act(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            response = self.act(form)
        except (PermissionDenied, ValidationError) as exc:
            for text in _refusal(exc):
                messages.error(self.request, text)
            return redirect(self.get_success_url())
        if self.success_message:
            messages.success(self.request, self.success_message.format(username=self.account.username))
        return response or redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title, "question": self.question, "button": self.button, "button_class": self.button_class,
        }


class UserDisableView(AccountActionView):
    form_class = AccountDisableForm
    title = "停用账号"
    question = "停用后该账号不能登录，其已登录的会话立即结束；数据和操作记录保留，可随时重新启用。"
    button = "确认停用"
    button_class = "btn-danger"
    success_message = DISABLED

    def act(self, form):
        services.account_disable(actor=self.request.user, user=self.account, reason=form.cleaned_data["reason"])


class UserEnableView(AccountActionView):
    form_class = ConfirmForm
    title = "启用账号"
    question = "启用后该账号可用原密码登录。如不确定原密码是否泄露，请同时重置密码。"
    button = "确认启用"
    success_message = ENABLED

    def act(self, form):
        services.account_enable(actor=self.request.user, user=self.account)


class UserResetPasswordView(AccountActionView):
    form_class = ConfirmForm
    title = "重置密码"
    question = ("系统将生成一个临时密码（仅在下一页显示一次），该账号已登录的会话立即结束，"
                "下次登录须先修改密码；如账号被锁定，同时解除锁定。")
    button = "生成临时密码"
    button_class = "btn-warning"

    def act(self, form):
        password = services.account_reset_temporary_password(actor=self.request.user, user=self.account)
        # Rendered in answer to the POST, never stored: the page is the only place it appears.
        return render(self.request, "accounts/user_password_once.html", {
            "account": self.account, "password": password, "created": False,
        })


class UserUnlockView(AccountActionView):
    form_class = ConfirmForm
    title = "解除锁定"
    question = "解除因连续登录失败造成的锁定，该账号可立即重新尝试登录。请先与本人核实失败登录是否为其本人所为。"
    button = "确认解除锁定"
    success_message = UNLOCKED

    def act(self, form):
        services.account_unlock(actor=self.request.user, user=self.account)
