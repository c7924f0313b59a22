"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live front office
that talks to the session's sandbox. Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-sandbox",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A front-desk tablet in landscape.
    return {**browser_context_args, "viewport": {"width": 1180, "height": 820}}


@pytest.fixture
def app(live_server, live_sandbox):
    """The live front office, pointed at the sandbox. Yields its base URL."""
    return live_server.url


@pytest.fixture
def screenshot(page: Page):
    """screenshot("name") saves a full-page PNG a person can look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(SCREENSHOTS / f"FAILED-{item.name}.png"), full_page=True)
            except Exception:  # noqa: BLE001, S110 - a failed screenshot must not hide the failure
                pass


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Today", exact=True)).to_be_visible()


@pytest.fixture
def as_receptionist(page, app, receptionist):
    sign_in(page, app, receptionist.username)
    return page


@pytest.fixture
def as_manager(page, app, manager):
    sign_in(page, app, manager.username)
    return page
