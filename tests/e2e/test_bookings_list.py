"""The bookings list as the desk and a manager use it: it opens on today in time order and says
so, keeps the filters a desk rarely needs folded, keeps a chosen order, and lets a manager take
what it shows away as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from bookings.export import HEADER
from tests.e2e.conftest import business_today

WIDE = {"width": 1440, "height": 900}
PORTRAIT = {"width": 820, "height": 1180}


def _day(value: date) -> str:
    return f"{value:%a} {value:%b} {value.day}"


def test_the_list_opens_on_today_in_time_order(as_receptionist: Page, app, screenshot):
    page = as_receptionist
    page.set_viewport_size(WIDE)
    page.goto(app + "/bookings/")
    today = date.fromisoformat(business_today())

    summary = page.locator("#booking-table-status")
    expect(summary).to_contain_text(f"from today ({_day(today)}) onwards, earliest first")
    expect(page.get_by_label("From", exact=True)).to_have_value(today.isoformat())
    expect(page.get_by_role("link", name="When (sorted ascending)")).to_be_visible()
    # The first rows are today's (or the next day's with bookings), not the furthest future.
    first = page.locator("#booking-table tbody tr").first.locator("td").first
    expect(first).to_be_visible()
    # The folded filters are there for whoever needs them.
    fold = page.locator("details.more-filters")
    expect(fold).not_to_have_attribute("open", "")
    expect(page.get_by_label("Agent", exact=True)).to_be_hidden()
    screenshot("bookings-list-1440")

    page.set_viewport_size(PORTRAIT)
    screenshot("bookings-list-820")
    page.set_viewport_size(WIDE)

    fold.locator("summary").click()
    page.get_by_label("Location", exact=True).select_option(index=1)
    expect(page).to_have_url(re.compile(r"location=\d+"))
    expect(summary).to_contain_text("earliest first")
    # Reloaded, the fold shows open: a filter inside it is set.
    page.reload()
    expect(page.locator("details.more-filters")).to_have_attribute("open", "")
    expect(page.get_by_label("Location", exact=True)).to_be_visible()

    # Every date, past ones too, in one click; the order stays.
    page.get_by_role("link", name="Show every date, past bookings too").click()
    expect(summary).to_contain_text("of every date, earliest first")
    expect(page.get_by_label("From", exact=True)).to_have_value("")


def test_a_chosen_order_survives_a_filter_change(as_receptionist: Page, app):
    page = as_receptionist
    page.goto(app + "/bookings/")
    summary = page.locator("#booking-table-status")
    expect(summary).to_contain_text("earliest first")

    page.locator("#booking-table thead").get_by_role("link", name="Customer").click()
    expect(summary).to_contain_text("by customer, A to Z")
    page.get_by_label("Status", exact=True).select_option("pending")
    expect(page).to_have_url(re.compile(r"status=pending"))
    expect(summary).to_contain_text("by customer, A to Z")
    expect(page).to_have_url(re.compile(r"sort=customer_name"))


def test_a_manager_exports_what_the_list_shows(as_manager: Page, app, live_sandbox, screenshot):
    page = as_manager
    page.goto(app + "/bookings/")
    page.get_by_label("Status", exact=True).select_option("pending")
    expect(page).to_have_url(re.compile(r"status=pending"))
    page.get_by_role("button", name="Export CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bookings export")
    expect(page.get_by_text("status: pending")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Ready:")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Download bookings-")).click()
    download = info.value
    assert re.fullmatch(r"bookings-[\d-]+\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_bytes().decode("utf-8-sig"))))
    with live_sandbox.db() as conn:
        expected = [
            str(row[0])
            for row in conn.execute(
                "SELECT id FROM sandbox_booking WHERE status = 'pending' AND start_date >= ? "
                "ORDER BY start_at, id",
                (business_today(),),
            )
        ]
    assert rows[0] == list(HEADER)
    assert [row[0] for row in rows[1:]] == expected
