"""Production settings pass Django's deployment checks (docs/security.md items 1 and 4)."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cadre_office.settings.production",
    "SECRET_KEY": "k" * 20 + "-production-test-secret-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "rsj.example.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cadre_office",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _manage(*args, env=None):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch a deployment never sets.
    base = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, capture_output=True, text=True,
        env={**base, **PRODUCTION_ENV, **(env or {})}, timeout=120, check=False,
    )


def test_check_deploy_passes_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_are_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.X_FRAME_OPTIONS, s.DEMO_DATA_ALLOWED, s.SESSION_COOKIE_AGE,"
        " \"'unsafe-inline'\" in str(s.CONTENT_SECURITY_POLICY))"
    )
    result = _manage("shell", "--verbosity", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "DENY", "False", "1800", "False"]


def test_production_refuses_to_start_without_its_secrets():
    result = _manage("check", env={"SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
