"""In a real browser (Chromium): the calendar as a scheduling tool (issue 26). A receptionist
finds the next free days for a caller whose date has none, and reads an agent's week and every
agent's week; each state is checked with axe-core and saved at 1440 and 820 wide."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from bookings.services.week import week_start
from tests.booking_slots import delete_bookings, free_day, new_booking
from tests.e2e.axe import assert_no_axe_violations

WIDTHS = (1440, 820)


#: Elements wider than the window (the page itself must never scroll sideways).
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
    && !el.closest('.week-columns > *, .week-scroll > *'))
  .map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))
  .slice(0, 8)"""


def _shots(page: Page, screenshot, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(TOO_WIDE) == [], f"{name} at {width}"
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, f"{name} at {width}: the page is {wide} px wide"
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_next_free_days_from_a_day_off(as_receptionist: Page, app, live_sandbox, screenshot):
    page = as_receptionist
    page.set_viewport_size({"width": 1440, "height": 900})
    saturday = free_day(live_sandbox, None, week_day=6)
    monday = saturday + timedelta(days=2)

    page.goto(f"{app}/bookings/new/?service=1&agent=1&date={saturday}")
    expect(page.get_by_text(re.compile(r"No free time on Saturday"))).to_be_visible()
    page.get_by_role("link", name="Find the next free days").click()

    days = page.locator("a.next-free-day")
    expect(days).to_have_count(3)
    expect(days.first).to_contain_text(f"{monday:%a} {monday.day} {monday:%b}")
    expect(days.first).to_contain_text("from 08:00")
    expect(page.get_by_role("heading", name=re.compile("Next free days with"))).to_be_visible()
    assert_no_axe_violations(page, where="next free days")
    _shots(page, screenshot, "next-free-days")

    days.first.click()
    expect(page.locator("#id_date")).to_have_value(monday.isoformat())
    expect(page.locator("label.slot").first).to_have_text("08:00")
    assert_no_axe_violations(page, where="new booking on the first free day")


def test_an_agents_week_and_every_agents_week(as_receptionist: Page, app, live_sandbox, screenshot):
    page = as_receptionist
    page.set_viewport_size({"width": 1440, "height": 900})
    wednesday = free_day(live_sandbox, 1, week_day=3)
    made = [new_booking(live_sandbox, wednesday, "10:00", tag="week-e2e")]
    monday = week_start(wednesday)
    try:
        page.goto(f"{app}/calendar/?view=week&agent=1&date={wednesday}")
        columns = page.locator("section.week-day")
        expect(columns).to_have_count(7)
        wed = page.locator(f"section.week-day:has(#week-day-{wednesday})")
        expect(wed.locator(".week-booking")).to_contain_text("Bea Booker")
        expect(wed.locator(".week-free").first).to_contain_text("Free 08:00")
        # Seven columns side by side at a desk monitor: no sideways scrolling.
        assert page.evaluate(
            "() => document.querySelector('.week-columns').scrollWidth"
            " <= document.querySelector('.week-columns').clientWidth + 1"
        )
        assert_no_axe_violations(page, where="an agent's week")
        _shots(page, screenshot, "week-one-agent")

        page.get_by_role("link", name=re.compile("Next week")).click()
        expect(page).to_have_url(re.compile(rf"date={monday + timedelta(days=7)}"))
        expect(page.locator(f"#week-day-{monday + timedelta(days=7)}")).to_be_visible()

        page.goto(f"{app}/calendar/?view=week")
        rows = page.locator("table.week-table tbody tr")
        expect(rows).to_have_count(6)
        assert_no_axe_violations(page, where="every agent's week")
        _shots(page, screenshot, "week-every-agent")
        page.locator("table.week-table tbody tr").first.locator("td a").first.click()
        expect(page).to_have_url(re.compile(r"/calendar/\?date=[\d-]+&agent=\d+"))
    finally:
        delete_bookings(live_sandbox, made)
