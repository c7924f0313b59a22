"""Settings for the test suite: production settings, with what a plain-HTTP test server needs."""

import os
import tempfile

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks"
)
os.environ.setdefault("LATEPOINT_API_KEY", "lp_test_frontoffice_sandbox")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from frontoffice.settings import *  # noqa: F403
from frontoffice.settings import DATABASES, STORAGES

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
