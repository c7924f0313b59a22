"""Flow 7: LatePoint goes down while a receptionist works. The screen says so, with a way to
try again, and recovers once LatePoint is back: in a list region swapped by HTMX, and on a
whole page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import new_customer


def test_customer_list_shows_the_outage_and_recovers(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    page.goto(app + "/customers/")
    table = page.locator("#customer-table")
    expect(table.locator("tbody tr").first).to_be_visible()

    live_sandbox.set_faults(unavailable=True)
    # A filter not shown before, so the answer cannot come from the cache.
    page.get_by_label("Status").select_option(label="Pending verification")
    alert = table.get_by_role("alert")
    expect(alert).to_contain_text("LatePoint is unavailable")
    retry = alert.get_by_role("link", name="Try again")
    expect(retry).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(0)
    # The rest of the page is still there, with the filter as chosen.
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    expect(page.get_by_label("Status")).to_have_value("pending_verification")
    screenshot("07-customers-upstream-down")

    # Still down: trying again gives the same message, not a broken page.
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as answer:
        retry.click()
    assert answer.value.status == 503
    expect(table.get_by_role("alert")).to_contain_text("LatePoint is unavailable")

    live_sandbox.reset_faults()
    table.get_by_role("alert").get_by_role("link", name="Try again").click()
    expect(table.get_by_role("alert")).to_have_count(0)
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(table.locator("tbody")).to_contain_text("Pending verification")
    expect(page).to_have_url(re.compile(r"status=pending_verification"))
    screenshot("07-customers-recovered")


def test_profile_page_shows_the_outage_and_recovers(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    customer = new_customer(live_sandbox, first_name="Otto", last_name="Outage")
    live_sandbox.set_faults(unavailable=True)

    response = page.goto(f"{app}/customers/{customer['id']}/")
    assert response is not None and response.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text("LatePoint is unavailable")
    retry = page.get_by_role("alert").get_by_role("link", name="Try again")
    expect(retry).to_have_attribute("href", f"/customers/{customer['id']}/")
    expect(page.get_by_role("link", name="Back to Today")).to_be_visible()
    screenshot("07-profile-upstream-down")

    live_sandbox.reset_faults()
    retry.click()
    expect(page).to_have_url(f"{app}/customers/{customer['id']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Otto Outage")
