"""Production settings: `check --deploy` finds nothing, and a bad setting stops start-up by name.

Each case runs `manage.py` in its own process with the real settings module, as a deployment
would, so nothing from the test settings leaks in.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-" + "x" * 60
KEY = "lp_live_never_shown_0123456789abcdef"


def _env(**env_overrides: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "LATEPOINT_", "FRONTOFFICE_", "SANDBOX_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="frontoffice.example.com",
        LATEPOINT_API_URL="https://clinic.example.com/wp-json/latepoint-api/v1",
        LATEPOINT_API_KEY=KEY,
        PYTHONPATH=str(ROOT),
    )
    for name, value in env_overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(*args: str, **env_overrides: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _run("check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert KEY not in result.stdout + result.stderr


PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    name: getattr(settings, name)
    for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF", "DEMO_MODE",
        "CSRF_FAILURE_VIEW",
    )
} | {"middleware": settings.MIDDLEWARE}))
"""


def test_production_turns_on_hsts_and_secure_cookies():
    result = _run("shell", "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["DEMO_MODE"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["CSRF_FAILURE_VIEW"] == "frontoffice.views.csrf_failure"
    middleware = values["middleware"]
    for name in (
        "frontoffice.security.SecurityHeadersMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "frontoffice.middleware.LoginRequiredMiddleware",
    ):
        assert name in middleware
    # The security headers wrap everything, error pages included.
    assert middleware.index("frontoffice.security.SecurityHeadersMiddleware") < middleware.index(
        "frontoffice.middleware.APIErrorMiddleware"
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"LATEPOINT_API_URL": "ftp://x"}, "LATEPOINT_API_URL"),
        ({"LATEPOINT_API_URL": "https://clinic.example.com/"}, "LATEPOINT_API_URL"),
        ({"LATEPOINT_TIMEOUT": "abc"}, "LATEPOINT_TIMEOUT"),
        ({"LATEPOINT_TIMEOUT": "-3"}, "LATEPOINT_TIMEOUT"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"LATEPOINT_API_KEY": ""}, "LATEPOINT_API_KEY"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"LATEPOINT_CACHE_TTL_CUSTOMER": "soon"}, "LATEPOINT_CACHE_TTL_CUSTOMER"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"FRONTOFFICE_TRUSTED_PROXIES": "10.0.0.1,proxy.local"}, "FRONTOFFICE_TRUSTED_PROXIES"),
        ({"FRONTOFFICE_SIGNIN_FAILURES_PER_USER": "0"}, "FRONTOFFICE_SIGNIN_FAILURES_PER_USER"),
        ({"FRONTOFFICE_SIGNIN_LOCK_MINUTES": "soon"}, "FRONTOFFICE_SIGNIN_LOCK_MINUTES"),
    ],
)
def test_bad_setting_stops_start_up_naming_it(overrides, named):
    result = _run("check", **overrides)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert named in last_line, result.stderr
    assert KEY not in result.stdout + result.stderr


def test_a_missing_key_is_not_replaced_by_the_sandbox_key_in_production():
    result = _run("check", LATEPOINT_API_KEY=None)
    assert result.returncode != 0
    assert "Setting LATEPOINT_API_KEY is missing." in result.stderr


def test_demo_mode_needs_no_secrets():
    result = _run(
        "check",
        FRONTOFFICE_DEMO="true",
        DJANGO_DEBUG=None,
        DJANGO_SECRET_KEY=None,
        LATEPOINT_API_KEY=None,
    )
    assert result.returncode == 0, result.stderr


def test_demo_users_refused_outside_demo_mode(tmp_path):
    db = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    assert _run("migrate", "--noinput", "-v0", DATABASE_URL=db).returncode == 0
    result = _run("demo_users", DATABASE_URL=db)
    assert result.returncode != 0
    assert "Demo accounts exist only in demo mode (FRONTOFFICE_DEMO=true)." in result.stderr
    count = _run(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; print(User.objects.count())",
        DATABASE_URL=db,
    )
    assert count.stdout.strip().splitlines()[-1] == "0"


PRINT_HEADERS = """
import json
from django.test import Client
response = Client().get("/healthz", secure=True, HTTP_HOST="frontoffice.example.com")
plain = Client().get("/accounts/login/", HTTP_HOST="frontoffice.example.com")
redirect = [plain.status_code, plain.get("Location")]
probe = Client().get("/healthz", HTTP_HOST="frontoffice.example.com").status_code
print(json.dumps({"secure": dict(response.items()), "plain": redirect, "probe": probe}))
"""


def test_production_responses_carry_hsts_and_redirect_to_https():
    result = _run("shell", "-c", PRINT_HEADERS)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["secure"]
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert answer["plain"] == [301, "https://frontoffice.example.com/accounts/login/"]
    # A load balancer's plain-HTTP health probe is answered, not redirected.
    assert answer["probe"] == 200


# --- static files under the production command --------------------------------------------------

COLLECTSTATIC = "python manage.py collectstatic --noinput"
HTTPS = {"Host": "frontoffice.example.com", "X-Forwarded-Proto": "https"}


def _own_static_root(tmp_path: Path) -> dict[str, str]:
    """Production settings with STATIC_ROOT (and the database) in tmp_path, not the checkout."""
    (tmp_path / "own_static_root.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(tmp_path / 'staticfiles')!r}\n"
    )
    return {
        "DJANGO_SETTINGS_MODULE": "own_static_root",
        "PYTHONPATH": os.pathsep.join((str(ROOT), str(tmp_path))),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


GUNICORN = ["-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"]


def _gunicorn(port: int, log: Path, **env_overrides: str) -> subprocess.Popen:
    """The README's production command, its output to `log` (a pipe nobody reads would fill)."""
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, *GUNICORN],
            cwd=ROOT,
            env=_env(
                **{"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", **env_overrides}
            ),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _sign_in_page(url: str) -> requests.Response | None:
    try:
        return requests.get(url + "/accounts/login/", headers=HTTPS, timeout=10)
    except requests.RequestException:  # not listening yet, or still loading
        return None


def test_a_forgotten_collectstatic_stops_start_up_with_one_message(tmp_path):
    """Not a bare 500 on every page: gunicorn stops at once and says which command to run."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    server = _gunicorn(port, log, **_own_static_root(tmp_path))
    try:
        deadline = time.monotonic() + 60
        while server.poll() is None and time.monotonic() < deadline:
            page = _sign_in_page(f"http://127.0.0.1:{port}")
            if page is not None:
                pytest.fail(f"gunicorn started without static files; the sign-in page: {page}")
            time.sleep(0.2)
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)
    assert server.returncode != 0
    output = log.read_text()
    assert output.count(COLLECTSTATIC) == 1, output
    assert "Traceback" not in output
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith(
            "Error: The static files were never collected: run "
            "`python manage.py collectstatic --noinput`"
        )
    )
    assert KEY not in output


@pytest.mark.parametrize(
    ("name", "value"), [("WEB_CONCURRENCY", "0"), ("GUNICORN_THREADS", "eight")]
)
def test_a_worker_count_that_is_not_a_number_stops_start_up_with_one_message(tmp_path, name, value):
    log = tmp_path / "gunicorn.log"
    server = _gunicorn(_free_port(), log, **{name: value})
    try:
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    output = log.read_text()
    assert server.returncode != 0
    assert "Traceback" not in output
    assert output.strip().splitlines()[-1] == (
        f"Error: {name} must be a whole number of 1 or more, not {value!r}."
    )


def test_collected_static_files_let_the_production_command_serve_pages(tmp_path):
    settings = _own_static_root(tmp_path)
    collected = _run("collectstatic", "--noinput", "-v0", **settings)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    server = _gunicorn(port, log, **settings)
    try:
        deadline = time.monotonic() + 60
        while (page := _sign_in_page(url)) is None:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
        assert page.status_code == 200
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.text).group(1)
        assert requests.get(url + stylesheet, headers=HTTPS, timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
