"""A customer's money as their profile shows it: what they owe (visits not paid in full, and
fees), and every payment and refund they made.

Two cached calls, the customer's orders and their payments; a third, their bookings, only
when an order has to be named after its booking (a visit with a balance, a payment made for
a visit). Loaded apart from the profile (htmx), so that its first paint stays one call.

A visit owes once it is completed (its order says so) and LatePoint says it is not paid in
full; a fee or any order without a booking owes until paid, unless cancelled. What is due is
the order's total less what its payments add up to (checkout.money.balance).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from checkout.fees import OWING, fees_brought_up_to_date
from checkout.models import Fee
from checkout.money import ZERO, balance, method_label
from latepoint.models import Booking, Order, Payment
from upstream.gateway import api

#: The most orders, payments and bookings read for one customer (one page each).
PER_PAGE = 100
#: Fees the front office tried to record that LatePoint's orders do not show (yet).
UNSETTLED = (Fee.State.UNKNOWN, Fee.State.NOT_RECORDED, Fee.State.SENDING)


@dataclass(frozen=True)
class Owed:
    """One order the customer still owes on: a visit or a fee."""

    order_id: int
    code: str  # the order's confirmation code
    what: str  # "Visit", "No-show fee", "Charge"
    total: Decimal
    paid: Decimal
    due: Decimal
    booking: Booking | None = None
    fee: Fee | None = None
    created_at: datetime | None = None
    #: Paid from the profile (a fee, or another order without a booking); a visit's balance
    #: is taken on its booking page.
    payable_here: bool = False


@dataclass(frozen=True)
class PaymentRow:
    """One payment or refund in the customer's history."""

    payment: Payment
    method: str
    booking: Booking | None = None
    fee: Fee | None = None

    @property
    def status_note(self) -> str:
        """ "" for a payment that went through; else what became of it."""
        if self.payment.succeeded:
            return ""
        status = self.payment.status
        return {"failed": "Failed", "processing": "Processing"}.get(status, status or "Unknown")


@dataclass(frozen=True)
class CustomerMoney:
    owed: list[Owed] = field(default_factory=list)
    payments: list[PaymentRow] = field(default_factory=list)
    #: The customer has more payments than one page: the latest are shown.
    more_payments: bool = False
    #: Fees the front office tried to record whose order LatePoint does not show.
    unsettled_fees: list[Fee] = field(default_factory=list)

    @property
    def total_due(self) -> Decimal:
        return sum((item.due for item in self.owed), ZERO)


def _by_order(payments: list[Payment]) -> dict[int, list[Payment]]:
    found: dict[int, list[Payment]] = defaultdict(list)
    for payment in payments:
        if payment.order_id is not None:
            found[payment.order_id].append(payment)
    return found


def _owing(order: Order) -> bool:
    return order.status != "cancelled" and order.payment_status in OWING and (order.total or 0) > 0


def _bookings_by_order(customer_id: int, wanted: set[int]) -> tuple[dict[int, Booking], bool]:
    """The customer's bookings by their order's id ({} without a call when none is wanted),
    and whether every booking of theirs was read."""
    if not wanted:
        return {}, False
    page = api().list_bookings(
        customer_id=customer_id, per_page=PER_PAGE, sort="start_date", order="desc"
    )
    found = {b.order.id: b for b in page.items if b.order is not None and b.order.id is not None}
    return found, not page.has_next


def _order_payments(order: Order, known: dict[int, list[Payment]], complete: bool) -> list[Payment]:
    """An order's payments: from the customer's list, or (a partly paid order whose payments
    are past the list's one page) its own transactions."""
    if order.id in known or complete or order.payment_status == "not_paid":
        return known.get(order.id, [])
    return api().list_order_transactions(order.id)


def _owed(
    order: Order,
    *,
    fee: Fee | None,
    booking: Booking | None,
    all_bookings: bool,
    payments: list[Payment],
) -> Owed | None:
    """The order as owed, or None when nothing is due on it yet (an upcoming visit, or
    paid up by the payments LatePoint lists)."""
    if fee is None and booking is None and not all_bookings and order.status != "completed":
        return None  # an open order of a booking not read: an upcoming visit, not owed yet
    if booking is not None and str(booking.status) != "completed":
        return None  # a visit still to come (or called off) owes nothing yet
    due = balance(order.total, payments)
    if due.due <= 0:
        return None
    visit = booking is not None or (fee is None and order.status == "completed")
    return Owed(
        order_id=order.id,
        code=order.confirmation_code,
        what=fee.get_kind_display() if fee else ("Visit" if visit else "Charge"),
        total=due.price,
        paid=due.net_paid,
        due=due.due,
        booking=booking,
        fee=fee,
        created_at=order.created_at,
        payable_here=not visit,
    )


def customer_money_get(*, customer_id: int) -> CustomerMoney:
    """What the customer owes and what they paid (two or three cached calls).

    Raises latepoint.errors.LatePointError when LatePoint cannot give them.
    """
    orders = api().list_orders(customer_id=customer_id, per_page=PER_PAGE).items
    page = api().list_payments(customer_id=customer_id, per_page=PER_PAGE)
    by_order = _by_order(page.items)
    paid = {oid: balance(ZERO, found).net_paid for oid, found in by_order.items()}
    fees = fees_brought_up_to_date(customer_id, orders, paid)
    fee_orders = {fee.order_id: fee for fee in fees.values() if fee.order_id is not None}
    wanted = {o.id for o in orders if _owing(o)} | {p.order_id for p in page.items}
    bookings, all_bookings = _bookings_by_order(customer_id, wanted - {None, *fee_orders})
    owed = [
        item
        for order in orders
        if _owing(order)
        and (
            item := _owed(
                order,
                fee=fee_orders.get(order.id),
                booking=bookings.get(order.id),
                all_bookings=all_bookings,
                payments=_order_payments(order, by_order, not page.has_next),
            )
        )
        is not None
    ]
    rows = [
        PaymentRow(
            payment=p,
            method=method_label(p.payment_method),
            booking=bookings.get(p.order_id),
            fee=fee_orders.get(p.order_id),
        )
        for p in page.items
    ]
    unsettled = [fee for fee in fees.values() if fee.state in UNSETTLED]
    return CustomerMoney(
        owed=owed, payments=rows, more_payments=page.has_next, unsettled_fees=unsettled
    )
