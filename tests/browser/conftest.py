"""Browser journeys: Playwright driving Debian's chromium against pytest-django's live_server.

Chromium is not optional: where it is missing the journeys fail loudly (``make test``
installs it), they are never skipped.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=zh-CN",
]
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")

# live_server runs the app in a thread while Playwright's sync API holds an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    # Anything the Content-Security-Policy blocks (an inline script or style) fails the journey.
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{request.node.name}.png"), full_page=True)
    context.close()
    assert blocked == [], f"blocked by the Content-Security-Policy: {blocked}"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def log_in(page, username: str, password: str, *, second_factor: bool = True) -> None:
    """Log in through the login page, and type the TOTP token when the page asks for one.

    The token is computed from the account's device in the database, as ``manage.py demo_totp``
    does. An account that owes a second factor and has none yet is given one first, as if its
    holder had enrolled with an activation code; ``second_factor=False`` leaves both steps to the
    journey (the enrolment journey, a wrong password).
    """
    if second_factor:
        _ensure_device(username)
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if second_factor and "/accounts/otp/verify/" in page.url:
        page.fill("#id_otp_token", next_token(username))
        page.click("button[type=submit]")
        page.wait_for_load_state()


def _ensure_device(username: str) -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cadre_office.accounts.middleware import owes_second_factor

    user = get_user_model().objects.filter(username=username).first()
    if user is not None and owes_second_factor(user) and not TOTPDevice.objects.filter(
            user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


def next_token(username: str) -> str:
    """Return a token the account's device accepts now: the current time step, or the next one if used.

    django-otp refuses a step it has already accepted (``last_t``) and accepts one step either side
    of now (``tolerance``); two logins in the same 30 seconds take the next step, a third waits.
    """
    from django_otp.oath import TOTP, hotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    while True:
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("pk").first()
        now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
        step = max(now, device.last_t + 1)
        if step <= now + device.tolerance:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(1)


# --- accessibility: axe-core (issue 11, item 10) --------------------------------------------------------

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"  # `make vendor`: pinned in package.json, test-only
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, *, context: str | None = None) -> list[dict]:
    """Run axe-core's WCAG 2.1 A and AA rules on the page as it is now; return the violations.

    axe is evaluated into the page through the DevTools protocol (``page.evaluate``), which the
    Content-Security-Policy does not govern: the pages allow no script but their own files, and the
    system ships no axe. ``context`` limits the scan to a selector.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async ([context, tags]) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            const found = await window.axe.run(context ? document.querySelector(context) : document, options);
            return found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary,
                                          html: n.html.slice(0, 200)})),
            }));
        }""",
        [context, AXE_TAGS],
    )
    return result


def assert_accessible(page, *, context: str | None = None) -> None:
    """Fail with every WCAG A/AA violation axe finds on the page (rule, element, why)."""
    violations = axe_violations(page, context=context)
    if violations:
        lines = [f"{page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines += [f"    {node['target']}: {node['summary']}  {node['html']}" for node in violation["nodes"][:8]]
        raise AssertionError("\n".join(lines))
