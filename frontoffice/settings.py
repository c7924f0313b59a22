"""Settings, read from the environment (django-environ).

Every setting the deployment can change is read here once; a missing or malformed value stops
start-up with a message that names it.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SANDBOX_API_KEY = "lp_test_frontoffice_sandbox"
SANDBOX_API_URL = "http://127.0.0.1:8001/wp-json/latepoint-api/v1"


def _setting(name: str, cast, default):
    """Read one variable, naming it when its value cannot be understood."""
    try:
        return cast(name, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Setting {name} is malformed: {exc}") from exc


def _bool(name: str, default: bool) -> bool:
    """true/false, yes/no, on/off or 1/0; anything else is a mistake, not False."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _database(name: str, default: str) -> dict:
    config = env.db_url(name, default=default)
    if not config.get("ENGINE"):
        raise ValueError("not a database URL this application understands")
    return config


# Demo mode: `make run` against the local sandbox. It turns on DEBUG by default, the sandbox key
# and the demo sign-ins. It is never on unless asked for.
DEMO_MODE = _setting("FRONTOFFICE_DEMO", _bool, False)

DEBUG = _setting("DJANGO_DEBUG", _bool, DEMO_MODE)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE:
        SECRET_KEY = "insecure-demo-only-secret-key-change-me-for-production-use"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "Setting DJANGO_SECRET_KEY is missing: set it in the environment or .env "
            "(DEBUG is off outside demo mode)."
        )

ALLOWED_HOSTS = _setting("DJANGO_ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = _setting("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, [])

LATEPOINT_API_URL = _setting("LATEPOINT_API_URL", env.str, SANDBOX_API_URL).rstrip("/")
if not LATEPOINT_API_URL.startswith(("http://", "https://")) or not LATEPOINT_API_URL.endswith(
    "/wp-json/latepoint-api/v1"
):
    raise ImproperlyConfigured(
        "Setting LATEPOINT_API_URL is malformed: it must be an http(s) URL ending in "
        f"/wp-json/latepoint-api/v1 (got {LATEPOINT_API_URL!r})."
    )
LATEPOINT_API_KEY = env.str("LATEPOINT_API_KEY", default="")
if not LATEPOINT_API_KEY:
    if DEMO_MODE or DEBUG:
        LATEPOINT_API_KEY = SANDBOX_API_KEY
    else:
        raise ImproperlyConfigured("Setting LATEPOINT_API_KEY is missing.")
LATEPOINT_TIMEOUT = _setting("LATEPOINT_TIMEOUT", env.float, 10.0)
if LATEPOINT_TIMEOUT <= 0:
    raise ImproperlyConfigured("Setting LATEPOINT_TIMEOUT must be a positive number of seconds.")

# Seconds a cached upstream read stays fresh, per kind of resource. Writes invalidate.
LATEPOINT_CACHE_TTL = {
    "customer_list": _setting("LATEPOINT_CACHE_TTL_CUSTOMER_LIST", env.int, 60),
    "customer": _setting("LATEPOINT_CACHE_TTL_CUSTOMER", env.int, 120),
    "booking_list": _setting("LATEPOINT_CACHE_TTL_BOOKING_LIST", env.int, 30),
    "booking": _setting("LATEPOINT_CACHE_TTL_BOOKING", env.int, 60),
    "reference": _setting("LATEPOINT_CACHE_TTL_REFERENCE", env.int, 900),
}

# The business's currency symbol (LatePoint's API does not say) and the region used to read
# phone numbers typed without a country code.
# Read as plain text: django-environ would take a leading "$" for a reference to a variable.
FRONTOFFICE_CURRENCY_SYMBOL = os.environ.get("FRONTOFFICE_CURRENCY_SYMBOL", "$")
FRONTOFFICE_PHONE_REGION = _setting("FRONTOFFICE_PHONE_REGION", env.str, "US").upper()

# Custom fields only managers may see (keys as LatePoint names them).
SENSITIVE_CUSTOM_FIELDS = _setting(
    "FRONTOFFICE_SENSITIVE_FIELDS",
    env.list,
    ["medical_notes", "insurance_provider", "insurance_number", "emergency_contact"],
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_countries",
    "template_partials",
    "frontoffice",
    "customers",
    "bookings",
    "stats",
]

MIDDLEWARE = [
    "frontoffice.middleware.ServerTimingMiddleware",
    "frontoffice.security.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "frontoffice.middleware.LoginRequiredMiddleware",
    "frontoffice.middleware.APIErrorMiddleware",
]

ROOT_URLCONF = "frontoffice.urls"
WSGI_APPLICATION = "frontoffice.wsgi.application"

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
                "frontoffice.context_processors.frontoffice",
            ],
        },
    }
]

DATABASES = {
    "default": _setting("DATABASE_URL", _database, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
CACHES = {"default": _setting("CACHE_URL", env.cache_url, "locmemcache://frontoffice")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# The business's own time zone: "today" on the arrivals board is today here.
TIME_ZONE = _setting("TIME_ZONE", env.str, "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Security headers. HSTS and secure cookies apply whenever DEBUG is off.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "frontoffice.views.csrf_failure"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = _setting("DJANGO_SECURE_SSL_REDIRECT", _bool, not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else _setting("DJANGO_SECURE_HSTS_SECONDS", env.int, 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "latepoint": {"level": _setting("LATEPOINT_LOG_LEVEL", env.str, "INFO")},
        "frontoffice": {"level": "INFO"},
    },
}
