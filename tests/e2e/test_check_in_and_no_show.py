"""Flow 4: on today's board a receptionist opens a booking and checks the customer in, marks
another booking as a no-show, and sees both on the board; a third arrival is checked in
straight from the board."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.booking_slots import begun_minutes_ago, restore_start
from tests.e2e.conftest import API, todays_bookings


def _pick(sandbox) -> tuple[dict, dict, dict]:
    """Three of today's bookings as they are now: one approved (for the no-show) and two
    other open ones (to check in), each for a customer who is not blocked."""
    with sandbox.db() as db:
        blocked = {
            row[0] for row in db.execute("SELECT id FROM sandbox_customer WHERE status = 'blocked'")
        }
    bookings = [b for b in todays_bookings(sandbox) if int(b["customer"]["id"]) not in blocked]
    approved = [b for b in bookings if b["status"] == "approved"]
    assert approved, "no approved booking today in the sandbox"
    no_show = approved[-1]
    open_ones = [b for b in bookings if b["status"] in ("approved", "pending") and b is not no_show]
    assert len(open_ones) >= 2, "fewer than three open bookings today in the sandbox"
    return open_ones[0], no_show, open_ones[1]


@pytest.fixture
def todays_three(live_sandbox):
    """The three bookings; the no-show is approved again afterwards, so that the seed's
    today stays as other tests of the session expect it (check-ins are local and go anyway)."""
    picked = _pick(live_sandbox)
    # The no-show's visit has begun (only then may it be marked one), whatever the hour.
    saved = begun_minutes_ago(live_sandbox, int(picked[1]["id"]))
    yield picked
    absent = picked[1]
    status, body = live_sandbox.request(
        "PUT", f"{API}/bookings/{absent['id']}", {"status": "approved"}
    )
    restore_start(live_sandbox, saved)
    assert status == 200, body


def test_check_in_and_no_show_show_on_the_board(
    as_receptionist: Page, app, live_sandbox, todays_three, screenshot
):
    page = as_receptionist
    arriving, absent, on_board = todays_three

    page.goto(app + "/")
    board = page.locator("#today-board")
    arriving_row = board.locator(f"#today-row-{arriving['id']}")
    expect(arriving_row).to_contain_text(arriving["booking_code"])
    expect(arriving_row.get_by_role("button", name="Check in")).to_be_visible()

    # Check in from the booking's own page.
    arriving_row.get_by_role("link").first.click()
    expect(page).to_have_url(f"{app}/bookings/{arriving['id']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(arriving["booking_code"])
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Checked in.")
    actions = page.get_by_role("region", name="Arrival and status")
    expect(actions).to_contain_text(re.compile(r"Checked in at \d\d:\d\d by Rita"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Checked in")
    screenshot("04-booking-checked-in")

    # Mark another booking as a no-show: its page asks why first.
    page.goto(f"{app}/bookings/{absent['id']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved")
    page.get_by_role("link", name="No-show…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("No-show")
    page.get_by_label("Reason for the no-show").select_option(label="Did not show")
    page.get_by_role("button", name="No-show", exact=True).click()
    expect(page.locator("#messages")).to_contain_text(
        f"Booking {absent['booking_code']} is now a no-show."
    )
    expect(page.get_by_text("Why: Did not show")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("No-show")
    status, body = live_sandbox.request("GET", f"{API}/bookings/{absent['id']}")
    assert status == 200, body
    assert body["data"]["status"] == "no_show"

    # Both show on the board.
    page.get_by_role("link", name="Today", exact=True).first.click()
    expect(page).to_have_url(app + "/")
    expect(arriving_row.locator(".board-arrival")).to_contain_text(
        re.compile(r"Checked in \d\d:\d\d")
    )
    expect(arriving_row).to_have_class(re.compile(r"\bis-checked-in\b"))
    absent_row = board.locator(f"#today-row-{absent['id']}")
    expect(absent_row).to_contain_text("No-show")
    expect(absent_row.get_by_role("button", name="Check in")).to_have_count(0)

    # A third customer is checked in on the board itself: only that row changes.
    row = board.locator(f"#today-row-{on_board['id']}")
    checked_before = int(board.locator(".board-summary strong").nth(1).inner_text())
    row.get_by_role("button", name="Check in").click()
    expect(row.locator(".board-arrival")).to_contain_text(re.compile(r"Checked in \d\d:\d\d"))
    expect(row.get_by_role("button", name="Undo")).to_be_visible()
    expect(page).to_have_url(app + "/")
    screenshot("04-today-board-after-check-ins")

    page.reload()
    expect(board.locator(".board-summary strong").nth(1)).to_have_text(str(checked_before + 1))
    expect(row).to_have_class(re.compile(r"\bis-checked-in\b"))
