"""The audit administrator's journey in a real browser: read the log, filter it, export it."""

import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cadre_office.accounts.services import account_create
from cadre_office.audit.models import AuditEvent
from tests.audit.conftest import make_event
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.factories import grant_role, log_in, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Event = AuditEvent.Event
Outcome = AuditEvent.Outcome


def _some_history():
    security = role_user("安全管理员", username="anquan_b")
    for n in range(3):
        user = account_create(actor=security, username=f"keyuan{n}", full_name=f"科员{n}",
                              password="Keyuan-pass-2026", must_change_password=False)
        grant_role(user, "人事干部", requested_by=security)
        grant_role(user, "局领导", requested_by=security)
    for n in range(4):
        make_event(event=Event.LOGIN_FAILED, username="wangwu", ip=f"10.20.1.{n + 5}", outcome=Outcome.FAILURE)
    make_event(event=Event.LOGIN_FAILED, username="wangwu", ip="10.20.1.9", outcome=Outcome.DENIED,
               detail={"reason": "locked_out"})
    make_event(event=Event.LOCKOUT, username="wangwu", ip="10.20.1.9", outcome=Outcome.DENIED,
               detail={"failures": 5})
    make_event(event=Event.IMPORT, username="renshi", ip=None, source="command:import_roster",
               object_type="cadres.rosterimport", object_id="7", object_repr="=cmd|' /C calc'!A0",
               detail={"created": 12, "updated": 3})
    make_event(event=Event.EXPORT, username="renshi", object_type="cadres.cadre", object_repr="干部花名册",
               detail={"filters": {"status": "active"}, "rows": 281})


def _journey(base_url: str, session_cookie: str, expected_total: int) -> dict:
    """Drive chromium through the journey and return what it saw (runs in its own thread, see below)."""
    from playwright.sync_api import sync_playwright

    seen = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", accept_downloads=True)
        context.set_default_timeout(10_000)
        # The session of a login that passed its second factor (the TOTP step has its own journeys).
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": base_url}])
        page = context.new_page()
        try:
            page.goto(base_url + "/audit/")
            seen["title"] = page.locator("h1").inner_text()
            seen["count"] = page.inner_text("[data-testid=result-count]")
            seen["table"] = page.inner_text("[data-testid=audit-table]")
            if os.environ.get("SAVE_SCREENSHOTS"):
                os.makedirs(ARTIFACTS, exist_ok=True)
                page.screenshot(path=os.path.join(ARTIFACTS, "audit_event_list.png"))

            page.select_option("#id_event", Event.LOGIN_FAILED)
            page.wait_for_selector("[data-testid=result-count]:text-is('5')")
            page.fill("#id_ip", "10.20.1.9")
            page.click("button:has-text('查询')")
            page.wait_for_selector("[data-testid=result-count]:text-is('1')")
            seen["filtered"] = page.inner_text("[data-testid=audit-table] tbody")

            with page.expect_download() as download_info:
                page.click("a:has-text('导出Excel')")
            download = download_info.value
            seen["filename"] = download.suggested_filename
            with open(download.path(), "rb") as file:
                seen["workbook"] = file.read()

            page.click("a:has-text('重置')")
            page.wait_for_selector(f"[data-testid=result-count]:text-is('{expected_total + 1}')")
        except Exception:
            os.makedirs(ARTIFACTS, exist_ok=True)
            page.screenshot(path=os.path.join(ARTIFACTS, "test_read_filter_and_export_the_audit_log.png"),
                            full_page=True)
            raise
        finally:
            context.close()
            browser.close()
    return seen


def test_read_filter_and_export_the_audit_log(live_server):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs Debian's chromium.")
    _some_history()
    auditor = role_user("审计管理员", username="shenji_b", first_name="审计员乙")
    cookie = log_in(Client(), auditor).cookies[settings.SESSION_COOKIE_NAME].value
    total = AuditEvent.objects.count()

    # Playwright's sync API allows one instance per thread, and tests/browser keeps one open for
    # the whole session: this journey runs its own chromium in a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(_journey, live_server.url, cookie, total).result(timeout=120)

    assert seen["title"] == "审计日志"
    assert seen["count"] == str(total)
    assert "人事干部 → 局领导" in seen["table"] and "命令 import_roster" in seen["table"]
    assert "拒绝" in seen["filtered"] and "10.20.1.9" in seen["filtered"]
    assert seen["filename"] == f"审计日志_{timezone.localdate():%Y%m%d}.xlsx"
    rows = list(load_workbook(io.BytesIO(seen["workbook"])).active.iter_rows(min_row=3, values_only=True))
    assert [(row[1], row[2], row[5]) for row in rows] == [("wangwu", "10.20.1.9", "拒绝")]
    export = AuditEvent.objects.get(event=Event.EXPORT, username="shenji_b")
    assert export.detail == {"filters": {"event": "login_failed", "ip": "10.20.1.9"}, "rows": 1}
