"""python manage.py import_roster PATH [--dry-run] [--user USERNAME]"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cadre_office.audit.context import audit_source
from cadre_office.history import service_account
from cadres.roster_workbook import WorkbookRejected, read_roster
from cadres.services import apply_roster_import, plan_roster_import


class Command(BaseCommand):
    help = "导入干部花名册（Excel）：全部校验通过才写入，按身份证号匹配已有干部并更新。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="花名册 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--user", help="记为变更人的用户名（默认 import_roster）")

    def handle(self, *args, path, dry_run, user, **options):
        if user:
            self._actor(user)  # refuse an unknown author before reading anything
        try:
            with open(path, "rb") as handle:
                parsed = read_roster(handle)
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{path}") from None
        except WorkbookRejected as exc:
            self.stderr.write(str(exc))
            raise SystemExit(1) from None
        plan = plan_roster_import(parsed)
        if not plan.is_valid:
            for error in plan.errors:
                self.stderr.write(str(error))
            self.stderr.write(f"共 {plan.counts['errors']} 行有错误，未写入任何数据。")
            raise SystemExit(1)
        counts = plan.counts
        if dry_run:
            self.stdout.write(f"校验通过（未写入）：将新增 {counts['new']}，更新 {counts['changed']}，"
                              f"未变 {counts['unchanged']}")
            return
        with audit_source("command:import_roster"):
            result = apply_roster_import(plan, actor=self._actor(user), source=os.path.basename(path))
        self.stdout.write(f"导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")

    def _actor(self, username):
        if not username:
            return service_account("import_roster")
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户不存在或已停用：{username}") from None
