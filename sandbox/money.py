"""Orders, invoices and payments: the statuses that follow from the payments, and how each
endpoint writes them (latepoint-api.md §2.7, §2.8, §3).

An order's `payment_status` is worked out from its succeeded payments after every payment
write: nothing captured is `not_paid`; less than the total `partially_paid`; the total or more
`fully_paid`; with refunds, `refunded` once they reach what was captured and
`partially_refunded` before. Its bookings carry the same status in the booking vocabulary
(`paid` for `fully_paid`), and its open invoices follow too.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sandbox.models import Booking, Invoice, Order, OrderItem, Payment, local_text

CENTS = Decimal("0.01")
#: Confirmation codes: 8 of these.
CODE_CHARS = string.ascii_uppercase + string.digits
ORDER_STATUSES = ("open", "cancelled", "completed")
ORDER_PAYMENT_STATUSES = (
    "not_paid",
    "partially_paid",
    "fully_paid",
    "processing",
    "refunded",
    "partially_refunded",
)
FULFILLMENT_STATUSES = ("not_fulfilled", "partially_fulfilled", "fulfilled")
INVOICE_STATUSES = ("open", "paid", "partially_paid", "draft", "void", "uncollectible")
PAYMENT_STATUSES = ("succeeded", "processing", "failed")
PAYMENT_KINDS = ("capture", "refund")
PORTIONS = ("full", "deposit", "balance")
#: Invoices someone set by hand: payments leave them as they are.
FIXED_INVOICES = ("draft", "void", "uncollectible")
#: The order's payment status in the booking's words.
BOOKING_PAYMENT_STATUS = {"fully_paid": "paid", "processing": "not_paid"}


@dataclass(frozen=True)
class Totals:
    """What an order's succeeded payments add up to."""

    captured: Decimal
    refunded: Decimal
    processing: bool = False

    @property
    def refundable(self) -> Decimal:
        return max(self.captured - self.refunded, Decimal(0))


def totals(payments: Iterable[Payment], *, without: int | None = None) -> Totals:
    captured = refunded = Decimal(0)
    processing = False
    for p in payments:
        if p.pk == without and without is not None:
            continue
        if p.status == "processing" and p.kind == "capture":
            processing = True
        if p.status != "succeeded":
            continue
        if p.kind == "refund":
            refunded += Decimal(p.amount)
        else:
            captured += Decimal(p.amount)
    return Totals(captured, refunded, processing)


def order_payment_status(total: Decimal, sums: Totals) -> str:
    if sums.refunded > 0:
        return "refunded" if sums.refunded >= sums.captured else "partially_refunded"
    if sums.captured <= 0:
        return "processing" if sums.processing else "not_paid"
    return "fully_paid" if sums.captured >= Decimal(total) else "partially_paid"


def booking_payment_status(order_status: str) -> str:
    return BOOKING_PAYMENT_STATUS.get(order_status, order_status)


def invoice_status(order_status: str) -> str:
    return {"fully_paid": "paid", "partially_paid": "partially_paid"}.get(order_status, "open")


def settle(order: Order, moment: datetime) -> None:
    """Bring the order's payment status, its invoices' and its bookings' in line with its
    payments (call inside the write's transaction)."""
    status = order_payment_status(order.total, totals(order.payments.all()))
    if status != order.payment_status:
        order.payment_status = status
        order.updated_at = moment
        order.save(update_fields=["payment_status", "updated_at"])
    order.invoices.exclude(status__in=FIXED_INVOICES).update(
        status=invoice_status(status), updated_at=moment
    )
    Booking.objects.filter(pk__in=booking_ids(order)).exclude(
        payment_status=booking_payment_status(status)
    ).update(payment_status=booking_payment_status(status), updated_at=moment)


def booking_ids(order: Order) -> list[int]:
    return [
        pk
        for pk in OrderItem.objects.filter(order=order).values_list("booking_id", flat=True)
        if pk is not None
    ]


def item_data(booking_id: int) -> str:
    return json.dumps({"booking_id": booking_id}, separators=(",", ":"))


def open_booking_order(booking: Booking, total: Decimal, moment: datetime) -> Order:
    """The order, its booking line and its invoice for a new booking (the booking is saved
    afterwards with `order_id` set to the order's id)."""
    order = Order.objects.create(
        customer=booking.customer,
        confirmation_code=booking.order_code,
        subtotal=total,
        total=total,
        status="cancelled" if booking.status == "cancelled" else "open",
        customer_comment=booking.customer_comment,
        created_at=moment,
        updated_at=moment,
    )
    Invoice.objects.create(
        order=order,
        invoice_number=f"INV-{order.pk}",
        charge_amount=total,
        created_at=moment,
        updated_at=moment,
    )
    return order


def add_booking_item(order: Order, booking: Booking, total: Decimal, moment: datetime) -> None:
    OrderItem.objects.create(
        order=order,
        item_data=item_data(booking.pk),
        booking_id=booking.pk,
        subtotal=total,
        total=total,
        created_at=moment,
        updated_at=moment,
    )


def booking_changed(booking: Booking, total: Decimal, moment: datetime) -> None:
    """A booking's price or status changed: an order of that booking alone follows it."""
    order = Order.objects.filter(pk=booking.order_id).first()
    if order is None or len(booking_ids(order)) != 1:
        return
    status = {"completed": "completed", "cancelled": "cancelled"}.get(booking.status, "open")
    fulfillment = "fulfilled" if booking.status == "completed" else "not_fulfilled"
    order.status, order.fulfillment_status = status, fulfillment
    order.subtotal = order.total = total
    order.updated_at = moment
    order.save()
    OrderItem.objects.filter(order=order, booking_id=booking.pk).update(
        subtotal=total, total=total, updated_at=moment
    )
    order.invoices.exclude(status__in=FIXED_INVOICES).update(charge_amount=total)
    settle(order, moment)


def booking_deleted(booking: Booking) -> None:
    """A deleted booking leaves its order; an order left with nothing on it and never paid
    goes too."""
    OrderItem.objects.filter(booking_id=booking.pk).delete()
    order = Order.objects.filter(pk=booking.order_id).first()
    if order is not None and not order.items.exists() and not order.payments.exists():
        order.delete()


# --- how the endpoints write them --------------------------------------------------------------


def amount4(value) -> str:
    """ "23.0000": the newer orders page, and the payments list and get."""
    return str(Decimal(value or 0).quantize(Decimal("0.0001")))


def amount2(value) -> str:
    """ "45.00": GET /orders/{id} and the older pages."""
    return str(Decimal(value or 0).quantize(CENTS))


def amount_plain(value) -> str:
    """ "50", "12.5": the payment create and update answers."""
    return format(Decimal(value or 0).quantize(CENTS).normalize(), "f")


def order_row(o: Order) -> dict:
    """A row of GET /orders (newer page, S3/P2): string ids, "23.0000", MySQL datetimes."""
    return {
        "id": str(o.pk),
        "confirmation_code": o.confirmation_code,
        "subtotal": amount4(o.subtotal),
        "total": amount4(o.total),
        "status": o.status,
        "fulfillment_status": o.fulfillment_status,
        "payment_status": o.payment_status,
        "customer_id": str(o.customer_id),
        "customer_comment": o.customer_comment,
        "coupon_code": "",
        "coupon_discount": amount4(0),
        "tax_total": amount4(o.tax_total),
        "notes": o.notes,
        "ip_address": "",
        "source_id": None,
        "source_url": "",
        "created_at": local_text(o.created_at),
        "updated_at": local_text(o.updated_at),
    }


def item_object(item: OrderItem) -> dict:
    return {
        "id": item.pk,
        "variant": item.variant,
        "item_data": item.item_data,
        "quantity": item.quantity,
        "subtotal": amount2(item.subtotal),
        "total": amount2(item.total),
    }


def order_object(o: Order) -> dict:
    """GET/POST/PUT /orders/{id} (S7, a bare object): int ids, "45.00", MySQL datetimes."""
    return {
        "id": o.pk,
        "confirmation_code": o.confirmation_code,
        "subtotal": amount2(o.subtotal),
        "total": amount2(o.total),
        "status": o.status,
        "fulfillment_status": o.fulfillment_status,
        "payment_status": o.payment_status,
        "customer_id": o.customer_id,
        "coupon_code": None,
        "tax_total": amount2(o.tax_total),
        "customer_comment": o.customer_comment,
        "notes": o.notes,
        "created_at": local_text(o.created_at),
        "updated_at": local_text(o.updated_at),
        "items": [item_object(item) for item in o.items.order_by("id")],
    }


def invoice_object(i: Invoice) -> dict:
    """An invoice of GET /orders/{id}/invoices (orders family: int ids, "45.00")."""
    return {
        "id": i.pk,
        "order_id": i.order_id,
        "invoice_number": i.invoice_number,
        "status": i.status,
        "charge_amount": amount2(i.charge_amount),
        "created_at": local_text(i.created_at),
        "updated_at": local_text(i.updated_at),
    }


def payment_strings(p: Payment) -> dict:
    """GET /payments and /payments/{id} (S3): every value a string, amounts "467.0000"."""
    return {
        "id": str(p.pk),
        "token": p.token,
        "invoice_id": str(p.invoice_id) if p.invoice_id else "",
        "order_id": str(p.order_id),
        "customer_id": str(p.customer_id),
        "processor": p.processor,
        "payment_method": p.payment_method,
        "payment_portion": p.payment_portion,
        "kind": p.kind,
        "amount": amount4(p.amount),
        "status": p.status,
        "notes": p.notes,
        "receipt_number": p.receipt_number,
        "access_key": p.access_key,
        "created_at": local_text(p.created_at),
        "updated_at": local_text(p.updated_at),
    }


def payment_written(p: Payment, booking_id: int | None) -> dict:
    """POST/PUT /payments (S4): int ids, "amount":"50", and the `booking_id` the create page
    shows (null unless the payment was made for a booking)."""
    return {
        "id": p.pk,
        "booking_id": booking_id,
        "order_id": p.order_id,
        "invoice_id": p.invoice_id,
        "customer_id": p.customer_id,
        "token": p.token,
        "processor": p.processor,
        "payment_method": p.payment_method,
        "payment_portion": p.payment_portion,
        "kind": p.kind,
        "amount": amount_plain(p.amount),
        "status": p.status,
        "notes": p.notes,
        "receipt_number": p.receipt_number,
        "created_at": local_text(p.created_at),
        "updated_at": local_text(p.updated_at),
    }


def order_transaction(p: Payment) -> dict:
    """A payment in GET /orders/{id}/transactions (orders family: int ids, "45.00")."""
    return {**payment_written(p, None), "amount": amount2(p.amount), "booking_id": None}


def booking_transaction(p: Payment) -> dict:
    """A payment in a booking's `transactions` (GET /bookings/{id}: string ids)."""
    return {
        "id": str(p.pk),
        "amount": amount2(p.amount),
        "status": p.status,
        "payment_method": p.payment_method,
        "processor": p.processor,
        "kind": p.kind,
        "payment_portion": p.payment_portion,
        "receipt_number": p.receipt_number,
        "notes": p.notes,
        "token": p.token,
        "created_at": local_text(p.created_at),
    }


# --- a booking's order and payments, read in bulk for lists -------------------------------------


def attach(bookings: list[Booking]) -> None:
    """Read the orders and payments of these bookings in two queries (for booking_detail)."""
    order_ids = {b.order_id for b in bookings}
    orders = Order.objects.in_bulk(order_ids)
    payments: dict[int, list[Payment]] = {pk: [] for pk in order_ids}
    for p in Payment.objects.filter(order_id__in=order_ids).order_by("created_at", "id"):
        payments[p.order_id].append(p)
    for b in bookings:
        b._money = (orders.get(b.order_id), payments.get(b.order_id, []))


def money_of(b: Booking) -> tuple[Order | None, list[Payment]]:
    found = getattr(b, "_money", None)
    if found is None:
        attach([b])
        found = b._money
    return found
