"""A receptionist registers a walk-in and fixes a phone number; a manager blocks a customer."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

API = "/wp-json/latepoint-api/v1"


def test_walk_in_with_field_validation_as_the_user_leaves_each_field(
    as_receptionist: Page, app, screenshot
):
    page = as_receptionist
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(app + "/customers/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New customer")

    page.get_by_label("First name").fill("J")
    page.get_by_label("Last name").focus()  # leaving the field validates it
    first = page.locator("#form-field-first_name")
    expect(first).to_contain_text("First name must be at least 2 characters.")
    expect(first).to_have_class(re.compile(r"has-error"))

    page.get_by_label("First name").fill("Juana")
    page.get_by_label("Last name").fill("de la Cruz")
    page.get_by_label("Email").fill(f"Juana.{uuid.uuid4().hex[:8]}@Example.com")
    page.get_by_label("Phone").fill("(415) 555-2671")
    page.get_by_label("Country").select_option("CA")
    page.get_by_label("ZIP or postal code").fill("12345")
    page.get_by_label("City").focus()
    expect(page.locator("#form-field-zipcode")).to_contain_text("postal code for Canada")
    expect(page.locator("#form-field-first_name")).not_to_have_class(re.compile(r"has-error"))
    screenshot("customer-new-field-errors")

    page.get_by_label("Country").select_option("US")
    page.get_by_label("ZIP or postal code").fill("94105")
    # The form works under the Content-Security-Policy: no inline script or style needed.
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.get_by_role("button", name="Create customer").click()
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.get_by_role("status").filter(has_text="created")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Juana de la Cruz")


def test_manager_blocks_only_after_ticking_the_box(as_manager: Page, app, live_sandbox, screenshot):
    page = as_manager
    status, body = live_sandbox.request(
        "POST",
        API + "/customers",
        {"first_name": "Bruno", "last_name": "Blocke", "email": f"b.{uuid.uuid4().hex[:8]}@x.com"},
    )
    assert status == 201, body
    customer_id = body["data"]["id"]
    page.goto(f"{app}/customers/{customer_id}/edit/")
    confirm = page.locator("#form-field-confirm_block")
    expect(confirm).to_be_hidden()  # shown only while Blocked is chosen
    page.get_by_label("Status").select_option("blocked")
    expect(confirm).to_be_visible()
    page.get_by_role("button", name="Save changes").click()
    expect(confirm).to_contain_text("Tick this box")
    screenshot("customer-edit-block-confirm")
    page.get_by_label("Yes, block this customer").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(f"{app}/customers/{customer_id}/")
    expect(page.get_by_text("Blocked: this customer cannot book.")).to_be_visible()


def test_concurrent_change_is_shown_in_the_browser(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    status, body = live_sandbox.request(
        "POST",
        API + "/customers",
        {
            "first_name": "Carla",
            "last_name": "Conflict",
            "email": f"c.{uuid.uuid4().hex[:8]}@x.com",
            "city": "Lisbon",
        },
    )
    assert status == 201, body
    customer_id = body["data"]["id"]
    page.goto(f"{app}/customers/{customer_id}/edit/")
    live_sandbox.request("PUT", f"{API}/customers/{customer_id}", {"city": "Porto"})
    page.get_by_label("Notes").fill("Asked for a reminder call.")
    page.get_by_role("button", name="Save changes").click()
    panel = page.locator("#conflict-panel")
    expect(panel).to_contain_text("Someone else changed this customer")
    expect(panel.locator('[data-conflict-field="city"]')).to_contain_text("Porto")
    expect(page.get_by_label("City")).to_have_value("Porto")
    expect(page.get_by_label("Notes")).to_have_value("Asked for a reminder call.")
    screenshot("customer-edit-conflict")
    page.get_by_role("button", name="Keep my values and save").click()
    expect(page).to_have_url(f"{app}/customers/{customer_id}/")
    expect(page.get_by_text("Customer saved.")).to_be_visible()
