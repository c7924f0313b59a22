"""One timeline per customer on the profile: bookings, notes, status changes with their reasons,
check-ins, edits and payments, newest first, filterable by kind (a GET form), no extra call."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from bookings.models import CheckIn, StatusChange
from history.models import PaymentRecord
from notes.models import Note
from tests.notes.helpers import HTMX, create_customer, visible_text

pytestmark = pytest.mark.django_db


def _entries(page: str) -> list[tuple[str, str]]:
    """(kind, visible text) of each timeline entry, in the page's order."""
    found = re.findall(r'<li class="timeline-entry[^"]*" data-kind="(\w+)">(.*?)</li>', page, re.S)
    return [(kind, visible_text(body)) for kind, body in found]


@pytest.fixture
def history(live_sandbox, receptionist):
    """A customer with one entry of each local kind, an hour apart, the note the newest."""
    customer_id, _ = create_customer(live_sandbox)
    now = timezone.now()

    def at(hours_ago: int):
        return now - timedelta(hours=hours_ago)

    payment = PaymentRecord.objects.create(
        id=990000 + customer_id % 1000,
        customer_id=customer_id,
        kind="capture",
        status="succeeded",
        payment_method="card",
        amount_cents=4000,
        day=at(5).date(),
        created_at=at(5),
        synced_at=now,
    )
    edit = AuditEntry.objects.create(
        user=receptionist,
        username="rita",
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        customer_id=customer_id,
        summary="Phone changed",
    )
    AuditEntry.objects.filter(pk=edit.pk).update(created_at=at(4))
    checkin = CheckIn.objects.create(
        booking_id=123456, customer_id=customer_id, checked_in_at=at(3), checked_in_by_name="rita"
    )
    change = StatusChange.objects.create(
        booking_id=123456,
        customer_id=customer_id,
        from_status="approved",
        to_status="cancelled",
        reason="Called at 8am",
        username="rita",
    )
    StatusChange.objects.filter(pk=change.pk).update(created_at=at(2), reason_label="Illness")
    note = Note.objects.create(customer_id=customer_id, text="Owes $40", author_name="rita")
    Note.objects.filter(pk=note.pk).update(created_at=at(1))
    return customer_id, payment, checkin


def test_every_kind_in_one_list_newest_first(reception_client, history):
    customer_id, _, _ = history
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()

    entries = _entries(page)
    kinds = [kind for kind, _ in entries]
    assert kinds == ["note", "status", "checkin", "edit", "payment"]
    text = dict(entries)
    assert "Owes $40" in text["note"]
    assert "Approved → Cancelled" in text["status"]
    assert "Reason: Illness: Called at 8am" in text["status"]
    assert "by rita" in text["checkin"]
    assert "Phone changed" in text["edit"]
    assert "Payment of $40.00 by card" in text["payment"]


def test_the_filter_shows_one_kind(reception_client, history):
    customer_id, _, _ = history
    page = reception_client.get(f"/customers/{customer_id}/?kind=status").content.decode()
    assert [kind for kind, _ in _entries(page)] == ["status"]
    assert re.search(r'name="kind" value="status" checked', page)


def test_the_filter_by_htmx_swaps_the_timeline_alone(reception_client, history):
    customer_id, _, _ = history
    response = reception_client.get(
        f"/customers/{customer_id}/?kind=note", **HTMX, HTTP_HX_TARGET="customer-timeline"
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="customer-timeline"')
    assert "<html" not in page
    assert [kind for kind, _ in _entries(page)] == ["note"]


def test_an_unknown_kind_shows_everything_with_a_message(reception_client, history):
    customer_id, _, _ = history
    page = reception_client.get(f"/customers/{customer_id}/?kind=%3Cx%3E").content.decode()
    assert "That kind of entry does not exist; showing everything." in page
    assert len(_entries(page)) == 5


def test_bookings_read_by_the_profile_are_in_the_timeline(live_sandbox, reception_client):
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT customer_id, id FROM sandbox_booking WHERE start_date > date('now') "
            "AND status = 'approved' ORDER BY id LIMIT 1"
        ).fetchone()
    page = reception_client.get(f"/customers/{row['customer_id']}/?kind=booking").content
    entries = _entries(page.decode())
    assert entries and {kind for kind, _ in entries} == {"booking"}
    assert f'href="/bookings/{row["id"]}/"' in page.decode()


def test_a_payment_taken_at_the_desk_is_listed_once(reception_client, history, receptionist):
    customer_id, payment, _ = history
    taken = AuditEntry.objects.create(
        user=receptionist,
        username="rita",
        action=AuditEntry.Action.PAYMENT_TAKE,
        customer_id=customer_id,
        object_type="booking",
        object_id="123456",
        summary="Took $40.00 by card",
        changes={"payment_id": payment.id},
    )
    AuditEntry.objects.filter(pk=taken.pk).update(created_at=payment.created_at)
    page = reception_client.get(f"/customers/{customer_id}/?kind=payment").content.decode()
    entries = _entries(page)
    assert len(entries) == 1 and "Took $40.00 by card" in entries[0][1]
