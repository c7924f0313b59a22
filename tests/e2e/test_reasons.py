"""A receptionist gives the reason for a no-show and for a move: picked from the list, with
words of her own, and shown as "Why" on the booking page afterwards."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.booking_slots import delete_bookings, free_day, new_booking
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import API

WIDTHS = (1440, 820)


def _shots(page: Page, screenshot, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_a_no_show_and_a_move_each_say_why(
    as_receptionist: Page, app, live_sandbox, take_booking, screenshot
):
    page = as_receptionist
    absent = take_booking("approved", "past")
    day = free_day(live_sandbox, 1)
    moving = new_booking(live_sandbox, day, "09:00", tag="e2e-reason")
    try:
        page.goto(f"{app}/bookings/{absent}/")
        page.get_by_role("link", name="No-show…").click()
        reason = page.get_by_label("Reason for the no-show")
        expect(reason).to_be_visible()
        assert_no_axe_violations(page, where="no-show reason")
        _shots(page, screenshot, "reason-no-show")

        reason.focus()
        reason.select_option(label="Illness")
        page.get_by_label("More about it (optional)").fill("Phoned at noon: flu")
        page.get_by_role("button", name="No-show", exact=True).click()

        expect(page.locator("#messages")).to_contain_text("is now a no-show")
        expect(page.get_by_text("Why: Illness: Phoned at noon: flu")).to_be_visible()
        assert_no_axe_violations(page, where="booking with its reason")
        _shots(page, screenshot, "reason-booking-page")

        page.goto(f"{app}/bookings/{moving}/reschedule/?date={day}&agent=1")
        page.locator("#free-times").get_by_text(re.compile(r"^(14:00|2:00 pm)$")).click()
        move_reason = page.get_by_label("Reason for the move")
        expect(move_reason).to_be_visible()
        assert_no_axe_violations(page, where="reschedule with its reason")
        _shots(page, screenshot, "reason-reschedule")
        move_reason.select_option(label="Clinic rescheduled")
        page.get_by_role("button", name="Move the booking").click()

        expect(page.locator("#messages")).to_contain_text("Moved to")
        moves = page.get_by_role("region", name="Moves made here")
        expect(moves).to_contain_text("Why: Clinic rescheduled")
        assert_no_axe_violations(page, where="booking with its move")
    finally:
        live_sandbox.request("PUT", f"{API}/bookings/{absent}", {"status": "approved"})
        delete_bookings(live_sandbox, [moving])


def test_the_stats_count_cancellations_by_reason(
    synced_history, as_manager: Page, app, live_sandbox, take_booking, screenshot
):
    page = as_manager
    booking_id = take_booking("approved", "today")
    try:
        page.goto(f"{app}/bookings/{booking_id}/status/?to_status=cancelled")
        page.get_by_label("Reason for cancelling").select_option(label="Clinic rescheduled")
        page.get_by_role("button", name="Cancel booking").click()
        expect(page.get_by_text("Why: Clinic rescheduled")).to_be_visible()

        page.goto(f"{app}/stats/?period=30d")
        section = page.get_by_role("region", name="Why bookings were cancelled, missed or moved")
        expect(section).to_be_visible()
        row = section.locator("#reasons-table tr", has_text="Clinic rescheduled")
        expect(row.locator("td").first).to_have_text("1")
        expect(section.locator("#reasons-table")).to_contain_text("Not recorded")
        expect(section).to_contain_text("Cancellations and no-shows by agent")
        assert_no_axe_violations(page, where="stats with reasons")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            section.scroll_into_view_if_needed()
            section.screenshot(path=str(screenshot(f"reason-stats-{width}")))
    finally:
        live_sandbox.request("PUT", f"{API}/bookings/{booking_id}", {"status": "approved"})
