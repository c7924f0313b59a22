"""A receptionist books a phone caller from the customer's profile, with the keyboard only: the
free times come in by HTMX as the date changes, a time is chosen with the arrow keys, and the
booking lands in LatePoint. Then the booking is moved to another time."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.booking_slots import delete_bookings, free_day
from tests.e2e.conftest import API

WIDTHS = (1440, 820)


def _regular(sandbox) -> dict:
    """An active customer with a favourite service, agent and location."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT c.id FROM sandbox_customer c WHERE c.status = 'active' "
            "AND c.email NOT LIKE '%script%' AND (SELECT COUNT(*) FROM sandbox_booking b "
            "WHERE b.customer_id = c.id AND b.status = 'completed') >= 3 ORDER BY c.id LIMIT 20"
        ).fetchall()
    for row in rows:
        status, body = sandbox.request("GET", f"{API}/customers/{row['id']}?include=stats")
        stats = body["data"].get("stats") or {}
        if status == 200 and stats.get("favorite_agent") and stats.get("favorite_service"):
            return body["data"]
    raise AssertionError("the sandbox has no regular customer with favourites")


def _stored(sandbox, customer_id: int, day) -> list[dict]:
    with sandbox.db() as conn:
        return [
            dict(row)
            for row in conn.execute(
                "SELECT id, agent_id, service_id, start_time, notes FROM sandbox_booking "
                "WHERE customer_id = ? AND start_date = ?",
                (customer_id, day.isoformat()),
            )
        ]


def test_a_phone_caller_is_booked_from_the_profile_with_the_keyboard(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    customer = _regular(live_sandbox)
    stats = customer["stats"]
    agent_id = int(stats["favorite_agent"]["id"])
    day = free_day(live_sandbox, agent_id)
    made: list[int] = []
    try:
        page.goto(app + f"/customers/{customer['id']}/")
        book = page.get_by_role("link", name="Book again")
        book.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("New booking")
        expect(page.get_by_label("Service", exact=True)).to_have_value(
            str(stats["favorite_service"]["id"])
        )
        expect(page.get_by_label("Agent", exact=True)).to_have_value(str(agent_id))

        date = page.get_by_label("Date", exact=True)
        date.focus()
        page.keyboard.type(day.strftime("%m%d%Y"))
        page.keyboard.press("Tab")  # leaving the field sends its change
        expect(page).to_have_url(re.compile(rf"date={day.isoformat()}"))
        slots = page.locator("#free-times").get_by_role("radio")
        expect(slots.first).to_be_attached()
        legend = page.locator("#free-times legend")
        expect(legend).to_contain_text(f"{day:%A} {day.day} {day:%B}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(f"new-booking-{width}")

        slots.first.focus()
        page.keyboard.press("ArrowRight")  # the second free time
        chosen = slots.nth(1)
        expect(chosen).to_be_checked()
        value = chosen.get_attribute("value")
        page.keyboard.press("Tab")  # past the times: the way to the next free days
        expect(page.get_by_role("link", name="Find the next free days")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Notes")).to_be_focused()
        page.keyboard.type("Called to book: prefers mornings")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Book", exact=True)).to_be_focused()
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", level=1)).to_contain_text("Booking")
        expect(page.locator("#messages")).to_contain_text(f"Booked {day:%a} {day.day} {day:%b}")
        [stored] = _stored(live_sandbox, customer["id"], day)
        made.append(stored["id"])
        assert (stored["agent_id"], stored["start_time"]) == (agent_id, value)
        assert stored["notes"] == "Called to book: prefers mornings"

        # Moved to the last free time of the day, still with the keyboard.
        move = page.get_by_role("link", name="Reschedule or reassign")
        move.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Reschedule booking")
        own = page.locator("#free-times").get_by_role("radio", name=re.compile("its time now"))
        expect(own).to_be_attached()
        screenshot("reschedule")
        last = page.locator("#free-times").get_by_role("radio").last
        last.focus()
        page.keyboard.press("Space")
        expect(last).to_be_checked()
        new_time = last.get_attribute("value")
        reason = page.get_by_label("Reason for the move")
        reason.focus()
        reason.select_option(label="Customer asked to move")
        page.get_by_role("button", name="Move the booking").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#messages")).to_contain_text("Moved to")
        [moved] = _stored(live_sandbox, customer["id"], day)
        assert moved["start_time"] == new_time != value
    finally:
        delete_bookings(live_sandbox, made)
