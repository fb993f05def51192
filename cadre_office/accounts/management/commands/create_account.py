"""python manage.py create_account USERNAME --name NAME --role ROLE

Creates the first accounts of an installation (typically the three administrators of
三员分立) without any default or shared account: the command prints a one-time password
that must be changed at first login, and administrators enrol their TOTP at first login.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadre_office.accounts.roles import Role
from cadre_office.accounts.services import account_create, temporary_password
from cadre_office.audit.context import audit_source
from cadre_office.history import service_account


class Command(BaseCommand):
    help = "新建一个账号并指定角色（用于初始化三员账号）；打印一次性初始密码，首次登录须修改。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="姓名")
        parser.add_argument("--role", required=True, choices=Role.values, help="角色")

    def handle(self, *args, username, name, role, **options):
        password = temporary_password(username=username, full_name=name)
        try:
            with audit_source("command:create_account"), transaction.atomic():
                account_create(actor=service_account("create_account"), username=username, full_name=name,
                               password=password, role=role)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        self.stdout.write(f"已新建账号 {username}（{role}）。一次性初始密码：{password}")
        self.stdout.write("首次登录须修改密码；三员账号首次登录还须绑定动态口令（TOTP）。")
