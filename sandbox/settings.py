"""Settings of the sandbox project, from the environment (SANDBOX_*)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("SANDBOX_SECRET_KEY", "sandbox-only-secret-not-used-for-anything-real")
DEBUG = False
ALLOWED_HOSTS = ["*"]

SANDBOX_API_KEY = os.environ.get("SANDBOX_API_KEY", "lp_test_frontoffice_sandbox")
SANDBOX_DB = os.environ.get("SANDBOX_DB") or str(BASE_DIR / "sandbox.sqlite3")

INSTALLED_APPS = ["sandbox.apps.SandboxConfig"]
MIDDLEWARE = ["sandbox.faults.SandboxMiddleware"]
ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"
APPEND_SLASH = False

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SANDBOX_DB,
        "OPTIONS": {
            # Many readers at once (gunicorn threads, tests reading the file) and one writer.
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = os.environ.get("SANDBOX_TIMEZONE", "America/New_York")
USE_I18N = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # 4xx answers are the API working as documented; real crashes still log at ERROR.
    "loggers": {"django.request": {"level": "ERROR"}},
}
