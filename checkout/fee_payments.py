"""Paying a fee (or any other order of a customer's that is not a booking's) from the profile:
sent once, never twice, and reported as it is.

The same way as a booking's payment (checkout.payments): under the order's lock the order and
its payments are read fresh; a payment this form already made (its answer lost) is found by
the form's reference (sent as the payment's token) and nothing is sent again; an amount the
balance no longer allows is refused with nothing sent; the write goes once through
`upstream.writes.attempt`, which reads the order's payments back by the reference when the
answer is lost. Every payment asked for is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from audit.services import audit_outcome
from checkout.fees import fee_notes, fee_paid
from checkout.models import Fee
from checkout.money import METHODS, Balance, balance
from checkout.payments import METHOD_WORDS, MoneyMove
from checkout.services import PAYMENT_ACTION
from frontoffice.formatting import format_money
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Order, Payment
from upstream import writes
from upstream.gateway import api

FEE_PAYMENT_WORDS = writes.Words(
    what="payment",
    nothing="no payment was taken",
    checked="no payment from this form on the fee's order",
    check="the customer's payments on their profile",
)


@dataclass(frozen=True)
class FeeOrder:
    """An order of the customer's without a booking (a fee), and what is due on it."""

    order: Order
    balance: Balance
    fee: Fee | None = None
    payments: list[Payment] = field(default_factory=list)

    @property
    def label(self) -> str:
        """ "No-show fee for booking ABC123 on 1 Dec 2025", or the order's own notes."""
        if self.fee is not None:
            return fee_notes(self.fee)
        return self.order.notes or f"Order {self.order.confirmation_code or self.order.id}"

    @property
    def due(self) -> Decimal:
        return self.balance.due

    @property
    def refusal(self) -> str:
        """Why no payment can be taken for it here ("" when one can)."""
        if self.order.booking_ids:
            return "This order is a booking's: take its payment on the booking's page."
        if self.order.status == "cancelled":
            return "This charge was cancelled in LatePoint: there is nothing to pay."
        if self.due <= 0:
            return "Nothing is due on this charge: it is paid."
        return ""


def fee_order_get(*, customer_id: int, order_id: int, fresh: bool = False) -> FeeOrder:
    """The order and its payments (two calls, cached unless `fresh`). Raises NotFound when
    LatePoint has no such order for this customer, LatePointError when it cannot say."""
    order = api().get_order(order_id, fresh=fresh)
    if order.customer_id != customer_id:
        raise NotFound(status=404, message="This customer has no such order.")
    payments = api().list_order_transactions(order_id, fresh=fresh)
    fee = Fee.objects.filter(order_id=order.id).first() or (
        Fee.objects.filter(customer_id=customer_id, reference=order.confirmation_code).first()
        if order.confirmation_code
        else None
    )
    return FeeOrder(order=order, balance=balance(order.total, payments), fee=fee, payments=payments)


def _refused(message: str, *, status: int = 409, field_name: str = "") -> writes.Outcome:
    errors = {field_name: message} if field_name else {}
    return writes.Outcome(
        writes.Outcome.REFUSED, status=status, message=message, field_errors=errors
    )


def _found(order_id: int, reference: str) -> Payment | None:
    """The payment this form made, if LatePoint has it (a fresh read by its reference)."""
    page = api().list_payments(order_id=order_id, search=reference, per_page=20, fresh=True)
    return next((p for p in page.items if p.token == reference), None)


def fee_pay(
    *, user, customer_id: int, order_id: int, move: MoneyMove, after_unknown: bool = False
) -> writes.Outcome:
    """Take a payment toward a fee's order, once, and say what became of it (the record is the
    Payment, the message the desk's sentence). `after_unknown`: an earlier send of this form
    may have landed (its answer was lost)."""
    try:
        with writes.record_lock("order", order_id):
            outcome, charge, after = _locked_pay(customer_id, order_id, move, after_unknown)
    except writes.RecordBusy as busy:
        outcome, charge, after = writes.refusal(busy, FEE_PAYMENT_WORDS), None, None
    if outcome.status == 404 and not outcome.done:
        return outcome  # not this customer's order: nothing was asked of LatePoint
    _audit(user, customer_id, order_id, move, outcome, charge, after)
    if outcome.done:
        if after is not None:
            fee_paid(order_id=order_id, paid=after.net_paid)
        outcome.message = _said(outcome, move, charge, after)
    return outcome


def _locked_pay(
    customer_id: int, order_id: int, move: MoneyMove, after_unknown: bool
) -> tuple[writes.Outcome, FeeOrder | None, Balance | None]:
    try:
        charge = fee_order_get(customer_id=customer_id, order_id=order_id, fresh=True)
    except NotFound:
        return _refused("This customer has no such charge in LatePoint.", status=404), None, None
    except LatePointError as exc:
        if after_unknown:
            message = (
                "An earlier send of this form may have taken the payment, and LatePoint could "
                f"not be asked. Check {FEE_PAYMENT_WORDS.check} before trying again."
            )
            return writes.Outcome(writes.Outcome.UNKNOWN, status=503, message=message), None, None
        return writes.refusal(exc, FEE_PAYMENT_WORDS), None, None
    earlier = next((p for p in charge.payments if p.token and p.token == move.reference), None)
    if earlier is not None:
        done = writes.Outcome(writes.Outcome.DONE, record=earlier, confirmed_after_failure=True)
        return done, charge, charge.balance
    if charge.refusal:
        return _refused(f"{charge.refusal} Nothing was taken.", field_name="amount"), charge, None
    if move.amount > charge.due:
        due = format_money(charge.due)
        message = f"Only {due} is due now (it changed meanwhile). Nothing was taken."
        return _refused(message, field_name="amount"), charge, None
    fields: dict[str, Any] = {
        "order_id": order_id,
        "amount": move.amount,
        "customer_id": customer_id,
        "payment_method": METHODS[move.method],
        "processor": "manual",
        "portion": "balance" if charge.balance.net_paid > 0 else "full",
        "kind": "capture",
        "notes": move.notes(),
        "token": move.reference,
    }
    outcome = writes.attempt(
        lambda: api().create_payment(**fields),
        read_back=lambda: _found(order_id, move.reference),
        words=FEE_PAYMENT_WORDS,
    )
    after = (
        balance(charge.order.total, [*charge.payments, outcome.record]) if outcome.done else None
    )
    return outcome, charge, after


def _said(
    outcome: writes.Outcome, move: MoneyMove, charge: FeeOrder | None, after: Balance | None
) -> str:
    made: Payment = outcome.record
    what = charge.fee.get_kind_display().lower() if charge and charge.fee else "charge"
    text = f"Took {format_money(made.amount)} {METHOD_WORDS.get(move.method, '')} for the {what}."
    if after is not None:
        text += " Paid in full." if after.due <= 0 else f" {format_money(after.due)} still due."
    if outcome.confirmed_after_failure:
        text += " (LatePoint's answer was lost; reading the payments back shows it.)"
    return text


def _audit(user, customer_id, order_id, move, outcome, charge, after) -> None:
    label = charge.label if charge is not None else f"order {order_id}"
    label = label[:1].lower() + label[1:]  # "Payment of $25.00 (cash) for no-show fee for ..."
    summary = f"Payment of {format_money(move.amount)} ({move.method}) for {label}"
    if not outcome.done:
        summary += ": outcome unknown" if outcome.unknown else ": not made"
    made = outcome.record if outcome.done else None
    changes: dict[str, Any] = {
        "amount": str(move.amount),
        "method": move.method,
        "order_id": order_id,
        "reference": move.reference,
        "note": move.note,
        "by": user.get_full_name() or user.get_username(),
    }
    if made is not None:
        changes.update(payment_id=made.id, receipt_number=made.receipt_number)
    if charge is not None and after is not None:
        changes["due"] = {"before": str(charge.due), "after": str(after.due)}
    audit_outcome(
        outcome,
        user=user,
        action=PAYMENT_ACTION,
        summary=summary,
        object_type="order",
        object_id=order_id,
        customer_id=customer_id,
        changes=changes,
    )
