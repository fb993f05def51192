"""Settings shared by every environment, read from the environment.

Development needs nothing set: SQLite in ``var/``, a generated secret key, Redis on
localhost when it answers. Production overrides live in ``production.py``.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from cadre_office.env import env_bool, env_list, load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_secret_key(VAR_DIR / "secret_key")
DEBUG = env_bool("DEBUG", default=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "cadre_office",
    "cadre_office.audit",
    "cadre_office.attachments",
    "cadre_office.accounts",
    "cadre_office.dashboard",
    "cadres",
    "oversight",
    "training",
    "selection",
    "cadre_office.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cadre_office.audit.context.AuditContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "cadre_office.accounts.middleware.NoStoreMiddleware",
    # Django's session middleware, except that polling a job's progress does not count as activity.
    "cadre_office.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cadre_office.accounts.middleware.AccountPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cadre_office.urls"
WSGI_APPLICATION = "cadre_office.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cadre_office.context_processors.site",
                "cadre_office.context_processors.desk_nav",
                "selection.context_processors.selection_inbox",
                "cadre_office.accounts.context_processors.account_changes",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file in development.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "cadre_office.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password older than this must be changed before anything else (docs/security.md item 5).
PASSWORD_MAX_AGE_DAYS = 90

# Login lockout (docs/security.md item 6): 5 failures for one username lock it for 30 minutes,
# whatever address the tries come from; other users at the same address are not affected.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address as a lockout parameter. Locking by address would lock every
# colleague behind the bureau's NAT; the requirement is per username, which no rotation of
# address, User-Agent or cookie can get around.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# A refused try during the lockout does not restart the 30 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "cadre_office.audit.context.client_ip"
AXES_VERBOSE = False
# Number of reverse proxies in front of the app whose X-Forwarded-For may be trusted.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# TOTP second factor for the three administrator roles and every role that reads full ID numbers or
# exports personal data (docs/security.md items 8 and 32).
OTP_TOTP_ISSUER = "科级干部管理系统"
# The second person who confirms granting such a role or resetting its second factor: 局领导, or the
# administrator roles (系统管理员, 安全管理员). Run `manage.py migrate` after changing it.
ACCOUNT_CHANGE_CONFIRMER_ROLES = env_list("ACCOUNT_CHANGE_CONFIRMER_ROLES", default=["局领导"])
# Days an activation code (to enrol an authenticator) stays valid.
ACCOUNT_ACTIVATION_CODE_DAYS = int(os.environ.get("ACCOUNT_ACTIVATION_CODE_DAYS", "7"))

# Content Security Policy (docs/security.md item 4): only our own static files, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Upload limits apply before any workbook is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Attachments (备案材料, 选拔任用材料): the largest file accepted, checked before the content is read.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
ROSTER_UPLOAD_MAX_BYTES = int(os.environ.get("ROSTER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
ROSTER_UPLOAD_MAX_ROWS = int(os.environ.get("ROSTER_UPLOAD_MAX_ROWS", 200_000))
# An upload of at most this many rows is previewed in the request (a second or two); a larger one
# by a Celery job the page follows. Confirming always runs as a job (docs/security.md item 36).
ROSTER_SYNC_PREVIEW_ROWS = int(os.environ.get("ROSTER_SYNC_PREVIEW_ROWS", 5_000))
# An upload not confirmed this long after it came is dropped (workbook and preview).
ROSTER_IMPORT_TTL = dt.timedelta(hours=int(os.environ.get("ROSTER_IMPORT_TTL_HOURS", "24")))
# A background job the page follows (an import, a dashboard recompute) still queued or running this
# long after it was asked for is taken as lost, stored and shown as failed.
BACKGROUND_JOB_TIMEOUT = dt.timedelta(minutes=int(os.environ.get("BACKGROUND_JOB_TIMEOUT_MINUTES", "10")))
PHOTO_MAX_BYTES = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The bureau's own name, shown in the top bar and on reports.
BUREAU_NAME = os.environ.get("BUREAU_NAME", "区某某局")
# Whom the monthly report is sent to (its PDF's 报送对象 line); empty leaves the line blank to fill in.
MONTHLY_REPORT_RECIPIENT = os.environ.get("MONTHLY_REPORT_RECIPIENT", "中共某某区委组织部")
SITE_TITLE = "科级干部队伍建设管理系统"

# Celery: Redis when it answers, otherwise tasks run in-process (see cadre_office/celery.py).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A worker that loses Redis (a restart, a network blip, even in the middle of an acknowledgement)
# reconnects, for as long as it takes: Celery's default gives up after 100 tries and exits.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CHANNEL_ERROR_RETRY = True
# A task running when the connection goes is left to finish: every task here is idempotent and checks
# its state under a row lock, so when its message comes back (after the visibility timeout, an hour,
# since the acknowledgement was lost) it finds the work done and does nothing. Cancelling it instead
# would throw away a three-minute import for a one-second blip of Redis.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A Redis host that does not answer must not hang a request that queues a task (so no retries of
# timed-out commands here); a worker notices a half-open connection (keepalive, health checks every
# 10 s) and reconnects.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3, "socket_timeout": 5, "socket_keepalive": True, "health_check_interval": 10,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_REQUIRE_REDIS = env_bool("CELERY_REQUIRE_REDIS", default=False)
# Exactly one beat runs these (README). Times are Asia/Shanghai (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    "dashboard-nightly": {
        "task": "dashboard.nightly_recompute",
        "schedule": crontab(hour=1, minute=30),
    },
    # Lost jobs fail, and uploads left unconfirmed for ROSTER_IMPORT_TTL expire, within 5 minutes.
    "dashboard-stale-jobs": {
        "task": "dashboard.fail_stale_recompute_jobs",
        "schedule": crontab(minute="*/5"),
    },
    # 动态管理: the flag rules over the team, after the dashboard's night.
    "oversight-flags-nightly": {
        "task": "oversight.raise_flags",
        "schedule": crontab(hour=2, minute=0),
    },
    # 岗位交流: plans whose date has come take effect before the dashboard's night recomputes.
    "training-rotations-nightly": {
        "task": "training.carry_out_rotations",
        "schedule": crontab(hour=0, minute=30),
    },
    "roster-imports-sweep": {
        "task": "cadres.sweep_roster_imports",
        "schedule": crontab(minute="*/5"),
    },
    # 报表: the bureau's monthly report of the month just ended, on the 1st; lost report jobs fail within 5 minutes.
    "reports-monthly": {
        "task": "reports.monthly_report_beat",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    "reports-stale-jobs": {
        "task": "reports.fail_stale_monthly_reports",
        "schedule": crontab(minute="*/5"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "cadre_office": {"level": os.environ.get("APP_LOG_LEVEL", "INFO"), "propagate": True},
        "cadres": {"level": os.environ.get("APP_LOG_LEVEL", "INFO"), "propagate": True},
    },
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True
DEMO_DATA_ALLOWED = True
