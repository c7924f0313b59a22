"""The Today board: exactly the sandbox's bookings for today, in time order, with its filters,
refresh and the quick search box (its risk badges: test_risk_badges)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.bookings.conftest import business_today, server_timing_calls
from tests.conftest import sandbox_status
from upstream.gateway import api

HTMX = {"HTTP_HX_REQUEST": "true"}
ROW = re.compile(r'<tr id="today-row-(\d+)"')


def todays_rows(sandbox, where: str = "", params: tuple = ()) -> list:
    """Today's bookings (business time zone) straight from the sandbox's database."""
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT id, status, start_at, customer_id FROM sandbox_booking WHERE start_date = ?"  # noqa: S608
            + where
            + " ORDER BY start_at, id",
            (business_today().isoformat(), *params),
        ).fetchall()


def row_ids(html: str) -> list[int]:
    return [int(found) for found in ROW.findall(html)]


def test_board_lists_exactly_todays_bookings_in_time_order(live_sandbox, reception_client):
    expected = [row["id"] for row in todays_rows(live_sandbox)]
    assert expected, "the sandbox seeds bookings for today"

    response = reception_client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert row_ids(html) == expected
    assert f"<strong>{len(expected)}</strong> booking" in html
    assert business_today().strftime("%B %-d, %Y") in html


def test_board_agrees_with_the_api_for_today(live_sandbox, reception_client):
    """The same set LatePoint's own list gives for date_from=date_to=today (America/New_York)."""
    today = business_today().isoformat()
    ids, page = [], 1
    while True:
        _, body = live_sandbox.request(
            "GET",
            f"/wp-json/latepoint-api/v1/bookings?date_from={today}&date_to={today}"
            f"&per_page=100&page={page}",
        )
        ids += [int(item["id"]) for item in body["data"]]
        if not body["pagination"]["has_next_page"]:
            break
        page += 1
    assert sorted(row_ids(reception_client.get("/").content.decode())) == sorted(ids)


def test_first_paint_is_one_call_per_page_of_today(live_sandbox, reception_client):
    api().list_agents()  # reference data is cached for a long time
    api().list_locations()
    pages = max(math.ceil(len(todays_rows(live_sandbox)) / 100), 1)

    response = reception_client.get("/")

    assert server_timing_calls(response) == pages


@pytest.mark.parametrize("field", ["agent", "location"])
def test_filters_narrow_the_board(live_sandbox, reception_client, field):
    all_rows = todays_rows(live_sandbox)
    column = f"{field}_id"
    with live_sandbox.db() as conn:
        values = {
            r[column]
            for r in conn.execute(
                f"SELECT {column} FROM sandbox_booking WHERE start_date = ?",  # noqa: S608
                (business_today().isoformat(),),
            )
        }
    value = sorted(values)[0]
    expected = [r["id"] for r in todays_rows(live_sandbox, f" AND {column} = ?", (value,))]
    assert 0 < len(expected) < len(all_rows)

    response = reception_client.get(f"/?{field}={value}")

    html = response.content.decode()
    assert row_ids(html) == expected
    assert f'<option value="{value}" selected>' in html
    # The refresh keeps the filter.
    assert f'hx-get="/?{field}={value}" hx-trigger="every 45s, board-changed from:body"' in html


def test_refresh_swaps_only_the_board(live_sandbox, reception_client):
    response = reception_client.get("/", **HTMX, HTTP_HX_TARGET="today-board")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="today-board"')
    # Every 45 seconds, and at once after a check-in changed its counts.
    assert 'hx-trigger="every 45s, board-changed from:body"' in html
    assert 'hx-swap="outerHTML show:none"' in html
    assert "<html" not in html
    assert "data-search-shortcut" not in html  # the search box is outside the refreshed region
    assert row_ids(html) == [r["id"] for r in todays_rows(live_sandbox)]


def test_history_restore_gets_the_whole_page(live_sandbox, reception_client):
    response = reception_client.get(
        "/", **HTMX, HTTP_HX_TARGET="today-board", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" in html and "data-search-shortcut" in html
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in response["Vary"].split(",")}
    refresh = reception_client.get("/", **HTMX, HTTP_HX_TARGET="today-board")
    assert "HX-Request" in refresh["Vary"]


def test_an_unknown_filter_value_is_ignored_with_a_message(live_sandbox, reception_client):
    html = reception_client.get("/?agent=abc&location=999999").content.decode()
    assert "that choice is not available and was ignored" in html
    assert row_ids(html) == [r["id"] for r in todays_rows(live_sandbox)]


def test_late_and_open_bookings(live_sandbox, reception_client):
    html = reception_client.get("/").content.decode()
    now = timezone.now()
    for row in todays_rows(live_sandbox):
        start = datetime.fromisoformat(row["start_at"]).replace(tzinfo=UTC)
        match = re.search(rf'<tr id="today-row-{row["id"]}".*?</tr>', html, re.S)
        assert match, row["id"]
        cells = match.group(0)
        started_minutes = (now - start).total_seconds() / 60
        if row["status"] in ("pending", "approved") and started_minutes > 2:
            assert "Late by" in cells, row["id"]
        if row["status"] not in ("pending", "approved") or started_minutes < -1:
            assert "Late by" not in cells, row["id"]
        # Check-in is offered for bookings still open today; other tests in the session may
        # have completed, cancelled or no-showed some of today's bookings.
        if row["status"] in ("pending", "approved"):
            assert f'id="arrival-{row["id"]}">Check in<' in cells
        else:
            assert f'id="arrival-{row["id"]}">Check in<' not in cells


def test_a_check_in_from_the_board_reuses_the_booking_the_board_read(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved", "today")
    reception_client.get("/")
    response = reception_client.post(f"/bookings/{booking_id}/check-in/", **HTMX)
    assert response.status_code == 200
    assert "Checked in" in response.content.decode()
    assert server_timing_calls(response) == 0


def test_quick_search_finds_customers_by_name(live_sandbox, reception_client):
    with live_sandbox.db() as conn:
        customer = conn.execute(
            "SELECT id, first_name, last_name FROM sandbox_customer ORDER BY id LIMIT 1"
        ).fetchone()
    q = customer["last_name"]
    reception_client.get("/")  # the box is on Today: the board has read today's bookings
    response = reception_client.get("/bookings/search/", {"q": q}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert f'href="/customers/{customer["id"]}/"' in html
    # A name is not a booking code; the Check in buttons reuse the board's listing.
    assert server_timing_calls(response) == 1


def test_quick_search_finds_a_booking_by_code(live_sandbox, reception_client):
    with live_sandbox.db() as conn:
        booking = conn.execute(
            "SELECT id, booking_code FROM sandbox_booking WHERE booking_code LIKE 'LP-%' "
            "ORDER BY id LIMIT 1"
        ).fetchone()
    html = reception_client.get(
        "/bookings/search/", {"q": booking["booking_code"]}, **HTMX
    ).content.decode()
    assert f'href="/bookings/{booking["id"]}/"' in html
    assert booking["booking_code"] in html


def test_quick_search_says_when_nothing_is_found(live_sandbox, reception_client):
    html = reception_client.get("/bookings/search/", {"q": "zzqxv-nobody"}, **HTMX).content.decode()
    assert "Nothing found for “zzqxv-nobody”." in html


def test_search_box_works_without_javascript(live_sandbox, reception_client):
    html = reception_client.get("/").content.decode()
    assert 'action="/customers/"' in html
    assert 'name="q"' in html
    assert "data-search-shortcut" in html
    response = reception_client.get("/bookings/search/", {"q": "Ana"})
    assert response.status_code == 302
    assert response["Location"] == "/customers/?q=Ana"


# --- another day, cancelled rows, no-show on the row -----------------------------------------


def test_the_board_shows_another_day_with_the_days_around_it(live_sandbox, reception_client):
    tomorrow = business_today() + timedelta(days=1)
    with live_sandbox.db() as conn:
        expected = [
            row["id"]
            for row in conn.execute(
                "SELECT id FROM sandbox_booking WHERE start_date = ? ORDER BY start_at, id",
                (tomorrow.isoformat(),),
            )
        ]

    html = reception_client.get(f"/?date={tomorrow}").content.decode()

    assert row_ids(html) == expected
    assert tomorrow.strftime("%B %-d, %Y") in html
    assert 'href="/" rel="prev"' in html  # the day before tomorrow is today
    assert f'href="/?date={tomorrow + timedelta(days=1)}" rel="next"' in html
    assert "Late by" not in html and "> late<" not in html
    # Cancelled rows are folded away until asked for.
    cancelled = re.findall(r'<tr id="today-row-(\d+)" class="[^"]*is-cancelled"( hidden)?', html)
    assert cancelled and all(hidden for _, hidden in cancelled)
    shown = reception_client.get(f"/?date={tomorrow}&cancelled=1").content.decode()
    assert not re.search(r'is-cancelled" hidden', shown)


@pytest.mark.parametrize(
    ("status", "minutes_late", "offered"),
    [("approved", 15, True), ("approved", 14, False), ("pending", 40, False)],
)
def test_no_show_is_offered_on_the_row_once_15_minutes_late(status, minutes_late, offered):
    from bookings.services.arrivals import board_row
    from latepoint.models import Booking

    now = timezone.now()
    start = now - timedelta(minutes=minutes_late, seconds=5)
    booking = Booking(id=1, status=status, start=start, end=start + timedelta(hours=1))
    assert board_row(booking, None, now=now).no_show_offered is offered


def test_a_no_show_from_the_board_answers_with_its_row(
    live_sandbox, reception_client, take_booking
):
    # One that has begun (a past day's: a booking of today may not have, whatever the hour).
    booking_id = take_booking("approved", "past")
    headers = {**HTMX, "HTTP_HX_TARGET": f"today-row-{booking_id}"}
    try:
        # The row's button posts no reason: the page that asks for one opens instead.
        asked = reception_client.post(
            f"/bookings/{booking_id}/status/",
            {"to_status": "no_show", "seen_status": "approved"},
            **headers,
        )
        assert asked["HX-Redirect"] == f"/bookings/{booking_id}/status/?to_status=no_show"
        assert sandbox_status(live_sandbox, booking_id) == "approved"
        response = reception_client.post(
            f"/bookings/{booking_id}/status/",
            {
                "to_status": "no_show",
                "seen_status": "approved",
                "confirmed": "yes",
                "reason": "did-not-show",
            },
            **headers,
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith(f'<tr id="today-row-{booking_id}"')
        assert "chip-no_show" in html
        assert "board-changed" in response["HX-Trigger"]
    finally:
        live_sandbox.request(
            "PUT", f"/wp-json/latepoint-api/v1/bookings/{booking_id}", {"status": "approved"}
        )
