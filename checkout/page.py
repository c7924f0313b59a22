"""The booking page's money sections: the "Price and payment" card, the payments and refunds,
the Take payment form (with "Complete and take payment" for a visit checked in and not yet
completed) and, for managers, the refund form. Used by the booking page and by the payment and
refund views when they show the page again.
"""

from __future__ import annotations

from decimal import Decimal

from checkout.forms import METHOD_CHOICES, PaymentForm, RefundForm
from checkout.services import BookingMoney, booking_money
from frontoffice.roles import is_manager
from latepoint.models import Booking, BookingStatus
from upstream import writes


def _amount_text(value: Decimal) -> str:
    return f"{value:.2f}" if value > 0 else ""


def complete_offered(booking: Booking, *, checked_in: bool) -> bool:
    """Whether "Complete and take payment" is offered: an approved visit, customer arrived."""
    return str(booking.status) == BookingStatus.APPROVED and checked_in


def why_not_payable(money: BookingMoney, due: Decimal | None = None) -> str:
    """Why no payment can be taken on this booking now ("" when one can); `due` as the form
    saw it (BookingMoney.before), else the balance due now."""
    if money.order_id is None:
        return "This booking has no order in LatePoint, so no payment can be recorded for it."
    if not money.payable:
        return "A cancelled booking or a no-show owes nothing through this booking."
    if (money.due if due is None else due) <= 0:
        return "Nothing is due on this booking."
    return ""


def money_context(
    request,
    booking: Booking,
    *,
    checked_in: bool,
    money: BookingMoney | None = None,
    pay_form: PaymentForm | None = None,
    refund_form: RefundForm | None = None,
    pay_error: str = "",
    refund_error: str = "",
    error_title: str = "",
    unknown: bool = False,
) -> dict:
    """What the money sections of the booking page show (at most one cached call, for the
    order's payments, unless `money` is given). A form given was posted: it is shown as sent,
    with its token; the other starts afresh."""
    money = money if money is not None else booking_money(booking)
    manager = is_manager(request.user)
    posted_token = request.POST.get("submit_token", "") if request.method == "POST" else ""
    if pay_form is None:
        pay_form = PaymentForm(initial={"amount": _amount_text(money.due)}, due=money.due)
        pay_token = writes.new_token()
    else:
        pay_token = posted_token or writes.new_token()
    refund_token = writes.new_token()
    if refund_form is None and manager:
        initial = {"amount": _amount_text(money.balance.refundable), "method": money.last_method}
        refund_form = RefundForm(initial=initial, refundable=money.balance.refundable)
    elif refund_form is not None:
        refund_token = posted_token or refund_token
    focus = ""
    if pay_form.is_bound:
        focus = next((n for n in ("amount", "method", "tip", "note") if n in pay_form.errors), "")
    if not focus and (request.GET.get("pay") == "1" or pay_error):
        focus = "amount"
    refund_focus = ""
    if refund_form is not None and refund_form.is_bound:
        fields = ("amount", "method", "reason")
        refund_focus = next((n for n in fields if n in refund_form.errors), "")
    if not refund_focus and (request.GET.get("refund") == "1" or refund_error):
        refund_focus = "amount"
    return {
        "money": money,
        "methods": METHOD_CHOICES,
        "pay_form": pay_form,
        "pay_token": pay_token,
        "pay_error": pay_error,
        "pay_unknown": unknown and bool(pay_error),
        "pay_focus": focus,
        "payment_refusal": why_not_payable(money),
        "complete_offered": complete_offered(booking, checked_in=checked_in),
        "can_refund": manager,
        "refund_form": refund_form,
        "refund_token": refund_token,
        "refund_error": refund_error,
        "refund_unknown": unknown and bool(refund_error),
        "refund_open": bool(refund_focus) or bool(refund_error),
        "refund_focus": refund_focus,
        "error_title": error_title,
    }
