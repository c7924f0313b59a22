"""Taking money at the desk, on the booking page: `/bookings/<id>/payments/` (take a payment,
or complete the visit and take it in one step) and `/bookings/<id>/refunds/` (managers).

Thin views: the form checks what was typed before anything is sent; the services send once and
say what became of it (`upstream.writes.Outcome`), which is all a view renders. A payment made
goes back to the booking page with the desk's sentence; anything else shows the booking page
again, everything typed kept, saying what happened.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bookings.booking_pages import claim_form
from bookings.checkins import checkins_for_bookings
from bookings.services.badges import booking_badge
from bookings.services.listing import booking_get
from bookings.views import detail_context
from checkout.forms import PaymentForm, RefundForm
from checkout.page import complete_offered, money_context, why_not_payable
from checkout.payments import MoneyMove, checkout_complete_and_pay, payment_take, refund_give
from checkout.services import BookingMoney, booking_money
from frontoffice.formatting import status_phrase
from frontoffice.http import HtmxHttpRequest
from frontoffice.roles import is_manager
from latepoint.models import Booking
from upstream import writes
from upstream.failures import Missing


def _booking(booking_id: int) -> Booking:
    try:
        return booking_get(booking_id=booking_id)
    except Missing:
        raise Http404("No such booking.") from None


def _detail_url(booking_id: int) -> str:
    return reverse("bookings:detail", args=[booking_id])


def _page(request, booking: Booking, status: int, **money) -> TemplateResponse:
    """The booking page again, its money sections as `money` says (money_context's names)."""
    context = detail_context(request, booking)
    context["next_url"] = _detail_url(booking.id)
    if booking.customer and booking.customer.id:
        context["badge"] = booking_badge(customer_id=booking.customer.id)
    checked_in = context["check_in"] is not None
    context.update(money_context(request, booking, checked_in=checked_in, **money))
    return TemplateResponse(request, "bookings/detail.html", context, status=status)


def _made(request, token: str, booking: Booking, outcome: writes.Outcome, text: str):
    """A payment or refund made: back to the booking page, saying so; a resend of the same
    form lands there too."""
    url = _detail_url(booking.id)
    writes.settle(request, token, outcome, url=url, message=text)
    messages.success(request, text)
    return HttpResponseRedirect(url)


def _not_made(request, token: str, outcome: writes.Outcome, again, *, prefix: str = ""):
    """A write not made (refused) or of unknown outcome: the page again, saying so, with the
    outcome's field errors on the form's fields."""
    writes.settle(request, token, outcome)
    response = again(
        outcome.status,
        error=f"{prefix}{outcome.message}",
        title=outcome.title,
        fields=outcome.field_errors,
        unknown=outcome.unknown,
    )
    return outcome.apply_headers(response)


def _move(form) -> MoneyMove:
    data = form.cleaned_data
    return MoneyMove(
        amount=data["amount"],
        method=data["method"],
        reference=data["submit_token"],
        note=data.get("note") or data.get("reason") or "",
        tip=data.get("tip") or 0,
    )


def _again(request, booking: Booking, money: BookingMoney, form, name: str):
    """How the page is shown again for the form `name` ("pay" or "refund") that was posted."""

    def again(status: int, *, error="", title="", fields=None, unknown=False, now=None):
        for field, text in (fields or {}).items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, text)
        shown = now if now is not None else booking
        # Anything but a refusal of the form itself: the money as LatePoint has it now.
        current = money if status == 400 else booking_money(shown)
        return _page(
            request,
            shown,
            status,
            money=current,
            **{f"{name}_form": form, f"{name}_error": error},
            error_title=title,
            unknown=unknown,
        )

    return again


@require_http_methods(["GET", "POST"])
def booking_payment(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """POST: take a payment for the booking (`amount`, `method`, `tip`, `note`), or with
    `complete` mark the visit completed and take it. GET: the booking page's form."""
    if request.method == "GET":
        return HttpResponseRedirect(_detail_url(booking_id) + "?pay=1#take-payment")
    booking = _booking(booking_id)
    money = booking_money(booking)
    due = money.before(request.POST.get("submit_token", "")).due
    form = PaymentForm(request.POST, due=due)
    again = _again(request, booking, money, form, "pay")
    refusal = why_not_payable(money, due)
    if refusal:
        return again(409, error=f"{refusal} Nothing was taken.")
    if not form.is_valid():
        return again(400)
    token, claim, answered = claim_form(request, "payment", again)
    if answered is not None:
        return answered
    after_unknown = bool(claim and claim.after_unknown)
    if form.cleaned_data["complete"]:
        return _complete_and_pay(request, token, booking, form, again, after_unknown)
    outcome = payment_take(
        user=request.user, booking=booking, move=_move(form), after_unknown=after_unknown
    )
    if outcome.done:
        return _made(request, token, booking, outcome, outcome.message)
    return _not_made(request, token, outcome, again)


def _complete_and_pay(request, token, booking: Booking, form, again, after_unknown: bool):
    """Complete the visit, then take its payment, and say exactly what landed."""
    checked_in = booking.id in checkins_for_bookings([booking.id])
    if str(booking.status) != "completed" and not complete_offered(booking, checked_in=checked_in):
        writes.release(request, token)
        return again(
            409,
            error="Only a visit checked in and approved can be completed here. Nothing was done.",
        )
    completion, payment = checkout_complete_and_pay(
        user=request.user, booking=booking, move=_move(form), after_unknown=after_unknown
    )
    code = booking.booking_code or booking.id
    if payment is None:
        now = completion.record
        if completion.conflict:
            said = f"This booking is now {status_phrase(now.status)} in LatePoint"
            completion.message = f"{said}, so it was not completed. Nothing was taken."
        elif completion.unknown:
            completion.message = (
                f"Whether it was completed is not known: {completion.message} No payment was taken."
            )
        else:
            completion.message = f"Not completed: {completion.message} No payment was taken."
        writes.settle(request, token, completion)
        return again(completion.status, error=completion.message, title=completion.title, now=now)
    done = ""
    if completion is not None:
        done = f"Booking {code} is now completed. "
        if completion.confirmed_after_failure:
            done += "(LatePoint's answer was lost; reading the booking back shows it.) "
    if payment.done:
        return _made(request, token, booking, payment, done + payment.message)
    if payment.unknown:
        prefix = done + "The payment's outcome is unknown: " if done else ""
    else:
        prefix = done + "But no payment was taken: " if done else ""
    return _not_made(request, token, payment, _after_completion(again, completion), prefix=prefix)


def _after_completion(again, completion):
    """The page again showing the booking as the completion left it."""
    now = completion.record if completion is not None else None

    def shown(status: int, **kwargs):
        return again(status, now=now, **kwargs)

    return shown


@require_http_methods(["GET", "POST"])
def booking_refund(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """POST (managers): refund part or all of what was paid (`amount`, `method`, `reason`).
    GET: the booking page's refund form."""
    if not is_manager(request.user):
        raise PermissionDenied("Only a manager can give refunds.")
    if request.method == "GET":
        return HttpResponseRedirect(_detail_url(booking_id) + "?refund=1#refund-amount")
    booking = _booking(booking_id)
    money = booking_money(booking)
    refundable = money.before(request.POST.get("submit_token", "")).refundable
    form = RefundForm(request.POST, refundable=refundable)
    again = _again(request, booking, money, form, "refund")
    if money.order_id is None or refundable <= 0:
        return again(409, error="Nothing was paid on this booking, so there is nothing to refund.")
    if not form.is_valid():
        return again(400)
    token, claim, answered = claim_form(request, "refund", again)
    if answered is not None:
        return answered
    outcome = refund_give(
        user=request.user,
        booking=booking,
        move=_move(form),
        after_unknown=bool(claim and claim.after_unknown),
    )
    if outcome.done:
        return _made(request, token, booking, outcome, outcome.message)
    return _not_made(request, token, outcome, again)
