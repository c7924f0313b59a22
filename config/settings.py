"""Settings, read from the environment (django-environ, through `config.env`).

Every setting the deployment can change is read here once; a missing or malformed value stops
start-up with a message that names it.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config import env as read
from config.env import BASE_DIR, boolean, clock, database, env, fee, hours, setting
from config.logs import logging_config
from frontoffice.demo import SANDBOX_AGENT_HOURS, SANDBOX_API_KEY, SANDBOX_API_URL
from frontoffice.working_hours import parse_agent_hours

# Demo mode: `make run` against the local sandbox, over plain HTTP on this machine, with the
# sandbox key and the demo sign-ins. It is never on unless asked for. DEBUG stays off in it, so
# the demo shows the product's own error pages; DJANGO_DEBUG=true turns Django's on.
DEMO_MODE = setting("FRONTOFFICE_DEMO", boolean, False)

DEBUG = setting("DJANGO_DEBUG", boolean, False)
#: Served over plain HTTP from a source tree (DEBUG or the demo): static files come straight from
#: it (no collectstatic), and there is no HTTPS to redirect to or insist on.
LOCAL_HTTP = DEBUG or DEMO_MODE

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE:
        SECRET_KEY = "insecure-demo-only-secret-key-change-me-for-production-use"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "Setting DJANGO_SECRET_KEY is missing: set it in the environment or .env "
            "(DEBUG is off outside demo mode)."
        )

ALLOWED_HOSTS = setting("DJANGO_ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = setting("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, [])

LATEPOINT_API_URL = setting("LATEPOINT_API_URL", env.str, SANDBOX_API_URL).rstrip("/")
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
LATEPOINT_TIMEOUT = setting("LATEPOINT_TIMEOUT", read.seconds, 10.0)
if LATEPOINT_TIMEOUT <= 0:
    raise ImproperlyConfigured("Setting LATEPOINT_TIMEOUT must be a positive number of seconds.")
# The total time one page may spend on LatePoint, retries and page walks included. Past it the
# page shows its last good copy or an error page; the worker timeout (gunicorn.conf.py) is
# always above it.
LATEPOINT_DEADLINE = setting("LATEPOINT_DEADLINE", read.seconds, 15.0)
if not 1 <= LATEPOINT_DEADLINE <= 120:
    raise ImproperlyConfigured("Setting LATEPOINT_DEADLINE must be between 1 and 120 seconds.")
# The API key's requests a minute, shared by every desk and process (upstream.budget keeps a
# safety margin below it), and the share kept free for pages a desk is waiting on.
LATEPOINT_RATE_LIMIT = setting("LATEPOINT_RATE_LIMIT", read.whole, 60)
if LATEPOINT_RATE_LIMIT < 1:
    raise ImproperlyConfigured("Setting LATEPOINT_RATE_LIMIT must be 1 or more a minute.")
LATEPOINT_INTERACTIVE_RESERVE = setting("LATEPOINT_INTERACTIVE_RESERVE", read.number, 0.75)
if not 0 <= LATEPOINT_INTERACTIVE_RESERVE < 1:
    raise ImproperlyConfigured("Setting LATEPOINT_INTERACTIVE_RESERVE must be from 0 to 0.99.")
# How long a read is kept to be shown (labelled) when LatePoint does not answer.
LATEPOINT_STALE_TTL = setting("LATEPOINT_STALE_TTL", read.whole, 86400)

# Seconds a cached upstream read stays fresh, per kind of resource. Writes invalidate.
LATEPOINT_CACHE_TTL = {
    "customer_list": setting("LATEPOINT_CACHE_TTL_CUSTOMER_LIST", read.whole, 60),
    "customer": setting("LATEPOINT_CACHE_TTL_CUSTOMER", read.whole, 120),
    "booking_list": setting("LATEPOINT_CACHE_TTL_BOOKING_LIST", read.whole, 30),
    "booking": setting("LATEPOINT_CACHE_TTL_BOOKING", read.whole, 60),
    "reference": setting("LATEPOINT_CACHE_TTL_REFERENCE", read.whole, 900),
    # A customer's risk badge: risk changes slowly (edits through the front office refresh it).
    "customer_summary": setting("LATEPOINT_CACHE_TTL_CUSTOMER_SUMMARY", read.whole, 6 * 3600),
    # Booking pages that end before today: past days rarely change.
    "booking_history": setting("LATEPOINT_CACHE_TTL_BOOKING_HISTORY", read.whole, 6 * 3600),
}

# The business's currency symbol (LatePoint's API does not say) and the region used to read
# phone numbers typed without a country code.
# Read as plain text: django-environ would take a leading "$" for a reference to a variable.
FRONTOFFICE_CURRENCY_SYMBOL = os.environ.get("FRONTOFFICE_CURRENCY_SYMBOL", "$")
FRONTOFFICE_PHONE_REGION = setting("FRONTOFFICE_PHONE_REGION", env.str, "US").upper()

# How every screen and CSV file writes a time of day: "24" ("14:05") or "12" ("2:05 pm").
FRONTOFFICE_CLOCK = setting("FRONTOFFICE_CLOCK", env.str, "24").strip().lower()
if FRONTOFFICE_CLOCK not in ("12", "24"):
    raise ImproperlyConfigured(
        f"Setting FRONTOFFICE_CLOCK must be 12 or 24 (hours), not {FRONTOFFICE_CLOCK!r}."
    )


# The business hours the day calendar shows (LatePoint's API gives no agent's working hours);
# it widens them to show a booking outside them.
FRONTOFFICE_DAY_START = setting("FRONTOFFICE_DAY_START", clock, "08:00")
FRONTOFFICE_DAY_END = setting("FRONTOFFICE_DAY_END", clock, "20:00")
if FRONTOFFICE_DAY_START >= FRONTOFFICE_DAY_END:
    raise ImproperlyConfigured(
        "Setting FRONTOFFICE_DAY_END must be later than FRONTOFFICE_DAY_START."
    )

# Each agent's working days and hours (frontoffice/working_hours.py says the format; LatePoint's
# API gives no schedule): the week calendar shows an agent's day off and hours outside them as
# not free. Unset, every agent works the business hours; the demo knows the sandbox's agents'.
FRONTOFFICE_AGENT_HOURS = setting(
    "FRONTOFFICE_AGENT_HOURS",
    lambda name, default: parse_agent_hours(env.str(name, default=default)),
    SANDBOX_AGENT_HOURS if DEMO_MODE else "",
)

# Fees recorded in LatePoint (an order for the customer, owed until paid) when a booking is
# marked no-show, or cancelled less than FRONTOFFICE_LATE_CANCEL_HOURS before it starts,
# through the front office: none unless an amount is set.
FRONTOFFICE_NO_SHOW_FEE = setting("FRONTOFFICE_NO_SHOW_FEE", fee, None)
FRONTOFFICE_LATE_CANCEL_FEE = setting("FRONTOFFICE_LATE_CANCEL_FEE", fee, None)
FRONTOFFICE_LATE_CANCEL_HOURS = setting("FRONTOFFICE_LATE_CANCEL_HOURS", hours, 24)

# The cash float left in the drawer at the start of each day: the day's takings count it in the
# cash expected in the drawer (none unless set).
FRONTOFFICE_CASH_FLOAT = setting("FRONTOFFICE_CASH_FLOAT", fee, None)

# Custom fields only managers may see (keys as LatePoint names them).
SENSITIVE_CUSTOM_FIELDS = setting(
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
    "axes",
    "frontoffice",
    "audit",
    "exports",
    "signin",
    "customers",
    "bookings",
    "checkout",
    "stats",
    "history",
    "notes",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    # First: every response, error pages included, carries the request's id.
    "frontoffice.request_log.RequestIdMiddleware",
    "frontoffice.middleware.ServerTimingMiddleware",
    # Compresses pages for browsers that accept it: a busy day's Today board is about 870 KB of
    # HTML, some 60 KB compressed. Django's own mitigation of BREACH (random bytes in each gzip
    # header) and its per-request CSRF masking apply. Before everything that reads the body.
    "django.middleware.gzip.GZipMiddleware",
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
    # Gives back the sign-in try a request took (signin.protection), once it has ended.
    "signin.protection.give_back_tries",
    # Last, as django-axes asks: turns a sign-in it refused into our 429 sign-in page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
    "default": setting("DATABASE_URL", database, f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several worker processes share the file: WAL lets readers and a writer work together,
    # IMMEDIATE transactions take the write lock up front (so two read-then-write transactions
    # queue instead of failing), and a busy writer is waited for.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# The cache of LatePoint reads is shared by every process: by default a table in the database
# (created by `migrate`); CACHE_URL=redis://... for Redis.
CACHES = {"default": setting("CACHE_URL", env.cache_url, "dbcache://frontoffice_cache")}
if not CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's default of 300 entries would evict a busy day's reads within minutes.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("MAX_ENTRIES", 50000)
    CACHES["default"]["OPTIONS"].setdefault("CULL_FREQUENCY", 4)
# What keeps writes safe (record locks, one-time form tokens, sign-in tries, when a desk last
# called) lives apart from the read cache, so a full read cache never culls it: in its own
# table (created by `migrate`, never culled in practice: every entry expires by itself), or
# the same Redis.
if CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
    CACHES["state"] = {
        **CACHES["default"],
        "LOCATION": "frontoffice_state",
        "OPTIONS": {"MAX_ENTRIES": 10_000_000, "CULL_FREQUENCY": 0},
    }
else:
    CACHES["state"] = dict(CACHES["default"])

# The background worker (Huey, `manage.py run_huey`): its queue is in Redis when the cache is,
# else in a SQLite file next to the database (no server to install). One consumer runs the
# periodic tasks; history.tasks also guards them with a lock in the shared cache.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    _huey_store = {"huey_class": "huey.RedisHuey", "url": CACHES["default"]["LOCATION"]}
else:
    _database_dir = (
        Path(DATABASES["default"]["NAME"]).parent
        if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        else BASE_DIR
    )
    _huey_store = {"huey_class": "huey.SqliteHuey", "filename": str(_database_dir / "huey.sqlite3")}
HUEY = {
    "name": "frontoffice",
    **_huey_store,
    "immediate": False,
    "results": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
# The local booking history (history/): the recent window (these days back and everything
# ahead) is read again every HISTORY_RECENT_SECONDS, older weeks every HISTORY_OLDER_SECONDS.
HISTORY_RECENT_DAYS = setting("HISTORY_RECENT_DAYS", read.whole, 14)
HISTORY_RECENT_SECONDS = setting("HISTORY_RECENT_SECONDS", read.whole, 300)
HISTORY_OLDER_SECONDS = setting("HISTORY_OLDER_SECONDS", read.whole, 24 * 3600)
# A finished CSV export can be downloaded for this many hours, then its file is dropped.
EXPORT_TTL_HOURS = setting("EXPORT_TTL_HOURS", read.whole, 24)
# An export asks again for a page LatePoint failed to send (no answer, 5xx) this many times.
EXPORT_RETRIES = setting("EXPORT_RETRIES", read.whole, 5)

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

# Sign-in protection: django-axes, configured by signin.protection (its docstring has the
# design). Failures are counted in the database, in a transaction, so every process and server
# shares the counts; sign-ins of one user name sent at once are counted in the shared cache, so
# a burst gets no more password checks than failures one by one would.
# - A user name that fails FRONTOFFICE_SIGNIN_FAILURES_PER_USER times, from anywhere, is locked:
#   even its right password is refused ("This user name is locked...").
# - An address that fails FRONTOFFICE_SIGNIN_FAILURES_PER_ADDRESS times, whatever the user names,
#   is locked for user names that are not active accounts, and every failure from it is answered
#   "Too many failed sign-ins from this address...". A clinic shares one address: the right
#   password of a real account from a locked address still signs in; guessing one account's
#   password is what that account's own lock stops.
# A lock ends FRONTOFFICE_SIGNIN_LOCK_MINUTES after the last failure, or when an administrator
# deletes its rows under Axes > Access attempts in /admin/.
FRONTOFFICE_SIGNIN_FAILURES_PER_USER = setting(
    "FRONTOFFICE_SIGNIN_FAILURES_PER_USER", read.whole, 5
)
FRONTOFFICE_SIGNIN_FAILURES_PER_ADDRESS = setting(
    "FRONTOFFICE_SIGNIN_FAILURES_PER_ADDRESS", read.whole, 30
)
FRONTOFFICE_SIGNIN_LOCK_MINUTES = setting("FRONTOFFICE_SIGNIN_LOCK_MINUTES", read.whole, 15)
for _name in (
    "FRONTOFFICE_SIGNIN_FAILURES_PER_USER",
    "FRONTOFFICE_SIGNIN_FAILURES_PER_ADDRESS",
    "FRONTOFFICE_SIGNIN_LOCK_MINUTES",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"Setting {_name} must be 1 or more.")
# The reverse proxies in front of the app (addresses or networks such as 10.0.0.0/8). The client
# address is read from X-Forwarded-For only when the request comes from one of them; otherwise
# it is the connection's own address, whatever headers the client sends.
FRONTOFFICE_TRUSTED_PROXIES = setting("FRONTOFFICE_TRUSTED_PROXIES", env.list, [])
for _proxy in FRONTOFFICE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Setting FRONTOFFICE_TRUSTED_PROXIES is malformed: {_proxy!r} is not an address "
            "or a network."
        ) from exc
FRONTOFFICE_TRUSTED_PROXIES = [proxy.strip() for proxy in FRONTOFFICE_TRUSTED_PROXIES]

AUTHENTICATION_BACKENDS = [
    # Axes' check first: a locked sign-in is refused before the password is tried.
    "signin.protection.SignInLockBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = "signin.protection.lockout_parameters"
AXES_FAILURE_LIMIT = "signin.protection.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=FRONTOFFICE_SIGNIN_LOCK_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "signin.protection.attempted_username"
AXES_CLIENT_IP_CALLABLE = "signin.protection.client_address"
AXES_LOCKOUT_CALLABLE = "signin.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

LANGUAGE_CODE = "en-us"
# The business's own time zone: "today" on the arrivals board is today here.
TIME_ZONE = setting("TIME_ZONE", env.str, "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if LOCAL_HTTP
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = LOCAL_HTTP
# Demo mode serves the source tree as it is (no collectstatic, no staticfiles/ to scan).
WHITENOISE_AUTOREFRESH = LOCAL_HTTP

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Security headers. HSTS and secure cookies apply whenever the site is served over HTTPS (not
# in DEBUG or the demo).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "frontoffice.views.csrf_failure"
SESSION_COOKIE_SECURE = not LOCAL_HTTP
CSRF_COOKIE_SECURE = not LOCAL_HTTP
SECURE_SSL_REDIRECT = setting("DJANGO_SECURE_SSL_REDIRECT", boolean, not LOCAL_HTTP)
SECURE_HSTS_SECONDS = (
    0 if LOCAL_HTTP else setting("DJANGO_SECURE_HSTS_SECONDS", read.whole, 31536000)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL_HTTP
SECURE_HSTS_PRELOAD = not LOCAL_HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer's plain-HTTP health probe gets its answer, not a redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every line carries the request's id (config.logs has the handlers and the loggers).
LOGGING = logging_config(
    latepoint_level=setting("LATEPOINT_LOG_LEVEL", env.str, "INFO"),
    huey_level=setting("HUEY_LOG_LEVEL", env.str, "INFO"),
)
