"""Flow 3: a receptionist registers a walk-in. An email another customer already uses is
refused on the email field (nothing typed is lost); with a new email the customer is created."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import API, new_customer


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
    expect(page.locator('[data-field="phone"]')).to_have_text("+1 415-555-2671")
    screenshot("03-customer-created")

    created = _customers_with_email(live_sandbox, fresh)
    assert len(created) == 1
    assert page.url.endswith(f"/customers/{created[0]['id']}/")
    assert (created[0]["first_name"], created[0]["last_name"]) == ("Walter", "Walkin")
