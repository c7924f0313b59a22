"""A pinned note is an alert wherever the customer is acted on: Today's row, the calendar block
and its side panel, the booking page, the new-booking page and the check-in's confirmation."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.notes.helpers import HTMX, add_note, alert_shows, booking_customer, visible_text

pytestmark = pytest.mark.django_db

ALERT = "Allergic to latex <gloves>"


@pytest.fixture
def alerted(live_sandbox, reception_client, take_booking):
    """A spare approved booking of today whose customer has a pinned note (and an unpinned one,
    which is no alert)."""
    booking_id = take_booking("approved", "today")
    customer_id = booking_customer(live_sandbox, booking_id)
    add_note(reception_client, customer_id, "Likes tea")
    assert add_note(reception_client, customer_id, ALERT, pinned=True).status_code == 302
    return booking_id, customer_id


def test_the_alert_is_on_todays_row_in_one_query_for_all_rows(reception_client, alerted):
    booking_id, _ = alerted
    with CaptureQueriesContext(connection) as queries:
        page = reception_client.get("/").content.decode()

    row = page[page.index(f'id="today-row-{booking_id}"') :]
    row = row[: row.index("</tr>")]
    assert alert_shows(row, ALERT)
    assert "Likes tea" not in row
    assert "&lt;gloves&gt;" in row and "<gloves>" not in row
    notes_queries = [q for q in queries.captured_queries if '"notes_note"' in q["sql"]]
    assert len(notes_queries) == 1


def test_the_alert_is_on_the_booking_page(reception_client, alerted):
    booking_id, _ = alerted
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert alert_shows(page, ALERT)


def test_the_alert_is_on_the_calendar_block_and_its_panel(reception_client, alerted):
    booking_id, _ = alerted
    calendar = reception_client.get("/calendar/").content.decode()
    block = calendar[calendar.index(f'id="cal-booking-{booking_id}"') :]
    block = block[: block.index("</a>")]
    assert alert_shows(block, ALERT)

    panel = reception_client.get(
        f"/bookings/{booking_id}/?day={timezone.localdate()}",
        **HTMX,
        HTTP_HX_TARGET="booking-panel",
    ).content.decode()
    assert 'id="booking-panel-heading"' in panel
    assert alert_shows(panel, ALERT)


def test_the_alert_is_on_the_new_booking_page_once_the_customer_is_chosen(
    reception_client, alerted
):
    _, customer_id = alerted
    assert not alert_shows(reception_client.get("/bookings/new/").content.decode(), ALERT)
    page = reception_client.get(f"/bookings/new/?customer={customer_id}").content.decode()
    assert alert_shows(page, ALERT)


def test_the_check_in_confirmation_says_the_alert_on_the_board(reception_client, alerted):
    booking_id, _ = alerted
    response = reception_client.post(
        f"/bookings/{booking_id}/check-in/",
        {"next": "/"},
        **HTMX,
        HTTP_HX_TARGET=f"today-row-{booking_id}",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "board-changed" in json.loads(response["HX-Trigger"])
    messages = page[page.index('<div id="messages"') :]
    assert f"checked in. Alert: {ALERT}" in visible_text(messages)
    assert alert_shows(page, ALERT)  # the row it sends back keeps it


def test_the_check_in_confirmation_says_the_alert_without_javascript(reception_client, alerted):
    booking_id, _ = alerted
    response = reception_client.post(f"/bookings/{booking_id}/check-in/", {"next": "/"})
    assert response.status_code == 302
    page = visible_text(reception_client.get(response["Location"]).content.decode())
    assert "Checked in." in page and f"Alert: {ALERT}" in page


def test_the_check_in_confirmation_says_the_alert_in_the_panel(reception_client, alerted):
    booking_id, _ = alerted
    response = reception_client.post(
        f"/bookings/{booking_id}/check-in/", {}, **HTMX, HTTP_HX_TARGET="booking-panel"
    )
    page = visible_text(response.content.decode())
    assert response.status_code == 200
    assert f"Alert: {ALERT}" in page


def test_an_unpinned_note_is_no_alert(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    customer_id = booking_customer(live_sandbox, booking_id)
    add_note(reception_client, customer_id, "Just a note")
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert 'data-field="pinned-alert"' not in page


def test_the_alert_is_on_the_walk_in_page_once_the_customer_is_chosen(reception_client, alerted):
    _, customer_id = alerted
    assert not alert_shows(reception_client.get("/bookings/walk-in/").content.decode(), ALERT)
    page = reception_client.get(f"/bookings/walk-in/?customer={customer_id}").content.decode()
    assert alert_shows(page, ALERT)
