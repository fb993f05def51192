"""python manage.py create_account: the first accounts of an installation, no default account."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cadre_office.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_creates_an_administrator_with_a_one_time_password_that_must_change():
    out = io.StringIO()
    call_command("create_account", "anquan1", "--name", "王安全", "--role", "安全管理员", stdout=out)
    password = re.search(r"一次性初始密码：(\S+)", out.getvalue()).group(1)
    user = get_user_model().objects.get(username="anquan1")
    assert user.check_password(password)
    assert list(user.groups.values_list("name", flat=True)) == ["安全管理员"]
    assert user.profile.must_change_password is True
    assert not user.is_staff and not user.is_superuser
    rows = AuditEvent.objects.filter(source="command:create_account")
    assert sorted(rows.values_list("event", flat=True)) == ["account_create", "role_change"]
    assert password not in str(list(rows.values_list("detail", flat=True)))


def test_refuses_a_taken_username():
    call_command("create_account", "shenji1", "--name", "李审计", "--role", "审计管理员", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_account", "SHENJI1", "--name", "李审计", "--role", "审计管理员", stdout=io.StringIO())
