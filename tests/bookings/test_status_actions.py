"""Status actions against the sandbox: every allowed and every refused transition, roles, audit.

Each test takes its own past bookings from the sandbox's database (only a booking that has
begun may be completed or marked a no-show) and walks them into the state it needs with raw
API calls; the front office then makes the change a user would.
"""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from bookings.models import StatusChange
from bookings.services.status import ALLOWED_TRANSITIONS
from tests.bookings.conftest import server_timing_calls
from tests.conftest import sandbox_status

API = "/wp-json/latepoint-api/v1"

#: How to reach each starting status from a past booking the sandbox seeded.
PRECONDITION = {
    "pending": ("pending", ()),
    "approved": ("approved", ()),
    "cancelled": ("cancelled", ()),
    "completed": ("approved", ("completed",)),
    "no_show": ("approved", ("no_show",)),
}
STATUSES = tuple(PRECONDITION)
ALLOWED = [(a, b) for a in STATUSES for b in ALLOWED_TRANSITIONS[a]]
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if b != a and b not in ALLOWED_TRANSITIONS[a]]


@pytest.fixture
def booking_in(take_booking, move):
    def make(status: str) -> int:
        seed_status, path = PRECONDITION[status]
        booking_id = take_booking(seed_status, "past")
        move(booking_id, *path)
        return booking_id

    return make


def post_change(client, booking_id: int, to_status: str, **extra):
    data = {"to_status": to_status, "confirmed": "yes", **extra}
    # A cancellation and a no-show ask why: a reason from the list, and words of one's own.
    if to_status == "cancelled":
        data.setdefault("reason", "customer-cancelled")
        data.setdefault("reason_text", f"Customer phoned to cancel ({booking_id})")
    if to_status == "no_show":
        data.setdefault("reason", "did-not-show")
    return client.post(f"/bookings/{booking_id}/status/", data)


def test_the_table_covers_every_pair():
    assert len(ALLOWED) == 10
    assert len(REFUSED) == 10


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_transition(live_sandbox, client, manager, booking_in, current, target):
    client.force_login(manager)  # completed -> cancelled is a manager's; the rest anyone's
    booking_id = booking_in(current)
    page = client.get(f"/bookings/{booking_id}/").content.decode()
    # The page offers this transition (cancel and no-show through their reason page, the rest
    # as forms).
    if target in ("cancelled", "no_show"):
        assert f"/bookings/{booking_id}/status/?to_status={target}" in page
    else:
        assert f'name="to_status" value="{target}"' in page

    response = post_change(client, booking_id, target)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/bookings/{booking_id}/"
    assert sandbox_status(live_sandbox, booking_id) == target
    shown = client.get(f"/bookings/{booking_id}/").content.decode()
    assert "is now" in shown  # the success message
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_STATUS, object_id=booking_id)
    assert entry.result == AuditEntry.Result.OK
    assert entry.username == manager.username
    assert entry.changes["status"] == {"before": current, "after": target}
    change = StatusChange.objects.get(booking_id=booking_id)
    assert (change.from_status, change.to_status, change.result) == (current, target, "ok")
    if target == "cancelled":
        assert change.reason == f"Customer phoned to cancel ({booking_id})"
        assert change.reason_label == "Customer cancelled"
        assert entry.changes["reason"] == "Customer cancelled"
        assert entry.changes["reason_text"] == change.reason
        assert f"Why: Customer cancelled: Customer phoned to cancel ({booking_id})" in shown


@pytest.mark.parametrize(("current", "target"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_every_refused_transition(live_sandbox, client, manager, booking_in, current, target):
    client.force_login(manager)
    booking_id = booking_in(current)
    # LatePoint (the sandbox) refuses it too: the table matches the API's.
    code, body = live_sandbox.request("PUT", f"{API}/bookings/{booking_id}", {"status": target})
    assert code == 400
    assert body["error"]["code"] == "invalid_status_transition"

    page = client.get(f"/bookings/{booking_id}/").content.decode()
    assert f'name="to_status" value="{target}"' not in page
    response = post_change(client, booking_id, target)

    assert response.status_code == 409
    text = response.content.decode()
    assert "cannot be set to" in text
    assert "Back to the booking" in text
    assert sandbox_status(live_sandbox, booking_id) == current
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_STATUS, object_id=booking_id)
    assert entry.result == AuditEntry.Result.FAILED
    assert "cannot be set to" in entry.error


def test_a_change_to_a_booking_changed_meanwhile_shows_the_conflict(
    live_sandbox, reception_client, booking_in
):
    """The page was read while approved; someone else cancelled it in LatePoint meanwhile."""
    booking_id = booking_in("approved")
    assert "No-show" in reception_client.get(f"/bookings/{booking_id}/").content.decode()
    code, _ = live_sandbox.request("PUT", f"{API}/bookings/{booking_id}", {"status": "cancelled"})
    assert code == 200

    response = post_change(reception_client, booking_id, "no_show", seen_status="approved")

    assert response.status_code == 409
    text = response.content.decode()
    assert "Changed since you opened it" in text
    assert 'You saw this booking as <span class="chip chip-approved">Approved</span>' in text
    assert 'in LatePoint it is now <span class="chip chip-cancelled">Cancelled</span>' in text
    assert "From cancelled it cannot be set to no-show." in text
    assert 'name="confirmed"' not in text  # nothing to send from here
    assert sandbox_status(live_sandbox, booking_id) == "cancelled"
    assert not AuditEntry.objects.filter(
        object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS
    ).exists()
    # The next look at the booking shows LatePoint's status, not the stale one.
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert 'class="chip chip-cancelled">Cancelled<' in page


def test_a_conflicting_change_can_be_made_anyway_from_what_it_now_is(
    live_sandbox, reception_client, booking_in
):
    booking_id = booking_in("approved")
    code, _ = live_sandbox.request("PUT", f"{API}/bookings/{booking_id}", {"status": "no_show"})
    assert code == 200
    reason = "Customer phoned: moving away"

    conflict = post_change(
        reception_client, booking_id, "cancelled", seen_status="approved", reason_text=reason
    )

    text = conflict.content.decode()
    assert conflict.status_code == 409
    assert "Changed since you opened it" in text
    assert "Cancel booking anyway</button>" in text
    assert '<input type="hidden" name="seen_status" value="no_show">' in text
    assert f">{reason}</textarea>" in text  # what was typed is kept
    assert sandbox_status(live_sandbox, booking_id) == "no_show"

    again = post_change(
        reception_client, booking_id, "cancelled", seen_status="no_show", reason_text=reason
    )

    assert again.status_code == 302
    assert sandbox_status(live_sandbox, booking_id) == "cancelled"


def test_receptionist_cannot_cancel_a_completed_booking(live_sandbox, reception_client, booking_in):
    booking_id = booking_in("completed")
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert "to_status=cancelled" not in page
    assert "No status change is available from completed." in page

    response = post_change(reception_client, booking_id, "cancelled")

    assert response.status_code == 403
    assert "Only a manager can cancel a completed booking." in response.content.decode()
    assert sandbox_status(live_sandbox, booking_id) == "completed"
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.error == "Only a manager can cancel a completed booking."
    # Its confirmation page refuses too.
    confirm = reception_client.get(f"/bookings/{booking_id}/status/?to_status=cancelled")
    assert confirm.status_code == 400
    assert "Only a manager can cancel a completed booking." in confirm.content.decode()


def test_manager_cancels_a_completed_booking_with_force(live_sandbox, manager_client, booking_in):
    booking_id = booking_in("completed")
    page = manager_client.get(f"/bookings/{booking_id}/").content.decode()
    assert f"/bookings/{booking_id}/status/?to_status=cancelled" in page

    response = post_change(manager_client, booking_id, "cancelled", reason_text="Refunded")

    assert response.status_code == 302
    # Without force the sandbox refuses completed -> cancelled, so force was sent.
    assert sandbox_status(live_sandbox, booking_id) == "cancelled"


def test_without_confirmation_the_server_asks_first(live_sandbox, reception_client, booking_in):
    booking_id = booking_in("approved")
    response = reception_client.post(
        f"/bookings/{booking_id}/status/", {"to_status": "completed", "seen_status": "approved"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mark this booking as completed?" in text
    assert 'name="confirmed" value="yes"' in text
    assert sandbox_status(live_sandbox, booking_id) == "approved"
    assert not AuditEntry.objects.filter(object_id=booking_id).exists()


def test_cancelling_asks_for_a_reason(live_sandbox, reception_client, booking_in):
    booking_id = booking_in("pending")
    confirm = reception_client.get(f"/bookings/{booking_id}/status/?to_status=cancelled")
    assert confirm.status_code == 200
    assert 'name="reason"' in confirm.content.decode()

    response = reception_client.post(
        f"/bookings/{booking_id}/status/",
        {"to_status": "cancelled", "confirmed": "yes", "reason": "   "},
    )

    assert response.status_code == 400
    assert "Choose why the booking is cancelled." in response.content.decode()
    assert sandbox_status(live_sandbox, booking_id) == "pending"


def test_a_failed_write_keeps_the_reason_typed(live_sandbox, reception_client, booking_in):
    booking_id = booking_in("approved")
    reception_client.get(f"/bookings/{booking_id}/")  # the booking is now cached
    live_sandbox.set_faults(unavailable=True)

    response = post_change(
        reception_client, booking_id, "cancelled", reason_text="Flu; will rebook next week"
    )

    live_sandbox.reset_faults()
    assert response.status_code == 503  # LatePoint is unavailable, said as such
    text = response.content.decode()
    assert "Flu; will rebook next week</textarea>" in text
    assert "LatePoint is unavailable" in text
    assert "Nothing was changed." in text
    assert sandbox_status(live_sandbox, booking_id) == "approved"
    entry = AuditEntry.objects.get(object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.changes["reason_text"] == "Flu; will rebook next week"


def test_unknown_booking_is_a_404(live_sandbox, reception_client):
    assert reception_client.get("/bookings/99999999/").status_code == 404
    assert post_change(reception_client, 99999999, "approved").status_code == 404


def test_booking_page_is_the_booking_and_its_customers_status(
    live_sandbox, reception_client, take_booking
):
    """One call for the booking and one for its customer's summary (blocked or not: the risk
    badge itself comes from the booking history), and one for its order's payments when
    something was paid on it; all kept: the page again costs none."""
    booking_id = take_booking("approved")
    with live_sandbox.db() as conn:
        paid = conn.execute(
            "SELECT COUNT(*) FROM sandbox_payment p JOIN sandbox_booking b "
            "ON b.order_id = p.order_id WHERE b.id = ?",
            (booking_id,),
        ).fetchone()[0]
    response = reception_client.get(f"/bookings/{booking_id}/")
    again = reception_client.get(f"/bookings/{booking_id}/")
    assert response.status_code == 200
    assert server_timing_calls(response) == 2 + (1 if paid else 0)
    assert server_timing_calls(again) == 0
