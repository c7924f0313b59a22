"""Flow 3: a receptionist registers a walk-in. An email another customer already uses is
refused on the email field (nothing typed is lost); with a new email the customer is created."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from playwright.sync_api import Page, expect

from tests.booking_slots import SITE_TZ, delete_bookings
from tests.bookings.test_walk_in_booking import _first_free
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import API, business_today, new_customer


def _customers_with_email(sandbox, email: str) -> list[dict]:
    status, body = sandbox.request("GET", f"{API}/customers?search={email}&per_page=100")
    assert status == 200, body
    return [c for c in body["data"] if c["email"].lower() == email.lower()]


def test_walk_in_with_an_email_in_use_then_a_new_one(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    taken = new_customer(live_sandbox, first_name="Olga", last_name="Original")["email"]
    fresh = f"walk.in.{uuid.uuid4().hex[:8]}@example.com"

    page.goto(app + "/customers/")
    page.get_by_role("link", name="New customer").click()
    expect(page).to_have_url(app + "/customers/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New customer")

    page.get_by_label("First name").fill("Walter")
    page.get_by_label("Last name").fill("Walkin")
    page.get_by_label("Email").fill(taken.upper())  # the same address, typed differently
    page.get_by_label("Phone").fill("(415) 555-2671")
    page.get_by_label("Notes").fill("Came in without a booking.")
    page.get_by_role("button", name="Create customer").click()

    email_field = page.locator("#form-field-email")
    expect(email_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(email_field.locator(".errorlist")).to_contain_text(
        "Another customer already uses this email address."
    )
    expect(page).to_have_url(app + "/customers/new/")
    for label, value in (
        ("First name", "Walter"),
        ("Last name", "Walkin"),
        ("Email", taken.upper()),
        ("Phone", "(415) 555-2671"),
        ("Notes", "Came in without a booking."),
    ):
        expect(page.get_by_label(label)).to_have_value(value)
    for name in ("first_name", "last_name", "phone"):
        expect(page.locator(f"#form-field-{name}")).not_to_have_class(re.compile(r"has-error"))
    screenshot("03-customer-new-email-in-use")
    assert len(_customers_with_email(live_sandbox, taken)) == 1

    page.get_by_label("Email").fill(fresh)
    page.get_by_role("button", name="Create customer").click()
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.locator("#messages")).to_contain_text("Customer Walter Walkin created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Walter Walkin")
    expect(page.locator('[data-field="email"]')).to_have_text(fresh)
    expect(page.locator('[data-field="phone"]')).to_have_text("(415) 555-2671")
    screenshot("03-customer-created")

    created = _customers_with_email(live_sandbox, fresh)
    assert len(created) == 1
    assert page.url.endswith(f"/customers/{created[0]['id']}/")
    assert (created[0]["first_name"], created[0]["last_name"]) == ("Walter", "Walkin")


# --- a walk-in from Today with the keyboard only ------------------------------------------------


WIDTHS = (1440, 820)


def _look(page: Page, screenshot, name: str) -> None:
    assert_no_axe_violations(page, where=name)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def _tab_to(page: Page, locator, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"{locator} not reached in {limit} presses of Tab")


def test_a_keyboard_only_walk_in_from_today_to_today(
    as_receptionist: Page, app, live_sandbox, screenshot, monkeypatch
):
    page = as_receptionist
    nine = datetime.combine(date.fromisoformat(business_today()), datetime.min.time()).replace(
        hour=9, tzinfo=SITE_TZ
    )
    live_sandbox.set_faults(clock=nine.isoformat())
    hours, minutes = (int(part) for part in _first_free(live_sandbox).split(":"))
    clock = nine.replace(hour=hours, minute=minutes)  # some agent is free now
    monkeypatch.setattr("bookings.services.walk_in_times.local_now", lambda: clock)
    name = f"Kay{uuid.uuid4().hex[:6].translate(str.maketrans('0123456789', 'ghijklmnop'))}"

    page.goto(app + "/")
    _tab_to(page, page.get_by_role("link", name="Walk-in", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Walk-in")
    first = page.get_by_label("First name")
    expect(first).to_be_focused()
    page.keyboard.type(name)
    _look(page, screenshot, "walk-in-typed")

    page.keyboard.press("Enter")  # no service yet: said on its field, with the focus there
    service = page.get_by_label("Service", exact=True)
    expect(page.locator("#walk-in-service-error")).to_have_text("Choose a service.")
    expect(service).to_be_focused()
    expect(page.get_by_label("First name")).to_have_value(name)
    _look(page, screenshot, "walk-in-no-service")
    page.keyboard.press("ArrowDown")  # the first service: the times swap in place
    free_now = page.locator("#walk-in-time").get_by_role("radio", name=re.compile(r"^Now \("))
    expect(free_now.first).to_be_checked()
    expect(service).to_be_focused()
    _look(page, screenshot, "walk-in-now")

    book = page.get_by_role("button", name="Book and check in")
    _tab_to(page, book)
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("and checked in.")
    booking_id = int(page.url.rstrip("/").split("/")[-1])
    _look(page, screenshot, "walk-in-booked")

    _tab_to(page, page.locator("#main").get_by_role("link", name="Today", exact=True))
    page.keyboard.press("Enter")
    row = page.locator("#today-board").get_by_text(f"{name} Walk-in")
    expect(row.first).to_be_visible()
    _look(page, screenshot, "walk-in-on-today")
    delete_bookings(live_sandbox, [booking_id])
