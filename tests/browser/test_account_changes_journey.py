"""Two-person changes in a real browser: a role grant confirmed by a 局领导, the activation code handed over
and used, the holder told who did it; a unit moved only after the security administrator confirms.

With SAVE_SCREENSHOTS=1 the pages a personnel office reviews are saved in test-artifacts/.
"""

import os
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts.services import account_role
from cadres.services import department_root
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Guanli-pass-2026"
NEW_PASSWORD = "Xinren-pass-2026"


def _shot(page, name):
    if os.environ.get("SAVE_SCREENSHOTS"):
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def _log_out(page):
    page.click("button:has-text('退出')")
    page.wait_for_selector("#id_username")


def test_a_role_grant_is_confirmed_by_a_leader_and_the_holder_enrols_with_the_code(page):
    role_user("安全管理员", username="anquan_j", first_name="李安全", password=PASSWORD)
    role_user("局领导", username="lingdao_j", first_name="赵局长", password=PASSWORD)

    # The security administrator creates the account with the 人事干部 role: it waits.
    log_in(page, "anquan_j", PASSWORD)
    page.goto(page.base_url + "/system/users/new/")
    page.fill("#id_username", "xinren")
    page.fill("#id_full_name", "孙新人")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    page.select_option("#id_role", "人事干部")
    page.fill("#id_reason", "新调入人事科")
    page.click("button:has-text('新建账号')")
    page.wait_for_load_state()
    assert "须经第二人确认" in page.inner_text(".alert")
    assert "待第二人确认的申请" in page.inner_text("main")
    assert account_role(UserFactory._meta.model.objects.get(username="xinren")) is None
    _log_out(page)

    # The leader sees it counted in the navigation, reviews what changes and confirms.
    log_in(page, "lingdao_j", PASSWORD)
    assert page.inner_text("[data-testid=changes-count]") == "1"
    page.click("a:has-text('账号变更确认')")
    page.wait_for_load_state()
    _shot(page, "account_changes_confirmer")
    assert "新调入人事科" in page.inner_text("[data-testid=to-confirm]")
    page.click("a:has-text('审核')")
    page.wait_for_load_state()
    _shot(page, "account_change_detail")
    page.fill("#id_comment", "同意")
    page.click("button:has-text('确认授予')")
    page.wait_for_load_state()
    _shot(page, "activation_code_once")
    code = page.inner_text("[data-testid=activation-code]")
    assert "当面交给" in page.inner_text("main")
    page.click("a:has-text('已记下，返回')")
    page.wait_for_load_state()
    assert page.locator("[data-testid=changes-count]").count() == 0
    _log_out(page)

    # The new holder: password, activation code, authenticator, the notice, then a new password.
    log_in(page, "xinren", PASSWORD, second_factor=False)
    assert page.locator("h1").inner_text() == "绑定动态口令"
    _shot(page, "otp_setup_activation")
    page.fill("#id_activation_code", code)
    page.click("button:has-text('下一步')")
    page.wait_for_load_state()
    _shot(page, "otp_setup_qr")
    device = TOTPDevice.objects.get(user__username="xinren")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    page.fill("#id_otp_token", f"{totp.token():06d}")
    page.click("button:has-text('验证并绑定')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "账号变动提醒"
    _shot(page, "account_notices")
    notices = page.inner_text("[data-testid=account-notices]")
    assert "安全管理员 anquan_j（李安全）申请、局领导 lingdao_j（赵局长）确认" in notices
    page.click("button:has-text('我已知悉，继续')")
    page.wait_for_load_state()
    assert "/accounts/password/" in page.url
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "人事干部" in page.inner_text(".topbar")


def test_a_unit_moves_only_after_the_security_administrator_confirms(page):
    root = department_root(actor=UserFactory(username="factory"))
    office = DepartmentFactory(name="办公室", parent=root)
    archive = DepartmentFactory(name="档案馆", parent=root)
    for i in range(5):
        CadreFactory(department=archive, name=f"档案{i}")
    role_user("科室负责人", username="keshi_j", first_name="张主任", departments=[office])
    role_user("系统管理员", username="xitong_j", first_name="王系统", password=PASSWORD)
    role_user("安全管理员", username="anquan_j", first_name="李安全", password=PASSWORD)

    log_in(page, "xitong_j", PASSWORD)
    page.goto(page.base_url + f"/cadres/departments/{archive.pk}/edit/")
    page.select_option("#id_parent", str(office.pk))
    page.click("button:has-text('保存')")
    page.wait_for_load_state()
    preview = page.inner_text("[data-testid=move-preview]")
    assert "张主任（keshi_j，科室负责人，管辖：办公室）将新增可见干部 5 人（其中在职 5 人）" in preview
    page.fill("#id_move_reason", "机构改革，档案馆划归办公室")
    _shot(page, "department_move_preview")
    page.click("button:has-text('提交安全管理员确认')")
    page.wait_for_load_state()
    assert "须经安全管理员确认" in page.inner_text(".alert")
    _log_out(page)

    log_in(page, "anquan_j", PASSWORD)
    page.click("a:has-text('账号变更确认')")
    page.click("a:has-text('审核')")
    page.wait_for_load_state()
    _shot(page, "department_move_confirm")
    assert "将新增可见干部 5 人" in page.inner_text("[data-testid=change-summary]")
    page.click("button:has-text('确认移动')")
    page.wait_for_load_state()
    archive.refresh_from_db()
    assert archive.parent_id == office.pk
