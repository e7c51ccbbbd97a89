"""Khruakhai settings, read from the environment (django-environ).

With nothing set, the app runs in its zero-setup mode: SQLite, an embedded
Celery broker and emails written under ``var/``. DEBUG is off unless it is asked
for (``make run`` sets DEBUG=true); with DEBUG off the process refuses to start
without a real SECRET_KEY, so a bare ``docker run`` never serves debug pages signed
with the published development key.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("KHRUAKHAI_VAR_DIR", default=str(BASE_DIR / "var")))

# DEBUG is on only when asked for: `make run` and the other development targets of
# the Makefile export DEBUG=true. The test suite runs as development does (pytest
# sets PYTEST_VERSION for its whole session, and the servers and workers some tests
# start inherit it); Django's test runner turns DEBUG off again while tests run.
env = environ.Env(
    DEBUG=(bool, bool(os.environ.get("PYTEST_VERSION"))),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)

VERSION = "0.1.0"
DEBUG = env("DEBUG")

# --- secrets -------------------------------------------------------------------
_DEV_SECRET_KEY = "dev-only-insecure-key-khruakhai-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default="")
# Writing or checking migrations reads only the models: it serves nothing and signs
# nothing, so it runs without a secret (CI and hooks call `makemigrations --check`).
_SCHEMA_ONLY = (
    len(sys.argv) > 1
    and Path(sys.argv[0]).name == "manage.py"
    and (sys.argv[1] == "makemigrations")
)
if not SECRET_KEY:
    if not DEBUG and not _SCHEMA_ONLY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=false (the default) Khruakhai refuses to "
            "start without a real secret key: set SECRET_KEY to a random string of at least "
            "50 characters (python -c 'import secrets; print(secrets.token_urlsafe(64))'), "
            "or set DEBUG=true on a development machine (make run does)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use a random string of at least 50 characters."
    )

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# --- applications --------------------------------------------------------------
INSTALLED_APPS = [
    "accounts",
    "core",
    "network",
    "agreements",
    "roadmap",
    "reports",
    "privacy",
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            "builtins": ["core.templatetags.thaidate"],
        },
    }
]

# --- database ------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # pg_trgm finds nothing in Thai unless LC_CTYPE is UTF-8; a new database copies
    # its locale from its template, so tests may name a UTF-8 template explicitly.
    if env("DATABASE_TEST_TEMPLATE", default=""):
        DATABASES["default"]["TEST"] = {"TEMPLATE": env("DATABASE_TEST_TEMPLATE")}
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (allauth) live in the cache. A database cache keeps login working
# when Redis is down: web requests must never depend on the broker. It culls a third
# of its rows once it holds MAX_ENTRIES, rate-limit histories included, so the ceiling
# is set far above what logins write: a flood of failed logins must not wipe the
# counters it is limited by.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "khruakhai_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Failure counters written inside a transaction that the failure rolls back (the
    # signing step's password check): a database cache shares that transaction and
    # would forget every count. core.throttle keeps them here instead: Redis when
    # REDIS_URL is set (every process shares it; short timeouts, and core.throttle
    # falls back to process memory while Redis is down), else this process's memory
    # (the zero-setup default runs one web process).
    "throttle": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL", default=""),
        "KEY_PREFIX": "khruakhai-throttle",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if env("REDIS_URL", default="")
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "khruakhai-throttle",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

# --- accounts ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # allauth's, minus logins by an address still waiting for its verification.
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Every account is created from an invitation its address received (or by a site
# admin, or the demo), so that address is recorded as verified when the account is
# made (accounts.services.sign_in_address_verify); logging in does not ask again.
# A new sign-in address is different: it replaces the old one only once the link
# sent to it is opened (CHANGE_EMAIL), and only after the user has given their
# password again (REAUTHENTICATION_REQUIRED), so neither a typo nor a borrowed
# session can move an account to an address nobody proved; the old address is told
# (EMAIL_NOTIFICATIONS).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Login throttles (allauth's format, applied by accounts.adapter.AccountAdapter). A
# school, or everyone behind one proxy, shares one address, and an attacker can type
# anyone's email: so no limit may let one person lock another out.
# - login_failed: per client address, 50 failures in 10 minutes over all accounts;
#   and per account *from one address* ("key" = email + client address), 5 in 5
#   minutes and 20 a day. An attacker elsewhere fills only their own bucket.
# - login_failed_account: per account from every address together, 30 an hour: the
#   ceiling for guessing spread over many addresses. It does not apply from an address
#   the account has logged in from before (remembered 90 days), so the owner at their
#   usual school still gets in; elsewhere the password-reset link lifts it.
# - login: every login attempt, per address: high, for a school's morning rush.
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "50/10m/ip,5/5m/key,20/d/key",
    "login_failed_account": "30/h/key",
}
LOGIN_KNOWN_SOURCE_DAYS = 90
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Khruakhai"

# --- i18n ----------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "khruakhai_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- static and media ----------------------------------------------------------
STATIC_URL = "/static/"
# Outside the data volume in the image (STATIC_ROOT=/app/staticfiles), so a new image's
# static files are never hidden by an old volume.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media is private: files are served only by permission-checked views, never by URL.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# The other evidence limits keep their defaults (and the reasons for them) in
# roadmap/evidence/rules.py; the environment overrides any of them.
for _name in (
    "EVIDENCE_MAX_FILES",
    "EVIDENCE_MAX_UPDATE_BYTES",
    "EVIDENCE_MAX_ACTIVITY_BYTES",
    "EVIDENCE_MAX_IMAGE_PIXELS",
    "EVIDENCE_ZIP_MAX_ENTRIES",
    "EVIDENCE_ZIP_MAX_UNPACKED_BYTES",
    "EVIDENCE_ZIP_MAX_RATIO",
):
    if _name in os.environ:
        globals()[_name] = env.int(_name)
# Django itself refuses a request with more files than this while it parses the body,
# before any form counts them (a progress update takes 10).
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- email ---------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Khruakhai <noreply@khruakhai.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "core.mail.FileAndConsoleBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Celery --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than any task may run, so an unacked task is redelivered only after
    # its worker is really gone (acks_late + reject_on_worker_lost).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu writes its exchange tables here; its default is ./control in the
        # working directory, which put runtime files into the git checkout.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The static schedule; what is due lives in the database, not in the broker.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "worker-heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    # reports: reminders due are found every 15 minutes; periods open hourly (idempotent).
    "reports-reminder-sweep": {"task": "reports.tasks.reminder_sweep", "schedule": 15 * 60.0},
    "reports-periods-open": {"task": "reports.tasks.periods_open", "schedule": 60 * 60.0},
    # agreements: signature reminders, renewal notices and missing PDFs, every 10 minutes.
    "agreements-sweep": {"task": "agreements.tasks.sweep", "schedule": 10 * 60.0},
    # reports: close-out reports and notices whose task the broker lost.
    "reports-closeout-sweep": {"task": "reports.tasks.closeout_sweep", "schedule": 15 * 60.0},
    # privacy: thin what the retention period has passed; lost erasure notices, hourly.
    "privacy-sweep": {"task": "privacy.tasks.sweep", "schedule": 60 * 60.0},
    # core: LINE pushes the broker lost, or whose worker died, are queued again.
    "line-sweep": {"task": "core.tasks.line_sweep", "schedule": 5 * 60.0},
}
# Personal data older than this is thinned (signers' IP addresses and browsers, sign-in
# records, delivered-message rows whose work is done, notices read long ago).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
# A reminder claimed but not sent for this long belongs to a dead worker: reclaim it.
REPORTS_CLAIM_STALE_SECONDS = env.int("REPORTS_CLAIM_STALE_SECONDS", default=600)
# A queued "send reminder N" the broker lost (Redis restarted empty) is queued again after this.
REPORTS_OFFER_STALE_SECONDS = env.int("REPORTS_OFFER_STALE_SECONDS", default=1800)

# --- LINE (issue 16) -------------------------------------------------------------
# The Messaging API channel of the LINE Official Account. Without the secret and the
# token the feature is off: no linking page, no LINE sends (core.line.line_enabled).
LINE_CHANNEL_SECRET = env("LINE_CHANNEL_SECRET", default="")
LINE_CHANNEL_ACCESS_TOKEN = env("LINE_CHANNEL_ACCESS_TOKEN", default="")
LINE_API_BASE_URL = env("LINE_API_BASE_URL", default="https://api.line.me").rstrip("/")
# The account's basic ID ("@khruakhai"): the add-friend link and QR on the linking page.
LINE_BOT_BASIC_ID = env("LINE_BOT_BASIC_ID", default="")
# A push claimed this long ago and not sent belongs to a dead worker: the sweep retries it.
LINE_CLAIM_STALE_SECONDS = env.int("LINE_CLAIM_STALE_SECONDS", default=300)

# --- security ------------------------------------------------------------------
# How many reverse proxies stand in front of the app and append to X-Forwarded-For.
# 0 (the default): REMOTE_ADDR is the client and X-Forwarded-For is ignored, since
# anyone can send it. core.client_ip.client_ip() reads it for the signing audit trail
# and, through accounts.adapter.AccountAdapter.get_client_ip, for allauth's rate
# limits; allauth reads ALLAUTH_TRUSTED_PROXY_COUNT itself too (allauth.app_settings).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# X-Forwarded-Proto says "https" only if the proxy in front overwrites whatever the
# client sent; otherwise anyone can claim HTTPS (and get secure-only behaviour on a
# plain connection). So it is honoured only when a proxy is declared (a proxy that
# appends X-Forwarded-For is expected to set X-Forwarded-Proto too) or explicitly.
SECURE_PROXY_SSL_HEADER_TRUSTED = env.bool(
    "SECURE_PROXY_SSL_HEADER_TRUSTED", default=TRUSTED_PROXY_COUNT > 0
)
if SECURE_PROXY_SSL_HEADER_TRUSTED:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions; the read each logged-in request makes is compiled once per
# process (core/sessions.py). Not cached_db: its load() writes the cache unguarded, so a
# Redis outage would fail every page, and a logout while Redis is down would leave the
# session alive in Redis.
SESSION_ENGINE = "core.sessions"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- PDF signing (pyHanko) -----------------------------------------------------
# PEM key and certificate for sealing PDFs. Unset, a key is generated under var/.
PDF_SIGNING_KEY = env("PDF_SIGNING_KEY", default="")
PDF_SIGNING_CERT = env("PDF_SIGNING_CERT", default="")
PDF_SIGNING_DIR = VAR_DIR / "signing"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "WARNING"}},
}
