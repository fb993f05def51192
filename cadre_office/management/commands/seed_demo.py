"""python manage.py seed_demo [--reset-passwords]

A project-level command: the roster's demo data (``cadres.services.demo``), the demo logins
(``cadre_office.accounts.services.demo``), then the demo data of the apps built on them (the demo
selection cases: one at step 2, one decided at step 13 with its candidates' 任免理由), and last of all
the report archive's demo (last month's report, 已报送), in one transaction. The roster never imports
those apps.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadre_office.accounts.services.demo import ensure_demo_users
from cadre_office.audit.context import audit_source
from cadre_office.history import service_account
from cadre_office.reports.demo import ensure_demo_appointment_reasons, ensure_demo_reports
from cadres.demo import DEMO_DATA_REFUSED, DEMO_PASSWORD, SERVICE_ACCOUNT
from cadres.services.demo import DemoRosterInvalid, seed_demo_roster
from cadres.services.demo_records import seed_demo_records
from oversight.demo_filings import ensure_demo_filings
from oversight.demo_inspection import ensure_demo_inspection
from oversight.demo_points_talks import ensure_demo_points_talks
from oversight.services.demo_adjustments import ensure_demo_adjustments
from selection.demo import ensure_demo_case, ensure_demo_decided_case
from training.demo_plans import ensure_demo_plans
from training.demo_practice import ensure_demo_practice
from training.demo_programmes import ensure_demo_programmes
from training.demo_young import ensure_demo_young


class Command(BaseCommand):
    help = "写入演示数据：局机关单位、约300名干部的花名册和演示账号（可重复运行，不会重复写入）。"

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true", help="把已存在的演示账号密码重置为演示密码")

    def handle(self, *args, reset_passwords, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError(DEMO_DATA_REFUSED)
        try:
            with audit_source("command:seed_demo"), transaction.atomic():
                result = seed_demo_roster()
                records = seed_demo_records(actor=service_account(SERVICE_ACCOUNT))
                users = ensure_demo_users(actor=service_account(SERVICE_ACCOUNT), reset_passwords=reset_passwords)
                ensure_demo_case()
                ensure_demo_inspection()  # 定期考察: the quarters' grids, last year's grades, visits
                ensure_demo_adjustments()  # 动态管理: after the grades it reads
                ensure_demo_filings()
                ensure_demo_points_talks()
                ensure_demo_programmes()
                ensure_demo_practice()
                ensure_demo_young()
                ensure_demo_plans()
                # 信息中心副主任 decided at step 13: after the grades and 处分 its negative list reads.
                ensure_demo_decided_case()
                ensure_demo_appointment_reasons()  # its candidates' 干部任免审批表
                report = ensure_demo_reports()  # 报表: last, it reports on all of the above
        except DemoRosterInvalid as exc:
            raise CommandError(f"演示花名册与现有数据冲突，未写入任何数据：{exc}") from None
        roster = result.roster
        self.stdout.write(f"单位：新增 {result.departments_created}")
        self.stdout.write(f"花名册：新增 {roster.created}，更新 {roster.updated}，未变 {roster.unchanged}")
        self.stdout.write(f"简历、家庭成员和奖励：为 {records} 名干部写入")
        self.stdout.write(f"职数核定：新增 {result.quotas_created}")
        if report is not None:
            self.stdout.write(f"月度报表：{report.month:%Y年%m月}全局报表已生成并标记已报送")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，首次登录无需改密）：")
        for user in users:
            scope = f"，管辖：{user.department}" if user.department else ""
            self.stdout.write(f"  {user.username:<8}{user.role}{scope}")
        enrolled = [user for user in users if user.totp_secret]
        if enrolled:
            self.stdout.write("下列账号（三员，以及能查看完整身份证号或导出个人信息的角色）还须输入动态口令（TOTP）：")
            self.stdout.write("把密钥加入手机验证器，或运行 python manage.py demo_totp 用户名 取得当前口令：")
            for user in enrolled:
                self.stdout.write(f"  {user.username:<8}{user.totp_secret}")
