"""No-show and late-cancellation fees: when one is due, recording it in LatePoint once, and
what a customer still owes for them.

A fee is due when a booking is marked no-show, or cancelled less than
FRONTOFFICE_LATE_CANCEL_HOURS before its start (or after it), through the front office, and
the matching setting (FRONTOFFICE_NO_SHOW_FEE, FRONTOFFICE_LATE_CANCEL_FEE) holds an amount.
It is recorded in LatePoint as an order of the customer's, with a confirmation code chosen
here (`NSF-<booking id>`, `LCF-<booking id>`), so that a lost answer is found again by
searching the customer's orders for it.

The local `Fee` row is written before the order is sent: a change sent again, or a booking
marked no-show a second time, finds it and never charges twice. It is also what the next
check-in reads to say what the customer owes, without asking LatePoint; the profile's money
panel brings it up to date with LatePoint's orders whenever it reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as date_format

from audit.models import AuditEntry
from audit.services import audit_outcome
from checkout.models import Fee
from frontoffice.formatting import format_money
from latepoint.errors import LatePointError
from latepoint.models import Booking, BookingStatus, Order
from upstream import writes
from upstream.gateway import api

#: The audit trail's action for a fee recorded (or tried) in LatePoint.
FEE_ACTION = AuditEntry.Action.FEE_RECORD

FEE_WORDS = writes.Words(
    what="fee",
    nothing="no fee was recorded",
    checked="no order for this fee among the customer's orders",
    check="the customer's payments on their profile",
)

#: The confirmation code's prefix of each kind of fee's order in LatePoint.
PREFIXES = {Fee.Kind.NO_SHOW: "NSF", Fee.Kind.LATE_CANCEL: "LCF"}
#: Statuses a fee can follow from: a booking the customer was still expected at.
OPEN = (BookingStatus.PENDING, BookingStatus.APPROVED)
#: LatePoint's order payment statuses that still owe something.
OWING = ("not_paid", "partially_paid", "processing")


def fee_amount(kind: str) -> Decimal | None:
    """The fee of this kind the settings ask for (None: no fee)."""
    name = "FRONTOFFICE_NO_SHOW_FEE" if kind == Fee.Kind.NO_SHOW else "FRONTOFFICE_LATE_CANCEL_FEE"
    raw = getattr(settings, name, None)
    if raw in (None, ""):
        return None
    try:
        amount = Decimal(str(raw)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def fee_kind(*, before: str, target: str, start: datetime | None, now: datetime) -> str | None:
    """The kind of fee a change from `before` to `target` calls for, if any: a no-show, or a
    cancellation inside the late-cancellation window (the start less than the window away, or
    past)."""
    if before not in OPEN:
        return None
    if target == BookingStatus.NO_SHOW:
        return Fee.Kind.NO_SHOW
    if target == BookingStatus.CANCELLED and start is not None:
        window = timedelta(hours=int(getattr(settings, "FRONTOFFICE_LATE_CANCEL_HOURS", 24)))
        if start - now < window:
            return Fee.Kind.LATE_CANCEL
    return None


def fee_reference(kind: str, booking_id: int) -> str:
    """The confirmation code of the fee's order: "NSF-4521"."""
    return f"{PREFIXES[Fee.Kind(kind)]}-{booking_id}"


def fee_day(fee: Fee, fmt: str = "j M Y") -> str:
    """The booking's day as the business reads it ("1 Dec 2025"), "" when unknown."""
    if fee.booking_start is None:
        return ""
    return date_format(timezone.localtime(fee.booking_start), fmt)


def fee_notes(fee: Fee) -> str:
    """The order's notes in LatePoint: "No-show fee for booking ABC123 on 1 Dec 2025"."""
    text = f"{fee.get_kind_display()} for booking {fee.booking_code or fee.booking_id}"
    day = fee_day(fee)
    return f"{text} on {day}" if day else text


# --- charging a fee ----------------------------------------------------------------------------


def fee_for_status_change(
    *, user, booking: Booking, before: str, target: str, now: datetime | None = None
) -> str:
    """Record the fee a status change just made calls for, once, and say what became of it
    ("" when no fee is due). Called under the booking's lock, after LatePoint has the change.

    A fee already recorded for this booking and kind is never sent again; one whose outcome
    was not known is looked for among the customer's orders first.
    """
    kind = fee_kind(before=before, target=target, start=booking.start, now=now or timezone.now())
    amount = fee_amount(kind) if kind else None
    customer_id = booking.customer.id if booking.customer else None
    if amount is None or customer_id is None:
        return ""
    fee, created = Fee.objects.get_or_create(
        booking_id=booking.id,
        kind=kind,
        defaults={
            "customer_id": customer_id,
            "customer_name": booking.customer.full_name[:255],
            "booking_code": booking.booking_code or "",
            "booking_start": booking.start,
            "amount": amount,
            "reference": fee_reference(kind, booking.id),
            "user": user,
            "username": user.get_username(),
        },
    )
    if not created and fee.state in (Fee.State.RECORDED, Fee.State.PAID, Fee.State.CANCELLED):
        return (
            f"A {fee.get_kind_display().lower()} was already recorded for this booking "
            f"(order {fee.reference}): not charged again."
        )
    look_first = not created and fee.state != Fee.State.NOT_RECORDED
    if not created:
        fee.amount, fee.state = amount, Fee.State.SENDING
        fee.save(update_fields=["amount", "state", "updated_at"])
    outcome = _record(fee, look_first=look_first)
    _settle(fee, outcome)
    _audit(user, fee, outcome)
    return _said(fee, outcome, name=booking.customer.full_name if booking.customer else "")


def _found(fee: Fee) -> Order | None:
    """The fee's order, if LatePoint has it (a fresh read of the customer's orders by its
    code); None when it is known not to be there; LatePointError when LatePoint cannot say."""
    page = api().list_orders(
        customer_id=fee.customer_id, search=fee.reference, per_page=20, fresh=True
    )
    return next((o for o in page.items if o.confirmation_code == fee.reference), None)


def _record(fee: Fee, *, look_first: bool) -> writes.Outcome:
    """Send the fee's order once (looking for an earlier one first when asked)."""
    if look_first:
        try:
            earlier = _found(fee)
        except LatePointError as exc:
            # Nothing is sent while an earlier send may have landed.
            error = writes.refusal(exc, FEE_WORDS)
            return writes.Outcome(
                writes.Outcome.UNKNOWN,
                status=error.status,
                title=error.title,
                message=(
                    "An earlier try may have recorded it, and LatePoint could not be asked. "
                    f"Check {FEE_WORDS.check}."
                ),
            )
        if earlier is not None:
            return writes.Outcome(writes.Outcome.DONE, record=earlier, confirmed_after_failure=True)
    return writes.attempt(
        lambda: api().create_order(
            fee.customer_id,
            fee.amount,
            subtotal=fee.amount,
            status="open",
            payment_status="not_paid",
            notes=fee_notes(fee),
            confirmation_code=fee.reference,
        ),
        read_back=lambda: _found(fee),
        words=FEE_WORDS,
    )


def _settle(fee: Fee, outcome: writes.Outcome) -> None:
    if outcome.done:
        fee.state, fee.order_id, fee.error = Fee.State.RECORDED, outcome.record.id, ""
    else:
        fee.state = Fee.State.UNKNOWN if outcome.unknown else Fee.State.NOT_RECORDED
        fee.error = outcome.error[:500]
    fee.save(update_fields=["state", "order_id", "error", "updated_at"])


def _audit(user, fee: Fee, outcome: writes.Outcome) -> None:
    summary = (
        f"{fee.get_kind_display()} of {format_money(fee.amount)} for booking "
        f"{fee.booking_code or fee.booking_id}"
    )
    if not outcome.done:
        summary += ": outcome unknown" if outcome.unknown else ": not recorded"
    audit_outcome(
        outcome,
        user=user,
        action=FEE_ACTION,
        summary=summary,
        object_type="booking",
        object_id=fee.booking_id,
        customer_id=fee.customer_id,
        changes={
            "fee": fee.get_kind_display(),
            "amount": str(fee.amount),
            "reference": fee.reference,
            "order_id": fee.order_id,
        },
    )


def _said(fee: Fee, outcome: writes.Outcome, *, name: str) -> str:
    what = f"{fee.get_kind_display()} of {format_money(fee.amount)}"
    if outcome.done:
        text = (
            f"{what} recorded in LatePoint (order {fee.reference}): "
            f"{name or 'the customer'} owes it until it is paid."
        )
        if outcome.confirmed_after_failure:
            text += " (LatePoint's answer was lost; reading the customer's orders back shows it.)"
        return text
    why = outcome.title or outcome.message
    if outcome.unknown:
        return (
            f"{what}: sent to LatePoint, but whether it was recorded is not known ({why}). "
            "The customer's profile shows it among their payments once LatePoint has it."
        )
    return (
        f"{what} not recorded ({why}). The customer owes nothing for it in LatePoint: "
        "add it there if it is due."
    )


# --- what is owed ------------------------------------------------------------------------------


def fees_owed(customer_id: int) -> list[Fee]:
    """The customer's fees recorded and not yet paid, as last known here (no call)."""
    fees = Fee.objects.filter(customer_id=customer_id, state=Fee.State.RECORDED)
    return [fee for fee in fees.order_by("booking_start", "id") if fee.due > 0]


def owing_note(customer_id: int | None) -> str:
    """What the customer owes in fees, for a check-in's message ("" when nothing):
    "Owes $40.00 (no-show fee, 1 Dec)". No call: the fees as last known here."""
    if customer_id is None:
        return ""
    fees = fees_owed(customer_id)
    if not fees:
        return ""
    total = sum((fee.due for fee in fees), Decimal("0.00"))
    parts = []
    for fee in fees:
        day = fee_day(fee, "j M")
        parts.append(f"{fee.get_kind_display().lower()}, {day}" if day else fee.get_kind_display())
    return f"Owes {format_money(total)} ({'; '.join(parts)})."


def fees_brought_up_to_date(
    customer_id: int, orders: Iterable[Order], paid: Mapping[int, Decimal]
) -> dict[str, Fee]:
    """The customer's fees, by their order's code, after what LatePoint's orders say: found,
    paid (`paid`: net paid by order id), or cancelled there. Only rows that changed are saved."""
    by_code = {order.confirmation_code: order for order in orders if order.confirmation_code}
    # A fee still "being recorded" after any page could still be sending it was left so by a
    # worker that stopped: LatePoint's orders say what became of it.
    settled = timezone.now() - timedelta(seconds=float(settings.LATEPOINT_DEADLINE) + 10)
    fees = {}
    for fee in Fee.objects.filter(customer_id=customer_id):
        fees[fee.reference] = fee
        order = by_code.get(fee.reference)
        if order is None or (fee.state == Fee.State.SENDING and fee.updated_at > settled):
            continue  # not in LatePoint's orders, or still being sent
        before = (fee.state, fee.order_id, fee.paid)
        fee.order_id = order.id
        fee.paid = paid.get(order.id, Decimal("0.00"))
        if order.status == "cancelled":
            fee.state = Fee.State.CANCELLED
        elif order.payment_status in OWING and fee.due > 0:
            fee.state = Fee.State.RECORDED
        else:
            fee.state = Fee.State.PAID
        if (fee.state, fee.order_id, fee.paid) != before:
            fee.error = ""
            fee.save(update_fields=["state", "order_id", "paid", "error", "updated_at"])
    return fees


def fee_paid(*, order_id: int, paid: Decimal) -> None:
    """Note what is now paid on a fee's order (after a payment taken here)."""
    for fee in Fee.objects.filter(order_id=order_id):
        fee.paid = paid
        if fee.due <= 0 and fee.state == Fee.State.RECORDED:
            fee.state = Fee.State.PAID
        fee.save(update_fields=["paid", "state", "updated_at"])
