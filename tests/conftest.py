import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _session_media(tmp_path_factory):
    """Keep what module- and session-scoped fixtures store (seed_demo's report files) in a folder of the session.

    Never in var/media, the development server's; each test still gets a folder of its own (below).
    """
    from django.test import override_settings

    root = tmp_path_factory.mktemp("session-media")
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Keep uploads of a test in its own folder; hash passwords cheaply (tests only)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: a rolled-back test may reuse ids (SQLite), and so cache keys."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Run Celery tasks in the test's own process, so no test sends a message to a real broker.

    ``delay()`` then runs the task at once (in an ``on_commit`` callback: when the transaction
    commits) and its errors propagate. Tests marked ``services`` talk to a real worker instead.
    """
    if request.node.get_closest_marker("services"):
        yield
        return
    from cadre_office.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, test in a file under var/ rather than in memory, so a Celery worker process can open it.

    The file is named after this process: test runs side by side (and xdist workers) never share
    one; pytest-django deletes it at the end. PostgreSQL keeps pytest-django's naming.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        db.setdefault("TEST", {})["NAME"] = str(settings.BASE_DIR / "var" / f"test_db_{os.getpid()}.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, let test teardown flush the audit table past its no-TRUNCATE trigger.

    The trigger (audit migration 0005) gives way only to the session setting set here, as the
    default of the throw-away test database (for the connections live_server threads open) and on
    the connection already open. ``tests/audit/test_append_only.py`` turns it off to test the refusal.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET cadre_office.allow_audit_truncate = 'on'")
                cursor.execute("SET cadre_office.allow_audit_truncate = 'on'")


@pytest.fixture
def actor(db):
    from tests.factories import UserFactory

    return UserFactory(username="tester")
