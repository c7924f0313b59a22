"""Taking a payment and giving a refund at the desk: each sent once, never twice, and each
reported as it is.

Under the booking's lock (shared by every process) the order's payments are read fresh: a
payment this form already made (its answer lost) is found by the form's reference (sent as the
payment's token) and nothing is sent again; an amount the balance no longer allows is refused
with nothing sent. The write itself goes once through `upstream.writes.attempt`, which reads
LatePoint back by the reference when the answer is lost. Every payment and refund the desk
asks for is written to the audit trail with what became of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audit.services import audit_outcome
from bookings.services.status import booking_change_status
from checkout.money import METHODS, ZERO, Balance, balance
from checkout.services import PAYMENT_ACTION, REFUND_ACTION, booking_price, order_payments
from frontoffice.formatting import format_money
from latepoint.errors import LatePointError
from latepoint.models import Booking, BookingStatus, Payment
from upstream import writes
from upstream.failures import describe
from upstream.gateway import api

PAYMENT_WORDS = writes.Words(
    what="payment",
    nothing="no payment was taken",
    checked="no payment from this form on the booking's order",
    check="the booking's payments",
)
REFUND_WORDS = writes.Words(
    what="refund",
    nothing="nothing was refunded",
    checked="no refund from this form on the booking's order",
    check="the booking's payments",
)
#: How each desk method reads in a sentence: "Took $75.00 in cash."
METHOD_WORDS = {"cash": "in cash", "card": "by card", "other": "by another method"}


@dataclass(frozen=True)
class MoneyMove:
    """A payment (or a refund) as the desk asked for it.

    `amount` goes toward the balance (or is refunded), `tip` is on top of the whole balance;
    `method` is the desk's ("cash", "card", "other"); `note` is a payment's note or a refund's
    reason; `reference` is the form's one-time token, sent as the payment's token.
    """

    amount: Decimal
    method: str
    reference: str
    note: str = ""
    tip: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.amount + self.tip

    def notes(self) -> str:
        """The payment's note in LatePoint: what was typed, and the tip if there is one."""
        tip = f"Includes a tip of {format_money(self.tip)}" if self.tip > 0 else ""
        return ". ".join(part for part in (self.note, tip) if part)


def _who(user) -> str:
    return user.get_full_name() or user.get_username()


def _portion(before: Balance, move: MoneyMove) -> str:
    """LatePoint's payment portion: the whole price at once, a deposit, or the balance."""
    if before.net_paid > 0:
        return "balance"
    return "full" if move.amount >= before.due else "deposit"


def _found(order_id: int, reference: str) -> Payment | None:
    """The payment this form made, if LatePoint has it (a fresh read by its reference); None
    when it is known not to be there; LatePointError when LatePoint cannot say."""
    page = api().list_payments(order_id=order_id, search=reference, per_page=20, fresh=True)
    return next((p for p in page.items if p.token == reference), None)


def _earlier_unknown(exc: LatePointError, words: writes.Words) -> writes.Outcome:
    error = describe(exc)
    return writes.Outcome(
        writes.Outcome.UNKNOWN,
        status=error.status,
        title=error.title,
        retry_after=error.retry_after,
        message=(
            f"An earlier send of this form may have made the {words.what}, and LatePoint could "
            f"not be asked whether it did, so nothing was sent again. Check {words.check} "
            "before trying again."
        ),
    )


def _refused(message: str, field: str = "amount") -> writes.Outcome:
    return writes.Outcome(
        writes.Outcome.REFUSED, status=409, message=message, field_errors={field: message}
    )


def _payment_refusal(before: Balance, move: MoneyMove) -> writes.Outcome | None:
    """The balance as it is now does not allow this payment: why (nothing is sent)."""
    due = format_money(before.due)
    if before.due <= 0:
        return _refused("Nothing is due any more: the balance was paid meanwhile. Nothing taken.")
    if move.amount > before.due:
        return _refused(
            f"The balance changed meanwhile: {due} is due now. Nothing was taken; enter at most "
            f"{due}."
        )
    if move.tip > 0 and move.amount != before.due:
        return _refused(
            f"The balance changed meanwhile: {due} is due now, and a tip comes on top of the "
            "whole balance. Nothing was taken.",
            "tip",
        )
    return None


def _refund_refusal(before: Balance, move: MoneyMove) -> writes.Outcome | None:
    if move.amount > before.refundable:
        return _refused(
            f"At most {format_money(before.refundable)} can be refunded now (the payments "
            "changed meanwhile). Nothing was refunded."
        )
    return None


@dataclass(frozen=True)
class _Send:
    """One money write to send: its kind, its audit action and how it is worded."""

    kind: str  # "capture" or "refund"
    action: str
    words: writes.Words
    refusal: Any  # (before, move) -> Outcome | None


_PAYMENT = _Send("capture", PAYMENT_ACTION, PAYMENT_WORDS, _payment_refusal)
_REFUND = _Send("refund", REFUND_ACTION, REFUND_WORDS, _refund_refusal)


def payment_take(
    *, user, booking: Booking, move: MoneyMove, after_unknown: bool = False
) -> writes.Outcome:
    """Take a payment toward the booking's balance (a tip on top), once, and say what became
    of it (`writes.Outcome`; its record is the Payment, its message the desk's sentence).
    `after_unknown`: an earlier send of this form may have landed (its answer was lost)."""
    return _money_write(user, booking, move, _PAYMENT, after_unknown)


def refund_give(
    *, user, booking: Booking, move: MoneyMove, after_unknown: bool = False
) -> writes.Outcome:
    """Give back part or all of what was paid on the booking's order, once (a refund payment
    in LatePoint), and say what became of it."""
    return _money_write(user, booking, move, _REFUND, after_unknown)


def _money_write(user, booking, move: MoneyMove, send: _Send, after_unknown: bool):
    if booking.order is None or booking.order.id is None:
        message = f"This booking has no order in LatePoint to record the {send.words.what} on."
        return writes.Outcome(writes.Outcome.REFUSED, status=409, message=message)
    try:
        with writes.record_lock("booking", booking.id):
            outcome, before, after = _locked_write(booking, move, send, after_unknown)
    except writes.RecordBusy as busy:
        outcome, before, after = writes.refusal(busy, send.words), None, None
    _audit(user, booking, move, send, outcome, before, after)
    if outcome.done:
        outcome.message = _said(outcome, move, send, after)
    return outcome


def _locked_write(
    booking: Booking, move: MoneyMove, send: _Send, after_unknown: bool
) -> tuple[writes.Outcome, Balance | None, Balance | None]:
    """Under the lock: the order's payments fresh, the form's earlier payment looked for, the
    balance checked, then the write sent once. (outcome, balance before, balance after)."""
    order_id = booking.order.id
    price = booking_price(booking)
    try:
        payments = order_payments(booking, fresh=True)
    except LatePointError as exc:
        # Nothing is sent now; but an earlier send of this form may have landed.
        if after_unknown:
            return _earlier_unknown(exc, send.words), None, None
        return writes.refusal(exc, send.words), None, None
    earlier = next((p for p in payments if p.token and p.token == move.reference), None)
    if earlier is not None:
        done = writes.Outcome(writes.Outcome.DONE, record=earlier, confirmed_after_failure=True)
        others = [p for p in payments if p is not earlier]
        return done, balance(price, others), balance(price, payments)
    before = balance(price, payments)
    refused = send.refusal(before, move)
    if refused is not None:
        return refused, before, before
    fields = {
        "order_id": order_id,
        "amount": move.total,
        "customer_id": booking.customer.id if booking.customer else None,
        "payment_method": METHODS[move.method],
        "processor": "manual",
        "portion": _portion(before, move) if send.kind == "capture" else "full",
        "kind": send.kind,
        "notes": move.notes(),
        "token": move.reference,
    }
    outcome = writes.attempt(
        lambda: api().create_payment(booking_id=booking.id, **fields),
        read_back=lambda: _found(order_id, move.reference),
        words=send.words,
    )
    after = balance(price, [*payments, outcome.record]) if outcome.done else before
    return outcome, before, after


def _said(outcome: writes.Outcome, move: MoneyMove, send: _Send, after: Balance | None) -> str:
    """The desk's sentence for a payment or refund made: "Took $75.00 in cash. Paid in full." """
    made: Payment = outcome.record
    method = METHOD_WORDS.get(move.method, "")
    if send.kind == "refund":
        text = f"Refunded {format_money(made.amount)} {method}."
    else:
        text = f"Took {format_money(made.amount)} {method}"
        if made.amount > move.amount and move.tip > 0:
            text += f" (including a {format_money(move.tip)} tip)"
        text += "."
        if after is not None:
            due = after.due
            text += " Paid in full." if due <= 0 else f" {format_money(due)} still due."
    if outcome.confirmed_after_failure:
        text += " (LatePoint's answer was lost; reading the payments back shows it.)"
    return text


def _audit(user, booking, move, send, outcome, before, after) -> None:
    customer = booking.customer
    name = (customer.full_name if customer else "") or "no name"
    code = booking.booking_code or str(booking.id)
    made = outcome.record if outcome.done else None
    verb = "Refund" if send.kind == "refund" else "Payment"
    amount = format_money(made.amount if made is not None else move.total)
    summary = f"{verb} of {amount} ({move.method}) on booking {code} for {name}"
    if not outcome.done:
        summary += ": not made" if outcome.kind != outcome.UNKNOWN else ": outcome unknown"
    changes: dict[str, Any] = {
        "amount": str(move.total),
        "method": move.method,
        "booking_id": booking.id,
        "order_id": booking.order.id if booking.order else None,
        "customer": name,
        "reference": move.reference,
        "by": _who(user),
    }
    if send.kind == "refund":
        changes["reason"] = move.note
    else:
        changes.update(toward_balance=str(move.amount), tip=str(move.tip), note=move.note)
    if made is not None:
        changes.update(payment_id=made.id, receipt_number=made.receipt_number)
    if before is not None and after is not None:
        changes["due"] = {"before": str(before.due), "after": str(after.due)}
    audit_outcome(
        outcome,
        user=user,
        action=send.action,
        object_type="booking",
        object_id=booking.id,
        customer_id=customer.id if customer else None,
        summary=summary,
        changes=changes,
    )


# --- complete and take payment -----------------------------------------------------------------


def checkout_complete_and_pay(
    *, user, booking: Booking, move: MoneyMove, after_unknown: bool = False
) -> tuple[writes.Outcome | None, writes.Outcome | None]:
    """Mark a visit completed, then take its payment: (the completion, the payment).

    The completion goes through the status service (its lock, its read-back, its audit). A
    booking already completed (by someone else, or by an earlier send of this form) is not
    sent again: the completion is None and the payment is taken. A completion that did not
    land leaves the payment unasked (None): nothing is taken for a visit not completed.
    """
    if str(booking.status) != BookingStatus.COMPLETED:
        completion = booking_change_status(
            user=user,
            booking_id=booking.id,
            to_status=BookingStatus.COMPLETED.value,
            seen_status=str(booking.status),
        )
        now = completion.record
        already = completion.conflict and now is not None and now.status == BookingStatus.COMPLETED
        if not completion.done and not already:
            return completion, None
        booking = now if now is not None else booking
        if already:
            completion = None
    else:
        completion = None
    payment = payment_take(user=user, booking=booking, move=move, after_unknown=after_unknown)
    return completion, payment
