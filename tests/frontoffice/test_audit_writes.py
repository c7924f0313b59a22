"""Every kind of write made through the screens lands in the audit trail, failed ones too,
and a manager reads it at /audit/.

The writes go through the real screens against the sandbox. Customers are created here;
bookings are taken from the sandbox's lowest ids (the bookings tests take the highest).
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from tests.customers.form_html import form_values
from tests.exports import export_file

pytestmark = pytest.mark.django_db

_taken: set[int] = set()


def _take_booking(sandbox, status: str, *, today: bool) -> int:
    day = timezone.localdate().isoformat()
    # Not today: a past day, as only a booking that has begun may be completed or missed.
    where = "start_date = ?" if today else "start_date < ?"
    with sandbox.db() as conn:
        rows = conn.execute(
            f"SELECT id FROM sandbox_booking WHERE status = ? AND {where} ORDER BY id LIMIT 200",  # noqa: S608
            (status, day),
        ).fetchall()
    for row in rows:
        if row["id"] not in _taken:
            _taken.add(row["id"])
            return row["id"]
    raise AssertionError(f"no spare {status} booking in the sandbox")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(client: Client, email: str):
    return client.post(
        "/customers/new/",
        {"first_name": "Audit", "last_name": "Trail", "email": email, "status": "active"},
    )


@pytest.fixture
def customer(live_sandbox, receptionist) -> tuple[int, str]:
    email = f"audit.{uuid.uuid4().hex[:10]}@example.com"
    response = _create(_client(receptionist), email)
    assert response.status_code == 302, response.content.decode()[:3000]
    return int(response.url.rstrip("/").rsplit("/", 1)[1]), email


def _audit_page(manager, **filters) -> str:
    response = _client(manager).get("/audit/", filters)
    assert response.status_code == 200
    return response.content.decode()


def _latest(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def test_customer_create_and_a_failed_duplicate(live_sandbox, receptionist, manager, customer):
    customer_id, email = customer
    entry = _latest(AuditEntry.Action.CUSTOMER_CREATE)
    assert (entry.username, entry.result, entry.customer_id) == ("rita", "ok", customer_id)
    again = _create(_client(receptionist), email)
    assert again.status_code == 200  # the form again, with the duplicate explained
    failed = _latest(AuditEntry.Action.CUSTOMER_CREATE)
    assert failed.result == "failed" and failed.error
    html = _audit_page(manager, action="customer.create", person="rita")
    assert "Customer created" in html
    assert f'href="/customers/{customer_id}/"' in html
    assert "Failed" in html and failed.error in html


def test_customer_edit_shows_before_and_after(live_sandbox, receptionist, manager, customer):
    customer_id, _ = customer
    client = _client(receptionist)
    values = form_values(client.get(f"/customers/{customer_id}/edit/").content)
    values["phone"] = "+1 415 555 0123"
    response = client.post(f"/customers/{customer_id}/edit/", values)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = _latest(AuditEntry.Action.CUSTOMER_UPDATE)
    assert entry.customer_id == customer_id and entry.result == "ok"
    assert set(entry.changes) == {"phone"}
    html = _audit_page(manager, action="customer.update", customer=customer_id)
    assert "Customer edited" in html
    assert f"<ins>{entry.changes['phone']['after']}</ins>" in html


def test_blocking_by_a_manager_and_a_refused_attempt(live_sandbox, receptionist, manager, customer):
    customer_id, _ = customer
    # A receptionist cannot block: the customer stays active upstream.
    desk = _client(receptionist)
    values = form_values(desk.get(f"/customers/{customer_id}/edit/").content)
    values.update(status="blocked", confirm_block="on")
    desk.post(f"/customers/{customer_id}/edit/", values)
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT status FROM sandbox_customer WHERE id = ?", (customer_id,)
        ).fetchone()
    assert row["status"] == "active"
    assert not AuditEntry.objects.filter(
        action=AuditEntry.Action.CUSTOMER_STATUS, result="ok", username="rita"
    ).exists()
    boss = _client(manager)
    values = form_values(boss.get(f"/customers/{customer_id}/edit/").content)
    values.update(status="blocked", confirm_block="on")
    response = boss.post(f"/customers/{customer_id}/edit/", values)
    assert response.status_code == 302, response.content.decode()[:3000]
    entries = AuditEntry.objects.filter(
        action=AuditEntry.Action.CUSTOMER_STATUS, customer_id=customer_id
    )
    assert [(e.username, e.result) for e in entries.filter(result="ok")] == [("max", "ok")]
    html = _audit_page(manager, action="customer.status", customer=customer_id)
    assert "Customer status changed" in html
    assert "<del>active</del> → <ins>blocked</ins>" in html


def test_booking_status_change(live_sandbox, manager):
    booking_id = _take_booking(live_sandbox, "approved", today=False)
    response = _client(manager).post(
        f"/bookings/{booking_id}/status/", {"to_status": "completed", "confirmed": "yes"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = _latest(AuditEntry.Action.BOOKING_STATUS)
    assert entry.object_id == str(booking_id) and entry.result == "ok"
    html = _audit_page(manager, action="booking.status")
    assert "Booking status changed" in html
    assert f"Booking #{booking_id}" in html
    assert "<ins>completed</ins>" in html


def test_booking_status_change_refused_by_latepoint(live_sandbox, manager):
    booking_id = _take_booking(live_sandbox, "approved", today=False)
    client = _client(manager)
    # The page was open (the booking is read), then LatePoint fails the write.
    assert client.get(f"/bookings/{booking_id}/").status_code == 200
    live_sandbox.set_faults(error_rate=1.0)
    response = client.post(
        f"/bookings/{booking_id}/status/",
        {"to_status": "no_show", "confirmed": "yes", "reason": "did-not-show"},
    )
    live_sandbox.reset_faults()
    assert response.status_code >= 400
    entry = _latest(AuditEntry.Action.BOOKING_STATUS)
    assert entry.object_id == str(booking_id) and entry.result == "failed"
    html = _audit_page(manager, action="booking.status", result="failed")
    assert f"Booking #{booking_id}" in html and entry.error in html


def test_check_in_and_its_undo(live_sandbox, receptionist, manager):
    booking_id = _take_booking(live_sandbox, "approved", today=True)
    desk = _client(receptionist)
    assert desk.post(f"/bookings/{booking_id}/check-in/").status_code == 302
    assert desk.post(f"/bookings/{booking_id}/check-in/undo/").status_code == 302
    # A second undo has nothing to undo: refused and recorded.
    desk.post(f"/bookings/{booking_id}/check-in/undo/")
    done = AuditEntry.objects.filter(object_id=str(booking_id))
    assert done.filter(action=AuditEntry.Action.CHECK_IN, result="ok").count() == 1
    assert done.filter(action=AuditEntry.Action.CHECK_IN_UNDO, result="ok").count() == 1
    assert done.filter(action=AuditEntry.Action.CHECK_IN_UNDO, result="failed").count() == 1
    html = _audit_page(manager, person="rita")
    assert "Checked in" in html and "Check-in undone" in html


def test_export(live_sandbox, manager):
    export_file(_client(manager), "customers", "status=blocked")
    entry = _latest(AuditEntry.Action.EXPORT)
    assert entry.username == "max"
    html = _audit_page(manager, action="export")
    assert "Export" in html and "max" in html


def test_blocking_is_refused_in_the_service_too(live_sandbox, receptionist, manager, customer):
    """The role is enforced below the screen: a crafted call is refused and recorded."""
    from django.core.exceptions import PermissionDenied

    from customers.services import customer_update

    customer_id, _ = customer
    with pytest.raises(PermissionDenied):
        customer_update(
            user=receptionist,
            customer_id=customer_id,
            original={"status": "active"},
            changes={"status": "blocked"},
        )
    entry = _latest(AuditEntry.Action.CUSTOMER_STATUS)
    assert (entry.username, entry.result) == ("rita", "failed")
    html = _audit_page(manager, action="customer.status", result="failed")
    assert entry.error in html
