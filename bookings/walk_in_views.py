"""/bookings/walk-in/: a customer at the desk now, booked into today's free time with any agent
and checked in, in one confirmed step. The customer is found (`?customer=`) or typed in as new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from bookings.booking_forms import Picks, read_picks
from bookings.booking_pages import (
    MATCHES_PARTIAL,
    WALK_IN,
    answer,
    booking_context,
    chosen_customer,
    claim_form,
    find_customer,
    free_times_of,
    time_label_text,
)
from bookings.services.booking import (
    booking_refusal,
    walk_in,
)
from bookings.services.free_times import FreeTimes
from frontoffice.http import HtmxHttpRequest, htmx_target, vary_on_htmx
from frontoffice.reference import ReferenceData, reference_data
from latepoint.models import Customer

WALK_IN_FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
)


def _walk_in_customer(data) -> tuple[dict[str, str], dict[str, str]]:
    """A new walk-in customer's fields as typed, and what is wrong with them."""
    values = {name: (data.get(name) or "").strip()[:200] for name, _ in WALK_IN_FIELDS}
    errors = {}
    for name, label in WALK_IN_FIELDS[:3]:
        if not values[name]:
            errors[name] = f"{label} is needed for a new customer."
    email = values["email"]
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = "Enter a valid email address."
    return values, errors


@require_http_methods(["GET", "POST"])
@vary_on_htmx
@vary_on_headers("HX-Target")
def booking_walk_in(request: HtmxHttpRequest) -> HttpResponse:
    """A customer at the desk now: today's first free time with any agent, booked and checked
    in in one confirmed step. The customer is found (`?customer=`) or typed in as new."""
    page = _WalkInPage.read(request)
    if request.method == "POST":
        return _book_walk_in(request, page)
    target = htmx_target(request)
    if target == "customer-matches":
        return TemplateResponse(request, MATCHES_PARTIAL, page.context(times=FreeTimes()))
    if target == "walk-in-time":
        return TemplateResponse(request, TEMPLATE + "#walk-in-time", page.context())
    return TemplateResponse(request, TEMPLATE, page.context())


TEMPLATE = "bookings/walk_in.html"


@dataclass
class _WalkInPage:
    """The walk-in page as asked for: the picks (today, any agent), the customer chosen or
    typed in, and what the page shows of them."""

    request: HtmxHttpRequest
    picks: Picks
    reference: ReferenceData
    customer: Customer | None
    customer_error: str
    new_values: dict[str, str]
    new_errors: dict[str, str]

    @classmethod
    def read(cls, request: HtmxHttpRequest) -> _WalkInPage:
        reference = reference_data()
        data = request.POST if request.method == "POST" else request.GET
        picks = read_picks(data, reference)
        picks.agent_id, picks.day = "any", timezone.localdate()
        customer, customer_error = chosen_customer(picks)
        new_values, new_errors = _walk_in_customer(data)
        return cls(request, picks, reference, customer, customer_error, new_values, new_errors)

    def context(self, **extra) -> dict:
        picks, customer = self.picks, self.customer
        times = extra.pop("times", None)
        if times is None:
            times = free_times_of(picks, self.reference, refused=bool(booking_refusal(customer)))
        base = booking_context(
            self.request,
            picks,
            self.reference,
            times=times,
            customer=customer,
            customer_error=self.customer_error,
        )
        keep = {"service": picks.service_id} if picks.service_id else {}
        base.update(
            first=times.first,
            new_values=self.new_values if self.request.method == "POST" else {},
            new_fields=WALK_IN_FIELDS,
            find=find_customer("bookings:walk-in", keep.items(), walk_in=True),
            choose_url=reverse("bookings:walk-in") + "?" + urlencode(keep) + "&customer=",
            change_customer_url=reverse("bookings:walk-in") + "?" + urlencode(keep),
            services=self.reference.services,
            **extra,
        )
        return base

    def again(self, status: int, **extra) -> TemplateResponse:
        return TemplateResponse(self.request, TEMPLATE, self.context(**extra), status=status)

    def errors(self) -> dict[str, str]:
        """What is missing or wrong before anything can be sent."""
        errors: dict[str, str] = {}
        if self.picks.service_id is None:
            errors["service"] = "Choose a service."
        if not self.picks.time:
            errors["start_time"] = "There is no free time to book: choose a service first."
        if self.customer is None:
            errors.update(self.new_errors)
        return errors


def _book_walk_in(request: HtmxHttpRequest, page: _WalkInPage) -> HttpResponse:
    picks, customer = page.picks, page.customer
    if booking_refusal(customer):
        return page.again(403)
    if customer is None and page.customer_error:
        # Not found (400), or LatePoint could not say (502).
        return page.again(502 if picks.customer_id else 400, errors=page.errors())
    errors = page.errors()
    if errors:
        return page.again(400, errors=errors)
    token, claim, again_sent = claim_form(request, WALK_IN, page.again)
    if again_sent is not None:
        return again_sent
    outcome = walk_in(
        user=request.user,
        service_id=picks.service_id,
        start_time=picks.time,
        customer_id=customer.id if customer else None,
        new_customer=None if customer else page.new_values,
        after_unknown=bool(claim and claim.after_unknown),
    )

    def done(booking) -> str:
        who = booking.agent.display_name if booking.agent else "the first free agent"
        return f"Walk-in booked at {time_label_text(picks.time)} with {who}, and checked in."

    return answer(request, token, outcome, picks, page.again, done)
