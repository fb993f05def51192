"""The login's security steps in a real browser: a locked account, an administrator's TOTP with its activation code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from cadre_office.accounts import messages
from cadre_office.accounts.services import activation_code_issue
from cadre_office.history import service_account
from tests.browser.conftest import log_in
from tests.factories import role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Guanli-pass-2026"


def token_from_secret(secret: str, offset: int = 0) -> str:
    """Compute the token an authenticator app shows for the secret typed in by hand."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def test_a_locked_account_is_told_so_plainly(page, transactional_db):
    role_user("人事干部", username="renshi_lock", password=PASSWORD)
    for i in range(5):
        log_in(page, "renshi_lock", f"wrong-{i}", second_factor=False)

    log_in(page, "renshi_lock", PASSWORD, second_factor=False)  # the right password, too late
    assert page.locator("h1").inner_text() == "账号已锁定"
    assert page.inner_text("[data-testid=lockout-message]") == messages.LOCKED_OUT
    page.click("a:has-text('返回登录页')")
    page.wait_for_selector("#id_username")


def test_an_administrator_enrols_an_authenticator_and_later_logs_in_with_it(page, transactional_db):
    user = role_user("系统管理员", username="xitong_t", first_name="系统管理员甲", password=PASSWORD)
    code = activation_code_issue(actor=service_account("create_account"), user=user)

    log_in(page, "xitong_t", PASSWORD, second_factor=False)
    assert page.locator("h1").inner_text() == "绑定动态口令"
    # First the activation code, which the password alone does not replace.
    assert page.locator("[data-testid=otp-qr]").count() == 0
    page.fill("#id_activation_code", "ABCD-EFGH-JKMN")
    page.click("button:has-text('下一步')")
    assert messages.ACTIVATION_INVALID in page.inner_text(".invalid-feedback")
    page.wait_for_timeout(1100)  # a wrong code makes the next try wait a second, as a wrong token does
    page.fill("#id_activation_code", code.lower())
    page.click("button:has-text('下一步')")
    page.wait_for_load_state()
    assert page.locator("[data-testid=otp-qr]").evaluate("img => img.naturalWidth") > 0  # the QR code is drawn
    secret = page.inner_text("[data-testid=otp-secret]")

    page.fill("#id_otp_token", "000000" if token_from_secret(secret) != "000000" else "111111")
    page.click("button:has-text('验证并绑定')")
    assert messages.OTP_INVALID in page.inner_text(".invalid-feedback")

    page.wait_for_timeout(1100)  # as a person retyping would: django-otp refuses any token for 1 s after a wrong one
    page.fill("#id_otp_token", token_from_secret(secret))
    page.click("button:has-text('验证并绑定')")
    page.wait_for_load_state()
    assert "/accounts/otp/" not in page.url
    assert "系统管理员甲" in page.inner_text(".topbar")

    page.click("button:has-text('退出')")
    page.wait_for_selector("#id_username")
    log_in(page, "xitong_t", PASSWORD, second_factor=False)
    assert page.locator("h1").inner_text() == "动态口令验证"
    page.fill("#id_otp_token", token_from_secret(secret, offset=30))  # the enrolment used this step's token
    page.click("button:has-text('验证')")
    page.wait_for_load_state()
    assert "/accounts/otp/" not in page.url
    assert "系统管理员甲" in page.inner_text(".topbar")
