"""Small things from issue 28, in a real browser: a booking flow whose console stays clean when a
date change lands while free times are still coming (and which warns before booking the same
person twice at once), the plain form's "Show free times" buttons hidden with JavaScript on, the
"Suggested date" note gone once the date changes, and the tablet: Today's agent and location,
its one-row header, an agent's email that wraps at its "@", a roomy email box on the customer
form and a total's line under every column of the stats table."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.booking_slots import delete_bookings, free_day, working_hours
from tests.conftest import PASSWORD
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import API, SCREENSHOTS, new_customer, wait_until

WIDTHS = ((1440, 900), (820, 1180))


def _console(page: Page) -> list[str]:
    """Every error the page logs or throws from now on."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def _days_both_agents_work(sandbox, count: int) -> list:
    both = set(working_hours(sandbox, 2))
    days = []
    while len(days) < count:
        day = free_day(sandbox, 1)
        if day.isoweekday() in both:
            days.append(day)
    return days


def _wait_for(page: Page, ready, *, timeout: float = 5.0) -> None:
    """Let the page's events (route handlers included) run until `ready()` holds."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(20)


def _shots(page: Page, screenshot, name: str) -> None:
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"{name}-{width}")


def _bookings_of(sandbox, customer_id: int) -> list[dict]:
    with sandbox.db() as conn:
        return [
            dict(row)
            for row in conn.execute(
                "SELECT id, agent_id, start_date, start_time FROM sandbox_booking "
                "WHERE customer_id = ? ORDER BY id",
                (customer_id,),
            )
        ]


def test_a_booking_flow_with_a_date_changed_mid_request_keeps_the_console_clean(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    problems = _console(page)
    customer = new_customer(live_sandbox, first_name="Ivy", last_name="Console")
    first_day, held_day, last_day = _days_both_agents_work(live_sandbox, 3)
    held: list = []
    holding = {"on": False}

    def hold(route, request):
        if holding["on"] and request.headers.get("hx-target") == "free-times":
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/bookings/new/\?"), hold)
    try:
        page.goto(
            app + f"/bookings/new/?customer={customer['id']}&service=1&agent=1&location=1"
            f"&date={first_day}"
        )
        # With JavaScript a change fetches the free times: the plain form's button is hidden.
        expect(page.get_by_role("button", name="Show free times")).to_be_hidden()
        expect(page.locator("#free-times legend")).to_contain_text(f"{first_day.day}")

        holding["on"] = True
        page.get_by_label("Date", exact=True).fill(held_day.isoformat())
        wait_until(page, "document.querySelector('#times-loading.htmx-request') !== null")
        _wait_for(page, lambda: held)
        holding["on"] = False
        # The answer for the first change has not come yet: the date changes again.
        page.get_by_label("Date", exact=True).fill(last_day.isoformat())
        for route in held:
            route.continue_()
        legend = page.locator("#free-times legend")
        expect(legend).to_contain_text(f"{last_day:%A} {last_day.day} {last_day:%B}")
        expect(page).to_have_url(re.compile(rf"date={last_day.isoformat()}"))
        assert_no_axe_violations(page, where="free times after two date changes")

        page.locator("label[for=slot-0930]").click()  # a time both agents work
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Booking")
        [booked] = _bookings_of(live_sandbox, customer["id"])

        # The same caller again, same time, another agent: the page warns before booking.
        page.goto(
            app + f"/bookings/new/?customer={customer['id']}&service=1&agent=2&location=1"
            f"&date={last_day}"
        )
        same_day = page.locator("[data-field=same-day]")
        expect(same_day).to_contain_text("Ivy already has a booking on")
        value = booked["start_time"]
        slot = page.locator(f"#slot-{value.replace(':', '')}")
        expect(page.locator(f"label[for=slot-{value.replace(':', '')}]")).to_have_class(
            re.compile("slot-clash")
        )
        page.locator(f"label[for=slot-{value.replace(':', '')}]").click()
        expect(slot).to_be_checked()
        page.get_by_role("button", name="Book", exact=True).click()
        warning = page.locator("#overlap-warning")
        expect(warning).to_contain_text("Ivy Console is already booked at that time")
        expect(warning).to_be_focused()
        assert len(_bookings_of(live_sandbox, customer["id"])) == 1
        assert_no_axe_violations(page, where="the double-booking warning")
        _shots(page, screenshot, "issue28-double-booking-warning")

        warning.get_by_role("button", name="Book anyway").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Booking")
        expect(page.locator("[data-field=double-booking]")).to_contain_text("Booked twice at once.")
        assert len(_bookings_of(live_sandbox, customer["id"])) == 2
        assert_no_axe_violations(page, where="a booking booked twice at once")
        _shots(page, screenshot, "issue28-booked-twice")

        page.goto(app + f"/?date={last_day}")
        expect(page.locator(".chip-double")).to_have_count(2)
        assert_no_axe_violations(page, where="the board flagging a double booking")
        _shots(page, screenshot, "issue28-board-double")
    finally:
        page.unroute(re.compile(r"/bookings/new/\?"))
        delete_bookings(live_sandbox, [b["id"] for b in _bookings_of(live_sandbox, customer["id"])])
    assert not problems, problems


def _monthly_customer(sandbox) -> int:
    for customer_id in range(1, 80):
        status, body = sandbox.request("GET", f"{API}/customers/{customer_id}?include=stats")
        stats = body["data"].get("stats") or {} if status == 200 else {}
        if stats.get("booking_frequency") == "monthly" and body["data"]["status"] == "active":
            return customer_id
    raise AssertionError("no active customer of the sandbox books monthly")


def test_the_suggested_date_note_goes_once_the_date_changes(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    problems = _console(page)
    customer_id = _monthly_customer(live_sandbox)
    after = timezone.localdate() + timedelta(days=10)
    page.goto(app + f"/bookings/new/?customer={customer_id}&service=1&agent=1&after={after}")
    note = page.locator("[data-field=suggestion]")
    expect(note).to_contain_text("Suggested date")
    expect(page.get_by_role("button", name="Show free times")).to_be_hidden()
    _shots(page, screenshot, "issue28-suggested-date")

    other = free_day(live_sandbox, 1)
    page.get_by_label("Date", exact=True).fill(other.isoformat())

    expect(page.locator("#free-times legend")).to_contain_text(f"{other.day} {other:%B}")
    expect(note).to_have_count(0)
    assert_no_axe_violations(page, where="the new booking after a date change")
    assert not problems, problems


def test_without_javascript_the_show_free_times_button_is_there(
    browser, app, receptionist, live_sandbox
):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 820, "height": 1180}
    )
    page = context.new_page()
    try:
        page.goto(app + "/accounts/login/")
        page.get_by_label("Username").fill(receptionist.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(app + "/bookings/new/?service=1&agent=1")
        expect(page.get_by_role("button", name="Show free times")).to_be_visible()
    finally:
        context.close()


# --- the tablet -------------------------------------------------------------------------------

#: The text of each line an element's text is laid out on, read from the characters' boxes.
LINES_OF = """
(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const lines = [];
  let top = null;
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    for (let i = 0; i < text.length; i++) {
      const range = document.createRange();
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      const box = range.getBoundingClientRect();
      if (!box.height) continue;
      if (top === null || Math.abs(box.top - top) > box.height / 2) {
        lines.push("");
        top = box.top;
      }
      lines[lines.length - 1] += text.data[i];
    }
  }
  return lines;
}
"""


def test_today_on_a_tablet_shows_agent_and_location_under_a_one_row_header(
    as_receptionist: Page, app, screenshot
):
    page = as_receptionist
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(app + "/")
    row = page.locator("#today-board tbody tr.board-row:not([hidden])").first
    expect(row).to_be_visible()
    where = row.locator(".board-where")
    expect(where).to_be_visible()
    expect(where).to_have_text(re.compile(r"\S.* · \S"))  # agent · location
    header = page.locator(".page-head").first
    title = header.locator("h1")
    toolbar = header.locator(".toolbar")
    title_box, toolbar_box = title.bounding_box(), toolbar.bounding_box()
    # One row: the buttons sit beside the title, not under it.
    assert toolbar_box["y"] < title_box["y"] + title_box["height"], (title_box, toolbar_box)
    assert header.bounding_box()["height"] <= 70, header.bounding_box()
    topbar = page.locator("header.topbar").bounding_box()
    assert topbar["height"] <= 64, topbar  # the nav and the signed-in user on one row
    assert_no_axe_violations(page, where="Today at 820")
    page.screenshot(path=str(SCREENSHOTS / "issue28-today-820-top.png"))
    screenshot("issue28-today-820")
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(where).to_be_hidden()  # the columns are there
    screenshot("issue28-today-1440")


def test_the_agents_email_wraps_at_its_at_sign_on_a_tablet(
    as_receptionist: Page, app, take_booking, screenshot
):
    page = as_receptionist
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(app + f"/bookings/{take_booking('approved')}/")
    email = page.locator(".booking-detail dd.email-cell a").last
    expect(email).to_be_visible()
    lines = email.evaluate(LINES_OF)
    assert "".join(lines) == email.inner_text().replace("\n", "")
    for line in lines[1:]:
        assert line[:1] in ("@", "."), lines  # never mid-word
    assert_no_axe_violations(page, where="the booking page at 820")
    screenshot("issue28-booking-820")


def test_the_email_box_on_the_customer_form_is_roomy_on_a_wide_screen(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    page.set_viewport_size({"width": 1440, "height": 900})
    customer = new_customer(live_sandbox, first_name="Wide", last_name="Screen")
    page.goto(app + f"/customers/{customer['id']}/edit/")
    email = page.get_by_label("Email").bounding_box()
    first = page.get_by_label("First name").bounding_box()
    assert email["width"] >= 1.8 * first["width"], (email, first)
    screenshot("issue28-customer-edit-1440")


def test_the_stats_total_line_runs_under_every_column(
    synced_history, as_manager: Page, app, screenshot
):
    page = as_manager
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app + "/stats/")
    cells = page.locator("#status-table tfoot tr > *")
    expect(cells.first).to_be_visible()
    widths = cells.evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).borderTopWidth + ' ' + "
        "getComputedStyle(c).borderTopStyle)"
    )
    assert widths and len(set(widths)) == 1 and widths[0] != "0px none", widths
    page.locator("#status-table").screenshot(path=str(SCREENSHOTS / "issue28-stats-table.png"))
    screenshot("issue28-stats-1440")
    # A manager's navigation (two links more) stays on one row on the tablet too.
    page.set_viewport_size({"width": 820, "height": 1180})
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    screenshot("issue28-stats-820")


# --- a request overtaken while still out logs nothing: the quick search and the stats ---------


def _hold_first(page: Page, pattern: re.Pattern, held: list) -> None:
    """Hold the first htmx request matching `pattern` until the test lets it go."""

    def hold(route, request):
        if request.headers.get("hx-request") and not held:
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, hold)


def test_typing_fast_in_todays_quick_search_keeps_the_console_clean(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    problems = _console(page)
    customer = new_customer(live_sandbox, first_name="Quentin", last_name="Rapidtyper")
    held: list = []
    pattern = re.compile(r"/bookings/search/\?")
    _hold_first(page, pattern, held)
    try:
        page.goto(app + "/")
        page.evaluate(
            "window.searchesAsked = 0;"
            " document.addEventListener('htmx:confirm', () => { window.searchesAsked += 1; })"
        )
        box = page.locator("#quick-search-box")
        box.press_sequentially("Quen")
        _wait_for(page, lambda: held)
        # The first answer has not come yet: the receptionist types on, and the search for
        # what is typed now is asked for while the first is still out.
        box.press_sequentially(" Rap")
        wait_until(page, "window.searchesAsked >= 2")
        held[0].continue_()
        option = page.locator(f"#quick-option-customer-{customer['id']}")
        expect(option).to_contain_text("Quentin Rapidtyper")
        expect(page).to_have_url(re.compile(r"q=Quen\+Rap|q=Quen%20Rap"))
        assert_no_axe_violations(page, where="quick search after typing on mid-request")
        _shots(page, screenshot, "issue28-quick-search-typed-fast")
    finally:
        page.unroute(pattern)
        live_sandbox.request("DELETE", f"{API}/customers/{customer['id']}")
    assert not problems, problems


def test_switching_stats_periods_quickly_keeps_the_console_clean(
    synced_history, as_manager: Page, app, screenshot
):
    page = as_manager
    problems = _console(page)
    held: list = []
    pattern = re.compile(r"/stats/\?")
    _hold_first(page, pattern, held)
    try:
        page.goto(app + "/stats/")
        period = page.get_by_label("Period")
        period.select_option("week")
        _wait_for(page, lambda: held)
        # "This week" is still coming: the manager switches again, twice.
        period.select_option("month")
        period.select_option("90d")
        held[0].continue_()
        expect(page).to_have_url(re.compile(r"period=90d"))
        expect(page.get_by_label("Period")).to_have_value("90d")
        expect(page.locator("#stats-loading")).not_to_have_class(re.compile("htmx-request"))
        expect(page.get_by_label("Period")).to_have_value("90d")
        assert_no_axe_violations(page, where="stats after switching periods quickly")
        _shots(page, screenshot, "issue28-stats-periods-switched")
    finally:
        page.unroute(pattern)
    assert not problems, problems
