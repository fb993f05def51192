"""The login's security steps in a real browser: a locked account, an administrator's TOTP."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from cadre_office.accounts import messages
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
        log_in(page, "renshi_lock", f"wrong-{i}")

    log_in(page, "renshi_lock", PASSWORD)  # the right password, too late
    assert page.locator("h1").inner_text() == "账号已锁定"
    assert page.inner_text("[data-testid=lockout-message]") == messages.LOCKED_OUT
    page.click("a:has-text('返回登录页')")
    page.wait_for_selector("#id_username")


def test_an_administrator_enrols_an_authenticator_and_later_logs_in_with_it(page, transactional_db):
    role_user("系统管理员", username="xitong_t", first_name="系统管理员甲", password=PASSWORD)

    log_in(page, "xitong_t", PASSWORD)
    assert page.locator("h1").inner_text() == "绑定动态口令"
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
    log_in(page, "xitong_t", PASSWORD)
    assert page.locator("h1").inner_text() == "动态口令验证"
    page.fill("#id_otp_token", token_from_secret(secret, offset=30))  # the enrolment used this step's token
    page.click("button:has-text('验证')")
    page.wait_for_load_state()
    assert "/accounts/otp/" not in page.url
    assert "系统管理员甲" in page.inner_text(".topbar")
