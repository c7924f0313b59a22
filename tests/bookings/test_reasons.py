"""Reasons for cancellations, no-shows and moves: picked from the admin's list (`reason`, a
slug) with words of one's own (`reason_text`), kept with the action, shown on the booking page
and in the audit trail; a reason not in the list, retired or not one for that action is
refused with a field message and nothing is sent to LatePoint."""

from __future__ import annotations

import html
import time

import pytest

from audit.models import AuditEntry
from bookings.models import BookingMove, Reason, StatusChange
from tests.booking_slots import delete_bookings, free_day, new_booking
from tests.conftest import sandbox_status

API = "/wp-json/latepoint-api/v1"


def change(client, booking_id: int, to_status: str, **extra):
    data = {"to_status": to_status, "confirmed": "yes", **extra}
    return client.post(f"/bookings/{booking_id}/status/", data)


def writes_since(sandbox, at: float) -> list[tuple]:
    """The writes (anything but GET) the sandbox received since `at`."""
    return [row for row in sandbox.requests_since(at) if row[1] != "GET"]


def test_a_cancellation_keeps_its_reason_on_the_booking_page_and_in_the_audit_trail(
    live_sandbox, client, manager, take_booking
):
    client.force_login(manager)
    booking_id = take_booking("approved")
    asked = client.get(f"/bookings/{booking_id}/status/?to_status=cancelled").content.decode()
    # The list is offered, cancellation reasons only, and the words are optional.
    assert '<option value="customer-cancelled">Customer cancelled</option>' in asked
    assert '<option value="illness">Illness</option>' in asked
    assert 'value="did-not-show"' not in asked  # a no-show's reason, not a cancellation's
    assert 'name="reason_text"' in asked

    response = change(
        client, booking_id, "cancelled", reason="illness", reason_text="Flu <b>& fever</b>"
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert sandbox_status(live_sandbox, booking_id) == "cancelled"
    page = client.get(f"/bookings/{booking_id}/").content.decode()
    assert f"Why: Illness: {html.escape('Flu <b>& fever</b>')}" in page
    recorded = StatusChange.objects.get(booking_id=booking_id)
    assert (recorded.reason_label, recorded.reason) == ("Illness", "Flu <b>& fever</b>")
    assert recorded.reason_choice == Reason.objects.get(slug="illness")
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.changes["reason"] == "Illness"
    assert entry.changes["reason_text"] == "Flu <b>& fever</b>"
    assert "Why: Illness: Flu" in entry.summary
    trail = client.get("/audit/", {"action": "booking.status"}).content.decode()
    assert "Why: Illness: Flu &lt;b&gt;&amp; fever&lt;/b&gt;" in trail
    assert "reason text</span>: Flu &lt;b&gt;&amp; fever&lt;/b&gt;" in trail


def test_a_no_show_asks_for_a_reason_and_keeps_it(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("approved", "past")  # a no-show is for a booking that has begun
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert f"/bookings/{booking_id}/status/?to_status=no_show" in page  # through its reason page
    try:
        missing = change(reception_client, booking_id, "no_show", seen_status="approved")
        assert missing.status_code == 400
        assert "Choose why the booking is a no-show." in missing.content.decode()
        assert sandbox_status(live_sandbox, booking_id) == "approved"

        done = change(
            reception_client, booking_id, "no_show", seen_status="approved", reason="did-not-show"
        )

        assert done.status_code == 302
        assert sandbox_status(live_sandbox, booking_id) == "no_show"
        shown = reception_client.get(f"/bookings/{booking_id}/").content.decode()
        assert "Why: Did not show" in shown
        entry = AuditEntry.objects.get(
            object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS
        )
        assert entry.changes["reason"] == "Did not show"
    finally:
        live_sandbox.request("PUT", f"{API}/bookings/{booking_id}", {"status": "approved"})


@pytest.mark.parametrize(
    ("to_status", "reason", "message"),
    [
        ("cancelled", "made-up", "That reason is not in the list"),
        ("cancelled", "did-not-show", "“Did not show” is not a reason for a cancellation"),
        ("no_show", "customer-cancelled", "“Customer cancelled” is not a reason for a no-show"),
        ("cancelled", "", "Choose why the booking is cancelled."),
    ],
    ids=["unknown", "not-for-cancel", "not-for-no-show", "missing"],
)
def test_a_reason_not_in_the_list_is_refused_and_nothing_is_sent(
    live_sandbox, reception_client, take_booking, to_status, reason, message
):
    booking_id = take_booking("approved", "past")
    before = time.time()

    response = change(
        reception_client, booking_id, to_status, reason=reason, reason_text="kept as typed"
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert html.escape(message) in text or message in text
    assert 'aria-invalid="true" aria-describedby="id_reason-error"' in text
    assert ">kept as typed</textarea>" in text
    assert writes_since(live_sandbox, before) == []
    assert sandbox_status(live_sandbox, booking_id) == "approved"
    assert not StatusChange.objects.filter(booking_id=booking_id).exists()
    assert not AuditEntry.objects.filter(object_id=booking_id).exists()


def test_a_retired_reason_is_refused(live_sandbox, reception_client, take_booking):
    Reason.objects.filter(slug="illness").update(active=False)
    booking_id = take_booking("approved")
    asked = reception_client.get(f"/bookings/{booking_id}/status/?to_status=cancelled")
    assert 'value="illness"' not in asked.content.decode()
    before = time.time()

    response = change(reception_client, booking_id, "cancelled", reason="illness")

    assert response.status_code == 400
    assert "“Illness” is no longer used: choose another." in response.content.decode()
    assert writes_since(live_sandbox, before) == []
    assert sandbox_status(live_sandbox, booking_id) == "approved"


def test_a_no_show_from_a_board_row_opens_the_reason_page(
    live_sandbox, reception_client, take_booking
):
    """The row's button posts no reason: the page that asks for one opens; nothing is sent."""
    booking_id = take_booking("approved", "past")
    before = time.time()

    asked = reception_client.post(
        f"/bookings/{booking_id}/status/",
        {"to_status": "no_show", "seen_status": "approved"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"today-row-{booking_id}",
    )

    assert asked["HX-Redirect"] == f"/bookings/{booking_id}/status/?to_status=no_show"
    assert writes_since(live_sandbox, before) == []
    page = reception_client.get(asked["HX-Redirect"]).content.decode()
    assert "Reason for the no-show" in page
    assert '<option value="did-not-show">Did not show</option>' in page


def test_a_move_asks_why_and_keeps_it(live_sandbox, reception_client, receptionist):
    day = free_day(live_sandbox, 1)
    booking_id = new_booking(live_sandbox, day, "09:00", tag="reason-move")
    try:
        page = reception_client.get(f"/bookings/{booking_id}/reschedule/").content.decode()
        assert "Reason for the move" in page
        assert '<option value="customer-asked-to-move">Customer asked to move</option>' in page
        form = {"date": day.isoformat(), "agent": 1, "start_time": "14:00"}
        before = time.time()

        missing = reception_client.post(
            f"/bookings/{booking_id}/reschedule/",
            {**form, "submit_token": "r" * 20, "reason_text": "Afternoons suit her"},
        )
        wrong = reception_client.post(
            f"/bookings/{booking_id}/reschedule/",
            {**form, "submit_token": "s" * 20, "reason": "did-not-show"},
        )

        assert missing.status_code == wrong.status_code == 400
        assert "Choose why the booking is moved." in missing.content.decode()
        assert ">Afternoons suit her</textarea>" in missing.content.decode()
        assert "is not a reason for a move" in wrong.content.decode()
        assert writes_since(live_sandbox, before) == []

        moved = reception_client.post(
            f"/bookings/{booking_id}/reschedule/",
            {
                **form,
                "submit_token": "t" * 20,
                "reason": "customer-asked-to-move",
                "reason_text": "Afternoons suit her",
            },
        )

        assert moved.status_code == 302, moved.content.decode()[:2000]
        shown = reception_client.get(f"/bookings/{booking_id}/").content.decode()
        assert "Moves made here" in shown
        assert "Why: Customer asked to move: Afternoons suit her" in shown
        record = BookingMove.objects.get(booking_id=booking_id)
        assert record.reason_label == "Customer asked to move"
        assert record.username == receptionist.username
        entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_RESCHEDULE)
        assert entry.changes["reason"] == "Customer asked to move"
        assert entry.changes["reason_text"] == "Afternoons suit her"
    finally:
        delete_bookings(live_sandbox, [booking_id])


def test_a_move_without_a_reason_from_the_service_is_recorded_as_none_given(
    live_sandbox, receptionist
):
    """The calendar's drag and drop calls the service without a reason."""
    from bookings.services.moving import Move, reschedule_booking

    day = free_day(live_sandbox, 1)
    booking_id = new_booking(live_sandbox, day, "09:00", tag="reason-drag")
    try:
        outcome = reschedule_booking(
            user=receptionist,
            booking_id=booking_id,
            move=Move(day=day, start_time="11:00", agent=None, notify=False),
        )
        assert outcome.done
        assert BookingMove.objects.get(booking_id=booking_id).reason_label == "No reason given"
    finally:
        delete_bookings(live_sandbox, [booking_id])


def test_the_admin_lists_and_edits_the_reasons(client, administrator, manager):
    client.force_login(administrator)
    listing = client.get("/admin/bookings/reason/").content.decode()
    for label in ("Customer cancelled", "Illness", "Clinic rescheduled", "No reason given"):
        assert label in listing
    illness = Reason.objects.get(slug="illness")

    saved = client.post(
        f"/admin/bookings/reason/{illness.pk}/change/",
        {
            "label": "Illness or injury",
            "slug": "illness",
            "active": "on",
            "order": 20,
            "for_cancel": "on",
            "for_no_show": "on",
        },
    )

    assert saved.status_code == 302
    illness.refresh_from_db()
    assert (illness.label, illness.for_move) == ("Illness or injury", False)
    client.force_login(manager)  # the admin is the administrators'
    assert client.get("/admin/bookings/reason/").status_code == 403
