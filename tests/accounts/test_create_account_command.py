"""python manage.py create_account: the first accounts of an installation, no default account."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts.models import ActivationCode
from cadre_office.accounts.services import activation_code_redeem
from cadre_office.audit.models import AuditEvent
from tests.factories import role_user

pytestmark = pytest.mark.django_db


def test_creates_an_administrator_with_a_one_time_password_and_activation_code():
    out = io.StringIO()
    call_command("create_account", "anquan1", "--name", "王安全", "--role", "安全管理员", stdout=out)
    password = re.search(r"一次性初始密码：(\S+)", out.getvalue()).group(1)
    code = re.search(r"动态口令激活码：(\S+)", out.getvalue()).group(1)
    user = get_user_model().objects.get(username="anquan1")
    assert user.check_password(password)
    assert list(user.groups.values_list("name", flat=True)) == ["安全管理员"]
    assert user.profile.must_change_password is True
    assert not user.is_staff and not user.is_superuser
    rows = AuditEvent.objects.filter(source="command:create_account")
    assert sorted(rows.values_list("event", flat=True)) == ["account_create", "activation_issued", "role_change"]
    assert password not in str(list(rows.values_list("detail", flat=True)))
    assert code not in str(list(rows.values_list("detail", flat=True)))
    # Kept hashed only; it opens the enrolment of the account's authenticator.
    assert code.replace("-", "") not in ActivationCode.objects.get(user=user).code_hash
    activation, device = activation_code_redeem(user=user, code=code)
    assert activation.issued_by is None and device.user == user and not device.confirmed


def test_a_role_without_second_factor_gets_no_activation_code():
    out = io.StringIO()
    call_command("create_account", "jijian1", "--name", "李纪检", "--role", "纪检监察", stdout=out)
    assert "激活码" not in out.getvalue()
    assert not ActivationCode.objects.exists()


def test_refuses_a_taken_username():
    call_command("create_account", "shenji1", "--name", "李审计", "--role", "审计管理员", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_account", "SHENJI1", "--name", "李审计", "--role", "审计管理员", stdout=io.StringIO())


def test_issue_activation_code_for_an_existing_account_after_an_upgrade():
    leader = role_user("局领导", username="lingdao1")
    out = io.StringIO()
    call_command("issue_activation_code", "lingdao1", stdout=out)
    code = re.search(r"激活码：(\S+)", out.getvalue()).group(1)
    activation_code_redeem(user=leader, code=code)
    row = AuditEvent.objects.get(event="activation_issued")
    assert row.source == "command:issue_activation_code" and row.object_id == str(leader.pk)

    TOTPDevice.objects.create(user=leader, name="手机", confirmed=True)
    with pytest.raises(CommandError, match="--reset"):
        call_command("issue_activation_code", "lingdao1", stdout=io.StringIO())
    call_command("issue_activation_code", "lingdao1", "--reset", stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    with pytest.raises(CommandError, match="不使用动态口令"):
        call_command("issue_activation_code", role_user("纪检监察").username, stdout=io.StringIO())
