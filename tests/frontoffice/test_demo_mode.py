"""The demo as `make run` starts it (FRONTOFFICE_DEMO=true, nothing else set): the product's own
error pages rather than Django's debug pages, static files and the favicon served, the demo
sign-ins shown and working. Run as its own gunicorn process against the session's sandbox."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo(sandbox, tmp_path):
    """A front office started the way scripts/run.sh starts it. Yields its base URL."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "LATEPOINT_", "FRONTOFFICE_", "SANDBOX_"))
    }
    port = _free_port()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        FRONTOFFICE_DEMO="true",
        LATEPOINT_API_URL=sandbox.base_url,
        LATEPOINT_API_KEY=sandbox.api_key,
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        PYTHONPATH=str(ROOT),
    )
    for command in (["migrate", "--noinput", "-v0"], ["demo_users"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120
        )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url + "/healthz", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _sign_in(url: str, username: str, password: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(url + "/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(
        url + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": url + "/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:2000]
    return browser


def test_the_demo_shows_the_products_own_pages_and_serves_its_files(demo):
    sign_in_page = requests.get(demo + "/accounts/login/", timeout=10)
    assert sign_in_page.status_code == 200
    assert "LatePoint Front Office" in sign_in_page.text
    assert "reception / reception-demo" in sign_in_page.text  # the demo sign-ins

    # Static files, linked as the pages link them, and the icon.
    for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', sign_in_page.text):
        assert requests.get(demo + path, timeout=10).status_code == 200, path
    icon = requests.get(demo + "/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.content.startswith(b"\x00\x00\x01\x00")

    browser = _sign_in(demo, "reception", "reception-demo")
    missing = browser.get(demo + "/bookings/99999999/", timeout=30)
    assert missing.status_code == 404
    assert "<h1>Page not found</h1>" in missing.text  # the product's page, with its navigation
    assert 'href="/customers/"' in missing.text
    assert "technical_404" not in missing.text and "Django tried these URL patterns" not in (
        missing.text
    )
    assert "Using the URLconf" not in browser.get(demo + "/no/such/page/", timeout=10).text
