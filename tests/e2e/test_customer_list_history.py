"""Flow 5: a receptionist filters the customer list, pages through it, and goes back and
forward: each step's address restores the same filters, page and rows."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import API


def _emails(sandbox, query: str) -> tuple[list[str], int]:
    """The emails LatePoint lists for a query (newest first), and its total."""
    status, body = sandbox.request("GET", f"{API}/customers?per_page=20&{query}")
    assert status == 200, body
    return [c["email"] for c in body["data"]], body["pagination"]["total"]


def test_filter_page_back_and_forward(as_receptionist: Page, app, live_sandbox, screenshot):
    page = as_receptionist
    everyone, everyone_total = _emails(live_sandbox, "")
    inactive, inactive_total = _emails(live_sandbox, "status=inactive")
    registered, registered_total = _emails(live_sandbox, "status=inactive&is_guest=false")
    second, _ = _emails(live_sandbox, "status=inactive&is_guest=false&page=2")
    assert registered_total > 20, "the seed should give more than a page of inactive accounts"
    pages = -(-registered_total // 20)
    second_last = min(40, registered_total)

    page.goto(app + "/customers/")
    table = page.locator("#customer-table")
    summary = table.get_by_role("status").first
    status_filter = page.get_by_label("Status")
    account_filter = page.get_by_label("Account")

    def shows(first_row: int, last_row: int, total: int, emails: list[str]) -> None:
        expect(summary).to_have_text(f"{first_row}\N{EN DASH}{last_row} of {total} customers")
        expect(table.locator("tbody tr")).to_have_count(len(emails))
        expect(table.locator("tbody tr").first).to_contain_text(emails[0])
        expect(table.locator("tbody tr").last).to_contain_text(emails[-1])

    shows(1, 20, everyone_total, everyone)

    status_filter.select_option(label="Inactive")
    expect(page).to_have_url(re.compile(r"/customers/\?(.*&)?status=inactive"))
    shows(1, 20, inactive_total, inactive)

    account_filter.select_option(label="Registered")
    expect(page).to_have_url(re.compile(r"guest=registered"))
    shows(1, 20, registered_total, registered)
    expect(table.get_by_text(f"Page 1 of {pages}")).to_be_visible()

    table.get_by_role("link", name="Next \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    shows(21, second_last, registered_total, second)
    expect(table.get_by_text(f"Page 2 of {pages}")).to_be_visible()
    screenshot("05-customers-filtered-page-2")

    # Back: page 1 of the same filters, then the one filter, then the whole list.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(page).to_have_url(re.compile(r"guest=registered"))
    shows(1, 20, registered_total, registered)
    expect(status_filter).to_have_value("inactive")
    expect(account_filter).to_have_value("registered")

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"guest="))
    shows(1, 20, inactive_total, inactive)
    expect(status_filter).to_have_value("inactive")
    expect(account_filter).to_have_value("")

    page.go_back()
    expect(page).to_have_url(app + "/customers/")
    shows(1, 20, everyone_total, everyone)
    expect(status_filter).to_have_value("")

    # Forward again, all the way to page 2.
    page.go_forward()
    expect(page).to_have_url(re.compile(r"status=inactive"))
    shows(1, 20, inactive_total, inactive)
    page.go_forward()
    expect(page).to_have_url(re.compile(r"guest=registered"))
    shows(1, 20, registered_total, registered)
    page.go_forward()
    expect(page).to_have_url(re.compile(r"page=2"))
    shows(21, second_last, registered_total, second)
    expect(status_filter).to_have_value("inactive")
    expect(account_filter).to_have_value("registered")

    # The address is the state: reloading it shows the same page.
    page.reload()
    shows(21, second_last, registered_total, second)
