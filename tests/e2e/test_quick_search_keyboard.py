"""The Today search box with the keyboard only: ↑/↓ choose a result, Enter opens it, Back brings
the search back; and a customer checked in from their result without leaving the search."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from bookings.models import CheckIn

WIDTHS = (1440, 820)


def _both_widths(page: Page, screenshot, name: str) -> None:
    """Full-page screenshots at a desktop's and a portrait tablet's width, then back."""
    before = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size(before)


def _active(page: Page) -> str:
    return page.locator("#quick-search-box").get_attribute("aria-activedescendant") or ""


def test_arrow_keys_choose_a_result_and_enter_opens_it(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    page.goto(app + "/")
    page.keyboard.press("/")
    box = page.get_by_role("combobox", name="Find a customer or a booking")
    expect(box).to_be_focused()

    page.keyboard.type("m")
    expect(page.locator("#search-results")).to_have_text(re.compile(r"Type at least 2 characters"))
    page.keyboard.type("a")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.nth(7)).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page).to_have_url(app + "/?q=ma")  # the query is in the address
    expect(page.locator("#search-status")).to_contain_text("Use the up and down arrow keys")

    page.keyboard.press("ArrowDown")
    first = options.nth(0)
    expect(first).to_have_attribute("aria-selected", "true")
    assert _active(page) == first.get_attribute("id")
    # The choice wears the focus ring while the focus stays in the box.
    outline = first.evaluate("(el) => getComputedStyle(el).outlineStyle")
    assert outline == "solid", outline
    expect(box).to_be_focused()

    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(first).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowUp")
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")  # from the first, round to the last: "All customers matching"
    expect(options.last).to_have_attribute("aria-selected", "true")
    expect(options.last).to_have_text("All customers matching “ma”")

    # Round to the first again, then down to the third customer (past any Check in button,
    # which Enter would press).
    page.keyboard.press("ArrowDown")
    customers = 0
    while customers < 2:
        page.keyboard.press("ArrowDown")
        if _active(page).startswith("quick-option-customer-"):
            customers += 1
    chosen = page.locator(f"#{_active(page)}")
    name = chosen.locator("strong").inner_text()
    href = chosen.get_attribute("href")
    _both_widths(page, screenshot, "quick-search-keyboard")

    page.keyboard.press("Enter")
    expect(page).to_have_url(app + href)
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    page.go_back()
    expect(page).to_have_url(app + "/?q=ma")
    expect(box).to_have_value("ma")
    expect(page.locator(f"#{chosen.get_attribute('id')}")).to_be_visible()


def test_check_in_from_a_search_result_with_the_keyboard(
    as_receptionist: Page, app, live_sandbox, take_booking, screenshot
):
    page = as_receptionist
    booking_id = take_booking("approved", "today")
    with live_sandbox.db() as conn:
        owner = conn.execute(
            "SELECT c.id, c.first_name, c.last_name, c.email FROM sandbox_booking b"
            " JOIN sandbox_customer c ON c.id = b.customer_id WHERE b.id = ?",
            (booking_id,),
        ).fetchone()
    name = f"{owner['first_name']} {owner['last_name']}"
    page.goto(app + "/")
    row = page.locator(f"#today-row-{booking_id}")
    expect(row.get_by_role("button", name=re.compile("Check in"))).to_be_visible()

    page.keyboard.press("/")
    page.keyboard.type(owner["email"], delay=20)
    slot = page.locator(f"#arrival-action-{booking_id}")
    button = slot.get_by_role("option", name=re.compile(rf"Check in {re.escape(name)} for"))
    expect(button).to_be_visible()

    page.keyboard.press("ArrowDown")
    assert _active(page) == f"quick-option-customer-{owner['id']}"
    while _active(page) != f"quick-option-arrival-{booking_id}":
        page.keyboard.press("ArrowDown")
    expect(button).to_have_attribute("aria-selected", "true")
    _both_widths(page, screenshot, "quick-search-check-in-chosen")

    page.keyboard.press("Enter")

    checked = slot.get_by_role("option", name=re.compile("Checked in at"))
    expect(checked).to_be_visible()
    expect(checked).to_have_attribute("aria-selected", "true")  # the choice stays put
    expect(page.locator("#quick-search-box")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/\?q="))  # still on the search
    expect(page.locator("#messages")).to_contain_text(f"{name} checked in at")
    # The board below refreshes: that booking's row shows the arrival too.
    expect(row).to_contain_text("Checked in")
    assert CheckIn.objects.filter(booking_id=booking_id, undone_at__isnull=True).exists()
    _both_widths(page, screenshot, "quick-search-checked-in")
