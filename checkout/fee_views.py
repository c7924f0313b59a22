"""Paying a fee from the customer's profile: `/customers/<id>/fees/<order_id>/pay/`.

GET shows the fee and the form; POST takes the payment once (the form's one-time token, the
order's lock and a read-back, in `checkout.fee_payments`). A payment made goes back to the
profile, saying so; anything else shows this page again with everything typed kept, saying
what happened.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bookings.booking_pages import claim_form
from checkout.fee_forms import FeePaymentForm
from checkout.fee_payments import FeeOrder, fee_order_get, fee_pay
from checkout.forms import METHOD_CHOICES
from checkout.payments import MoneyMove
from frontoffice.http import HtmxHttpRequest
from upstream import writes
from upstream.failures import Missing


def profile_money_url(customer_id: int) -> str:
    """The profile with its money panel open (no JavaScript needed to see it)."""
    return reverse("customers:detail", args=[customer_id]) + "?money=1#customer-money"


def _charge(customer_id: int, order_id: int) -> FeeOrder:
    try:
        return fee_order_get(customer_id=customer_id, order_id=order_id)
    except Missing:
        raise Http404("No such fee.") from None


def _page(request, customer_id: int, charge: FeeOrder, form, *, status=200, **extra):
    context = {
        "customer_id": customer_id,
        "charge": charge,
        "form": form,
        "methods": METHOD_CHOICES,
        "token": form.data.get("submit_token") if form.is_bound else writes.new_token(),
        "back_url": profile_money_url(customer_id),
        **extra,
    }
    return TemplateResponse(request, "checkout/fee_pay.html", context, status=status)


@require_http_methods(["GET", "POST"])
def fee_payment(request: HtmxHttpRequest, customer_id: int, order_id: int) -> HttpResponse:
    """GET: the fee with the Take payment form. POST: take a payment toward it (`amount`,
    `method`, `note`), once."""
    charge = _charge(customer_id, order_id)
    if request.method == "GET":
        initial = {"amount": f"{charge.due:.2f}" if charge.due > 0 else ""}
        return _page(request, customer_id, charge, FeePaymentForm(initial=initial, due=charge.due))
    form = FeePaymentForm(request.POST, due=charge.due)

    def again(status: int, *, error: str = "", title: str = "", unknown: bool = False):
        return _page(
            request,
            customer_id,
            charge,
            form,
            status=status,
            error=error,
            title=title,
            unknown=unknown,
        )

    token, claim, answered = claim_form(request, "payment", again)
    if answered is not None:
        return answered
    if charge.refusal:
        writes.release(request, token)
        return again(409, error=f"{charge.refusal} Nothing was taken.")
    if not form.is_valid():
        writes.release(request, token)
        return again(400)
    data = form.cleaned_data
    move = MoneyMove(
        amount=data["amount"], method=data["method"], reference=token, note=data["note"]
    )
    outcome = fee_pay(
        user=request.user,
        customer_id=customer_id,
        order_id=order_id,
        move=move,
        after_unknown=bool(claim and claim.after_unknown),
    )
    if outcome.done:
        url = profile_money_url(customer_id)
        writes.settle(request, token, outcome, url=url, message=outcome.message)
        messages.success(request, outcome.message)
        return HttpResponseRedirect(url)
    writes.settle(request, token, outcome)
    for name, text in outcome.field_errors.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, text)
    response = again(
        outcome.status, error=outcome.message, title=outcome.title, unknown=outcome.unknown
    )
    return outcome.apply_headers(response)
