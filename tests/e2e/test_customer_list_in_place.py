"""The customer list in a real browser: search as you type, filters and paging swap the table
region only, and the address bar follows so back and reload reproduce the view."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in


def _mark_page(page: Page) -> None:
    """A flag that only survives while no full page load happens."""
    page.evaluate("window.__sameDocument = true")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_search_as_you_type_swaps_only_the_table(as_receptionist: Page, app, screenshot):
    page = as_receptionist
    page.goto(app + "/customers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    _mark_page(page)
    searches: list[str] = []
    page.on(
        "request",
        lambda request: (
            searches.append(request.url)
            if "/customers/?" in request.url and request.headers.get("hx-request")
            else None
        ),
    )

    page.get_by_label("Search").press_sequentially("Anne-Marie", delay=40)

    table = page.locator("#customer-table")
    expect(table).to_contain_text("Anne-Marie O'Brien")
    expect(table).to_contain_text("1\u20131 of 1 customer")
    expect(page).to_have_url(re.compile(r"/customers/\?q=Anne-Marie$"))
    assert _same_document(page)
    # Typed faster than the 300 ms pause: one request for the whole word.
    assert len(searches) == 1, searches
    screenshot("customers-search")


def test_filters_and_paging_update_the_address_bar_and_back_works(as_receptionist: Page, app):
    page = as_receptionist
    page.goto(app + "/customers/")
    _mark_page(page)
    table = page.locator("#customer-table")

    page.get_by_label("Per page").select_option("50")
    expect(page).to_have_url(re.compile(r"/customers/\?per_page=50$"))
    expect(table).to_contain_text("1\u201350 of")

    table.get_by_role("link", name="Next \u203a").click()
    expect(page).to_have_url(re.compile(r"/customers/\?per_page=50&page=2$"))
    expect(table).to_contain_text("51\u2013100 of")
    assert _same_document(page)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/customers/\?per_page=50$"))
    expect(table).to_contain_text("1\u201350 of")

    page.reload()
    expect(page.get_by_label("Per page")).to_have_value("50")
    expect(page.locator("#customer-table")).to_contain_text("1\u201350 of")


def test_status_filter_and_empty_state(as_manager: Page, app, screenshot):
    page = as_manager
    page.goto(app + "/customers/")
    table = page.locator("#customer-table")

    page.get_by_label("Status").select_option("blocked")
    expect(page).to_have_url(re.compile(r"/customers/\?status=blocked$"))
    expect(table.locator("tbody .chip")).not_to_have_count(0)
    for chip in table.locator("tbody .chip").all():
        expect(chip).to_have_text("Blocked")
    expect(table.locator("form.export-form input[name=query]")).to_have_value("status=blocked")
    screenshot("customers-blocked")

    page.get_by_label("Search").fill("zzqqxx nobody")
    expect(table).to_contain_text("No customers match these filters.")
    table.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/customers/$"))
    expect(page.get_by_label("Status")).to_have_value("")


def test_filters_and_paging_work_without_javascript(new_context, app, receptionist):
    # pytest-playwright's new_context: the suite's viewport, closed after the failure screenshot.
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, app, receptionist.username)
    page.goto(app + "/customers/")

    page.get_by_label("Search").fill("O'Brien")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"/customers/\?q=O%27Brien&status=active"))
    expect(page.locator("#customer-table")).to_contain_text("Anne-Marie O'Brien")

    page.goto(app + "/customers/?per_page=50")
    page.locator("#customer-table").get_by_role("link", name="Last \u00bb").click()
    expect(page).to_have_url(re.compile(r"/customers/\?per_page=50&page=\d+$"))
    expect(page.locator("#customer-table")).to_contain_text("Page ")
