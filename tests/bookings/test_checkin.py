"""Check-in and its undo: on the board (HTMX and plain forms), on the booking page, audited."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from bookings.checkins import CheckInError, checkin_create, checkins_for_bookings
from bookings.models import CheckIn
from bookings.services.arrivals import minutes_late
from latepoint.models import Booking, BookingStatus

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_check_in_from_the_board_swaps_the_row(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    board = reception_client.get("/").content.decode()
    assert f'hx-post="/bookings/{booking_id}/check-in/"' in board

    response = reception_client.post(
        f"/bookings/{booking_id}/check-in/",
        {"next": "/"},
        **HTMX,
        HTTP_HX_TARGET=f"today-row-{booking_id}",
    )

    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="today-row-{booking_id}"')
    assert "<html" not in row
    assert "Checked in" in row
    assert f'hx-post="/bookings/{booking_id}/check-in/undo/"' in row
    assert "Late by" not in row
    # The board refreshes its counts when told the check-in happened...
    assert "board-changed" in json.loads(response["HX-Trigger"])
    assert 'hx-trigger="every 45s, board-changed from:body"' in board
    # ...and its summary then counts the new arrival.
    before = int(re.search(r"<strong>(\d+)</strong> checked in", board).group(1))
    refreshed = reception_client.get("/", **HTMX, HTTP_HX_TARGET="today-board").content.decode()
    assert f"<strong>{before + 1}</strong> checked in" in refreshed
    checkin = CheckIn.objects.get(booking_id=booking_id)
    assert checkin.is_active
    assert checkin.checked_in_by.username == "rita"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHECK_IN, object_id=booking_id)
    assert entry.result == AuditEntry.Result.OK
    assert entry.customer_id == checkin.customer_id is not None
    # The board and the booking page both show it.
    assert "Checked in" in reception_client.get("/").content.decode()
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert "Checked in at" in page
    assert "Undo check-in" in page


def test_undo_a_check_in(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("pending", "today")
    reception_client.post(f"/bookings/{booking_id}/check-in/", **HTMX)

    response = reception_client.post(f"/bookings/{booking_id}/check-in/undo/", **HTMX)

    assert response.status_code == 200
    row = response.content.decode()
    assert f'hx-post="/bookings/{booking_id}/check-in/"' in row
    assert "Checked in" not in row
    checkin = CheckIn.objects.get(booking_id=booking_id)
    assert checkin.undone_at is not None
    assert checkin.undone_by.username == "rita"
    assert checkins_for_bookings([booking_id]) == {}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHECK_IN_UNDO, object_id=booking_id)
    assert entry.result == AuditEntry.Result.OK
    # It can be checked in again after an undo.
    reception_client.post(f"/bookings/{booking_id}/check-in/", **HTMX)
    assert CheckIn.objects.filter(booking_id=booking_id).count() == 2
    assert set(checkins_for_bookings([booking_id])) == {booking_id}


def test_check_in_without_javascript(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    response = reception_client.post(f"/bookings/{booking_id}/check-in/", {"next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    board = reception_client.get("/").content.decode()
    assert "Checked in." in board  # the message
    assert f'hx-post="/bookings/{booking_id}/check-in/undo/"' in board

    undo = reception_client.post(
        f"/bookings/{booking_id}/check-in/undo/", {"next": "https://evil.example/"}
    )
    assert undo.status_code == 302
    assert undo["Location"] == f"/bookings/{booking_id}/"  # an outside next is ignored


def test_a_second_check_in_is_refused(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    reception_client.post(f"/bookings/{booking_id}/check-in/", **HTMX)
    response = reception_client.post(f"/bookings/{booking_id}/check-in/", **HTMX)
    assert response.status_code == 409
    assert "This booking is already checked in." in response.content.decode()
    assert "HX-Trigger" not in response  # nothing changed: no board refresh
    assert CheckIn.objects.filter(booking_id=booking_id).count() == 1
    failed = AuditEntry.objects.get(
        action=AuditEntry.Action.CHECK_IN, object_id=booking_id, result="failed"
    )
    assert failed.error == "This booking is already checked in."


def test_undo_without_a_check_in_is_refused(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    response = reception_client.post(f"/bookings/{booking_id}/check-in/undo/", **HTMX)
    assert response.status_code == 409
    assert "This booking is not checked in." in response.content.decode()


@pytest.mark.parametrize(
    ("status", "when", "message"),
    [
        ("approved", "future", "Check-in is open on the day of the booking only."),
        ("cancelled", "today", "A cancelled booking cannot be checked in."),
    ],
)
def test_check_in_is_refused_when_it_makes_no_sense(
    live_sandbox, reception_client, take_booking, status, when, message
):
    booking_id = take_booking(status, when)
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert message in page
    assert f'action="/bookings/{booking_id}/check-in/"' not in page

    response = reception_client.post(f"/bookings/{booking_id}/check-in/")

    assert response.status_code == 302
    assert message in reception_client.get(response["Location"]).content.decode()
    assert not CheckIn.objects.filter(booking_id=booking_id).exists()
    assert AuditEntry.objects.get(object_id=booking_id).result == AuditEntry.Result.FAILED


def test_one_active_check_in_per_booking_is_enforced(receptionist):
    checkin_create(user=receptionist, booking_id=424242, customer_id=7)
    with pytest.raises(CheckInError):
        checkin_create(user=receptionist, booking_id=424242, customer_id=7)
    assert CheckIn.objects.filter(booking_id=424242).count() == 1


NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("status", "minutes_after_start", "checked_in", "late"),
    [
        (BookingStatus.APPROVED, 17, False, 17),
        (BookingStatus.PENDING, 61, False, 61),
        (BookingStatus.APPROVED, -5, False, 0),  # not started yet
        (BookingStatus.APPROVED, 30, True, 0),  # arrived
        (BookingStatus.CANCELLED, 30, False, 0),
        (BookingStatus.COMPLETED, 30, False, 0),
        (BookingStatus.NO_SHOW, 30, False, 0),
    ],
)
def test_late_by_minutes(status, minutes_after_start, checked_in, late):
    start = datetime(2026, 3, 2, 10, 0, tzinfo=NY)
    booking = Booking(id=1, status=status, start=start, end=start + timedelta(hours=1))
    check_in = CheckIn(booking_id=1) if checked_in else None
    now = start + timedelta(minutes=minutes_after_start, seconds=20)
    assert minutes_late(booking, check_in, now=now) == late
