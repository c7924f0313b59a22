"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live front office
that talks to the session's sandbox. Every test under tests/e2e/ gets them from here.

Screenshots of the main screens go to test-artifacts/screenshots/, and one of each page a failed
test had open to test-artifacts/failures/ (both git-ignored). CHROMIUM_PATH names the browser
(`make test CHROMIUM=...` sets it).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import PASSWORD, sync_history

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if item.get_closest_marker("django_db") is None:
                # The live server needs committed data (tests/conftest.py restores the role
                # groups after each such test).
                item.add_marker(pytest.mark.django_db(transaction=True))


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
def synced_history(live_sandbox):
    """The local booking history copied from the sandbox, as the background worker keeps it:
    the stats show figures (a browser test's database starts empty)."""
    sync_history(live_sandbox)


@pytest.fixture
def page(page: Page) -> Page:
    """pytest-playwright's page, its requests counted from the start (`wait_until_settled`)."""
    track_requests(page)
    return page


#: Whether the document is loaded and htmx has no request out and nothing swapping or settling.
_SETTLED_JS = """() => document.readyState === "complete"
  && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")"""
#: One frame and one task later (a swap's own `load` triggers start by then).
_NEXT_FRAME_JS = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))"


def track_requests(page: Page) -> set:
    """The page's requests sent and not yet answered (or failed), kept from now on."""
    pending = getattr(page, "_frontoffice_pending", None)
    if pending is None:
        pending = set()
        page.on("request", lambda request: pending.add(request))
        page.on("requestfinished", lambda request: pending.discard(request))
        page.on("requestfailed", lambda request: pending.discard(request))
        page._frontoffice_pending = pending
    return pending


def wait_until_settled(page: Page, *, timeout: float = 20.0) -> None:
    """Wait until the page has loaded, every request it sent is answered and htmx has swapped
    and settled what they brought, and still so a frame later: what the page loads once shown
    is on it. (Playwright's "networkidle" waits out 500 ms of quiet instead.) Raises
    Playwright's TimeoutError after `timeout` seconds."""
    pending = track_requests(page)
    deadline = time.monotonic() + timeout
    while True:
        if not pending and page.evaluate(_SETTLED_JS):
            page.evaluate(_NEXT_FRAME_JS)
            if not pending and page.evaluate(_SETTLED_JS):
                return
        if time.monotonic() > deadline:
            raise PlaywrightTimeoutError(f"{page.url} still loading after {timeout:.0f} s")
        page.wait_for_timeout(25)


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
    """A browser test that fails (in its set-up, such as signing in, or its body) leaves a
    full-page PNG of every page it had open in test-artifacts/failures/; one that passes
    removes what an earlier failure of it left there."""
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("setup", "call"):
        return
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name).strip("-")
    if report.when == "call" and report.passed:
        for pattern in ("{}.png", "{}-[0-9]*.png"):
            for stale in FAILURES.glob(pattern.format(glob.escape(stem))):
                stale.unlink(missing_ok=True)
        return
    browser = item.funcargs.get("browser")
    if not report.failed or browser is None:
        return
    pages = [page for context in browser.contexts for page in context.pages]
    FAILURES.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(pages):
        path = FAILURES / (f"{stem}.png" if index == 0 else f"{stem}-{index + 1}.png")
        # A failed screenshot must not hide the failure itself.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(path), full_page=True, timeout=10_000)
            report.sections.append(("failure screenshot", str(path)))


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


API = "/wp-json/latepoint-api/v1"


def new_customer(sandbox, **fields) -> dict:
    """A customer of the test's own, made straight through the sandbox's API: its data."""
    tag = uuid.uuid4().hex[:8]
    body = {
        "first_name": "Test",
        "last_name": f"Customer {tag}",
        "email": f"e2e.{tag}@example.com",
        **fields,
    }
    status, answer = sandbox.request("POST", API + "/customers", body)
    assert status == 201, answer
    return answer["data"]


def business_today() -> str:
    """Today's date (Y-m-d) where the business is: the day the arrivals board shows."""
    from django.conf import settings

    return datetime.now(ZoneInfo(settings.TIME_ZONE)).date().isoformat()


def todays_bookings(sandbox, **params) -> list[dict]:
    """Today's bookings as the sandbox's API lists them now (status and so on as of this call)."""
    day = business_today()
    query = "&".join(f"{k}={v}" for k, v in {"per_page": 100, **params}.items())
    status, answer = sandbox.request("GET", f"{API}/bookings?date_from={day}&date_to={day}&{query}")
    assert status == 200, answer
    return answer["data"]


def wait_until(page: Page, expression: str, *, timeout: float = 5.0) -> None:
    """Wait until a JavaScript expression is truthy in the page.

    Playwright's wait_for_function compiles its string inside the page, which the app's CSP
    (no 'unsafe-eval') refuses; page.evaluate runs through the DevTools protocol instead.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression.strip()[:80]}")
        page.wait_for_timeout(50)
