"""账号变更确认: the second person's page, and asking for a second-factor reset.

Confirmers (``accounts.confirm_account_change`` for role grants and second-factor resets,
``accounts.assign_roles`` for moves of units) see what waits for them and what exactly it
changes, and confirm or reject it with a comment; requesters see and withdraw their own. A
confirmation that issues an activation code shows it once, in answer to the POST. Every
write goes through ``cadre_office.accounts.services``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import DetailView, TemplateView, View

from cadre_office.accounts import services
from cadre_office.accounts.forms import ChangeDecisionForm, ChangeReasonForm
from cadre_office.accounts.models import ChangeRequest
from cadre_office.accounts.permissions import can_cancel, confirm_refusal, confirmable_kinds, may_see_changes
from cadre_office.accounts.roles import SECOND_FACTOR_ROLES, second_factor_role_names
from cadre_office.accounts.selectors import (
    changes_recent,
    changes_requested_by,
    changes_to_confirm,
    changes_visible_to,
)
from cadre_office.accounts.views.users import AccountActionView, _refusal

Kind = ChangeRequest.Kind

CONFIRMED = "已确认：{change}。"
REJECTED = "已驳回：{change}。"
CANCELLED = "已撤回申请：{change}。"
RESET_REQUESTED = "已提交重置“{username}”动态口令的申请，待第二人确认后生效。"
CONFIRM_LABELS = {Kind.GRANT_ROLE: "确认授予", Kind.RESET_SECOND_FACTOR: "确认重置", Kind.MOVE_DEPARTMENT: "确认移动"}


class ChangesPermissionMixin(LoginRequiredMixin):
    """Confirmers and those who ask for changes; everyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_changes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ChangeListView(ChangesPermissionMixin, TemplateView):
    """What waits for my confirmation, what I asked for, and what was recently done."""

    template_name = "accounts/change_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "to_confirm": list(changes_to_confirm(user)), "mine": list(changes_requested_by(user)),
            "recent": list(changes_recent(user)), "confirms": bool(confirmable_kinds(user)),
            "second_factor_roles": second_factor_role_names(),
        }


class ChangeDetailView(ChangesPermissionMixin, DetailView):
    """One request: what exactly changes; confirm or reject it (POST ``decision``) with a comment."""

    template_name = "accounts/change_detail.html"
    context_object_name = "change"

    def get_queryset(self):
        return changes_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = self.object
        context.update(
            refusal=confirm_refusal(self.request.user, change), can_cancel=can_cancel(self.request.user, change),
            form=kwargs.get("form") or ChangeDecisionForm(), live_impact=self.live_impact(change),
            issues_code=self.issues_code(change), confirm_label=CONFIRM_LABELS[change.kind],
            account_profile=getattr(change.target_user, "profile", None) if change.target_user_id else None,
            target_enrolled=change.target_user_id is not None and services.has_second_factor(change.target_user),
        )
        return context

    def live_impact(self, change):
        """For a pending move: who gains and loses now (the tree may have changed since it was asked for)."""
        if change.kind != Kind.MOVE_DEPARTMENT or not change.is_pending:
            return None
        from cadres.models import Department
        from cadres.services.departments import department_move_impact

        parent_id = (change.payload.get("parent") or {}).get("id")
        parent = Department.objects.filter(pk=parent_id).first()
        return department_move_impact(department=change.target_department, parent=parent)

    def issues_code(self, change) -> bool:
        if change.kind == Kind.RESET_SECOND_FACTOR:
            return True
        return (change.kind == Kind.GRANT_ROLE and change.payload.get("role") in SECOND_FACTOR_ROLES
                and not services.has_second_factor(change.target_user))

    def post(self, request, *args, **kwargs):
        self.object = change = self.get_object()
        form = ChangeDecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        comment = form.cleaned_data["comment"]
        try:
            if request.POST.get("decision") == "reject":
                services.change_request_reject(actor=request.user, request=change, comment=comment)
                messages.success(request, REJECTED.format(change=change))
                return redirect("accounts:change_list")
            confirmation = services.change_request_confirm(actor=request.user, request=change, comment=comment)
        except (PermissionDenied, ValidationError) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict") and "comment" in exc.error_dict:
                form.add_error("comment", exc.error_dict["comment"])
                return self.render_to_response(self.get_context_data(form=form))
            for text in _refusal(exc):
                messages.error(request, text)
            return redirect("accounts:change_detail", change.pk)
        if confirmation.activation_code:
            # Rendered in answer to the POST, never stored: the page is the only place it appears.
            activation = services.activation_live(user=confirmation.request.target_user)
            return render(request, "accounts/activation_code_once.html", {
                "change": confirmation.request, "account": confirmation.request.target_user,
                "code": confirmation.activation_code, "expires_at": activation.expires_at if activation else None,
                "expires_days": settings.ACCOUNT_ACTIVATION_CODE_DAYS,
            })
        messages.success(request, CONFIRMED.format(change=change))
        return redirect("accounts:change_list")


class ChangeCancelView(ChangesPermissionMixin, View):
    """Withdraw one's own pending request (POST)."""

    def post(self, request, pk):
        change = get_object_or_404(changes_visible_to(request.user), pk=pk)
        try:
            services.change_request_cancel(actor=request.user, request=change)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, CANCELLED.format(change=change))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("accounts:change_list")
        return redirect(back)


class UserResetSecondFactorView(AccountActionView):
    """Ask for an account's authenticator to be reset: a second person confirms, and gets the new activation code."""

    form_class = ChangeReasonForm
    title = "重置动态口令"
    question = ("申请解除该账号已绑定的验证器（如手机丢失或更换），或为尚未绑定的账号签发激活码。"
                "须经第二人（按本局规定为局领导或另一位管理员）确认后生效：确认时该账号已登录的会话立即结束，"
                "确认人会得到一个一次性激活码，须当面交给本人，本人凭激活码重新绑定。")
    button = "提交申请"
    button_class = "btn-warning"

    def act(self, form):
        services.change_request_second_factor_reset(actor=self.request.user, user=self.account,
                                                    reason=form.cleaned_data["reason"])
        messages.success(self.request, RESET_REQUESTED.format(username=self.account.username))

