"""LatePoint hangs while a receptionist works a list. After a few seconds the list says it is
still waiting for LatePoint; at the page deadline it shows what the server answered: the older
copy under its notice, or the error with a way to try again. Never a blank list, never a
spinner left turning."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

STILL_WAITING = "Still waiting for LatePoint…"
#: Past the page deadline below, so every call LatePoint gets in these tests times out.
HANG_MS = 8000
#: Long enough for the deadline (5 s) on two busy cores, and not a call to LatePoint longer.
ANSWERED = 15_000


@pytest.fixture
def short_deadline(settings):
    settings.LATEPOINT_DEADLINE = 5


@pytest.fixture
def no_freshness(settings):
    """Every list read asks LatePoint again (each read kept only as the older copy)."""
    settings.LATEPOINT_CACHE_TTL = {
        **settings.LATEPOINT_CACHE_TTL,
        "customer_list": 0,
        "booking_list": 0,
    }


def test_bookings_list_says_it_is_waiting_then_shows_the_error(
    as_receptionist: Page, app, live_sandbox, short_deadline, screenshot
):
    page = as_receptionist
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app + "/bookings/")
    table = page.locator("#booking-table")
    expect(table.locator("tbody tr").first).to_be_visible()

    live_sandbox.set_faults(latency_ms=HANG_MS)
    # A filter not asked for before: there is no older copy of it to show.
    page.get_by_label("Status", exact=True).select_option("pending")
    indicator = page.locator("#booking-table-loading")
    expect(indicator).to_be_visible()
    expect(indicator).to_have_text("Loading bookings…")
    expect(indicator).to_have_text(STILL_WAITING, timeout=ANSWERED)
    expect(table.locator("tbody tr").first).to_be_visible()  # the old rows, faded, meanwhile
    screenshot("slow-bookings-still-waiting-1440")

    alert = table.get_by_role("alert")
    expect(alert).to_contain_text("LatePoint is slow to answer", timeout=ANSWERED)
    expect(alert.get_by_role("link", name="Try again")).to_be_visible()
    expect(indicator).to_be_hidden()
    expect(indicator).to_have_text("Loading bookings…")  # ready for the next wait
    expect(table).not_to_have_class(re.compile(r"htmx-request"))
    screenshot("slow-bookings-error-1440")

    live_sandbox.reset_faults()
    alert.get_by_role("link", name="Try again").click()
    expect(page.locator("#booking-table tbody tr").first).to_be_visible()
    expect(page.locator("#booking-table tbody")).to_contain_text("Pending")
    expect(page.get_by_label("Status", exact=True)).to_have_value("pending")


def test_customer_list_says_it_is_waiting_then_shows_the_older_copy(
    as_receptionist: Page, app, live_sandbox, short_deadline, no_freshness, screenshot
):
    page = as_receptionist
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(app + "/customers/")
    table = page.locator("#customer-table")
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    first_name = rows.first.get_by_role("link").first.inner_text()
    status = page.get_by_label("Status", exact=True)
    status.select_option("active")
    expect(page).to_have_url(re.compile(r"status=active"))
    expect(table).not_to_have_class(re.compile(r"htmx-request"))

    live_sandbox.set_faults(latency_ms=HANG_MS)
    # Back to every customer: LatePoint's answer of a minute ago is kept, to be shown.
    status.select_option("")
    indicator = page.locator("#customer-list-loading")
    expect(indicator).to_have_text(STILL_WAITING, timeout=ANSWERED)
    screenshot("slow-customers-still-waiting-820")

    notice = page.locator("#upstream-notice")
    expect(notice).to_contain_text(
        re.compile(r"LatePoint is slow to answer: showing what it said at \d\d:\d\d"),
        timeout=ANSWERED,
    )
    expect(indicator).to_be_hidden()
    expect(indicator).to_have_text("Loading customers…")
    expect(rows.first.get_by_role("link").first).to_have_text(first_name)
    expect(page).not_to_have_url(re.compile(r"status=active"))
    screenshot("slow-customers-older-copy-820")


def test_today_board_refresh_says_it_is_waiting_then_shows_the_older_copy(
    as_receptionist: Page, app, live_sandbox, short_deadline, no_freshness, screenshot
):
    page = as_receptionist
    page.goto(app + "/")
    board = page.locator("#today-board")
    expect(board.locator("tbody tr").first).to_be_visible()
    rows = board.locator("tbody tr").count()

    live_sandbox.set_faults(latency_ms=HANG_MS)
    # What a check-in elsewhere on the board, or its 45-second timer, sets off.
    page.evaluate("document.body.dispatchEvent(new Event('board-changed'))")
    indicator = page.locator("#board-loading")
    expect(indicator).to_have_text(STILL_WAITING, timeout=ANSWERED)

    expect(page.locator("#upstream-notice")).to_contain_text(
        "LatePoint is slow to answer", timeout=ANSWERED
    )
    expect(indicator).to_be_hidden()
    expect(indicator).to_have_text("Updating…")
    expect(board.locator("tbody tr")).to_have_count(rows)
    screenshot("slow-today-older-copy")
