"""/bookings/new/: booking a phone caller, "book again", a gap in the calendar.

The page works as a plain GET form (`?customer=&service=&agent=&location=&date=` lists the free
times as a radio group named `start_time`) and POST books. With JavaScript, a change of service,
agent, location or date fetches the free times alone (HTMX: one upstream call per change), and
the customer search answers as you type.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from bookings.booking_forms import Picks, picks_errors, read_picks
from bookings.booking_pages import (
    BOOKING,
    MATCHES_PARTIAL,
    agent_name,
    answer,
    booking_context,
    chosen_customer,
    claim_form,
    overlap_warning,
    service_minutes,
    time_label_text,
)
from bookings.services.booking import (
    FREQUENCY_DAYS,
    NewBooking,
    booking_refusal,
    create_booking,
    own_booking,
    suggested_date,
)
from bookings.services.free_times import FreeTimes
from bookings.services.next_free import first_free_day
from frontoffice.http import HtmxHttpRequest, htmx_target, vary_on_htmx
from frontoffice.reference import ReferenceData, reference_data
from latepoint.models import Customer
from upstream import writes


@require_http_methods(["GET", "POST"])
@vary_on_htmx
@vary_on_headers("HX-Target")
def booking_new(request: HtmxHttpRequest) -> HttpResponse:
    # LatePoint unreachable for the pickers: the error middleware answers (with "Try again").
    reference = reference_data()
    data = request.POST if request.method == "POST" else request.GET
    picks = read_picks(data, reference, any_agent_first=request.method == "GET")
    target = htmx_target(request)

    if request.method == "GET" and target == "customer-matches":
        context = booking_context(request, picks, reference, times=FreeTimes())
        return TemplateResponse(request, MATCHES_PARTIAL, context)
    if request.method == "GET" and target == "free-times":
        customer, _ = chosen_customer(picks)
        context = booking_context(request, picks, reference, customer=customer)
        response = TemplateResponse(request, "bookings/new.html#free-times", context)
        push_url(response, context["page_url"])
        return response

    customer, customer_error = chosen_customer(picks)
    if request.method == "GET":
        for message in picks.messages:
            messages.warning(request, message)
        suggestion = _suggest(picks, customer, reference)
        context = booking_context(
            request, picks, reference, customer=customer, customer_error=customer_error
        )
        context["suggestion"] = suggestion
        return TemplateResponse(request, "bookings/new.html", context)
    return _book(request, picks, reference, customer, customer_error)


def _suggest(picks: Picks, customer: Customer | None, reference: ReferenceData) -> str:
    """Book again: without a date chosen, the first day with a free time on or after the
    customer's usual interval after their visit."""
    if picks.date_given or picks.after is None or customer is None:
        return ""
    frequency = customer.stats.booking_frequency if customer.stats else None
    day = suggested_date(frequency, picks.after)
    if day is None:
        return ""
    weeks = FREQUENCY_DAYS[frequency.lower()] // 7
    text = (
        f"Suggested date: {weeks} week{'' if weeks == 1 else 's'} after the visit of "
        f"{picks.after:%a %-d %b} ({customer.first_name or 'this customer'} usually books "
        f"{frequency.lower()})."
    )
    picks.day = day
    if picks.service_id is None or picks.agent_id in (None, ""):
        return text
    free = first_free_day(
        service_id=picks.service_id, agent_id=picks.agent_id, start=day, agents=reference.agents
    )
    if free is None:
        return text + f" No free time found from {day:%a %-d %b} on yet: try another agent."
    picks.day = free
    if free == day:
        return text
    return text + f" {day:%a %-d %b} has no free time; the first day with one is {free:%a %-d %b}."


def _book(
    request: HtmxHttpRequest,
    picks: Picks,
    reference: ReferenceData,
    customer: Customer | None,
    customer_error: str,
) -> HttpResponse:
    def again(status: int, **extra) -> TemplateResponse:
        context = booking_context(
            request, picks, reference, customer=customer, customer_error=customer_error, **extra
        )
        return TemplateResponse(request, "bookings/new.html", context, status=status)

    errors = picks_errors(picks)
    if customer_error:
        return again(502 if customer is None and picks.customer_id else 400, errors=errors)
    refusal = booking_refusal(customer)
    if refusal:
        return again(403)
    if errors:
        return again(400, errors=errors)
    token, claim, again_sent = claim_form(request, BOOKING, again)
    if again_sent is not None:
        return again_sent
    new = NewBooking(
        service_id=picks.service_id,
        agent_id=picks.agent_id,
        day=picks.day,
        start_time=picks.time,
        customer_id=picks.customer_id,
        location_id=picks.location_id,
        notes=picks.notes,
        send_confirmation=picks.send_confirmation,
        customer_name=customer.full_name if customer is not None else "",
    )
    after_unknown = bool(claim and claim.after_unknown)
    # The same person already booked at that time (another agent, say): warn, send nothing,
    # and leave the form's token as it was for "Book anyway". The desk's own attempt at this
    # very booking is no clash: the booking below lands on it.
    warning = overlap_warning(
        request,
        picks,
        service_minutes(picks, reference),
        customer=customer,
        own=lambda b: own_booking(b, new, after_unknown=after_unknown),
    )
    if warning:
        (writes.unknown if after_unknown else writes.release)(request, token)
        response = again(200)
        response.context_data.update(warning)
        return response
    outcome = create_booking(user=request.user, new=new, after_unknown=after_unknown)

    def done(booking) -> str:
        agent = booking.agent.display_name if booking.agent else agent_name(picks, reference)
        text = f"Booked {picks.day:%a %-d %b} at {time_label_text(picks.time)}"
        return text + (f" with {agent}." if agent else ".")

    return answer(request, token, outcome, picks, again, done)
