"""python manage.py create_account USERNAME --name NAME --role ROLE

Creates the first accounts of an installation (typically the three administrators of
三员分立) without any default or shared account: the command prints a one-time password
that must be changed at first login and, for a role that signs in with a second factor, the
activation code its holder enrols their authenticator with. The server operator running it
stands in for the second person a role grant otherwise needs.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadre_office.accounts.roles import SECOND_FACTOR_ROLES, Role
from cadre_office.accounts.services import account_create, activation_code_issue, temporary_password
from cadre_office.audit.context import audit_source
from cadre_office.history import service_account


class Command(BaseCommand):
    help = ("新建一个账号并指定角色（用于初始化三员账号）；打印一次性初始密码（首次登录须修改），"
            "须动态口令的角色另打印一次性激活码。")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="姓名")
        parser.add_argument("--role", required=True, choices=Role.values, help="角色")

    def handle(self, *args, username, name, role, **options):
        password = temporary_password(username=username, full_name=name)
        code = ""
        try:
            with audit_source("command:create_account"), transaction.atomic():
                actor = service_account("create_account")
                user = account_create(actor=actor, username=username, full_name=name, password=password, role=role)
                if role in SECOND_FACTOR_ROLES:
                    code = activation_code_issue(actor=actor, user=user)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        self.stdout.write(f"已新建账号 {username}（{role}）。一次性初始密码：{password}")
        if code:
            self.stdout.write(f"动态口令激活码：{code}")
            self.stdout.write("首次登录先输入激活码、用手机验证器绑定动态口令，再修改密码。"
                              "请把密码和激活码当面交给本人。")
        else:
            self.stdout.write("首次登录须修改密码。")
