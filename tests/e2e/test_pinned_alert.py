"""A pinned staff note is an alert: pinned on the profile, it shows on the customer's row on Today
and in the confirmation of their check-in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_axe_violations

ALERT = "Allergic to latex: use nitrile gloves"
WIDTHS = (1440, 820)


def _spare_arrival(sandbox, take_booking) -> tuple[int, int]:
    """An approved booking of today for this test alone, of a customer who is not blocked:
    (booking id, customer id)."""
    for _ in range(20):
        booking_id = take_booking("approved", "today")
        with sandbox.db() as db:
            row = db.execute(
                "SELECT c.id, c.status FROM sandbox_booking b JOIN sandbox_customer c "
                "ON c.id = b.customer_id WHERE b.id = ?",
                (booking_id,),
            ).fetchone()
        if row["status"] != "blocked":
            return booking_id, row["id"]
    raise AssertionError("no spare approved booking of today for a customer who may book")


def _looked_at(page: Page, screenshot, name: str) -> None:
    assert_no_axe_violations(page, where=name)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_a_pinned_alert_is_seen_at_check_in(
    as_receptionist: Page, app, live_sandbox, take_booking, screenshot
):
    page = as_receptionist
    booking_id, customer_id = _spare_arrival(live_sandbox, take_booking)

    # Pin a note on the profile.
    page.goto(f"{app}/customers/{customer_id}/")
    notes = page.locator("#customer-notes")
    notes.get_by_label("New note").fill(ALERT)
    notes.get_by_label("Pin as an alert").check()
    notes.get_by_role("button", name="Add note").click()
    expect(notes.get_by_role("status")).to_have_text("Note added and pinned as an alert.")
    expect(notes.locator(".note.is-pinned")).to_contain_text(ALERT)
    expect(notes.locator(".note.is-pinned")).to_contain_text("Pinned alert")
    expect(notes.get_by_label("New note")).to_have_value("")
    # The timeline follows at once, without a reload.
    expect(page.locator("#customer-timeline .timeline-note").first).to_contain_text(ALERT)
    _looked_at(page, screenshot, "27-note-pinned-on-profile")

    # Today: the customer's row carries the alert.
    page.goto(f"{app}/")
    row = page.locator(f"#today-row-{booking_id}")
    expect(row.locator('[data-field="pinned-alert"]')).to_contain_text(ALERT)
    row.scroll_into_view_if_needed()
    _looked_at(page, screenshot, "27-alert-on-today-row")

    # Check the customer in: the confirmation says the alert.
    row.get_by_role("button", name="Check in").click()
    expect(page.locator("#messages")).to_contain_text("checked in.")
    expect(page.locator("#messages")).to_contain_text(f"Alert: {ALERT}")
    expect(row).to_contain_text("Checked in")
    expect(row.locator('[data-field="pinned-alert"]')).to_contain_text(ALERT)
    _looked_at(page, screenshot, "27-alert-at-check-in")

    # The booking page carries it too.
    page.goto(f"{app}/bookings/{booking_id}/")
    expect(page.locator('[data-field="pinned-alert"]')).to_contain_text(ALERT)
    _looked_at(page, screenshot, "27-alert-on-booking-page")
