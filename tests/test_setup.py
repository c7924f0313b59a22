"""Set-up: a bad number names its setting and its value, and a production `.env` beside the
source tree changes neither the demo nor the test suite (only a deployment reads it).

Each case runs `manage.py` in its own process, as start-up would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV_FILE = """\
DJANGO_SECRET_KEY=production-secret-key-that-is-long-enough-for-django-checks-0123456789
DJANGO_DEBUG=false
DJANGO_ALLOWED_HOSTS=frontoffice.example.com
LATEPOINT_API_URL=https://your-site.com/wp-json/latepoint-api/v1
LATEPOINT_API_KEY=lp_live_your_key_here
LATEPOINT_RATE_LIMIT=30
"""

ANSWER = """
import json
from django.conf import settings
from django.test import Client
healthz = Client().get("/healthz", HTTP_HOST="127.0.0.1").status_code
print(json.dumps({
    "healthz": healthz,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "api_url": settings.LATEPOINT_API_URL,
    "rate_limit": settings.LATEPOINT_RATE_LIMIT,
}))
"""


def _env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "LATEPOINT_", "FRONTOFFICE_", "SANDBOX_", "CACHE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LATEPOINT_TIMEOUT", "abc", "LATEPOINT_TIMEOUT must be a number of seconds, got 'abc'"),
        ("LATEPOINT_DEADLINE", "15s", "LATEPOINT_DEADLINE must be a number of seconds, got '15s'"),
        ("LATEPOINT_RATE_LIMIT", "6o", "LATEPOINT_RATE_LIMIT must be a whole number such as 60"),
        ("LATEPOINT_INTERACTIVE_RESERVE", "most", "got 'most'"),
        ("FRONTOFFICE_NO_SHOW_FEE", "ten", "must be an amount such as 25 or 25.50, got 'ten'"),
        ("FRONTOFFICE_CASH_FLOAT", "lots", "FRONTOFFICE_CASH_FLOAT must be an amount"),
        ("FRONTOFFICE_LATE_CANCEL_HOURS", "a day", "got 'a day'"),
        ("HISTORY_RECENT_DAYS", "two weeks", "HISTORY_RECENT_DAYS must be a whole number"),
    ],
)
def test_a_number_that_is_not_one_names_the_setting_and_the_value(tmp_path, name, value, message):
    result = _manage(_env(tmp_path, FRONTOFFICE_DEMO="true", **{name: value}), "check")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: Setting "), last_line
    assert message in last_line
    assert "could not convert" not in result.stderr


def _answer(env: dict[str, str]) -> dict:
    result = _manage(env, "shell", "-c", ANSWER)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production_env_file(tmp_path) -> Path:
    path = tmp_path / ".env"
    path.write_text(PRODUCTION_ENV_FILE)
    return path


def test_the_demo_ignores_a_production_env_file(tmp_path, production_env_file):
    env = _env(
        tmp_path,
        FRONTOFFICE_DEMO="true",
        FRONTOFFICE_ENV_FILE=str(production_env_file),
        PYTEST_VERSION=None,
    )
    answer = _answer(env)
    assert answer["healthz"] == 200
    assert answer["allowed_hosts"] == ["127.0.0.1", "localhost"]
    assert answer["api_url"] == "http://127.0.0.1:8001/wp-json/latepoint-api/v1"


def test_a_deployment_reads_its_env_file(tmp_path, production_env_file):
    env = _env(tmp_path, FRONTOFFICE_ENV_FILE=str(production_env_file), PYTEST_VERSION=None)
    answer = _answer(env)
    assert answer["allowed_hosts"] == ["frontoffice.example.com"]
    assert answer["api_url"] == "https://your-site.com/wp-json/latepoint-api/v1"
    assert answer["rate_limit"] == 30
    # The environment still wins over the file.
    env["LATEPOINT_RATE_LIMIT"] = "45"
    assert _answer(env)["rate_limit"] == 45


def test_the_test_settings_ignore_a_production_env_file(tmp_path, production_env_file):
    assert "PYTEST_VERSION" in os.environ  # set by pytest for the session, inherited below
    env = _env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="tests.settings",
        FRONTOFFICE_ENV_FILE=str(production_env_file),
    )
    answer = _answer(env)
    assert answer["healthz"] == 200
    assert answer["allowed_hosts"] == ["127.0.0.1", "localhost"]
    assert answer["api_url"] == "http://127.0.0.1:8001/wp-json/latepoint-api/v1"
