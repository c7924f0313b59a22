"""Booking screens when LatePoint fails: what staff are told, what is kept, what is audited.

Faults are real (the sandbox's fault switch). Each test takes its own bookings.
"""

from __future__ import annotations

import html

from django.core.cache import cache

from audit.models import AuditEntry
from bookings.models import CheckIn, StatusChange
from tests.conftest import sandbox_status
from tests.faults import BY_NAME, switch_on

API = "/wp-json/latepoint-api/v1"
HTMX = {"HTTP_HX_REQUEST": "true"}
MAYBE = "so it may or may not have gone through. Check the booking before trying again."


def cancel(client, booking_id: int, reason: str):
    """Cancel, with a reason from the list and `reason` as the words typed."""
    data = {
        "to_status": "cancelled",
        "reason": "customer-cancelled",
        "reason_text": reason,
        "confirmed": "yes",
        "seen_status": "approved",
    }
    return client.post(f"/bookings/{booking_id}/status/", data)


# --- a status change whose write fails -----------------------------------------------------


def test_a_status_change_under_a_fault_changes_nothing_and_says_so(
    live_sandbox, reception_client, take_booking, fault_kind
):
    """The booking is read again under its lock before the change is sent: while LatePoint
    fails, that read fails, nothing is sent, and the change can be sent again as typed."""
    fault = fault_kind
    booking_id = take_booking("approved")
    assert reception_client.get(f"/bookings/{booking_id}/").status_code == 200  # now cached
    switch_on(live_sandbox, fault)
    reason = f"Flu <{fault.name}> & will rebook"

    response = cancel(reception_client, booking_id, reason)

    live_sandbox.reset_faults()
    text = response.content.decode()
    assert response.status_code == fault.status
    assert f"<strong>{fault.title}</strong>" in text
    assert f">{html.escape(reason)}</textarea>" in text  # what was typed is kept
    assert "Nothing was changed." in text
    assert MAYBE not in text
    assert 'name="confirmed" value="yes"' in text  # ready to be sent again
    assert sandbox_status(live_sandbox, booking_id) == "approved"
    if fault.status == 429:
        assert int(response["Retry-After"]) > 0
        assert f"Try again in {response['Retry-After']} seconds." in text
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.error
    assert entry.changes["reason"] == "Customer cancelled"
    assert entry.changes["reason_text"] == reason


def test_a_status_write_refused_by_a_failing_site_is_checked_and_said_not_made(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved")
    live_sandbox.set_faults(write_error=500)  # the write fails and is not applied

    response = cancel(reception_client, booking_id, "Illness")

    live_sandbox.reset_faults()
    text = response.content.decode()
    assert response.status_code == 502
    assert "Reading LatePoint back shows the booking&#x27;s status unchanged" in text
    assert "nothing was changed" in text
    assert 'name="confirmed" value="yes"' in text  # known not made: it may be sent again
    assert sandbox_status(live_sandbox, booking_id) == "approved"
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.result == AuditEntry.Result.FAILED


def test_a_status_write_whose_answer_is_lost_is_found_by_reading_back(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved")
    live_sandbox.set_faults(write_then_fail=500)  # applied, then the answer is a 500

    response = cancel(reception_client, booking_id, "Illness")

    live_sandbox.reset_faults()
    assert response.status_code == 302
    page = reception_client.get(response["Location"]).content.decode()
    assert "is now cancelled" in page
    assert "reading the booking back shows the change" in page
    assert sandbox_status(live_sandbox, booking_id) == "cancelled"
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.result == AuditEntry.Result.OK


def test_a_status_write_lost_while_latepoint_goes_down_is_unknown(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved")
    live_sandbox.set_faults(write_then_fail=500, down_after_write=True)

    response = cancel(reception_client, booking_id, "Illness")

    live_sandbox.reset_faults()
    text = response.content.decode()
    assert response.status_code == 502
    assert MAYBE in text
    assert "Nothing was changed" not in text
    assert 'name="confirmed"' not in text  # no blind retry: the way on is to look
    assert f'href="/bookings/{booking_id}/">Check the booking</a>' in text
    assert sandbox_status(live_sandbox, booking_id) == "cancelled"  # it had gone through
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.result == AuditEntry.Result.UNKNOWN


# --- a status change whose booking cannot be read first -------------------------------------


def test_a_status_change_that_cannot_read_the_booking_is_audited(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved")
    page = reception_client.get(f"/bookings/{booking_id}/status/?to_status=cancelled")
    assert page.status_code == 200
    cache.clear()  # opened a while ago: the booking must be read again
    live_sandbox.set_faults(unavailable=True)

    response = cancel(reception_client, booking_id, "Moved away")

    live_sandbox.reset_faults()
    text = response.content.decode()
    assert response.status_code == 503
    assert "Nothing was changed." in text
    assert ">Moved away</textarea>" in text
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.username == "rita"
    assert entry.error.startswith("The booking could not be read from LatePoint")
    assert entry.changes == {
        "status": {"before": "approved", "after": "cancelled"},
        "reason": "Customer cancelled",
        "reason_text": "Moved away",
    }
    change = StatusChange.objects.get(booking_id=booking_id)
    assert (change.from_status, change.to_status, change.result) == (
        "approved",
        "cancelled",
        "failed",
    )
    assert sandbox_status(live_sandbox, booking_id) == "approved"
    # Once LatePoint answers, the booking page lists the failed attempt.
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert "could not be read from LatePoint" in page


def test_an_unconfirmed_status_post_is_not_audited(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved")
    live_sandbox.set_faults(unavailable=True)
    response = reception_client.post(
        f"/bookings/{booking_id}/status/", {"to_status": "completed", "seen_status": "approved"}
    )
    live_sandbox.reset_faults()
    assert response.status_code == 503
    assert not AuditEntry.objects.filter(object_id=booking_id).exists()


# --- check-in and undo under a fault ---------------------------------------------------------


def row_post(client, booking_id: int, action: str):
    return client.post(
        f"/bookings/{booking_id}/{action}/",
        {"next": "/"},
        **HTMX,
        HTTP_HX_TARGET=f"today-row-{booking_id}",
    )


def test_a_check_in_under_a_fault_keeps_the_row(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    board = reception_client.get("/").content.decode()
    assert f'id="row-error-{booking_id}"' in board  # the slot the message goes to
    cache.clear()
    live_sandbox.set_faults(unavailable=True)

    response = row_post(reception_client, booking_id, "check-in")
    plain = reception_client.post(f"/bookings/{booking_id}/check-in/", {"next": "/"})

    live_sandbox.reset_faults()
    text = response.content.decode()
    assert response.status_code == 503
    # The message lands in the row's error slot; the row and its button stay as they were.
    assert response["HX-Retarget"] == f"#row-error-{booking_id}"
    assert response["HX-Reswap"] == "innerHTML"
    assert "<tr" not in text and "<div" not in text
    assert "Nothing was changed: the arrival was not recorded." in text
    assert "LatePoint is unavailable" in text
    assert "Try again" in text
    assert "board-changed" not in response.get("HX-Trigger", "")
    # Without JavaScript: our page says the same, with the way back to the board.
    shown = plain.content.decode()
    assert plain.status_code == 503
    assert "Nothing was changed: the arrival was not recorded." in shown
    assert 'href="/">Try again</a>' in shown
    assert not CheckIn.objects.filter(booking_id=booking_id).exists()
    entries = AuditEntry.objects.filter(object_id=booking_id, action=AuditEntry.Action.CHECK_IN)
    assert [e.result for e in entries] == ["failed", "failed"]
    assert entries[0].error.startswith("The booking could not be read from LatePoint")
    # With LatePoint back, the same button works.
    assert row_post(reception_client, booking_id, "check-in").status_code == 200
    assert CheckIn.objects.get(booking_id=booking_id).is_active


def test_an_undo_under_a_fault_keeps_the_check_in(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    assert row_post(reception_client, booking_id, "check-in").status_code == 200
    cache.clear()
    live_sandbox.set_faults(error_rate=1)

    response = row_post(reception_client, booking_id, "check-in/undo")
    plain = reception_client.post(f"/bookings/{booking_id}/check-in/undo/", {"next": "/"})

    live_sandbox.reset_faults()
    assert response.status_code == 502
    assert response["HX-Retarget"] == f"#row-error-{booking_id}"
    text = response.content.decode()
    assert "Nothing was changed: the check-in still stands." in text
    assert plain.status_code == 502
    assert "Nothing was changed: the check-in still stands." in plain.content.decode()
    assert CheckIn.objects.get(booking_id=booking_id).is_active
    undo = AuditEntry.objects.filter(
        object_id=booking_id, action=AuditEntry.Action.CHECK_IN_UNDO
    ).values_list("result", flat=True)
    assert list(undo) == ["failed", "failed"]
    # With LatePoint back, the undo goes through and the row offers check-in again.
    row = row_post(reception_client, booking_id, "check-in/undo")
    assert row.status_code == 200
    assert f'hx-post="/bookings/{booking_id}/check-in/"' in row.content.decode()
    assert not CheckIn.objects.get(booking_id=booking_id).is_active


def test_a_check_in_under_a_rate_limit_says_when_to_retry(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved", "today")
    cache.clear()
    switch_on(live_sandbox, BY_NAME["rate-limited"])

    response = row_post(reception_client, booking_id, "check-in")

    live_sandbox.reset_faults()
    assert response.status_code == 429
    seconds = response["Retry-After"]
    text = response.content.decode()
    assert f"Try again in {seconds} seconds." in text
    assert "Nothing was changed: the arrival was not recorded." in text
    assert not CheckIn.objects.filter(booking_id=booking_id).exists()
