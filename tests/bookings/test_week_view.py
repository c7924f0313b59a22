"""/calendar/?view=week: one agent's week as seven day columns, every agent's week as a row
of seven cells, against the sandbox."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape

from bookings.services.week import week_start
from tests.booking_slots import free_day, new_booking
from tests.bookings.conftest import server_timing_calls

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "calendar"}


def _sent(sandbox, since: float) -> list[str]:
    return [path for _, _method, path, _ in sandbox.requests_since(since)]


def _week_counts(sandbox, monday) -> Counter:
    """(agent id, date) -> bookings still standing, from the sandbox's own database."""
    sunday = monday + timedelta(days=6)
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT agent_id, start_date FROM sandbox_booking WHERE start_date BETWEEN ? AND ? "
            "AND status != 'cancelled'",
            (monday.isoformat(), sunday.isoformat()),
        ).fetchall()
    return Counter((row["agent_id"], row["start_date"]) for row in rows)


def test_an_agents_week_shows_each_booking_in_its_day_column(live_sandbox, reception_client, made):
    wednesday = free_day(live_sandbox, 1, week_day=3)
    made.append(new_booking(live_sandbox, wednesday, "10:00", tag="week"))
    monday = week_start(wednesday)
    started = time.time()

    cold = reception_client.get(f"/calendar/?view=week&agent=1&date={wednesday}")
    warm = reception_client.get(f"/calendar/?view=week&agent=1&date={monday}")

    html = cold.content.decode()
    assert cold.status_code == 200
    days = re.findall(r'<h2 class="week-day-head" id="week-day-([\d-]+)">', html)
    assert days == [(monday + timedelta(days=n)).isoformat() for n in range(7)]
    column = html.split(f'id="week-day-{wednesday}"')[1].split("</section>")[0]
    assert re.search(r'<span class="week-line">10:00\u2013\d\d:\d\d</span>', column)
    assert "Bea Booker" in column
    assert "1 booking</span>" in column
    free = escape(f"/bookings/new/?agent=1&date={wednesday}&time=08:00")
    assert f'href="{free}">Free 08:00\u201310:00' in column
    sent = _sent(live_sandbox, started)
    assert server_timing_calls(cold) <= 3 and server_timing_calls(cold) == len(sent)
    assert sum(1 for path in sent if path.rstrip("/").endswith("/bookings")) == 1
    assert server_timing_calls(warm) == 0, "any day of the week reads the same walk"


def test_every_agents_week_counts_each_day(live_sandbox, reception_client):
    monday = week_start(timezone.localdate()) + timedelta(days=7)
    expected = _week_counts(live_sandbox, monday)

    html = reception_client.get(f"/calendar/?view=week&date={monday}").content.decode()

    rows = re.findall(r'<tr><th scope="row" class="week-agent">(.*?)</tr>', html, re.S)
    assert len(rows) == 6
    for row in rows:
        agent_id = int(re.search(r"agent=(\d+)", row).group(1))
        cells = re.findall(r'<td class="week-cell[^"]*"><a href="([^"]+)">(.*?)</a></td>', row)
        assert len(cells) == 7
        for n, (href, text) in enumerate(cells):
            day = (monday + timedelta(days=n)).isoformat()
            assert href == f"/calendar/?date={day}&amp;agent={agent_id}"
            count = expected[(agent_id, day)]
            if count:
                assert f"<strong>{count}</strong> booking" in text, (agent_id, day, text)
            else:
                assert "No bookings" in text


def test_weeks_link_to_each_other_in_the_address(reception_client, live_sandbox):
    day = week_start(timezone.localdate()) + timedelta(days=16)  # a Wednesday, in two weeks
    monday = week_start(day)

    html = reception_client.get(f"/calendar/?view=week&agent=2&date={day}").content.decode()

    previous = escape(f"/calendar/?view=week&agent=2&date={monday - timedelta(days=7)}")
    following = escape(f"/calendar/?view=week&agent=2&date={monday + timedelta(days=7)}")
    assert f'href="{previous}"' in html and f'href="{following}"' in html
    assert re.search(r'href="/calendar/\?view=week&amp;agent=2"[^>]*>This week</a>', html)
    assert f'name="date" value="{day}"' in html
    assert '<option value="2" selected>' in html


def test_the_day_calendar_links_to_its_week(reception_client, live_sandbox):
    day = timezone.localdate() + timedelta(days=3)

    html = reception_client.get(f"/calendar/?date={day}").content.decode()

    assert f'href="/calendar/?view=week&amp;date={day}">Week</a>' in html


def test_bad_values_are_said_not_a_500(reception_client, live_sandbox):
    html = reception_client.get("/calendar/?view=week&date=31-02-2026&agent=abc").content.decode()
    assert "Date: that is not a date (YYYY-MM-DD), so today is shown." in html
    assert "Agent: that is not an agent, so every agent&#x27;s week is shown." in html

    response = reception_client.get("/calendar/?view=week&agent=99999")
    assert response.status_code == 200
    assert "Agent: no such agent" in response.content.decode()


def test_htmx_swaps_the_week_alone(reception_client, live_sandbox):
    response = reception_client.get("/calendar/?view=week", **HTMX)

    html = response.content.decode()
    assert '<div id="calendar" class="calendar calendar-week">' in html
    assert "<html" not in html and "<title>" in html
