"""A walk of every screen (PRODUCT.md) in each role that may see it, on a desktop (1440x900) and a
tablet in portrait (820x1180): axe-core finds no accessibility violation, the browser logs no
error (console, uncaught exception, failed or 4xx/5xx request), and a full-page screenshot is
left in test-artifacts/screenshots/<screen>-<role>-<width>.png for a person to look at.

One browser context per role and size serves all of its screens; each test signs its account in
by a session cookie made on the server (the database, and so every session, is flushed after
each browser test), so no test pays for the sign-in form, which test_sign_in.py covers.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from audit.models import AuditEntry
from audit.services import audit_record
from exports.models import ExportJob
from tests.conftest import _taken
from tests.e2e.axe import assert_no_axe_violations, axe_violations, format_violations
from tests.e2e.conftest import SCREENSHOTS, business_today, track_requests, wait_until_settled

SIZES = {1440: {"width": 1440, "height": 900}, 820: {"width": 820, "height": 1180}}
STAFF = ("receptionist", "manager")
SIGNED_OUT = "signed-out"


@dataclass(frozen=True)
class Screen:
    name: str
    path: str  # formatted with the walk's data: {customer}, {booking}, {q}, {today}, {tomorrow},
    # {three_days_ago}
    roles: tuple[str, ...] = STAFF
    status: int = 200
    widths: tuple[int, ...] = tuple(SIZES)


SCREENS = (
    Screen("today", "/"),
    Screen("today-tomorrow", "/?date={tomorrow}&cancelled=1", roles=("receptionist",)),
    # The calendar's risk badges come with it (from the booking history), as the board's do.
    Screen("calendar", "/calendar/", roles=("receptionist",)),
    Screen("calendar-tomorrow", "/calendar/?date={tomorrow}&cancelled=1", roles=("receptionist",)),
    Screen("customers", "/customers/"),
    Screen("customers-search", "/customers/?q={q}"),
    Screen("customer", "/customers/{customer}/"),
    Screen("customer-new", "/customers/new/"),
    Screen("customer-edit", "/customers/{customer}/edit/"),
    Screen("bookings", "/bookings/"),
    Screen("booking", "/bookings/{booking}/"),
    Screen("booking-cancel", "/bookings/{booking}/status/?to_status=cancelled"),
    Screen("booking-new", "/bookings/new/?customer={customer}&service=1&agent=1"),
    Screen("booking-new-find", "/bookings/new/?q={q}"),
    Screen("booking-reschedule", "/bookings/{booking}/reschedule/"),
    Screen("walk-in", "/bookings/walk-in/?service=1"),
    Screen("takings", "/takings/"),
    Screen("takings-day", "/takings/?date={three_days_ago}", roles=("receptionist",)),
    Screen("stats", "/stats/", roles=("manager",)),
    Screen("audit", "/audit/", roles=("manager",)),
    Screen("export", "/exports/{export}/", roles=("manager",)),
    Screen("exports", "/exports/", roles=("manager",)),
    Screen("stats-refused", "/stats/", roles=("receptionist",), status=403),
    Screen("not-found", "/no-such-screen/", status=404),
    Screen("sign-in", "/accounts/login/", roles=(SIGNED_OUT,)),
)

#: Grouped by size, then role, so each browser context serves its screens in a row.
CASES = [
    pytest.param(screen, role, width, id=f"{screen.name}-{role}-{width}")
    for width in SIZES
    for role in (*STAFF, SIGNED_OUT)
    for screen in SCREENS
    if role in screen.roles and width in screen.widths
]


@pytest.fixture(scope="module")
def walk_data(sandbox_session) -> dict:
    """The records the screens show: an active customer with a past and a future, and one of
    their approved future bookings (kept from other tests' take_booking: it is only read)."""
    today = business_today()
    with sandbox_session.db() as conn:
        row = conn.execute(
            "SELECT c.id, c.last_name, b.id AS booking FROM sandbox_customer c "
            "JOIN sandbox_booking b ON b.customer_id = c.id "
            "WHERE c.status = 'active' AND c.email NOT LIKE '%script%' "
            "AND b.status = 'approved' AND b.start_date > ? "
            "AND EXISTS (SELECT 1 FROM sandbox_booking p WHERE p.customer_id = c.id "
            "AND p.status = 'completed') "
            "ORDER BY c.id, b.id LIMIT 1",
            (today,),
        ).fetchone()
    assert row, "the sandbox has no active customer with a future approved booking"
    _taken.add(row["booking"])
    return {
        "customer": row["id"],
        "booking": row["booking"],
        "q": quote(row["last_name"]),
        "today": today,
        "tomorrow": (date.fromisoformat(today) + timedelta(days=1)).isoformat(),
        "three_days_ago": (date.fromisoformat(today) - timedelta(days=3)).isoformat(),
    }


class Contexts:
    """One browser context at a time, for one role and size, kept while the walk needs it."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.key: tuple[str, int] | None = None
        self.context: BrowserContext | None = None

    def get(self, role: str, width: int) -> BrowserContext:
        if self.key != (role, width):
            self.close()
            self.context = self.browser.new_context(viewport=SIZES[width])
            self.key = (role, width)
        assert self.context is not None
        return self.context

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self.context, self.key = None, None


@pytest.fixture(scope="module")
def contexts(browser: Browser):
    held = Contexts(browser)
    yield held
    held.close()


def _sign_in_by_cookie(context: BrowserContext, base_url: str, user) -> None:
    """The account's session, made on the server, as the context's session cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def _watch(page: Page, url: str, status: int) -> list[str]:
    """What the browser reports while the screen loads: console errors, uncaught exceptions,
    requests that fail or answer 4xx/5xx. The screen's own document answering `status` (the
    404 and 403 screens) is expected, and so is the console line Chromium logs for it."""
    problems: list[str] = []

    def on_console(msg) -> None:
        where = msg.location.get("url", "")
        if msg.type != "error":
            return
        if status >= 400 and where == url and f"status of {status} " in msg.text:
            return
        problems.append(f"console error: {msg.text} (at {where or '?'})")

    def on_response(response) -> None:
        if response.status >= 400 and (response.url, response.status) != (url, status):
            problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on(
        "requestfailed",
        lambda req: problems.append(f"request failed: {req.method} {req.url} ({req.failure})"),
    )
    page.on("response", on_response)
    return problems


@pytest.fixture
def walk_page(contexts: Contexts, request):
    """A fresh page in the context of the test's role and size; closed after the test (and
    after a failure's screenshot, which conftest takes of every open page)."""
    role = request.node.callspec.params["role"]
    width = request.node.callspec.params["width"]
    page = contexts.get(role, width).new_page()
    track_requests(page)
    yield page
    page.close()


@pytest.mark.parametrize(("screen", "role", "width"), CASES)
def test_screen_is_accessible_and_error_free(
    screen: Screen, role: str, width: int, walk_page: Page, app, walk_data, request
):
    page = walk_page
    export = None
    if role != SIGNED_OUT:
        user = request.getfixturevalue(role)
        _sign_in_by_cookie(page.context, app, user)
        if screen.name in ("audit", "customer"):
            _some_history(user, walk_data["customer"])
        if screen.name in ("export", "exports"):
            export = _some_exports(user)
        if screen.name == "stats":
            request.getfixturevalue("synced_history")
    else:
        page.context.clear_cookies()
    path = screen.path.format(**walk_data, export=export)

    url = app + path
    problems = _watch(page, url, screen.status)
    response = page.goto(url)
    assert response is not None
    # What the page loads once shown (htmx parts) is part of it; a screen still loading after
    # 20 s is shown as is.
    with contextlib.suppress(PlaywrightTimeoutError):
        wait_until_settled(page, timeout=20)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{screen.name}-{role}-{width}.png"), full_page=True)

    failures = []
    if response.status != screen.status:
        failures.append(f"answered {response.status}, expected {screen.status}")
    if role != SIGNED_OUT and "/accounts/login/" in page.url:
        failures.append(f"sent the signed-in {role} to the sign-in page")
    violations = axe_violations(page)
    if violations:
        failures.append("axe-core violations:\n" + format_violations(violations))
    if problems:
        failures.append("browser:\n" + "\n".join(f"- {p}" for p in problems))
    assert not failures, f"{screen.name} as {role} at {width}px ({path}):\n" + "\n".join(failures)


def _some_history(user, customer_id: int) -> None:
    """A few audit entries, so the audit trail and the profile's history are not empty."""
    audit_record(
        user=user,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        summary="Edited phone",
        changes={"phone": {"before": "+1 212 555 0100", "after": "+1 212 555 0199"}},
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        summary="Edited email",
        changes={"email": {"before": "old@example.com", "after": "new@example.com"}},
    )


def _some_exports(user):
    """A finished export (the one returned), one running and one that failed."""
    now = timezone.now()
    done = ExportJob.objects.create(
        user=user,
        kind="customers",
        query="status=active&has_bookings=yes",
        state=ExportJob.State.DONE,
        pages_done=4,
        pages_total=4,
        rows=312,
        expected_rows=312,
        finished_at=now,
        expires_at=now + timedelta(hours=24),
    )
    ExportJob.objects.create(
        user=user,
        kind="bookings",
        query="status=pending",
        state=ExportJob.State.RUNNING,
        pages_done=2,
        pages_total=9,
        rows=200,
    )
    ExportJob.objects.create(
        user=user,
        kind="bookings",
        state=ExportJob.State.FAILED,
        rows=100,
        error="LatePoint is unavailable. LatePoint did not answer.",
    )
    return done.pk


def test_axe_check_names_the_rule_its_impact_and_the_element(contexts: Contexts, app):
    """The check itself: an image without a text alternative, added to the sign-in page, is
    reported by rule id, impact and selector."""
    page = contexts.get(SIGNED_OUT, 1440).new_page()
    try:
        page.goto(app + "/accounts/login/")
        assert_no_axe_violations(page)
        page.evaluate(
            """document.querySelector("main").insertAdjacentHTML(
                "beforeend", '<img id="no-text-alternative" src="data:,">')"""
        )
        with pytest.raises(AssertionError) as failure:
            assert_no_axe_violations(page)
        message = str(failure.value)
        assert "- image-alt (critical)" in message, message
        assert "#no-text-alternative" in message, message
    finally:
        page.close()
