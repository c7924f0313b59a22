"""Flow 2: a receptionist fixes a customer's phone number. A wrong number is refused on the
field with everything else kept; a right one is saved, confirmed and shown on the profile."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import API, new_customer


def test_phone_number_is_refused_then_saved(as_receptionist: Page, app, live_sandbox, screenshot):
    page = as_receptionist
    customer = new_customer(
        live_sandbox, first_name="Paula", last_name="Phonefix", phone="+12125550147", city="Albany"
    )
    customer_id = customer["id"]

    page.goto(f"{app}/customers/{customer_id}/")
    expect(page.locator('[data-field="phone"]')).to_have_text("(212) 555-0147")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page).to_have_url(f"{app}/customers/{customer_id}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Paula Phonefix")

    page.get_by_label("Notes").fill("Prefers morning appointments.")
    page.get_by_label("City").fill("Buffalo")
    page.get_by_label("Phone").fill("555-12")
    page.get_by_role("button", name="Save changes").click()

    phone_field = page.locator("#form-field-phone")
    expect(phone_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(phone_field.locator(".errorlist")).to_contain_text("not a valid phone number")
    expect(page.locator("#form-errors")).to_contain_text("Some values need fixing")
    expect(page).to_have_url(f"{app}/customers/{customer_id}/edit/")
    # Everything typed is still there, the wrong number included, ready to be corrected.
    expect(page.get_by_label("Phone")).to_have_value("555-12")
    expect(page.get_by_label("Notes")).to_have_value("Prefers morning appointments.")
    expect(page.get_by_label("City")).to_have_value("Buffalo")
    expect(page.get_by_label("First name")).to_have_value("Paula")
    screenshot("02-customer-edit-phone-error")
    # Nothing reached LatePoint.
    status, body = live_sandbox.request("GET", f"{API}/customers/{customer_id}")
    assert status == 200, body
    assert (body["data"]["phone"], body["data"]["address"]["city"]) == ("+12125550147", "Albany")

    page.get_by_label("Phone").fill("(646) 555-3890")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(f"{app}/customers/{customer_id}/")
    expect(page.locator("#messages")).to_contain_text("Customer saved.")
    expect(page.locator('[data-field="phone"]')).to_have_text("(646) 555-3890")
    expect(page.locator('[data-field="phone"] a')).to_have_attribute("href", "tel:+16465553890")
    expect(page.locator('[data-field="address"]')).to_contain_text("Buffalo")
    expect(page.locator('[data-field="notes"]')).to_have_text("Prefers morning appointments.")
    screenshot("02-customer-profile-after-edit")

    status, body = live_sandbox.request("GET", f"{API}/customers/{customer_id}")
    assert status == 200, body
    assert body["data"]["phone"] == "+16465553890"
    assert body["data"]["address"]["city"] == "Buffalo"
