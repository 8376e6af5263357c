"""Django settings for Vigil, read from environment variables only (see `vigil.conf.SETTINGS` and the README).

Everything an instance owns lives under VIGIL_DATA_DIR. SQLite in WAL mode there is the default; DATABASE_URL
switches to PostgreSQL. Secrets come from `*_FILE` files or are generated into the data directory with mode 0600.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from vigil.conf import ConfigError, Env, load_or_create_secret, read_secret_file

env = Env()
BASE_DIR = Path(__file__).resolve().parent

DATA_DIR = env.path("VIGIL_DATA_DIR", "./var/vigil")
CONFIGURED_DEBUG = env.boolean("VIGIL_DEBUG", False)
DEBUG = CONFIGURED_DEBUG

VIGIL_CHEAP_KDF_FOR_TESTS = env.boolean("VIGIL_CHEAP_KDF_FOR_TESTS", False)
if VIGIL_CHEAP_KDF_FOR_TESTS and not CONFIGURED_DEBUG:
    raise ConfigError("VIGIL_CHEAP_KDF_FOR_TESTS is only allowed together with VIGIL_DEBUG=true (a test run).")

_secret_file = env.raw("VIGIL_SECRET_KEY_FILE")
SECRET_KEY_FROM_FILE = bool(_secret_file)
SECRET_KEY = (
    read_secret_file("VIGIL_SECRET_KEY_FILE", _secret_file)
    if _secret_file
    else load_or_create_secret(DATA_DIR / "secret_key")
)

ALLOWED_HOSTS = env.items("VIGIL_ALLOWED_HOSTS", "127.0.0.1,localhost")
VIGIL_HTTPS = env.boolean("VIGIL_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "vigil.core",
    "vigil.accounts",
    "vigil.audit",
    "vigil.vault",
    "vigil.incidents",
    "vigil.monitoring",
]

MIDDLEWARE = [
    "vigil.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "vigil.core.middleware.FetchMetadataCsrfMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vigil.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "vigil.vault.middleware.VaultMiddleware",
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_settings() -> dict[str, Any]:
    url = env.raw("DATABASE_URL")
    if url:
        try:
            config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        except ValueError as error:
            raise ConfigError(f"DATABASE_URL cannot be understood ({error}).") from None
        if config.get("ENGINE") != "django.db.backends.postgresql":
            raise ConfigError("DATABASE_URL must be a PostgreSQL URL (postgres://...); SQLite needs no URL.")
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
        config["TEST"] = {"NAME": f"{config.get('NAME') or 'vigil'}_vigiltest"}
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "vigil.sqlite3",
        "OPTIONS": {
            # secure_delete overwrites freed pages, so a destroyed wrap or deleted record leaves no copy in the file.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "vigil.accounts.backends.PasswordAndDuressBackend",
]
PASSWORD_HASHERS = ["vigil.accounts.hashers.VigilArgon2Hasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "vigil.accounts.passwords.LengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Sessions (SECURITY-CRITERIA 10): a __Host- cookie bound to this origin, never readable by scripts, never sent
# cross-site; idle and absolute limits are enforced by SessionLifetimeMiddleware.
SESSION_COOKIE_NAME = "__Host-vigil-session"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_PATH = "/"
SESSION_IDLE_SECONDS = env.integer("VIGIL_SESSION_IDLE_MINUTES", 15, minimum=1, maximum=24 * 60) * 60
SESSION_ABSOLUTE_SECONDS = env.integer("VIGIL_SESSION_MAX_HOURS", 8, minimum=1, maximum=7 * 24) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_NAME = "__Host-vigil-csrf"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_USE_SESSIONS = True
CSRF_FAILURE_VIEW = "vigil.core.views.csrf_failure"
# FetchMetadataCsrfMiddleware is Django's CSRF middleware (a subclass), which the deploy check does not recognise.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if VIGIL_HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True

# Login throttling (SECURITY-CRITERIA 11): per account and per address, each counted on its own.
AXES_FAILURE_LIMIT = env.integer("VIGIL_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = env.integer("VIGIL_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=7 * 24 * 60) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vigil.accounts.views.lockout_response"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token", "passphrase"]
# Behind the TLS proxy that VIGIL_HTTPS implies, every client would share the proxy's address, so one stranger could
# lock everybody out: take the client's address from the proxy's X-Forwarded-For (one proxy) instead.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if VIGIL_HTTPS else ["REMOTE_ADDR"]
AXES_IPWARE_PROXY_COUNT = 1 if VIGIL_HTTPS else 0
# Successful logins are in the audit log; axes would keep every address and browser of every login forever.
AXES_DISABLE_ACCESS_LOG = True

OTP_TOTP_ISSUER = "Vigil"

LANGUAGE_CODE = env.choice("VIGIL_LANGUAGE", "ru", ("ru", "en"))
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "__Host-vigil-language"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Strict"
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.string("VIGIL_TIME_ZONE", "Europe/Moscow")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ConfigError(f"VIGIL_TIME_ZONE must be a time zone name such as Europe/Moscow (got {TIME_ZONE!r}).") from None

STATIC_URL = "/static/"
STATIC_ROOT = None
# Static files are served by the app itself from the installed package: nothing to collect, no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
MAX_UPLOAD_BYTES = env.integer("VIGIL_MAX_UPLOAD_MB", 200, minimum=1, maximum=100_000) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

LOG_LEVEL = env.choice("VIGIL_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"escape_newlines": {"()": "vigil.core.logging.EscapeNewlinesFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["escape_newlines"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request logger would print URLs and user agents; Vigil logs what it needs itself.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        # Axes would log the user names tried, which may be mistyped passwords.
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
WHITENOISE_ALLOW_ALL_ORIGINS = False
