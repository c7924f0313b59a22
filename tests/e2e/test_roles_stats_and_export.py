"""Flow 6: a receptionist is refused the stats page (and the export); a manager exports the
filtered customer list as CSV and opens the stats page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import API

HEADER = [
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "status",
    "is_guest",
    "wordpress_user_id",
    "total_bookings",
    "completed_bookings",
    "cancelled_bookings",
    "total_spent",
    "last_booking_date",
    "next_booking_date",
    "created_at",
]


def test_receptionist_is_refused_stats(as_receptionist: Page, app, screenshot):
    page = as_receptionist
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Customers")).to_be_visible()
    expect(nav.get_by_role("link", name="Stats")).to_have_count(0)

    response = page.goto(app + "/stats/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access")
    expect(page.get_by_role("link", name="Back to Today")).to_be_visible()
    screenshot("06-stats-refused")

    # The export is for managers too, whatever the page shows.
    page.goto(app + "/customers/")
    expect(page.get_by_role("button", name="Export CSV")).to_have_count(0)
    refused = page.request.get(app + "/customers/export.csv?status=inactive")
    assert refused.status == 403
    assert "text/csv" not in refused.headers.get("content-type", "")


def test_manager_exports_customers_and_opens_stats(
    synced_history, as_manager: Page, app, live_sandbox, screenshot
):
    page = as_manager
    status, body = live_sandbox.request("GET", f"{API}/customers?status=inactive&per_page=100")
    assert status == 200, body
    expected_ids = {str(c["id"]) for c in body["data"]}
    assert len(expected_ids) == body["pagination"]["total"]

    page.goto(app + "/customers/")
    page.get_by_label("Status").select_option(label="Inactive")
    expect(page).to_have_url(re.compile(r"status=inactive"))
    page.get_by_role("button", name="Export CSV").click()
    expect(page).to_have_url(re.compile(r"/exports/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers export")
    expect(page.get_by_text("status: Inactive")).to_be_visible()  # in words, as the list
    expect(page.get_by_role("status")).to_contain_text(f"Ready: {len(expected_ids)} rows")
    screenshot("export-ready")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Download customers-")).click()
    download = info.value
    assert re.fullmatch(r"[\w.-]+\.csv", download.suggested_filename), download.suggested_filename
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert len(rows) - 1 == len(expected_ids)
    assert {row[0] for row in rows[1:]} == expected_ids
    assert {row[HEADER.index("status")] for row in rows[1:]} == {"inactive"}

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stats").click()
    expect(page).to_have_url(app + "/stats/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stats")
    figures = page.get_by_role("region", name="Key figures")
    expect(figures.locator(".stats-figure").first).to_be_visible()
    expect(page.locator("#top-customers tbody tr").first).to_be_visible()
    expect(page.get_by_role("heading", name="Customers at high risk")).to_be_visible()
    screenshot("06-stats-dashboard")
