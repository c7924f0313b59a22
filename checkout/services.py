"""A booking's money as its page shows it: the price, what was paid and refunded, the balance
due, and every payment and refund with who took it.

The payments are the order's transactions (one cached call). A booking that LatePoint says is
not paid and that carries no transactions of its own has none to read, and costs no call. When
the order's transactions cannot be read, the booking's own copy of them is shown instead (no
receipt numbers or notes), and the page says so.

Who took a payment comes from the audit trail: each payment and refund taken here is recorded
with the payment's id and the form's reference (the payment's token in LatePoint).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from audit.models import AuditEntry
from checkout.money import Balance, balance, method_label
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Booking, BookingStatus, Payment
from latepoint.parsing.payments import payment_status
from upstream.failures import describe
from upstream.gateway import api

#: The audit trail's actions for money taken and given back at the desk.
PAYMENT_ACTION = AuditEntry.Action.PAYMENT_TAKE
REFUND_ACTION = AuditEntry.Action.PAYMENT_REFUND
MONEY_ACTIONS = (PAYMENT_ACTION, REFUND_ACTION)

#: Booking statuses the desk takes payment for (a cancelled booking or a no-show owes nothing
#: through its own order: a fee is an order of its own).
PAYABLE = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.COMPLETED)

#: A balance's state in the desk's words (the chip on the booking page).
STATE_LABELS = {
    "paid": "Paid",
    "partially_paid": "Partly paid",
    "not_paid": "Not paid",
    "refunded": "Refunded",
    "partially_refunded": "Partly refunded",
}
#: LatePoint's word for "nothing was paid on this booking yet" (empty: it did not say).
_NOTHING_PAID = ("", "not_paid")
#: Where a payment not taken through the front office was recorded.
ELSEWHERE = "in LatePoint"


@dataclass(frozen=True)
class PaymentLine:
    """One payment or refund as the booking page lists it."""

    payment: Payment
    method: str  # "Cash", "Card", "Other (paypal)"
    who: str  # a staff name, or ELSEWHERE

    @property
    def is_refund(self) -> bool:
        return self.payment.is_refund

    @property
    def when(self) -> datetime | None:
        return self.payment.created_at

    @property
    def status_note(self) -> str:
        """What became of a payment that did not go through ("Failed"); "" for one that did."""
        status = self.payment.status
        if self.payment.succeeded:
            return ""
        return {"failed": "Failed", "processing": "Processing"}.get(status, status or "Unknown")


@dataclass(frozen=True)
class BookingMoney:
    """What the booking page shows of a booking's money."""

    balance: Balance
    lines: list[PaymentLine] = field(default_factory=list)
    order_id: int | None = None
    #: The booking's status lets the desk take payment for it.
    payable: bool = False
    #: Why the order's transactions could not be read ("" when they were).
    error: str = ""

    @property
    def state(self) -> str:
        """The chip's CSS state: a balance state, or "nothing" (nothing to pay, none paid)."""
        if self.balance.price <= 0 and self.balance.paid <= 0:
            return "nothing"
        return self.balance.state

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, "Nothing to pay")

    @property
    def due(self) -> Decimal:
        return self.balance.due

    @property
    def can_take(self) -> bool:
        """A payment can be taken here now: a payable booking with an order and a balance."""
        return self.payable and self.order_id is not None and self.due > 0

    def before(self, reference: str) -> Balance:
        """The balance as a form saw it: without the payment or refund that form made (its
        reference, the payment's token), if it made one. A form sent again after its answer
        was lost is checked against the balance it was filled in for."""
        if not reference:
            return self.balance
        others = [line.payment for line in self.lines if line.payment.token != reference]
        if len(others) == len(self.lines):
            return self.balance
        return balance(self.balance.price, others)

    @property
    def last_method(self) -> str:
        """The desk method ("cash", "card", "other") of the latest payment that went
        through, for a refund's default; "" when none."""
        captures = [
            line.payment for line in self.lines if line.payment.succeeded and not line.is_refund
        ]
        if not captures:
            return ""
        return line_method_key(captures[-1].payment_method)


def line_method_key(payment_method: str) -> str:
    """LatePoint's `payment_method` as one of the desk's methods."""
    label = method_label(payment_method).lower()
    return label if label in ("cash", "card") else "other"


def booking_price(booking: Booking) -> Decimal | None:
    """What the booking's order asks for (its total), else the booking's own price."""
    if booking.order is not None and booking.order.total is not None:
        return booking.order.total
    return booking.price


def _from_booking(booking: Booking) -> list[Payment]:
    """The booking's own copy of its transactions, as payments (with their receipts and notes
    when the booking's answer carries them). A negative amount is a refund of that much."""
    order_id = booking.order.id if booking.order is not None else None
    return _in_order(
        Payment(
            id=t.id or 0,
            order_id=order_id,
            amount=abs(t.amount or Decimal("0")),
            kind=(t.kind or ("refund" if (t.amount or 0) < 0 else "capture")).lower(),
            status=payment_status(t.status),
            payment_method=t.payment_method,
            processor=t.processor,
            created_at=t.created_at,
            receipt_number=t.receipt_number or "",
            notes=t.notes or "",
            token=t.token or "",
            booking_id=booking.id,
        )
        for t in booking.transactions
    )


def _in_order(payments: Iterable[Payment]) -> list[Payment]:
    return sorted(payments, key=lambda p: (p.created_at is None, p.created_at or 0, p.id))


def order_payments(booking: Booking, *, fresh: bool = False) -> list[Payment]:
    """The payments and refunds on the booking's order. No call when LatePoint says nothing
    was paid and lists no transactions, or when the booking's own transactions say all a
    payment line shows (receipts and notes); otherwise one call, cached unless `fresh`.
    Raises LatePointError when LatePoint cannot give them."""
    order_id = booking.order.id if booking.order is not None else None
    if order_id is None:
        return _from_booking(booking)
    if not fresh and not booking.transactions and booking.payment_status in _NOTHING_PAID:
        return []
    if not fresh and booking.transactions and all(t.whole for t in booking.transactions):
        return _from_booking(booking)
    return _in_order(api().list_order_transactions(order_id, fresh=fresh))


def money_takers(booking_id: int) -> dict[str, str]:
    """Who took each payment or refund of this booking through the front office, keyed
    "id:<payment id>" and "ref:<the form's reference>" (one query)."""
    entries = (
        AuditEntry.objects.filter(
            object_type="booking", object_id=str(booking_id), action__in=MONEY_ACTIONS
        )
        .exclude(result=AuditEntry.Result.FAILED)
        .order_by("created_at", "id")
        .values_list("username", "changes")
    )
    found: dict[str, str] = {}
    for username, changes in entries:
        details = changes if isinstance(changes, Mapping) else {}
        name = str(details.get("by") or username or "staff")
        if details.get("payment_id"):
            found[f"id:{details['payment_id']}"] = name
        if details.get("reference"):
            found[f"ref:{details['reference']}"] = name
    return found


def payment_lines(booking_id: int, payments: Iterable[Payment]) -> list[PaymentLine]:
    takers = money_takers(booking_id)
    lines = []
    for p in payments:
        who = takers.get(f"id:{p.id}") or (takers.get(f"ref:{p.token}") if p.token else None)
        lines.append(
            PaymentLine(payment=p, method=method_label(p.payment_method), who=who or ELSEWHERE)
        )
    return lines


def booking_money(booking: Booking) -> BookingMoney:
    """The booking's price, payments, refunds and balance due (at most one cached call)."""
    error = ""
    try:
        payments = order_payments(booking)
    except NotFound:
        payments, error = _from_booking(booking), "LatePoint has no order for this booking."
    except LatePointError as exc:
        payments = _from_booking(booking)
        error = (
            f"{describe(exc).title}: the payments below are the booking's own copy, without "
            "receipt numbers or notes."
        )
    return BookingMoney(
        balance=balance(booking_price(booking), payments),
        lines=payment_lines(booking.id, payments),
        order_id=booking.order.id if booking.order is not None else None,
        payable=str(booking.status) in PAYABLE,
        error=error,
    )
