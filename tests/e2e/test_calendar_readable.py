"""In a real browser (Chromium): the day calendar read at a glance. Today with every agent (the
sandbox's six) fits 1440 px with no sideways scroll, no block's text runs into another's, a
short block opens on hover to show the rest; the side panel sits beside the block it shows at
1440 and is a drawer that keeps it in view at 820; Escape closes it and the focus goes back.
Each state is checked with axe-core and saved at 1440 and 820 wide."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_no_axe_violations

#: Every block's box, and the boxes of its lines that show (those of a short block's hidden
#: part, clipped to a pixel, do not).
LAYOUT = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, right: r.right, bottom: r.bottom, w: r.width, h: r.height}; };
  const shows = (el) => { const more = el.closest('.cal-block-more');
    return !more || more.getBoundingClientRect().width > 2; };
  return [...document.querySelectorAll('#calendar-grid .cal-block')].map((block) => ({
    id: block.id,
    short: block.matches('.is-one, .is-short'),
    box: box(block),
    lines: [...block.querySelectorAll('.cal-block-name, .cal-block-chips, .cal-block-line')]
      .filter(shows).map((line) => ({text: line.textContent.trim(), box: box(line)})),
  }));
}"""
#: Whether an element's text shows: not clipped away inside a short block's hidden part.
SHOWS = "el => el.closest('.cal-block-more').getBoundingClientRect().width > 2"


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["right"] - 0.5
        and b["x"] < a["right"] - 0.5
        and (a["y"] < b["bottom"] - 0.5 and b["y"] < a["bottom"] - 0.5)
    )


def _open_today(page: Page, app: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app}/calendar/?every=1")
    expect(page.locator("#calendar-grid .cal-block").first).to_be_attached()


def test_six_agents_fit_1440_and_no_text_overlaps(as_receptionist: Page, app, screenshot):
    page = as_receptionist
    _open_today(page, app, 1440, 900)

    headers = page.locator("#calendar-grid .cal-agent")
    expect(headers).to_have_count(6)
    scroller = page.locator("#calendar-scroll")
    assert scroller.evaluate("box => box.scrollWidth <= box.clientWidth"), "sideways scroll"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for header in headers.all():
        # The full name (or the short one, when narrow) is shown whole, never cut.
        name = header.locator(".cal-agent-name, .cal-agent-short").filter(visible=True).first
        expect(name).to_be_visible()
        assert name.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), name.inner_text()

    blocks = page.evaluate(LAYOUT)
    assert len(blocks) >= 10
    short = [b for b in blocks if b["short"]]
    assert short, "today has bookings of 30 minutes or less"
    for block in blocks:
        lines = block["lines"]
        assert lines and lines[0]["text"], block
        name = lines[0]["box"]
        # The name's line is whole inside its block: nothing cut above or below it.
        assert name["y"] >= block["box"]["y"] - 0.5, block
        assert name["bottom"] <= block["box"]["bottom"] + 0.5, block
        for i, line in enumerate(lines):
            for other in lines[i + 1 :]:
                assert not _overlap(line["box"], other["box"]), (block["id"], line, other)
    for block in short:
        # A short block shows its name alone; its service and status are kept for later.
        assert len(block["lines"]) == 1, block
    for i, block in enumerate(blocks):
        for other in blocks[i + 1 :]:
            assert not _overlap(block["box"], other["box"]), (block["id"], other["id"])
    assert_no_axe_violations(page, where="calendar, six agents at 1440")
    screenshot("calendar-readable-1440")

    # A short block opens on hover to show the rest: time, service, status.
    first_short = page.locator(f"#{short[0]['id']}")
    more = first_short.locator(".cal-block-service")
    assert not more.evaluate(SHOWS)
    first_short.hover()
    expect(more).to_be_visible()
    assert more.evaluate(SHOWS)
    expect(first_short.locator(".cal-block-chips .chip").first).to_be_visible()
    screenshot("calendar-short-block-hover-1440")


def _check_panel_keeps_block(page: Page, block_id: str, *, where: str) -> None:
    block = page.locator(f"#{block_id}")
    block.click()
    panel = page.locator("#booking-panel")
    expect(panel).to_be_visible()
    expect(page.locator("#booking-panel-heading")).to_be_focused()
    expect(block).to_have_class(re.compile(r"\bis-open\b"))
    shown, covering = block.bounding_box(), panel.bounding_box()
    assert shown is not None and covering is not None
    assert not _overlap(
        {
            "x": shown["x"],
            "y": shown["y"],
            "right": shown["x"] + shown["width"],
            "bottom": shown["y"] + shown["height"],
        },
        {
            "x": covering["x"],
            "y": covering["y"],
            "right": covering["x"] + covering["width"],
            "bottom": covering["y"] + covering["height"],
        },
    ), (where, shown, covering)
    viewport = page.viewport_size
    # The block is on screen, whole or at least its top (with the customer's name).
    is_drawer = covering["width"] >= viewport["width"] - 1
    bottom = covering["y"] if is_drawer else viewport["height"]
    assert shown["y"] >= 0 and shown["y"] + 20 <= bottom, (where, shown, covering)
    assert shown["x"] >= 0 and shown["x"] + 20 <= viewport["width"], where
    name = block.locator(".cal-block-name")
    expect(name).to_be_in_viewport()
    assert_no_axe_violations(page, where=where)


def test_the_panel_never_hides_its_block(as_receptionist: Page, app, take_booking, screenshot):
    page = as_receptionist
    booking_id = take_booking("approved", "today")
    _open_today(page, app, 1440, 900)

    # At a desk the grid makes room: the panel sits beside it.
    grid_before = page.locator("#calendar-scroll").bounding_box()
    _check_panel_keeps_block(page, f"cal-booking-{booking_id}", where="panel at 1440")
    grid_after = page.locator("#calendar-scroll").bounding_box()
    assert grid_after["width"] < grid_before["width"] - 300
    screenshot("calendar-panel-beside-1440")
    page.keyboard.press("Escape")
    expect(page.locator("#booking-panel")).to_be_hidden()
    expect(page.locator(f"#cal-booking-{booking_id}")).to_be_focused()
    assert page.locator("#calendar-scroll").bounding_box()["width"] == grid_before["width"]

    # On a tablet the panel is a drawer from the bottom; the block is scrolled into view above
    # it, even the last agent's latest booking, off to the right and below at first.
    _open_today(page, app, 820, 1180)
    last = page.evaluate(
        """() => { const all = [...document.querySelectorAll('#calendar-grid .cal-block')];
          const col = Math.max(...all.map((b) => +b.dataset.col));
          const mine = all.filter((b) => +b.dataset.col === col);
          return mine[mine.length - 1].id; }"""
    )
    _check_panel_keeps_block(page, last, where="drawer at 820")
    drawer = page.locator("#booking-panel").bounding_box()
    assert drawer["width"] >= 800 and drawer["y"] + drawer["height"] >= 1179, drawer
    screenshot("calendar-drawer-820")
    page.keyboard.press("Escape")
    expect(page.locator("#booking-panel")).to_be_hidden()
    expect(page.locator(f"#{last}")).to_be_focused()
    screenshot("calendar-readable-820")


def test_the_week_shows_working_hours_and_days_off(
    as_receptionist: Page, app, live_sandbox, settings, screenshot
):
    """The sandbox's agents' schedules as FRONTOFFICE_AGENT_HOURS: agent 1 works Monday to
    Friday, so their Saturday is a day off, never free."""
    from frontoffice.working_hours import parse_agent_hours
    from tests.bookings.test_week_hours import _sandbox_hours

    page = as_receptionist
    settings.FRONTOFFICE_AGENT_HOURS = parse_agent_hours(
        _sandbox_hours(live_sandbox, 1, 2, 3, 4, 5, 6)
    )
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app}/calendar/?view=week")
    row = page.locator("tr", has=page.locator("th.week-agent a[href*='agent=1&']"))
    saturday = row.locator("td.week-cell").nth(5)
    expect(saturday).to_have_class(re.compile(r"\bis-off\b"))
    expect(saturday).to_contain_text("Day off")
    expect(row.locator("td.week-cell").nth(0)).to_contain_text("Works 08:00\u201317:00")
    assert_no_axe_violations(page, where="every agent's week with hours")
    screenshot("calendar-week-hours-1440")

    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{app}/calendar/?view=week&agent=1")
    days = page.locator(".week-day")
    expect(days).to_have_count(7)
    expect(days.nth(5).locator(".week-hours")).to_contain_text("Day off")
    expect(days.nth(5).locator(".week-free")).to_have_count(0)
    expect(days.nth(6).locator(".week-hours")).to_contain_text("Day off")
    expect(days.nth(0).locator(".week-hours")).to_have_text(
        "Works 08:00\u201312:00, 13:00\u201317:00"
    )
    assert_no_axe_violations(page, where="an agent's week with hours")
    screenshot("calendar-week-hours-agent-820")

    # The day: free times keep to each agent's hours; an agent's day off offers none.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app}/calendar/?every=1")
    headers = page.locator("#calendar-grid .cal-agent")
    expect(headers).to_have_count(6)
    off = [i for i, text in enumerate(headers.all_inner_texts()) if "day off" in text]
    weekday = page.evaluate(
        "new Date(document.getElementById('calendar-grid').dataset.day).getUTCDay()"
    )
    # Sunday (0): every agent is off; Saturday (6): agents 1, 3 and 6.
    assert len(off) == {0: 6, 6: 3}.get(weekday, len(off)), (weekday, off)
    for column in off:
        expect(page.locator(f'#calendar-grid .cal-gap-link[data-col="{column}"]')).to_have_count(0)
    assert_no_axe_violations(page, where="the day with working hours")
    screenshot("calendar-day-hours-1440")
