"""In a real browser (Chromium): the Today board's HTMX check-in, search, filters and refresh
region, and the booking page's confirmed status actions."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import sandbox_status
from tests.e2e.conftest import business_today


def test_check_in_and_undo_on_the_board(as_receptionist: Page, app, take_booking, screenshot):
    page = as_receptionist
    booking_id = take_booking("approved", "today")
    page.goto(app + "/")
    page.evaluate("window.__notReloaded = true")
    row = page.locator(f"#today-row-{booking_id}")
    expect(row).to_be_visible()

    badge = page.locator(f"#badge-{booking_id}")
    # Drawn with the board: the booking history holds nothing in this test, so it says so.
    expect(badge).to_have_text("Risk not known yet")
    row.get_by_role("button", name="Check in").click()

    expect(row.get_by_text(re.compile(r"Checked in \d\d:\d\d"))).to_be_visible()
    expect(row).not_to_contain_text("Late by")
    assert page.evaluate("window.__notReloaded") is True  # swapped in place, no page load
    expect(page.locator(f"#arrival-{booking_id}")).to_be_focused()
    expect(badge).to_have_text("Risk not known yet")  # drawn again with the swapped row
    screenshot("today-board-after-check-in")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Undo").click()

    expect(row.get_by_role("button", name="Check in")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True


def test_slash_focuses_search_and_results_appear(as_receptionist: Page, app, live_sandbox):
    page = as_receptionist
    with live_sandbox.db() as conn:
        customer = conn.execute(
            "SELECT id, first_name, last_name FROM sandbox_customer ORDER BY id LIMIT 1"
        ).fetchone()
    page.goto(app + "/")
    page.locator("body").press("/")
    box = page.get_by_label("Find a customer or a booking")
    expect(box).to_be_focused()

    box.type(customer["last_name"], delay=20)

    results = page.locator("#search-results")
    expect(results.locator(f'a[href="/customers/{customer["id"]}/"]')).to_be_visible()
    expect(box).to_be_focused()  # the results arrive without taking the focus


def test_filtering_the_board_by_agent(as_receptionist: Page, app, live_sandbox):
    page = as_receptionist
    with live_sandbox.db() as conn:
        expected = [
            row["id"]
            for row in conn.execute(
                "SELECT id FROM sandbox_booking WHERE start_date = ? AND agent_id = 1 "
                "ORDER BY start_at, id",
                (business_today(),),
            )
        ]
    page.goto(app + "/")
    page.get_by_label("Agent").select_option("1")

    expect(page).to_have_url(re.compile(r"/\?agent=1"))
    expect(page.locator("#today-board tbody tr")).to_have_count(len(expected))
    ids = page.locator("#today-board tbody tr").evaluate_all("rows => rows.map(r => r.id)")
    assert ids == [f"today-row-{i}" for i in expected]


def test_complete_a_booking_after_confirming(
    as_receptionist: Page, app, take_booking, live_sandbox
):
    page = as_receptionist
    booking_id = take_booking("approved", "past")  # a visit that has begun
    page.goto(app + f"/bookings/{booking_id}/")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved")
    assert sandbox_status(live_sandbox, booking_id) == "approved"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Complete").click()

    expect(page.get_by_text(re.compile(r"is now completed"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Completed")
    assert sandbox_status(live_sandbox, booking_id) == "completed"


def test_cancel_with_a_reason(as_manager: Page, app, take_booking, live_sandbox, screenshot):
    page = as_manager
    booking_id = take_booking("pending")
    page.goto(app + f"/bookings/{booking_id}/")
    screenshot("booking-detail")
    page.get_by_role("link", name="Cancel booking…").click()
    page.get_by_label("Reason for cancelling").select_option(label="Customer cancelled")
    page.get_by_label("More about it (optional)").fill("Moved abroad")
    screenshot("booking-cancel-confirm")

    page.get_by_role("button", name="Cancel booking").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancelled")
    expect(page.get_by_text("Why: Customer cancelled: Moved abroad")).to_be_visible()
    assert sandbox_status(live_sandbox, booking_id) == "cancelled"


def test_bookings_list_filters_in_place(as_receptionist: Page, app, screenshot):
    page = as_receptionist
    page.goto(app + "/bookings/")
    # The list opens from today on: no-shows are in the past, so every date first.
    page.get_by_role("link", name="Show every date, past bookings too").click()
    page.get_by_label("Status").select_option("no_show")

    expect(page).to_have_url(re.compile(r"/bookings/\?.*status=no_show"))
    chips = page.locator("#booking-table tbody .chip-no_show")
    expect(chips.first).to_be_visible()
    assert chips.count() == page.locator("#booking-table tbody tr").count()
    expect(page.locator("#booking-table-status")).to_contain_text("of every date")
    screenshot("bookings-list-no-show")


#: The first board row in the viewport and where it is: what the receptionist is looking at.
ROW_IN_VIEW = """() => {
    const rows = [...document.querySelectorAll('#today-board tbody tr')];
    const index = rows.findIndex((r) => r.getBoundingClientRect().bottom > 0);
    const row = rows[index];
    return row ? {index, id: row.id, top: row.getBoundingClientRect().top} : null;
}"""


def test_refreshing_the_board_keeps_focus_and_scroll(as_receptionist: Page, app):
    page = as_receptionist
    page.goto(app + "/")
    box = page.get_by_label("Find a customer or a booking")
    box.fill("typed before the refresh")
    box.focus()
    # The search answers 300 ms after the typing stops: wait for its answer to be on the page.
    expect(page.locator("#search-results")).to_contain_text("typed before the refresh")
    # Deep in the board (below the "now" and "next up" cards): the tenth row at the top.
    page.evaluate(
        "document.querySelectorAll('#today-board tbody tr')[10]"
        ".scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    in_view = page.evaluate(ROW_IN_VIEW)
    assert in_view and in_view["index"] > 0, in_view  # deep in the board: a jump would show
    page.evaluate("document.querySelector('#today-board').dataset.old = 'yes'")

    # What the every-45s trigger does: re-fetch the board region and swap it.
    page.evaluate(
        "htmx.ajax('GET', document.querySelector('#today-board').getAttribute('hx-get'),"
        " {source: '#today-board', target: '#today-board', swap: 'outerHTML show:none'})"
    )

    expect(page.locator("#today-board[data-old]")).to_have_count(0)  # swapped for a new one
    expect(page.locator("[data-search-shortcut]")).to_have_count(1)  # the region only
    expect(box).to_be_focused()
    expect(box).to_have_value("typed before the refresh")
    # The same row is where it was: the view did not jump. Not scrollY itself: content above
    # the rows (a search answer) may still grow, and Chromium's scroll anchoring then raises
    # scrollY by as much to keep the rows in place (once 400 -> 442, when the search answer
    # arrived after scrollY was read).
    after = page.evaluate(ROW_IN_VIEW)
    assert after["id"] == in_view["id"], (in_view, after)
    assert abs(after["top"] - in_view["top"]) < 1, (in_view, after)
