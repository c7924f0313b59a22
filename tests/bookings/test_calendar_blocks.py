"""The day calendar's blocks as written (bookings/templatetags/calendar_html.py), from bookings
laid out by the calendar's own services: a short block shows the name and a status icon alone,
the rest is kept for a screen reader and for hover and focus; a block alone at its time spans
the free lanes beside it; narrow columns have short names."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.services.calendar import calendar_grid
from bookings.services.calendar_types import CalendarSource, Column
from bookings.templatetags.board_html import _Words
from bookings.templatetags.calendar_html import block_html, calendar_cols
from latepoint.models import Agent, Booking, BookingCustomer, BookingStatus, Service

pytestmark = pytest.mark.django_db

DAY = date(2031, 3, 12)
AGENT = Agent(id=7, display_name="Dr. Sarah Johnson", status="active")
MASSAGE = Service(id=3, name="Deep Tissue Massage", duration=30)


def _booking(pk: int, start: str, minutes: int, name: str, status=BookingStatus.APPROVED):
    zone = ZoneInfo(timezone.get_current_timezone_name())
    begins = datetime.combine(DAY, datetime.strptime(start, "%H:%M").time(), tzinfo=zone)
    first, last = name.split(" ", 1)
    return Booking(
        id=pk,
        status=status,
        start=begins,
        end=begins + timedelta(minutes=minutes),
        duration=minutes,
        service=MASSAGE,
        agent=AGENT,
        customer=BookingCustomer(id=pk + 1000, first_name=first, last_name=last, full_name=name),
    )


def _grid(*bookings: Booking, now: datetime | None = None):
    source = CalendarSource(
        day=DAY, bookings=list(bookings), agents=[AGENT], locations=[], every_location=True
    )
    return calendar_grid(source=source, now=now or timezone.now())


def _parts(html: str) -> tuple[str, str]:
    """(the block's first line, what is kept for hover, focus and screen readers)."""
    name = re.search(r'<span class="cal-block-line cal-block-name">(.*?)</span>(?=<span)', html)
    more = re.search(r'<span class="cal-block-more">(.*)</span></a>$', html)
    assert name and more, html
    return name.group(1), more.group(1)


def test_a_30_minute_block_shows_the_name_and_a_status_icon_alone():
    grid = _grid(_booking(501, "10:00", 30, "Ada <b>Lovelace</b>", BookingStatus.PENDING))
    (block,) = grid.blocks

    html = block_html(block, _Words(), day=DAY.isoformat(), focus_id=None)

    assert 'class="cal-block cal-pending is-short"' in html
    line, more = _parts(html)
    assert line == (
        '<span class="cal-icon cal-icon-pending" aria-hidden="true">◌</span>'
        "Ada &lt;b&gt;Lovelace&lt;/b&gt;"
    )
    assert "Deep Tissue Massage" not in line and "Pending" not in line
    # The rest is in the block for a screen reader, and shown on hover and focus.
    assert '<span class="cal-block-line cal-block-time">10:00\u201310:30</span>' in more
    assert '<span class="chip chip-pending">Pending</span>' in more
    assert '<span class="cal-block-line cal-block-service">Deep Tissue Massage</span>' in more


def test_each_status_has_its_own_icon_and_lateness_its_own():
    late = _booking(511, "09:00", 15, "Late Larry")
    done = _booking(512, "11:00", 15, "Done Dora", BookingStatus.COMPLETED)
    missed = _booking(513, "12:00", 15, "Missed Max", BookingStatus.NO_SHOW)
    now = late.start + timedelta(minutes=14)
    grid = _grid(late, done, missed, now=now)

    icons = {}
    for block in grid.blocks:
        html = block_html(block, _Words(), day=DAY.isoformat(), focus_id=None)
        icons[block.id] = re.search(
            r'class="cal-icon cal-icon-([\w-]+)" aria-hidden="true">(.)<', html
        )
        if block.id == 511:
            assert "is-late is-one" in html
            assert '<span class="chip chip-late">Late by 14 min</span>' in _parts(html)[1]
    assert {pk: m.groups() for pk, m in icons.items()} == {
        511: ("late", "!"),
        512: ("completed", "✔"),
        513: ("no_show", "✕"),
    }


def test_a_longer_block_shows_its_lines_and_a_lone_block_spans_the_free_lanes():
    grid = _grid(
        _booking(521, "09:00", 60, "Overlap One"),
        _booking(522, "09:30", 60, "Overlap Two"),
        _booking(523, "14:00", 60, "Alone Anna"),
    )
    assert grid.columns[0].lanes == 2
    alone = next(b for b in grid.blocks if b.id == 523)
    assert alone.width == 2 and {b.width for b in grid.blocks if b.id != 523} == {1}

    html = block_html(alone, _Words(), day=DAY.isoformat(), focus_id=None)
    assert "is-short" not in html and "is-one" not in html
    line, more = _parts(html)
    assert line.endswith("Alone Anna") and "14:00" not in line
    assert "14:00\u201315:00" in more and "Deep Tissue Massage" in more

    from django.template import Context, Template

    rows = Template("{% load calendar_html %}{% calendar_rows cal %}").render(
        Context({"cal": grid, "new_booking_url": "/bookings/new/"})
    )
    assert re.search(
        r'<td class="cal-slot cal-slot-block is-col-end" rowspan="4" colspan="2">'
        r'<a id="cal-booking-523"',
        rows,
    )
    cols = re.findall(r'<col width="([\d.]+)%">', calendar_cols(grid))
    assert len(cols) == 2 and abs(sum(map(float, cols)) - 92) < 0.01


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Dr. Sarah Johnson", "Sarah J."),
        ("Miguel Ángel Torres", "Miguel T."),
        ("Liam O'Connor", "Liam O."),
        ("Priya", "Priya"),
    ],
)
def test_a_narrow_column_has_a_short_name(name, short):
    assert Column(agent_id=1, name=name, lanes=1, count=0).short_name == short


def test_the_day_keeps_free_times_to_the_agents_hours_and_says_a_day_off(settings):
    from frontoffice.working_hours import parse_agent_hours

    settings.FRONTOFFICE_AGENT_HOURS = parse_agent_hours("7: Wed 09:00-12:00 13:00-17:00")
    working = _grid(_booking(531, "10:00", 30, "Wendy Wed"), now=datetime(2031, 3, 1, tzinfo=UTC))
    free = {row.label: cell for row in working.rows for cell in row.cells if not cell.block}

    assert not free["08:00"].free and free["08:00"].off_hours
    assert free["09:00"].free_until == "10:00" and free["10:30"].free_until == "12:00"
    assert not free["12:00"].free and free["12:00"].off_hours
    assert free["13:00"].free_until == "17:00" and not free["17:00"].free
    assert not working.columns[0].off

    settings.FRONTOFFICE_AGENT_HOURS = parse_agent_hours("7: Mon-Tue 09:00-17:00")
    off = _grid(_booking(532, "10:00", 30, "Ollie Off"), now=datetime(2031, 3, 1, tzinfo=UTC))
    assert off.columns[0].off
    assert not any(cell.free for row in off.rows for cell in row.cells)
