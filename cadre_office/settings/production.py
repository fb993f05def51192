"""Production settings: HTTPS only, PostgreSQL and Redis required, nothing guessed.

Use with ``DJANGO_SETTINGS_MODULE=cadre_office.settings.production``. Every value that must
not fall back to a development default is read from the environment and refuses to start
when missing.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cadre_office.env import env_bool, env_list

from .base import *  # noqa: F403


def _missing(name: str, meaning: str) -> ImproperlyConfigured:
    """Return the error that stops start-up when environment variable ``name`` is unset."""
    return ImproperlyConfigured(
        f"生产环境必须设置环境变量 {name}（{meaning}）。 / The environment variable {name} must be set in production."
    )


def _required(name: str, meaning: str) -> str:
    """Return environment variable ``name``, or refuse to start without it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise _missing(name, meaning)
    return value


DEBUG = False
DEMO_DATA_ALLOWED = False

SECRET_KEY = _required("SECRET_KEY", "至少 50 个字符的随机密钥")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise _missing("ALLOWED_HOSTS", "逗号分隔的站点域名，如 rsj.example.gov.cn")

DATABASES = {
    "default": dj_database_url.parse(
        _required("DATABASE_URL", "PostgreSQL 连接串，如 postgres://user:pass@host:5432/cadre_office"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "生产环境的 DATABASE_URL 必须指向 PostgreSQL（postgres://…）。"
        " / DATABASE_URL must point to PostgreSQL in production."
    )

# Celery never falls back to in-process execution here: a missing broker is an outage, not a mode.
REDIS_URL = _required("REDIS_URL", "Redis 地址，如 redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_REQUIRE_REDIS = True

# cache.clear() flushes the whole Redis database, so a separate database index is safer.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_CACHE_URL") or REDIS_URL,
        "KEY_PREFIX": "cadre_office",
    }
}

# HTTPS: the reverse proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
if env_bool("BEHIND_TLS_PROXY", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"},
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every step of every PDF at INFO: noise, not events.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
