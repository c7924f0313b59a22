"""LatePoint's bookings, payments and customers in the local copy's shape, and their writes
into it.

`record_fields` is the one mapping from a booking as the client parsed it to the copy's
columns: the sync stores it, and the stats compute their live figures over the same records
(`stats.live.live_records`), so that a figure means the same read live or from the copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from history.models import BookingRecord, CustomerRecord, PaymentRecord
from history.services import history_changed
from latepoint.models import Booking, Customer, Payment


def _cents(price: Decimal | None) -> int | None:
    if price is None:
        return None
    return int((price * 100).to_integral_value())


def record_fields(booking: Booking, *, zone: tzinfo | None = None) -> dict:
    """The read model's columns for a booking as the client parsed it."""
    zone = zone or timezone.get_current_timezone()
    customer = booking.customer
    service = booking.service
    name = ""
    if customer is not None:
        name = customer.full_name or f"{customer.first_name} {customer.last_name}".strip()
    return {
        "id": int(booking.id),
        "status": str(booking.status)[:32],
        "start_date": booking.start.astimezone(zone).date() if booking.start else None,
        "start": booking.start,
        "end": booking.end,
        "agent_id": booking.agent.id if booking.agent is not None else None,
        "service_id": service.id if service is not None else None,
        "location_id": booking.location.id if booking.location is not None else None,
        "customer_id": customer.id if customer is not None else None,
        "customer_name": name[:255],
        "order_id": booking.order.id if booking.order is not None else None,
        "service_name": (service.name if service is not None else "")[:255],
        "price_cents": _cents(booking.price),
        "payment_status": (booking.payment_status or "")[:32],
        "created_at": booking.created_at,
        "updated_at": booking.updated_at,
    }


_UPDATE_FIELDS = [
    "status",
    "start_date",
    "start",
    "end",
    "agent_id",
    "service_id",
    "location_id",
    "customer_id",
    "customer_name",
    "order_id",
    "service_name",
    "price_cents",
    "payment_status",
    "created_at",
    "updated_at",
    "synced_at",
]


def booking_record(booking: Booking) -> None:
    """Write a booking LatePoint just returned from a write through the front office."""
    now = timezone.now()
    fields = record_fields(booking)
    booking_id = fields.pop("id")
    if booking.start is None:
        # An answer without the booking's times: keep the rest of what the copy holds.
        kept = {"status": fields["status"]}
        if booking.payment_status:
            kept["payment_status"] = fields["payment_status"]
        fields = kept
        BookingRecord.objects.filter(id=booking_id).update(**fields, synced_at=now, written_at=now)
        history_changed()
        return
    if fields["order_id"] is None:
        del fields["order_id"]  # an answer without the order: keep the one the copy holds
    BookingRecord.objects.update_or_create(
        id=booking_id, defaults={**fields, "synced_at": now, "written_at": now}
    )
    history_changed()


def store_page(bookings: Iterable[Booking], *, read_at: datetime) -> int:
    """Write one page read at `read_at`; a booking written through us since is left alone."""
    rows = {int(b.id): record_fields(b) for b in bookings}
    if not rows:
        return 0
    with transaction.atomic():
        newer = set(
            BookingRecord.objects.filter(id__in=rows, written_at__gte=read_at).values_list(
                "id", flat=True
            )
        )
        BookingRecord.objects.bulk_create(
            [
                BookingRecord(**fields, synced_at=read_at)
                for cid, fields in rows.items()
                if cid not in newer
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=_UPDATE_FIELDS,
        )
        # Seen in this walk all the same (so the end of the walk keeps them).
        BookingRecord.objects.filter(id__in=newer).update(synced_at=read_at)
    history_changed()
    return len(rows)


def store_customers(customers: Iterable[Customer], *, read_at: datetime) -> None:
    """Write the creation day of each customer of a page read at `read_at`."""
    zone = timezone.get_current_timezone()
    records = [
        CustomerRecord(
            id=int(c.id),
            created_on=c.created_at.astimezone(zone).date() if c.created_at else None,
            synced_at=read_at,
        )
        for c in customers
    ]
    if records:
        CustomerRecord.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["created_on", "synced_at"],
        )


def store_payments(payments: Iterable[Payment], *, read_at: datetime) -> int:
    """Write one page of payments read at `read_at` (amounts in cents, the day each was made
    in the site's time zone)."""
    zone = timezone.get_current_timezone()
    records = [
        PaymentRecord(
            id=int(p.id),
            order_id=p.order_id,
            customer_id=p.customer_id,
            kind=(p.kind or "capture")[:20],
            status=(p.status or "")[:20],
            payment_method=(p.payment_method or "")[:40],
            amount_cents=_cents(p.amount) or 0,
            day=p.created_at.astimezone(zone).date() if p.created_at else None,
            created_at=p.created_at,
            synced_at=read_at,
        )
        for p in payments
    ]
    if records:
        PaymentRecord.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=[
                "order_id",
                "customer_id",
                "kind",
                "status",
                "payment_method",
                "amount_cents",
                "day",
                "created_at",
                "synced_at",
            ],
        )
    return len(records)
