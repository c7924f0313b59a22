"""/calendar/?view=week and the agents' working hours (FRONTOFFICE_AGENT_HOURS): a day off is
off, not free, and free gaps fall within the agent's periods; every agent's week is kept as a
summary, so a warm render reads no booking pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache

from bookings.services.week import week_start
from frontoffice.working_hours import HoursError, parse_agent_hours
from tests.booking_slots import free_day, new_booking, working_hours
from tests.bookings.conftest import server_timing_calls

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _sandbox_hours(box, *agent_ids: int) -> str:
    """FRONTOFFICE_AGENT_HOURS as the sandbox's own schedule says it (its database)."""
    entries = []
    for agent_id in agent_ids:
        clauses = [
            DAYS[week_day - 1] + " " + " ".join(f"{start}-{end}" for start, end in periods)
            for week_day, periods in working_hours(box, agent_id).items()
        ]
        entries.append(f"{agent_id}: " + ", ".join(clauses))
    return "; ".join(entries)


@pytest.fixture
def agent_hours(live_sandbox, settings):
    settings.FRONTOFFICE_AGENT_HOURS = parse_agent_hours(_sandbox_hours(live_sandbox, 1, 2))
    return working_hours(live_sandbox, 1)


def _day_column(html: str, day) -> str:
    return html.split(f'id="week-day-{day}"')[1].split("</section>")[0]


def test_a_day_off_shows_as_off_and_gaps_keep_to_the_working_hours(
    live_sandbox, reception_client, made, agent_hours
):
    assert 6 not in agent_hours, "agent 1 does not work on Saturdays in the sandbox"
    wednesday = free_day(live_sandbox, 1, week_day=3)
    made.append(new_booking(live_sandbox, wednesday, "09:00", tag="hours"))
    saturday = wednesday + timedelta(days=3)

    html = reception_client.get(f"/calendar/?view=week&agent=1&date={wednesday}").content.decode()

    off = _day_column(html, saturday)
    assert '<p class="week-hours is-off">Day off</p>' in off
    assert "week-free" not in off and "Free " not in off
    working = _day_column(html, wednesday)
    periods = [(_minutes(a), _minutes(b)) for a, b in agent_hours[3]]
    assert "Works 08:00\u201312:00, 13:00\u201317:00" in working
    gaps = re.findall(r"Free (\d\d:\d\d)\u2013(\d\d:\d\d)", working)
    assert gaps, working
    for start, end in gaps:
        assert any(a <= _minutes(start) < _minutes(end) <= b for a, b in periods), (start, end)
    assert "Free 08:00\u201309:00" in working and "Free 13:00\u201317:00" in working
    assert "17:00\u201320:00" not in working and "12:00\u201313:00" not in working


def test_every_agents_week_says_off_and_hours_per_cell(live_sandbox, reception_client, agent_hours):
    saturday = week_start(free_day(live_sandbox, 1, week_day=3)) + timedelta(days=5)

    html = reception_client.get(f"/calendar/?view=week&date={saturday}").content.decode()

    row = re.search(r'<tr><th scope="row" class="week-agent"><a href="[^"]*agent=1&.*?</tr>', html)
    assert row, html
    cells = re.findall(r'<td class="week-cell([^"]*)"><a href="[^"]+">(.*?)</a></td>', row.group(0))
    assert len(cells) == 7
    classes, text = cells[5]
    assert "is-off" in classes and "Day off" in text
    assert "Works 08:00\u201317:00" in cells[0][1]
    # An agent whose hours are not set works the business hours: no day is off.
    other = re.search(
        r'<tr><th scope="row" class="week-agent"><a href="[^"]*agent=3&.*?</tr>', html
    )
    assert "Day off" not in other.group(0) and "is-off" not in other.group(0)


def test_every_agents_week_warm_reads_only_its_summary(live_sandbox, reception_client):
    monday = week_start(free_day(live_sandbox, 1, week_day=1))
    made = new_booking(live_sandbox, monday, "10:00", tag="summary")
    try:
        cold = reception_client.get(f"/calendar/?view=week&date={monday}")
        # The week's pages gone from the cache (as after their own expiry): only the summary.
        stored = list(cache._cache)
        booking_pages = [k.split(":", 2)[2] for k in stored if ":list_bookings:" in k]
        cache.delete_many(booking_pages)
        warm = reception_client.get(f"/calendar/?view=week&date={monday + timedelta(days=2)}")
    finally:
        from tests.booking_slots import delete_bookings

        delete_bookings(live_sandbox, [made])
    assert server_timing_calls(cold) >= 1 and booking_pages
    assert server_timing_calls(warm) == 0, "the summary, not the pages, drew the week"
    for response in (cold, warm):
        row = re.search(
            r'<tr><th scope="row" class="week-agent"><a href="[^"]*agent=1&.*?</tr>',
            response.content.decode(),
        )
        assert "<strong>1</strong> booking<" in row.group(0)


@pytest.mark.parametrize(
    "text",
    [
        "1: Mon-Fri 9-5",
        "Mon-Fri 09:00-17:00",
        "1: Mon-Fri",
        "1: 09:00-17:00",
        "1: Fri-Mon 09:00-17:00",
    ],
)
def test_hours_that_cannot_be_read_are_refused_with_the_reason(text):
    with pytest.raises(HoursError):
        parse_agent_hours(text)


def test_hours_are_read_per_agent_and_day():
    hours = parse_agent_hours(
        "1: Mon-Wed 08:00-12:00 13:00-17:00, Sat 10:00-14:00; 7: sun 09:00-10:00"
    )
    assert hours[1][0] == ((480, 720), (780, 1020)) and hours[1][2] == hours[1][0]
    assert hours[1][5] == ((600, 840),) and 3 not in hours[1]
    assert hours[7] == {6: ((540, 600),)}
    assert parse_agent_hours("") == {}
