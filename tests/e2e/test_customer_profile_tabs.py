"""The profile in a real browser: HTMX tabs, "show more", and back to the first tab."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def past_heavy_customer(sandbox) -> int:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT customer_id FROM sandbox_booking WHERE status = 'completed' "
            "GROUP BY customer_id HAVING COUNT(*) > 12 ORDER BY customer_id LIMIT 1"
        ).fetchone()
    assert row
    return row["customer_id"]


def test_tabs_load_in_place_and_show_more(as_receptionist: Page, app, live_sandbox, screenshot):
    page = as_receptionist
    customer_id = past_heavy_customer(live_sandbox)
    page.goto(f"{app}/customers/{customer_id}/")
    expect(page.get_by_role("tab", name="Upcoming")).to_have_attribute("aria-selected", "true")
    # The sandbox's avatar host does not exist: the initials take its place.
    expect(page.locator("img[data-avatar]")).to_be_hidden()
    expect(page.locator(".avatar-initials")).to_be_visible()
    screenshot("profile-first-paint")

    page.get_by_role("tab", name="Completed").click()
    expect(page.get_by_role("tab", name="Completed")).to_have_attribute("aria-selected", "true")
    expect(page).to_have_url(re.compile(rf"/customers/{customer_id}/\?tab=completed$"))
    panel = page.locator("#customer-bookings-panel")
    expect(panel.locator("tbody tr")).to_have_count(10)
    expect(panel.locator(".chip-completed")).to_have_count(10)
    # Still the same page: the header was not reloaded away.
    expect(page.locator('[data-stat="total_bookings"]')).to_be_visible()

    page.get_by_role("link", name="Show more").click()
    expect(panel.locator("tbody tr")).not_to_have_count(10)
    expect(page).to_have_url(re.compile(r"tab=completed&limit=20$"))
    screenshot("profile-completed-tab")

    first = panel.locator("tbody tr a").first
    href = first.get_attribute("href")
    assert href and re.fullmatch(r"/bookings/\d+/", href)
