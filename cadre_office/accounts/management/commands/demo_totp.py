"""python manage.py demo_totp USERNAME — the current TOTP code of a demo login that signs in with one.

Only where demo data is allowed (never under production settings): it stands in for the
authenticator app a reviewer of the demo may not have at hand.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts.demo import DEMO_USERS
from cadre_office.accounts.roles import SECOND_FACTOR_ROLES
from cadres.demo import DEMO_DATA_REFUSED


class Command(BaseCommand):
    help = "显示演示账号当前的动态口令（仅演示环境可用）。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError(DEMO_DATA_REFUSED)
        demo = next((demo for demo in DEMO_USERS if demo.username == username), None)
        if demo is None:
            raise CommandError(f"{username} 不是演示账号。")
        if demo.role not in SECOND_FACTOR_ROLES:
            raise CommandError(f"{username}（{demo.role}）登录不需要动态口令。")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} 没有已绑定的动态口令设备，请先运行 seed_demo。")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
