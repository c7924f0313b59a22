"""Flow 1: a receptionist signs in, finds a caller by part of their phone number on Today
and opens the profile, with its stats and upcoming bookings."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from tests.e2e.conftest import business_today, sign_in


def _caller(sandbox) -> dict:
    """An active seeded customer with no booking today (a late one would be offered for check-in
    beside them) and one after today, whose phone number's last seven digits belong to no one
    else (so typing them finds exactly this customer)."""
    with sandbox.db() as db:
        customers = db.execute(
            "SELECT id, first_name, last_name, phone, status FROM sandbox_customer"
        ).fetchall()
        # Upcoming: from now on (start_at is stored in UTC). Only customers whose next booking
        # is after today are chosen, so that a few minutes passing changes nothing.
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        upcoming = db.execute(
            "SELECT customer_id, id, start_date FROM sandbox_booking"
            " WHERE start_at >= ? ORDER BY start_at, id",
            (now,),
        ).fetchall()
        booked_today = {
            row["customer_id"]
            for row in db.execute(
                "SELECT customer_id FROM sandbox_booking WHERE start_date = ?", (business_today(),)
            )
        }
    digits_of = {c["id"]: "".join(ch for ch in c["phone"] if ch.isdigit()) for c in customers}
    next_booking = {}
    for row in upcoming:
        next_booking.setdefault(row["customer_id"], row)
    for c in customers:
        tail = digits_of[c["id"]][-7:]
        upcoming_first = next_booking.get(c["id"])
        if c["status"] != "active" or len(tail) < 7 or upcoming_first is None:
            continue
        if upcoming_first["start_date"] <= business_today() or c["id"] in booked_today:
            continue
        if sum(tail in digits for digits in digits_of.values()) == 1:
            with sandbox.db() as db:
                total = db.execute(
                    "SELECT COUNT(*) FROM sandbox_booking WHERE customer_id = ?", (c["id"],)
                ).fetchone()[0]
            return {**dict(c), "tail": tail, "next": dict(next_booking[c["id"]]), "total": total}
    raise AssertionError("the seed has no active customer with a unique phone and a booking ahead")


def test_receptionist_finds_a_caller_by_phone_and_opens_the_profile(
    page: Page, app, live_sandbox, receptionist, screenshot
):
    caller = _caller(live_sandbox)
    name = f"{caller['first_name']} {caller['last_name']}"

    page.goto(app + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, app, receptionist.username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")

    box = page.get_by_label("Find a customer or a booking")
    page.keyboard.press("/")  # the desk's shortcut to the search box
    expect(box).to_be_focused()
    # Typed key by key, as at the desk: the results come after a pause in the typing.
    page.keyboard.type(caller["tail"], delay=40)
    results = page.locator("#search-results")
    match = results.get_by_role("option", name=re.compile(re.escape(name)))
    expect(match).to_have_count(1)
    # Shown as the business's own numbers are written: "(305) 401-3069".
    national = re.sub(r"\D", "", caller["phone"])[-10:]
    expect(match).to_contain_text(f"({national[:3]}) {national[3:6]}-{national[6:]}")
    # The search box only shows results: it stays on Today, with the query in the address.
    expect(page).to_have_url(f"{app}/?q={caller['tail']}")
    screenshot("01-today-quick-search")

    match.click()
    expect(page).to_have_url(f"{app}/customers/{caller['id']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    stats = page.get_by_role("region", name="Bookings and spending")
    expect(stats.locator('[data-stat="total_bookings"]')).to_have_text(str(caller["total"]))
    expect(stats.locator('[data-stat="upcoming_bookings"]')).not_to_have_text("—")

    bookings = page.locator("#customer-bookings")
    expect(bookings.get_by_role("tab", name="Upcoming")).to_have_attribute("aria-selected", "true")
    first_row = bookings.locator("tbody tr").first
    expect(first_row).to_have_attribute("data-booking-id", str(caller["next"]["id"]))
    screenshot("01-customer-profile")
