"""How audit rows read, and that the rows the app writes hold no password and no full ID number."""

import json
import re

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts.services import (
    account_change_password,
    account_create,
    account_disable,
    account_enable,
    account_reset_password,
    account_set_scope,
    account_unlock,
)
from cadre_office.audit.models import AuditEvent
from cadre_office.audit.reports import detail_items, detail_text, mask_text, source_text
from tests.factories import DepartmentFactory, grant_role, log_in, role_user

Event = AuditEvent.Event
ID_NUMBER = "110101199003074477"
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _event(event=Event.UPDATE, **fields) -> AuditEvent:
    return AuditEvent(event=event, **fields)  # not saved: formatting needs no row


def test_role_change_reads_from_to():
    event = _event(Event.ROLE_CHANGE, detail={"to": "局领导", "from": "人事干部"})
    assert detail_items(event) == [("角色", "人事干部 → 局领导")]
    assert detail_text(event) == "角色：人事干部 → 局领导"


def test_scope_change_lists_departments_and_empty_sides():
    event = _event(Event.SCOPE_CHANGE, detail={"from": [], "to": ["办公室", "法规科"]})
    assert detail_text(event) == "管辖范围：（无） → 办公室、法规科"
    assert detail_text(_event(Event.ROLE_CHANGE, detail={"from": "", "to": "人事干部"})) == "角色：（空） → 人事干部"


def test_export_detail_reads_its_filters_in_a_stable_order():
    # PostgreSQL's jsonb returns keys in its own order; the text does not depend on it.
    event = _event(Event.EXPORT, detail={"rows": 3, "filters": {"outcome": "denied", "event": "login_failed",
                                                                "date_from": "2026-11-01"}})
    assert detail_text(event) == "筛选条件：日期从：2026-11-01；事件：登录失败；结果：拒绝；行数：3"


def test_unknown_keys_are_shown_as_they_are_and_secrets_never():
    event = _event(detail={"zzz": True, "new_password": "Secret-2026x", "reason": "调离"})
    assert detail_text(event) == "原因：调离；new_password：（已隐藏）；zzz：是"


def test_coded_values_of_the_login_audit_read_in_chinese():
    assert detail_text(_event(Event.LOGIN_FAILED, detail={"reason": "locked_out"})) == "原因：账号锁定中"
    assert detail_text(_event(Event.LOCKOUT, detail={"failures": 5})) == "失败次数：5"


def test_full_id_numbers_are_masked_but_other_numbers_kept():
    assert mask_text(f"张三（{ID_NUMBER}）") == "张三（110101***********7）"
    assert mask_text("11010119900307447X") == "110101***********X"
    assert mask_text("订单 1234567890123456789") == "订单 1234567890123456789"  # 19 digits: not an ID number
    assert detail_text(_event(detail={"field": f"身份证号 {ID_NUMBER}"})) == "字段：身份证号 110101***********7"


def test_channel_reads_as_people_say_it():
    assert source_text("web") == "网页"
    assert source_text("command:import_roster") == "命令 import_roster"
    assert source_text("task:nightly_check") == "任务 nightly_check"
    assert source_text("system") == "系统"
    assert source_text("other:thing") == "other:thing"


@pytest.mark.django_db
def test_rows_the_app_writes_hold_no_password_and_no_full_id_number(client):
    """Drive the account services and the export, then read back every row they wrote."""
    passwords = ["First-pass-2026x", "Reset-pass-2026y", "Own-new-pass-2026z", "Test-pass-2026"]
    security = role_user("安全管理员", username="anquan_s")
    department = DepartmentFactory(name="法规科")
    user = account_create(actor=security, username="qianshi", full_name="钱十", password=passwords[0])
    # Each grant waits for a 局领导; the activation codes they issue must not reach the log either.
    leader = role_user("局领导", username="lingdao_s")
    passwords.append(grant_role(user, "科室负责人", requested_by=security, confirmed_by=leader,
                                departments=[department]))
    passwords.append(grant_role(user, "人事干部", requested_by=security, confirmed_by=leader))
    account_set_scope(actor=security, user=user, departments=[])
    account_disable(actor=security, user=user, reason="调离")
    account_enable(actor=security, user=user)
    account_reset_password(actor=security, user=user, password=passwords[1])
    account_change_password(user=user, old_password=passwords[1], new_password=passwords[2])
    account_unlock(actor=security, user=user)
    # The login form: a wrong password, then the right one, then the token (the login writes three rows).
    staff = role_user("人事干部", username="renshi_s", password=passwords[3])
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    client.post(reverse("login"), {"username": "renshi_s", "password": "Wrong-pass-2026q"})
    client.post(reverse("login"), {"username": "renshi_s", "password": passwords[3]})
    assert AuditEvent.objects.filter(event=Event.PASSWORD_VERIFIED, user=staff).exists()
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    client.post(reverse("otp_verify"), {"otp_token": f"{token:06d}"})
    assert AuditEvent.objects.filter(event=Event.LOGIN, user=staff).exists()
    passwords.append("Wrong-pass-2026q")
    client.logout()
    auditor = role_user("审计管理员", username="shenji_s")
    log_in(client, auditor)
    # An auditor looking for a cadre by full ID number: the export records the filter masked.
    response = client.get(reverse("audit:event_export"), {"q": ID_NUMBER, "username": "qianshi"})
    assert response.status_code == 200

    rows = list(AuditEvent.objects.all())
    events = {row.event for row in rows}
    assert {Event.LOGIN_FAILED, Event.LOGIN, Event.LOGOUT, Event.ACCOUNT_CREATE, Event.ROLE_CHANGE,
            Event.SCOPE_CHANGE, Event.ACCOUNT_DISABLE, Event.ACCOUNT_ENABLE, Event.PASSWORD_RESET,
            Event.PASSWORD_CHANGE, Event.ACCOUNT_UNLOCK, Event.EXPORT} <= events
    for row in rows:
        text = json.dumps(model_to_dict(row), ensure_ascii=False, default=str)
        for password in passwords:
            assert password not in text, row
        assert not FULL_ID.search(text), row
    export = AuditEvent.objects.get(event=Event.EXPORT)
    assert export.detail["filters"]["q"] == "110101***********7"
