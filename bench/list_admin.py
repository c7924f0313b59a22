"""Django admin's changelist over a sandbox's own rows, for the list-speed scenario.

A small Django project of its own (settings below, admin and URLs in `list_admin_urls.py`):
the admin, auth, sessions and the sandbox app, reading the sandbox's customers and bookings
straight from its SQLite file (a second database, read through a router) and keeping its own
users and sessions in a throwaway file. It runs as a worker process: `bench/run.py` writes a
path on each line of its standard input, the worker renders it once with Django's test client
as a signed-in superuser and answers one JSON line: status, milliseconds, bytes.

    .venv/bin/python bench/list_admin.py --sandbox-db PATH --workdir DIR
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The changelists measured, as the front office's lists show them (100 rows a page).
CUSTOMERS = "/admin/sandbox/customer/"
BOOKINGS = "/admin/sandbox/booking/"


class SandboxRouter:
    """The sandbox app's models live in the sandbox's database, everything else in default."""

    def db_for_read(self, model, **hints):
        return "sandbox" if model._meta.app_label == "sandbox" else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, **hints):
        if app_label == "sandbox":
            return False
        return db == "default"


def configure(sandbox_db: Path, workdir: Path) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-list-admin-only-secret-key-not-used-for-anything-real",  # noqa: S106
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "sandbox.apps.SandboxConfig",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        ROOT_URLCONF="list_admin_urls",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                },
            }
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(workdir / "list-admin.sqlite3"),
            },
            "sandbox": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sandbox_db)},
        },
        DATABASE_ROUTERS=[SandboxRouter()],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LANGUAGE_CODE="en-us",
        TIME_ZONE="America/New_York",
        USE_I18N=True,
        USE_TZ=True,
        STATIC_URL="/static/",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox-db", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args()
    configure(args.sandbox_db, args.workdir)

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    user = User.objects.create_superuser("bench-admin", "admin@example.com", "bench-admin")
    client = Client()
    client.force_login(user)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        answer = {"status": response.status_code, "ms": elapsed, "bytes": len(response.content)}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
