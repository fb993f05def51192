import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Keep uploads of a test in its own folder; hash passwords cheaply (tests only)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def actor(db):
    from tests.factories import UserFactory

    return UserFactory(username="tester")
