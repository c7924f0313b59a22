"""Next free time on /bookings/new/ and /bookings/<id>/reschedule/, and "Book again" landing on
a day with a free time, against the sandbox (agent 1 works Monday to Friday)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from django.utils.html import escape

from bookings.services.next_free import MAX_CALLS, next_free_days
from tests.booking_slots import free_day, new_booking
from tests.bookings.conftest import server_timing_calls
from tests.bookings.test_new_booking import _customer

API = "/wp-json/latepoint-api/v1"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "free-times"}


def _sent(sandbox, since: float) -> list[str]:
    """The paths of the API requests the sandbox received since `since` (no query string)."""
    return [path for _, _method, path, _ in sandbox.requests_since(since)]


def _availability_calls(sandbox, since: float) -> int:
    return sum(1 for path in _sent(sandbox, since) if path.endswith("/availability"))


def _day_links(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<a class="button next-free-day" href="([^"]+)"><strong>([^<]+)</strong>', html
    )


def test_the_page_offers_to_find_the_next_free_days(live_sandbox, reception_client):
    saturday = free_day(live_sandbox, None, week_day=6)

    html = reception_client.get(
        f"/bookings/new/?service=1&agent=1&date={saturday}"
    ).content.decode()

    assert "No free time on" in html
    link = f"/bookings/new/?service=1&amp;agent=1&amp;date={saturday}&amp;next={saturday}"
    assert f'href="{link}"' in html
    assert ">Find the next free days</a>" in html


def test_next_free_days_skip_the_agents_days_off(live_sandbox, reception_client):
    saturday = free_day(live_sandbox, None, week_day=6)
    monday, tuesday, wednesday = (saturday + timedelta(days=n) for n in (2, 3, 4))
    started = time.time()

    response = reception_client.get(
        f"/bookings/new/?service=1&agent=1&date={saturday}&next={saturday}", **HTMX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="free-times"')
    links = _day_links(html)
    assert [label for _, label in links] == [
        f"{d:%a} {d.day} {d:%b}" for d in (monday, tuesday, wednesday)
    ]
    assert links[0][0] == escape(f"/bookings/new/?service=1&agent=1&date={monday}")
    assert "from 08:00</a>" in html
    # Saturday and Sunday (days off), then Monday to Wednesday: one call a day.
    assert _availability_calls(live_sandbox, started) == 5
    assert server_timing_calls(response) == len(_sent(live_sandbox, started))
    again = reception_client.get(
        f"/bookings/new/?service=1&agent=1&date={saturday}&next={saturday}", **HTMX
    )
    assert server_timing_calls(again) == 0, "answers are kept a few seconds"


def test_the_first_time_shown_is_latepoints_first_free_time(live_sandbox, reception_client, made):
    monday = free_day(live_sandbox, 1, week_day=1)
    made.append(new_booking(live_sandbox, monday, "08:00"))
    status, body = live_sandbox.request(
        "GET", f"{API}/availability?service_id=1&agent_id=1&date={monday}"
    )
    assert status == 200, body
    first = body["data"]["available_slots"][0]["start_time"]
    hours, minutes = (int(part) for part in first.split(":"))
    label = f"{hours:02d}:{minutes:02d}"  # as every screen writes a time

    html = reception_client.get(
        f"/bookings/new/?service=1&agent=1&date={monday}&next={monday}"
    ).content.decode()

    assert first != "08:00"
    assert f"<strong>{monday:%a} {monday.day} {monday:%b}</strong> from {label}</a>" in html


def test_any_agent_names_whose_time_it_is(live_sandbox, reception_client):
    sunday = free_day(live_sandbox, None, week_day=7)
    started = time.time()

    html = reception_client.get(
        f"/bookings/new/?service=1&agent=any&date={sunday}&next={sunday}"
    ).content.decode()

    # The day's own free times ask each of the six agents about Sunday (nobody works); the
    # look for free days then finds those answers kept and spends its calls from Monday on.
    calls = _availability_calls(live_sandbox, started)
    assert 6 < calls <= 6 + MAX_CALLS
    links = _day_links(html)
    assert [label for _, label in links] == [
        f"{d:%a} {d.day} {d:%b}" for d in (sunday + timedelta(days=n) for n in (1, 2, 3))
    ]
    assert re.search(r"from \d\d:\d\d with [A-Z]", html)
    assert "Look further" not in html


def test_the_calls_are_capped_and_a_further_look_resumes(live_sandbox):
    saturday = free_day(live_sandbox, None, week_day=6)

    found = next_free_days(service_id=1, agent_id=1, start=saturday, agents=[], max_calls=2)

    assert found.days == [] and found.calls == 2
    assert found.resume == saturday + timedelta(days=2)
    assert found.last_day == saturday + timedelta(days=1)


def test_the_reschedule_page_finds_the_next_free_days(live_sandbox, reception_client, made):
    day = free_day(live_sandbox, 1, week_day=5)
    booking_id = new_booking(live_sandbox, day, "10:00")
    made.append(booking_id)
    saturday = day + timedelta(days=1)

    html = reception_client.get(
        f"/bookings/{booking_id}/reschedule/?date={saturday}&next={saturday}"
    ).content.decode()

    links = _day_links(html)
    monday = saturday + timedelta(days=2)
    assert links[0] == (
        escape(f"/bookings/{booking_id}/reschedule/?agent=1&date={monday}"),
        f"{monday:%a} {monday.day} {monday:%b}",
    )


def test_book_again_moves_a_suggestion_without_free_time_to_the_first_free_day(
    live_sandbox, reception_client
):
    customer = _customer(live_sandbox)
    saturday = free_day(live_sandbox, None, week_day=6)
    monday = saturday + timedelta(days=2)
    with live_sandbox.db() as conn:
        monthly = conn.execute(
            "SELECT id FROM sandbox_customer WHERE status = 'active' ORDER BY id"
        ).fetchall()
    assert monthly and customer
    found = None
    for row in monthly[:60]:
        _status, body = live_sandbox.request("GET", f"{API}/customers/{row['id']}?include=stats")
        if (body["data"].get("stats") or {}).get("booking_frequency") == "weekly":
            found = row["id"]
            break
    assert found, "no customer of the sandbox books weekly"
    after = saturday - timedelta(days=7)

    html = reception_client.get(
        f"/bookings/new/?customer={found}&service=1&agent=1&after={after}"
    ).content.decode()

    assert f"Suggested date: 1 week after the visit of {after:%a} {after.day} {after:%b}" in html
    assert (
        f"{saturday:%a} {saturday.day} {saturday:%b} has no free time; the first day with one "
        f"is {monday:%a} {monday.day} {monday:%b}."
    ) in html
    assert f'name="date" value="{monday.isoformat()}"' in html
