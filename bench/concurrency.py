"""Concurrent use: gunicorn under production settings, many signed-in people at once (`make bench`).

Starts the README's gunicorn command (production settings, ``-w 5 --timeout 60``) against the bench
database, signs in ``sessions`` people through the real login and second factor (人事干部, 局领导,
科室负责人, each with an authenticator of their own), then has each of them click through a mix of
pages for ``seconds``: roster pages (plain, filtered, searched), a cadre's record, the dashboard, the
selection inbox and case list. It reports requests per second, the median and 95th percentile of
the response times, and every response that was not a 200.

The clients speak plain HTTP to gunicorn, saying ``X-Forwarded-Proto: https`` as the README's nginx
does, and send the session cookie themselves (it is a Secure cookie under production settings).
"""

import http.client
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-load-2026x"  # noqa: S105 - accounts of the throw-away bench database only
WORKERS = 5  # the README's -w for two cores


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _production_env(database_url: str, static_root: str, port: int) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "cadre_office.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": str(Path(static_root).parent / "media"),
        "LOG_LEVEL": "WARNING",
    })
    return env


class Browser:
    """One signed-in person: a cookie jar of two cookies and a keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.pages = []
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, str]:
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"https://127.0.0.1:{self.port}",
                            "Referer": f"https://127.0.0.1:{self.port}{path}"})
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def csrf(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else ""

    def sign_in(self, username: str, device) -> None:
        from django_otp.oath import TOTP

        _, _, html = self.request("GET", "/accounts/login/")
        status, location, _ = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": self.csrf(html), "username": username, "password": PASSWORD})
        assert status == 302, (username, status)
        _, _, html = self.request("GET", "/accounts/otp/verify/")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        status, location, _ = self.request("POST", "/accounts/otp/verify/", {
            "csrfmiddlewaretoken": self.csrf(html), "otp_token": f"{totp.token():0{device.digits}d}"})
        assert status == 302 and "otp" not in location, (username, status, location)


def _people(sessions: int):
    """Return ``sessions`` (account, device) pairs: 人事干部, 局领导, 科室负责人 in turn, each with its own device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.load import bench_user
    from cadres.models import Department

    units = list(Department.objects.filter(parent__isnull=False, kind=Department.Kind.SECTION).order_by("path")[:8])
    roles = ["人事干部", "局领导", "科室负责人"]
    people = []
    for n in range(sessions):
        role = roles[n % len(roles)]
        user = bench_user(f"bench_load_{n}", role, departments=[units[n % len(units)]] if role == "科室负责人" else [])
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="基准测试", confirmed=True)
        people.append((user, device))
    return people


def _pages(cadre_ids: list[int]):  # the cadres this person may open
    """The mix of pages a person clicks through, as (weight, path builder)."""
    from django.urls import reverse

    roster, dashboard = reverse("cadres:cadre_list"), reverse("dashboard:index")
    inbox, cases = reverse("selection:inbox"), reverse("selection:case_list")
    return [
        (4, lambda: roster),
        (3, lambda: f"{roster}?" + urlencode({"level": random.choice(["51", "52"]), "per_page": 50})),
        (2, lambda: f"{roster}?" + urlencode({"q": random.choice(["zh", "li", "wang", "办公室", "科长"])})),
        (3, lambda: reverse("cadres:cadre_detail", args=[random.choice(cadre_ids)])),
        (2, lambda: dashboard),
        (1, lambda: inbox),
        (1, lambda: cases),
    ]


def _wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def measure_concurrent_use(database_url: str, *, sessions: int = 20, seconds: float = 30, port: int = 8391) -> dict:
    """Run the load and return its figures (requests/s, p50/p95 in ms, errors, requests)."""
    from django.db import connection

    from cadres.permissions import visible_to

    people = _people(sessions)
    # Each person opens records within their own scope (a department head's others would be 404s).
    cadre_ids = {user.pk: list(visible_to(user).order_by("?").values_list("pk", flat=True)[:300])
                 for user, _ in people}
    connection.close()  # gunicorn's workers and this process share the database
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        env = _production_env(database_url, static_root, port)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)
        gunicorn = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
            [str(Path(sys.executable).parent / "gunicorn"), "cadre_office.wsgi", "-w", str(WORKERS),
             "-b", f"127.0.0.1:{port}", "--timeout", "60", "--no-control-socket"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_until_up(port)
            browsers = []
            for user, device in people:
                browser = Browser(port)
                browser.sign_in(user.username, device)
                browser.pages = _pages(cadre_ids[user.pk])
                browsers.append(browser)
            outcomes = [Outcome() for _ in browsers]
            stop = time.monotonic() + seconds

            def walk(browser: Browser, outcome: Outcome):
                rng = random.Random(id(browser))  # a click pattern, not a secret
                weights = [weight for weight, _ in browser.pages]
                while time.monotonic() < stop:
                    path = rng.choices(browser.pages, weights=weights)[0][1]()
                    started = time.perf_counter()
                    status, _, _ = browser.request("GET", path)
                    outcome.latencies.append(time.perf_counter() - started)
                    if status != 200:
                        outcome.errors.append(f"{status} {path}")

            threads = [threading.Thread(target=walk, args=pair) for pair in zip(browsers, outcomes, strict=True)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
    latencies = sorted(latency for outcome in outcomes for latency in outcome.latencies)
    errors = [error for outcome in outcomes for error in outcome.errors]
    return {
        "sessions": sessions, "seconds": elapsed, "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "errors": errors,
    }
