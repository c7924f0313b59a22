"""In a real browser (Chromium): the day calendar by keyboard. A receptionist opens today's
calendar, moves to a booking with the arrow keys, opens its side panel with Enter, checks the
customer in and completes the booking, closes the panel, and moves to tomorrow; the calendar is
saved at 1440 and 820 wide and as it prints (and the Today board of that day too)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import business_today

#: Where the focus is in the grid: the item's booking id (or ""), column, row, and place among
#: its column's items in the grid's order (what the up and down keys follow).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || !el.matches('[data-cal-item]')) return null;
  const column = [...document.querySelectorAll(
    `#calendar-grid .calendar-table [data-cal-item][data-col="${el.dataset.col}"]`)];
  return {id: el.id, col: +el.dataset.col, row: +el.dataset.row, index: column.indexOf(el)};
}"""
#: The place of an item among its column's items, in the grid's order.
INDEX = """(el) => [...document.querySelectorAll(
  `#calendar-grid .calendar-table [data-cal-item][data-col="${el.dataset.col}"]`)].indexOf(el)"""


def _arrow_to(page: Page, target: str) -> None:
    """Move the focus to the element `target` (an id) with the arrow keys alone."""
    goal = page.locator(f"#{target}")
    col = int(goal.get_attribute("data-col"))
    index = goal.evaluate(INDEX)
    for _ in range(200):
        here = page.evaluate(FOCUSED)
        assert here is not None, "the focus left the grid"
        if here["id"] == target:
            return
        if here["col"] != col:
            key = "ArrowRight" if here["col"] < col else "ArrowLeft"
        else:
            key = "ArrowDown" if here["index"] < index else "ArrowUp"
        page.keyboard.press(key)
        after = page.evaluate(FOCUSED)
        assert after != here, f"{key} did not move from {here}"
    raise AssertionError(f"the arrow keys never reached #{target}")


def test_calendar_by_keyboard_check_in_then_tomorrow(
    as_receptionist: Page, app, take_booking, screenshot
):
    page = as_receptionist
    page.set_viewport_size({"width": 1440, "height": 900})
    booking_id = take_booking("approved", "today")
    page.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    block = page.locator(f"#cal-booking-{booking_id}")
    expect(block).to_be_attached()

    # Into the grid with Tab: one item of it is in the tab order, then the arrow keys.
    page.locator("#calendar-scroll").focus()
    page.keyboard.press("Tab")
    _arrow_to(page, f"cal-booking-{booking_id}")
    expect(block).to_be_focused()
    page.keyboard.press("Enter")

    panel = page.locator("#booking-panel")
    expect(panel).to_be_visible()
    expect(page.locator("#booking-panel-heading")).to_be_focused()
    check_in = panel.get_by_role("button", name="Check in", exact=True)
    for _ in range(10):
        if check_in.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(check_in).to_be_focused()
    page.keyboard.press("Enter")

    expect(panel).to_contain_text(re.compile(r"Checked in at \d\d:\d\d by Rita"))
    undo = page.locator(f"#panel-arrival-{booking_id}")
    expect(undo).to_have_text("Undo check-in")
    expect(undo).to_be_focused()
    # The grid refreshed itself (board-changed): the block says so too.
    expect(block).to_contain_text("Checked in")
    screenshot("calendar-panel-1440")
    # A status change from the panel, confirmed in the browser first.
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Complete").click()
    expect(panel.locator(".panel-chips")).to_contain_text("Completed")
    expect(block).to_contain_text("Completed")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(block).to_be_focused()

    tomorrow = date.fromisoformat(business_today()) + timedelta(days=1)
    page.get_by_role("link", name="Next day").click()
    expect(page).to_have_url(re.compile(rf"/calendar/\?date={tomorrow}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(tomorrow.strftime("%B %-d, %Y"))
    expect(page.locator("#calendar-grid .cal-block").first).to_be_visible()
    expect(page).to_have_title(f"Calendar {tomorrow:%a %b} {tomorrow.day} · LatePoint Front Office")
    screenshot("calendar-1440")

    page.set_viewport_size({"width": 820, "height": 1180})
    scroller = page.locator("#calendar-scroll")
    time_cell = page.locator("#calendar-grid .cal-time").first
    before = time_cell.bounding_box()
    scroller.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    # Wider than the tablet: the agents scroll sideways under the time column, which stays.
    assert scroller.evaluate("box => box.scrollLeft") > 0
    assert time_cell.bounding_box()["x"] == before["x"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    scroller.evaluate("box => { box.scrollLeft = 0; }")
    screenshot("calendar-820")

    page.emulate_media(media="print")
    expect(page.locator(".day-sheet").first).to_be_visible()
    expect(scroller).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("main button:visible, main .button:visible")).to_have_count(0)
    screenshot("calendar-print")

    # The Today board of the same day: its header stays in view down the rows, and it prints
    # the same way: a sheet per agent, nothing else.
    page.emulate_media(media="screen")
    page.goto(f"{app}/?date={tomorrow}")
    page.evaluate("window.scrollTo({top: 1500, behavior: 'instant'})")
    header = page.locator("#today-board thead th").first.bounding_box()
    assert header is not None and abs(header["y"]) < 2, header
    page.emulate_media(media="print")
    expect(page.locator(".day-sheet").first).to_be_visible()
    expect(page.locator("#today-board table")).to_be_hidden()
    expect(page.locator("main button:visible, main .button:visible")).to_have_count(0)
    screenshot("today-print")
