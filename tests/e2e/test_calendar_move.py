"""In a real browser (Chromium): moving a booking on the day calendar (issue 26). A receptionist
drags a booking to another agent's free time and undoes it, moves one with the keyboard, and
is told plainly when the time was taken meanwhile; each new state is checked with axe-core and
saved at 1440 and 820 wide. Every test books its own day (`free_day`) and customers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.booking_slots import delete_bookings, free_day, new_booking, working_hours
from tests.conftest import API_PREFIX
from tests.e2e.axe import assert_no_axe_violations

WIDTHS = (1440, 820)


def _shots(page: Page, screenshot, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, f"{name} at {width}: the page is {wide} px wide"
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def _row(sandbox, booking_id: int) -> tuple[str, int]:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT start_time, agent_id FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()
    return row["start_time"], row["agent_id"]


def _free(sandbox, day, agent_id: int) -> list[str]:
    status, body = sandbox.request(
        "GET", f"{API_PREFIX}/availability?service_id=1&agent_id={agent_id}&date={day}"
    )
    assert status == 200, body
    return [slot["start_time"] for slot in body["data"]["available_slots"]]


def _name(sandbox, agent_id: int) -> str:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT display_name FROM sandbox_agent WHERE id = ?", (agent_id,)
        ).fetchone()["display_name"]


@pytest.fixture
def day_of_two(live_sandbox):
    """A day of this test's own on which agents 1 and 2 both work, and what it books."""
    both = set(working_hours(live_sandbox, 1)) & set(working_hours(live_sandbox, 2))
    day = free_day(live_sandbox, 1, week_day=min(both))
    made: list[int] = []
    yield day, made
    delete_bookings(live_sandbox, made)


def _open(page: Page, app: str, day) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app}/calendar/?date={day}&every=1")
    expect(page.locator("#calendar-grid .cal-block").first).to_be_visible()


def _rows(start: str, end: str) -> int:
    """Rows of 15 minutes from one time to another."""
    minutes = [int(t[:2]) * 60 + int(t[3:]) for t in (start, end)]
    assert (minutes[1] - minutes[0]) % 15 == 0
    return (minutes[1] - minutes[0]) // 15


def _gap(page: Page, agent_id: int, time: str):
    return page.locator(
        f'#calendar-grid a.cal-gap-link[data-agent="{agent_id}"][data-time="{time}"]'
    )


def test_drag_a_booking_to_another_agent_then_undo(
    as_receptionist: Page, app, live_sandbox, day_of_two, screenshot
):
    page = as_receptionist
    day, made = day_of_two
    booking_id = new_booking(live_sandbox, day, "09:00", tag="drag-move")
    made.append(booking_id)
    to = next(t for t in _free(live_sandbox, day, 2) if t >= "11:00")
    ana, ben = _name(live_sandbox, 1), _name(live_sandbox, 2)
    _open(page, app, day)
    block = page.locator(f"#cal-booking-{booking_id}")

    block.drag_to(
        _gap(page, 2, to), source_position={"x": 12, "y": 6}, target_position={"x": 12, "y": 6}
    )

    box = page.locator("#calendar-move")
    expect(box.get_by_role("heading", name="Move Bea Booker?")).to_be_visible()
    expect(box).to_contain_text(f"From 09:00 with {ana}")
    expect(box).to_contain_text(f"To {to} with {ben}")
    expect(box.get_by_label("Tell the customer about the new time")).not_to_be_checked()
    confirm = box.get_by_role("button", name="Confirm the move")
    expect(confirm).to_be_focused()
    assert_no_axe_violations(page, where="the move's confirmation")
    _shots(page, screenshot, "calendar-move-confirm")

    confirm.click()
    said = f"Moved Bea Booker from 09:00 with {ana} to {to} with {ben}."
    expect(box).to_contain_text(said)
    expect(block).to_have_attribute("data-agent", "2")
    expect(block).to_have_attribute("data-time", to)
    expect(block).to_be_focused()
    expect(page.locator("#calendar-move-live")).to_contain_text(said)
    assert _row(live_sandbox, booking_id) == (to, 2)
    assert_no_axe_violations(page, where="the move's result with Undo")
    _shots(page, screenshot, "calendar-move-done")

    box.get_by_role("button", name=re.compile("^Undo")).click()
    expect(box).to_contain_text(f"Move undone: Bea Booker is back at 09:00 with {ana}.")
    expect(block).to_have_attribute("data-agent", "1")
    expect(block).to_have_attribute("data-time", "09:00")
    expect(block).to_be_focused()
    assert _row(live_sandbox, booking_id) == ("09:00", 1)
    assert_no_axe_violations(page, where="the move undone")


def test_move_a_booking_with_the_keyboard(
    as_receptionist: Page, app, live_sandbox, day_of_two, screenshot
):
    page = as_receptionist
    day, made = day_of_two
    booking_id = new_booking(live_sandbox, day, "09:00", tag="key-move")
    busy = next(t for t in _free(live_sandbox, day, 1) if t >= "10:30")
    made += [booking_id, new_booking(live_sandbox, day, busy, tag="key-move")]
    to = next(t for t in _free(live_sandbox, day, 1) if t >= "13:00")
    ana = _name(live_sandbox, 1)
    _open(page, app, day)
    block = page.locator(f"#cal-booking-{booking_id}")
    block.focus()
    live = page.locator("#calendar-move-live")
    target = page.locator("#calendar-scroll .cal-move-target")

    page.keyboard.press("m")
    expect(live).to_contain_text("Picked up")
    expect(target).to_have_class(re.compile("is-here"))
    for _ in range(_rows("09:00", busy)):  # onto the other booking's time
        page.keyboard.press("ArrowDown")
    expect(target).to_have_class(re.compile("is-blocked"))
    expect(target).to_contain_text(f"{busy} with {ana}: not free")
    expect(live).to_contain_text(f"{busy} with {ana}, not free.")
    assert_no_axe_violations(page, where="a keyboard target that is not free")
    _shots(page, screenshot, "calendar-move-keys-blocked")
    page.keyboard.press("Enter")
    expect(live).to_contain_text("is not a free time: choose another.")
    expect(page.locator("#calendar-move")).to_be_empty()

    page.keyboard.press("Escape")  # put back: nothing moved
    expect(target).to_have_count(0)
    expect(block).to_be_focused()
    page.keyboard.press("m")
    for _ in range(_rows("09:00", to)):
        page.keyboard.press("ArrowDown")
    expect(target).to_have_class(re.compile("is-allowed"))
    expect(live).to_contain_text(f"{to} with {ana}, free.")
    assert_no_axe_violations(page, where="a keyboard target")
    _shots(page, screenshot, "calendar-move-keys-target")

    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Confirm the move")
    expect(confirm).to_be_focused()
    page.keyboard.press("Escape")  # Cancel: nothing moved, back on the booking
    expect(page.locator("#calendar-move")).to_be_empty()
    expect(block).to_be_focused()
    page.keyboard.press("m")
    for _ in range(_rows("09:00", to)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(confirm).to_be_focused()
    expect(page.locator("#calendar-move")).to_contain_text(f"To {to} with {ana}")
    page.keyboard.press("Space")  # the keyboard's own press of the focused button
    expect(page.locator("#calendar-move")).to_contain_text(
        f"Moved Bea Booker from 09:00 with {ana} to {to} with {ana}."
    )
    expect(block).to_have_attribute("data-time", to)
    expect(block).to_be_focused()
    assert _row(live_sandbox, booking_id) == (to, 1)


def test_a_time_taken_meanwhile_keeps_the_booking_where_it_was(
    as_receptionist: Page, app, live_sandbox, day_of_two, screenshot
):
    page = as_receptionist
    day, made = day_of_two
    booking_id = new_booking(live_sandbox, day, "09:00", tag="taken-move")
    made.append(booking_id)
    to = next(t for t in _free(live_sandbox, day, 1) if t >= "11:00")
    ana = _name(live_sandbox, 1)
    _open(page, app, day)
    block = page.locator(f"#cal-booking-{booking_id}")
    block.drag_to(
        _gap(page, 1, to), source_position={"x": 12, "y": 6}, target_position={"x": 12, "y": 6}
    )
    box = page.locator("#calendar-move")
    expect(box.get_by_role("button", name="Confirm the move")).to_be_visible()

    made.append(new_booking(live_sandbox, day, to, tag="taken-move"))  # the website books it
    box.get_by_role("button", name="Confirm the move").click()

    expect(box.get_by_role("heading", name="Not moved")).to_be_visible()
    expect(box).to_contain_text(
        f"{to} with {ana} was taken meanwhile: someone else booked it. Bea Booker is still at "
        f"09:00 with {ana}; nothing was moved."
    )
    expect(block).to_have_attribute("data-time", "09:00")
    expect(block).to_be_focused()
    assert _row(live_sandbox, booking_id) == ("09:00", 1)
    # The grid now shows the time as taken.
    expect(_gap(page, 1, to)).to_have_count(0)
    assert_no_axe_violations(page, where="a move refused: taken meanwhile")
    _shots(page, screenshot, "calendar-move-taken")

    box.get_by_role("link", name="OK").click()
    expect(box).to_be_empty()
    expect(block).to_be_focused()


def test_a_time_latepoint_does_not_offer_is_not_allowed(
    as_receptionist: Page, app, live_sandbox, day_of_two, screenshot
):
    """The grid shows business hours; an agent's own hours are LatePoint's: a time outside
    them looks free on the grid, and the confirmation says it is not allowed, and why."""
    page = as_receptionist
    day, made = day_of_two
    hours = working_hours(live_sandbox, 1)[day.isoweekday()]
    booking_id = new_booking(live_sandbox, day, hours[0][0], tag="not-offered")
    made.append(booking_id)
    ana = _name(live_sandbox, 1)
    last_end = hours[-1][1]
    assert last_end <= "19:00", "agent 1 works until the grid's end of day"
    _open(page, app, day)
    block = page.locator(f"#cal-booking-{booking_id}")
    block.focus()
    page.keyboard.press("m")
    for _ in range(_rows(hours[0][0], last_end)):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#calendar-scroll .cal-move-target")).to_have_class(
        re.compile("is-allowed")
    )
    page.keyboard.press("Enter")

    box = page.locator("#calendar-move")
    expect(box.get_by_role("heading", name="Not allowed: Bea Booker")).to_be_focused()
    expect(box).to_contain_text(
        f"{last_end} with {ana} is not a free time for General Consultation: LatePoint does not "
        "offer it"
    )
    expect(box.get_by_role("button", name="Confirm the move")).to_have_count(0)
    expect(page.locator("#calendar-scroll .cal-move-target")).to_have_class(
        re.compile("is-blocked")
    )
    assert_no_axe_violations(page, where="a target LatePoint does not offer")
    _shots(page, screenshot, "calendar-move-not-offered")

    # Still picked up: a time that ends with the agent's day is offered.
    for _ in range(int(block.get_attribute("data-span"))):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(box.get_by_role("button", name="Confirm the move")).to_be_focused()

    page.keyboard.press("Escape")
    expect(box).to_be_empty()
    expect(block).to_be_focused()
    expect(page.locator("#calendar-scroll .cal-move-target")).to_have_count(0)
    assert _row(live_sandbox, booking_id) == (hours[0][0], 1)
