"""Settings for the test suite: production settings, with what a plain-HTTP test server needs."""

import os
import tempfile

from frontoffice.demo import SANDBOX_API_KEY

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks"
)
os.environ.setdefault("LATEPOINT_API_KEY", SANDBOX_API_KEY)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from config.settings import *  # noqa: F403
from config.settings import CACHES, DATABASES, STORAGES

# The test servers speak plain HTTP: cookies marked Secure would never come back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Browser tests write from the live server's thread while the test thread writes too. An
# in-memory SQLite database shares one cache whose locks fail at once ("database table is
# locked"); a file with a busy timeout makes the second writer wait instead.
DATABASES = {
    "default": {
        **DATABASES["default"],
        "OPTIONS": {"timeout": 30},
        "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"frontoffice-test-{os.getpid()}.db")},
    }
}

# One process runs the suite: a local-memory cache (and so a per-process request budget, see
# upstream.budget) keeps tests apart and needs no database. The shared defaults, database
# cache and Redis, are exercised by tests that start several front-office processes.
if "CACHE_URL" not in os.environ:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "frontoffice-tests",
            "OPTIONS": CACHES["default"].get("OPTIONS", {}),
        },
        "state": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "frontoffice-tests-state",
        },
    }

# The sandbox the suite runs against has no rate limit unless a test switches it on, and the
# suite makes thousands of calls: tests of the request budget set their own limit.
LATEPOINT_RATE_LIMIT = int(os.environ.get("LATEPOINT_RATE_LIMIT", "100000"))
# Pages of the suite run on 2 busy cores next to a browser: a generous page deadline, except
# in the tests of the deadline itself, which set their own.
LATEPOINT_DEADLINE = float(os.environ.get("LATEPOINT_DEADLINE", "60"))

# The background worker runs tasks at once, in the test's own process (no consumer to start);
# the booking sync itself is tested by calling it directly against the sandbox.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
