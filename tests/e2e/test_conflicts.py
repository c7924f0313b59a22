"""Two desks, one booking: a receptionist moves a booking or changes its status after someone
else changed it. The page shows both versions and nothing is sent until she chooses; going
ahead anyway lands her choice."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.booking_slots import delete_bookings, free_day, new_booking
from tests.e2e.conftest import API

WIDTHS = (1440, 820)


def _stored(sandbox, booking_id: int) -> dict:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT start_time, status FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()
    return dict(row)


def test_a_move_after_someone_else_moved_it_shows_both_and_can_go_ahead(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    day = free_day(live_sandbox, 1)
    booking_id = new_booking(live_sandbox, day, "09:00", tag="conflict")
    try:
        page.goto(app + f"/bookings/{booking_id}/reschedule/?date={day}&agent=1")
        page.locator("#free-times").get_by_text("14:00", exact=True).click()
        # Meanwhile another desk moves it to 10:00.
        status, _ = live_sandbox.request(
            "PUT",
            f"{API}/bookings/{booking_id}",
            {"start_date": day.isoformat(), "start_time": "10:00"},
        )
        assert status == 200
        page.get_by_label("Reason for the move").select_option(label="Customer asked to move")
        page.get_by_role("button", name="Move the booking").click()

        alert = page.locator("[data-field=reschedule-conflict]")
        expect(alert).to_contain_text("Changed since you opened it")
        expect(alert).to_contain_text("at 09:00")
        expect(page.locator("#booking-now-title + p")).to_contain_text("10:00")
        expect(page.locator("#free-times")).to_contain_text("10:00 (its time now)")
        expect(page.locator("#free-times")).not_to_contain_text("09:00 (its time now)")
        assert _stored(live_sandbox, booking_id)["start_time"] == "10:00"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(f"reschedule-conflict-{width}")

        page.locator("#free-times").get_by_text("14:00", exact=True).click()
        page.get_by_role("button", name="Move it anyway").click()
        expect(page.locator("#messages")).to_contain_text("Moved to")
        assert _stored(live_sandbox, booking_id)["start_time"] == "14:00"
    finally:
        delete_bookings(live_sandbox, [booking_id])


def test_a_status_change_after_someone_else_changed_it_shows_both(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    day = free_day(live_sandbox, 1)
    booking_id = new_booking(live_sandbox, day, "11:00", tag="conflict")
    try:
        page.goto(app + f"/bookings/{booking_id}/status/?to_status=cancelled")
        page.get_by_label("Reason for cancelling").select_option(label="Customer cancelled")
        page.get_by_label("More about it (optional)").fill("Customer phoned to cancel")
        # Meanwhile another desk marks it a no-show.
        status, _ = live_sandbox.request(
            "PUT", f"{API}/bookings/{booking_id}", {"status": "no_show"}
        )
        assert status == 200
        page.get_by_role("button", name="Cancel booking").click()

        conflict = page.locator(".conflict")
        expect(conflict).to_contain_text("Changed since you opened it")
        expect(conflict).to_contain_text("in LatePoint it is now No-show")
        expect(page.get_by_label("Reason for cancelling")).to_have_value("customer-cancelled")
        expect(page.get_by_label("More about it (optional)")).to_have_value(
            "Customer phoned to cancel"
        )
        assert _stored(live_sandbox, booking_id)["status"] == "no_show"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(f"status-conflict-{width}")

        page.get_by_role("button", name="Cancel booking anyway").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Booking")
        assert _stored(live_sandbox, booking_id)["status"] == "cancelled"
    finally:
        delete_bookings(live_sandbox, [booking_id])
