"""Keyboard and screen-reader details: the profile's booking tabs, focus on a list's last page,
short live-region announcements, and audit filter errors tied to their inputs."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from audit.models import AuditEntry
from audit.services import audit_record

NEXT = "Next \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"
PREVIOUS = "\N{SINGLE LEFT-POINTING ANGLE QUOTATION MARK} Previous"
LAST = "Last \N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}"
TAB_LABELS = ["Upcoming", "Past", "Pending", "Approved", "Completed", "Cancelled", "No-show"]


def _customer_with_bookings(sandbox) -> int:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT customer_id FROM sandbox_booking WHERE status = 'completed' "
            "GROUP BY customer_id HAVING COUNT(*) > 3 ORDER BY customer_id LIMIT 1"
        ).fetchone()
    assert row
    return row["customer_id"]


def _entry(user, **kwargs) -> AuditEntry:
    defaults = {
        "action": AuditEntry.Action.CUSTOMER_UPDATE,
        "object_type": "customer",
        "object_id": 41,
        "customer_id": 41,
        "summary": "Edited contact details",
    }
    return audit_record(user=user, **{**defaults, **kwargs})


def _mark(page: Page, element_id: str) -> None:
    """Tag an element so a later check can tell whether it is still the same node."""
    page.evaluate(f"document.getElementById({element_id!r}).dataset.sameNode = 'yes'")


# --- 1. the profile's booking tabs --------------------------------------------------------------


def test_booking_tabs_follow_the_tabs_pattern(as_receptionist: Page, app, live_sandbox):
    page = as_receptionist
    customer_id = _customer_with_bookings(live_sandbox)
    page.goto(f"{app}/customers/{customer_id}/")
    tablist = page.get_by_role("tablist", name="Bookings")
    tabs = tablist.get_by_role("tab")
    expect(tabs).to_have_text(TAB_LABELS)
    panel = page.get_by_role("tabpanel")

    def selected(label: str) -> None:
        tab = tablist.get_by_role("tab", name=label, exact=True)
        expect(tab).to_have_attribute("aria-selected", "true")
        expect(tab).to_be_focused()
        # Roving tabindex: only the selected tab is in the Tab order.
        expect(tab).to_have_attribute("tabindex", "0")
        expect(tablist.locator('[role="tab"][tabindex="0"]')).to_have_count(1)
        expect(tablist.locator('[role="tab"][tabindex="-1"]')).to_have_count(len(TAB_LABELS) - 1)
        expect(panel).to_have_attribute("aria-labelledby", tab.get_attribute("id") or "")

    tablist.get_by_role("tab", name="Upcoming").focus()
    expect(tablist.get_by_role("tab", name="Past")).to_have_attribute("tabindex", "-1")

    page.keyboard.press("ArrowRight")
    selected("Past")
    expect(page).to_have_url(re.compile(rf"/customers/{customer_id}/\?tab=past$"))

    page.keyboard.press("End")
    selected("No-show")
    expect(page).to_have_url(re.compile(r"\?tab=no_show$"))

    # Right from the last tab wraps to the first; Left from the first wraps to the last.
    page.keyboard.press("ArrowRight")
    selected("Upcoming")
    page.keyboard.press("ArrowLeft")
    selected("No-show")
    page.keyboard.press("Home")
    selected("Upcoming")

    # Tab leaves the tab list for the panel rather than walking through every tab.
    page.keyboard.press("ArrowRight")
    selected("Past")
    page.keyboard.press("Tab")
    expect(panel).to_be_focused()
    expect(panel).to_have_attribute("data-tab", "past")


def test_booking_tabs_are_plain_links_without_javascript(reception_client, live_sandbox):
    customer_id = _customer_with_bookings(live_sandbox)
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    tabs = re.findall(r'<a id="bookings-tab-[^"]+" role="tab"[^>]*>', page)
    assert len(tabs) == len(TAB_LABELS)
    for tab in tabs:
        # Each reachable with Tab and followable without JavaScript.
        assert re.search(r'href="/customers/\d+/\?tab=\w+', tab)
        assert "tabindex" not in tab


# --- 2. focus stays on the pagination after reaching the last page ------------------------------


def test_focus_stays_on_next_when_it_runs_out(as_receptionist: Page, app, live_sandbox):
    page = as_receptionist
    page.goto(f"{app}/customers/")
    table = page.locator("#customer-table")
    table.get_by_role("link", name=LAST).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=\d+"))
    last = table.locator("#customer-table-last")
    expect(last).to_have_attribute("aria-disabled", "true")
    expect(last).to_be_focused()
    expect(last).not_to_have_attribute("href", re.compile(".*"))

    table.get_by_role("link", name=PREVIOUS).focus()
    page.keyboard.press("Enter")
    expect(table.locator("#customer-table-last")).not_to_have_attribute("aria-disabled", "true")
    table.get_by_role("link", name=NEXT).focus()
    page.keyboard.press("Enter")
    next_label = table.locator("#customer-table-next")
    expect(next_label).to_have_attribute("aria-disabled", "true")
    expect(next_label).to_be_focused()
    # Enter on the disabled label goes nowhere and keeps the focus.
    url = page.url
    page.keyboard.press("Enter")
    expect(next_label).to_be_focused()
    assert page.url == url


def test_bookings_last_page_keeps_focus(as_receptionist: Page, app):
    page = as_receptionist
    page.goto(f"{app}/bookings/")
    table = page.locator("#booking-table")
    table.get_by_role("link", name=LAST).focus()
    page.keyboard.press("Enter")
    last = table.locator("#booking-table-last")
    expect(last).to_have_attribute("aria-disabled", "true")
    expect(last).to_be_focused()


# --- 3. live regions announce a summary, not the table -----------------------------------------


def _no_live_table(page: Page, table_id: str) -> None:
    """Neither the table's region nor anything around or in it is a live region."""
    live = page.evaluate(
        f"""(() => {{
            const table = document.getElementById({table_id!r});
            const around = table.closest('[aria-live], [role="status"], [role="log"]');
            const inside = table.querySelectorAll('[aria-live], [role="status"], [role="log"]');
            return around !== null || inside.length > 0;
        }})()"""
    )
    assert live is False


def test_bookings_list_announces_only_its_summary(as_receptionist: Page, app):
    page = as_receptionist
    page.goto(f"{app}/bookings/")
    status = page.locator("#booking-table-status")
    expect(status).to_have_attribute("role", "status")
    scope = r"bookings from today \(.+\) onwards, earliest first"
    expect(status).to_have_text(re.compile(rf"^\d+ {scope} · page 1 of \d+$"))
    total = status.inner_text().split()[0]
    _no_live_table(page, "booking-table")
    _mark(page, "booking-table-status")

    page.locator("#booking-table").get_by_role("link", name=NEXT).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(status).to_have_text(re.compile(rf"^{total} {scope} · page 2 of \d+$"))
    # The same live region, refilled: one of it, never a copy inside the swapped table.
    expect(page.locator("#booking-table-status")).to_have_count(1)
    expect(status).to_have_attribute("data-same-node", "yes")
    _no_live_table(page, "booking-table")


def test_audit_trail_announces_only_its_summary(as_manager: Page, app, receptionist, manager):
    for n in range(3):
        _entry(receptionist, summary=f"desk edit {n}")
    _entry(manager, summary="manager edit")
    page = as_manager
    page.goto(f"{app}/audit/")
    status = page.locator("#audit-table-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text(re.compile(r"^\d+ entries\.$"))
    _no_live_table(page, "audit-table")
    _mark(page, "audit-table-status")

    page.get_by_label("Person").select_option(receptionist.username)
    expect(page).to_have_url(re.compile(rf"person={receptionist.username}"))
    expect(status).to_have_text("3 entries match these filters.")
    expect(page.locator("#audit-table")).not_to_contain_text("manager edit")
    expect(page.locator("#audit-table-status")).to_have_count(1)
    expect(status).to_have_attribute("data-same-node", "yes")
    _no_live_table(page, "audit-table")


# --- 4. audit filter errors belong to their inputs ----------------------------------------------


def test_audit_filter_error_is_tied_to_its_input_on_load(as_manager: Page, app):
    page = as_manager
    page.goto(f"{app}/audit/?customer=abc")
    customer = page.get_by_label("Customer ID")
    expect(customer).to_have_attribute("aria-invalid", "true")
    expect(customer).to_have_accessible_description("Enter a whole number.")
    expect(page.get_by_label("Person")).not_to_have_attribute("aria-invalid", "true")


def test_audit_filter_error_is_tied_to_its_input_after_an_update(as_manager: Page, app):
    page = as_manager
    page.goto(f"{app}/audit/")
    customer = page.get_by_label("Customer ID")
    expect(customer).not_to_have_attribute("aria-invalid", "true")
    expect(customer).to_have_accessible_description("")

    customer.fill("abc")
    customer.press("Enter")
    expect(page.locator("#audit-table")).to_contain_text("Some filters could not be used")
    expect(customer).to_have_attribute("aria-invalid", "true")
    expect(customer).to_have_accessible_description("Enter a whole number.")
    expect(page.locator("#id_customer_error")).to_be_visible()

    customer.fill("41")
    customer.press("Enter")
    expect(page.locator("#audit-table")).not_to_contain_text("Some filters could not be used")
    expect(customer).not_to_have_attribute("aria-invalid", "true")
    expect(customer).to_have_accessible_description("")
    expect(page.locator("#id_customer_error")).to_be_hidden()
