"""python manage.py issue_activation_code USERNAME

The server operator's way to let an existing account enrol its authenticator when no second
person can confirm a reset on the web, e.g. right after upgrading to the release in which
人事干部, 局领导, 科室负责人 and 审计管理员 started to sign in with a second factor (the 局领导
who would confirm have no authenticator yet either). Prints a one-time activation code;
audited as ``command:issue_activation_code``. An authenticator already enrolled is kept unless
``--reset`` removes it (and ends the account's sessions).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadre_office.accounts.roles import SECOND_FACTOR_ROLES
from cadre_office.accounts.services import (
    account_role,
    activation_code_issue,
    has_second_factor,
    is_service_account,
    second_factor_reset,
)
from cadre_office.audit.context import audit_source
from cadre_office.history import service_account


class Command(BaseCommand):
    help = "为已有账号签发一次性动态口令激活码（服务器运维用，如升级后首次启用动态口令）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help="同时解除该账号已绑定的验证器")

    def handle(self, *args, username, reset, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or is_service_account(user):
            raise CommandError(f"没有可登录的账号 {username}。")
        if account_role(user) not in SECOND_FACTOR_ROLES:
            raise CommandError(f"{username} 的角色不使用动态口令，无需激活码。")
        if has_second_factor(user) and not reset:
            raise CommandError(f"{username} 已绑定验证器；如需重新绑定（如手机丢失），请加 --reset。")
        with audit_source("command:issue_activation_code"), transaction.atomic():
            actor = service_account("issue_activation_code")
            code = (second_factor_reset(actor=actor, user=user) if reset
                    else activation_code_issue(actor=actor, user=user))
        self.stdout.write(f"{username} 的动态口令激活码：{code}")
        self.stdout.write("请当面交给本人；本人登录后在“绑定动态口令”页面输入，只能使用一次。")
