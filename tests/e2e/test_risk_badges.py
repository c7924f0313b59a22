"""In a real browser: the Today board's and the calendar's risk badges come with the page, from
the booking history. The browser asks for no badge and polls for nothing; a customer the history
does not hold yet says so quietly, and the board's next refresh fills it in."""

from __future__ import annotations

import re

from django.core.cache import cache
from playwright.sync_api import Page, expect

from history.models import BookingRecord
from tests.conftest import sync_history
from tests.e2e.conftest import todays_bookings

RISK = re.compile(r"New customer|(Low|Medium|High) risk")


def test_the_board_draws_its_badges_and_asks_for_none(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    sync_history(live_sandbox)
    cache.clear()
    bookings = [b for b in todays_bookings(live_sandbox) if b.get("customer")]
    assert bookings, "the sandbox seeds bookings for today"
    missing = int(bookings[0]["customer"]["id"])
    copied = list(BookingRecord.objects.filter(customer_id=missing))
    BookingRecord.objects.filter(customer_id=missing).delete()  # not copied yet
    asked: list[tuple[str, str]] = []
    page.on("request", lambda request: asked.append((request.resource_type, request.url)))

    page.goto(app + "/")
    page.wait_for_timeout(3_000)  # what a lazy board would load by itself, it would ask by now

    assert not [url for _, url in asked if "/badge/" in url]
    assert not [url for kind, url in asked if kind in ("xhr", "fetch")]
    for booking in bookings:
        badge = page.locator(f"#badge-{booking['id']}")
        if int(booking["customer"]["id"]) == missing:
            expect(badge).to_have_text("Risk not known yet")
        else:
            expect(badge).to_contain_text(RISK, timeout=1_000)
    screenshot("today-board-risk-from-history")

    # The sync copies the customer's bookings; the board's refresh (every 45 s, or at once
    # after a change) draws their badge.
    BookingRecord.objects.bulk_create(copied)
    page.evaluate("document.body.dispatchEvent(new CustomEvent('board-changed'))")
    for booking in bookings:
        if int(booking["customer"]["id"]) == missing:
            expect(page.locator(f"#badge-{booking['id']}")).to_contain_text(RISK)
    assert not [url for _, url in asked if "/badge/" in url]


def test_the_calendar_draws_its_badges_and_asks_for_none(as_receptionist: Page, app, live_sandbox):
    page = as_receptionist
    sync_history(live_sandbox)
    cache.clear()
    shown = [
        b for b in todays_bookings(live_sandbox) if b.get("customer") and b["status"] != "cancelled"
    ]
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))

    page.goto(app + "/calendar/")
    page.wait_for_timeout(2_000)

    assert not [url for url in asked if "/badge/" in url]
    for booking in shown:
        expect(page.locator(f"#cal-badge-{booking['id']}")).to_contain_text(RISK, timeout=1_000)
