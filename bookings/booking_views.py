"""Booking from the desk: /bookings/new/ (a phone caller, "book again", a gap in the calendar)
and /bookings/<id>/reschedule/ (another date, time or agent).

The page works as a plain GET form (`?customer=&service=&agent=&location=&date=` lists the free
times as a radio group named `start_time`) and POST books. With JavaScript, a change of service,
agent, location or date fetches the free times alone (HTMX: one upstream call per change), and
the customer search answers as you type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import push_url

from bookings.booking_forms import Picks, PicksForm, picks_errors, read_picks
from bookings.services.booking import (
    FREQUENCY_DAYS,
    FreeTimes,
    NewBooking,
    booking_refusal,
    booking_start_local,
    booking_warning,
    create_booking,
    free_times,
    reschedule_booking,
    reschedule_refusal,
    suggested_date,
    time_label,
    walk_in,
)
from frontoffice import writes
from frontoffice.http import HtmxHttpRequest, vary_on_htmx
from frontoffice.reference import ReferenceData, reference_data
from frontoffice.upstream import api
from frontoffice.upstream_errors import describe
from latepoint.errors import InvalidRequest, LatePointError, NotFound, SlotUnavailable
from latepoint.models import Customer

#: Customers a search shows at most.
MATCHES = 8


def _customer(picks: Picks) -> tuple[Customer | None, str]:
    """The chosen customer (one cached call), or why they could not be read."""
    if picks.customer_id is None:
        return None, ""
    try:
        return api().get_customer(picks.customer_id), ""
    except NotFound:
        picks.customer_id = None
        return None, "There is no such customer: find them again."
    except LatePointError as exc:
        error = describe(exc)
        return None, f"{error.title}: {error.message}"


def _matches(query: str) -> tuple[list[Customer], str]:
    query = query.strip()
    if len(query) < 2:
        return [], ""
    try:
        return list(api().list_customers(search=query[:100], per_page=MATCHES).items), ""
    except LatePointError as exc:
        error = describe(exc)
        return [], f"{error.title}: {error.message}"


def _agent_name(picks: Picks, reference: ReferenceData) -> str:
    if picks.agent_id == "any":
        return "any available agent"
    return next((a.display_name for a in reference.agents if a.id == picks.agent_id), "")


def _times(picks: Picks, reference: ReferenceData, *, refused: bool, keep=None) -> FreeTimes:
    """The free times of the picks (none asked for when the booking cannot be made)."""
    if refused:
        return FreeTimes()
    return free_times(
        service_id=picks.service_id,
        agent_id=picks.agent_id,
        day=picks.day,
        agents=reference.agents,
        keep=keep,
    )


def _context(
    request: HtmxHttpRequest,
    picks: Picks,
    reference: ReferenceData,
    *,
    times: FreeTimes | None = None,
    customer: Customer | None = None,
    customer_error: str = "",
    errors: dict[str, str] | None = None,
    error: str = "",
) -> dict:
    refusal = booking_refusal(customer)
    if times is None:
        times = _times(picks, reference, refused=bool(refusal))
    query = request.GET.get("q", "") if request.method == "GET" else ""
    matches, matches_error = _matches(query) if picks.customer_id is None else ([], "")
    keep = picks.query(customer=None, time=None)
    return {
        "picks": picks,
        "form": PicksForm(picks, reference),
        "times": times,
        "customer": customer,
        "customer_error": customer_error,
        "refusal": refusal,
        "warning": booking_warning(customer),
        "q": query,
        "matches": matches,
        "matches_error": matches_error,
        "choose_url": reverse("bookings:new") + "?" + urlencode(keep) + "&customer=",
        "change_customer_url": reverse("bookings:new") + "?" + urlencode(keep),
        "agent_name": _agent_name(picks, reference),
        "errors": errors or {},
        "error": error,
        "token": request.POST.get("submit_token") or writes.new_token(),
        "page_url": reverse("bookings:new") + "?" + urlencode(picks.query()),
    }


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def booking_new(request: HtmxHttpRequest) -> HttpResponse:
    # LatePoint unreachable for the pickers: the error middleware answers (with "Try again").
    reference = reference_data()
    data = request.POST if request.method == "POST" else request.GET
    picks = read_picks(data, reference)
    target = request.headers.get("HX-Target", "") if request.htmx else ""

    if request.method == "GET" and target == "customer-matches":
        context = _context(request, picks, reference, times=FreeTimes())
        return TemplateResponse(request, "bookings/new.html#customer-matches", context)
    if request.method == "GET" and target == "free-times":
        customer, _ = _customer(picks)
        context = _context(request, picks, reference, customer=customer)
        response = TemplateResponse(request, "bookings/new.html#free-times", context)
        push_url(response, context["page_url"])
        return response

    customer, customer_error = _customer(picks)
    if request.method == "GET":
        for message in picks.messages:
            messages.warning(request, message)
        suggestion = _suggest(picks, customer)
        context = _context(
            request, picks, reference, customer=customer, customer_error=customer_error
        )
        context["suggestion"] = suggestion
        return TemplateResponse(request, "bookings/new.html", context)
    return _book(request, picks, reference, customer, customer_error)


def _suggest(picks: Picks, customer: Customer | None) -> str:
    """Book again: without a date chosen, the customer's usual interval after their visit."""
    if picks.date_given or picks.after is None or customer is None:
        return ""
    frequency = customer.stats.booking_frequency if customer.stats else None
    day = suggested_date(frequency, picks.after)
    if day is None:
        return ""
    picks.day = day
    weeks = FREQUENCY_DAYS[frequency.lower()] // 7
    return (
        f"Suggested date: {weeks} weeks after the visit of {picks.after:%a %-d %b} "
        f"({customer.first_name or 'this customer'} usually books {frequency.lower()})."
    )


@dataclass(frozen=True)
class Words:
    """How one screen words what became of its write."""

    what: str  # "booking", "move", "walk-in"
    nothing: str  # "nothing was booked"
    lost: str  # the answer was lost: what to check before trying again


BOOKING = Words(
    "booking",
    "nothing was booked",
    "The booking was sent, but no readable answer came back and it was not found when looked "
    "for. Check the customer's bookings before booking again.",
)
MOVE = Words(
    "move",
    "the booking was not moved",
    "The move was sent, but no readable answer came back. LatePoint may have moved the "
    "booking: check it before trying again.",
)
WALK_IN = Words(
    "walk-in",
    "nothing was booked",
    "The booking was sent, but no readable answer came back. Check Today before booking again.",
)


def _repeated(request, claim: writes.Claim | None, words: Words, again) -> HttpResponse | None:
    """A second submit of a form already sent: where the first landed, never a second write."""
    if claim is None or claim.first:
        return None
    if claim.url:
        messages.info(request, f"This {words.what} was already sent. " + claim.message)
        return HttpResponseRedirect(claim.url)
    return again(
        409,
        error=f"This {words.what} is still being sent from an earlier click. Wait a moment and "
        "check before sending it again.",
    )


def _failed(request, token, picks: Picks, exc: Exception, words: Words) -> tuple[int, str]:
    """The status and message of a write that failed; the form may be sent again unless the
    write may have landed. A taken time clears the chosen one (fresh times are shown)."""
    if isinstance(exc, SlotUnavailable):
        writes.release(request, token)
        taken, picks.time = picks.time, ""
        return 409, (
            f"{time_label_text(taken)} was taken meanwhile: {words.nothing}. Choose another "
            "free time below; everything else is kept."
        )
    if isinstance(exc, InvalidRequest):
        writes.release(request, token)
        return 400, f"LatePoint refused the {words.what}: {exc.message or exc.user_message}"
    if isinstance(exc, writes.RecordBusy):
        writes.release(request, token)
        return 409, exc.user_message
    error = describe(exc, write=True)
    if error.may_have_been_applied:
        writes.unknown(request, token)
        return error.status, words.lost
    writes.release(request, token)
    return error.status, f"{error.title}: {error.message} {words.nothing.capitalize()}."


def _book(
    request: HtmxHttpRequest,
    picks: Picks,
    reference: ReferenceData,
    customer: Customer | None,
    customer_error: str,
) -> HttpResponse:
    def again(status: int, **extra) -> TemplateResponse:
        context = _context(
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
    token = request.POST.get("submit_token")
    repeated = _repeated(request, writes.claim(request, token), BOOKING, again)
    if repeated is not None:
        return repeated
    new = NewBooking(
        service_id=picks.service_id,
        agent_id=picks.agent_id,
        day=picks.day,
        start_time=picks.time,
        customer_id=picks.customer_id,
        location_id=picks.location_id,
        notes=picks.notes,
        send_confirmation=picks.send_confirmation,
    )
    try:
        booked = create_booking(user=request.user, new=new)
    except LatePointError as exc:
        status, text = _failed(request, token, picks, exc, BOOKING)
        field_errors = getattr(exc, "field_errors", None) or {}
        errors = {name.split(".")[-1].replace("_id", ""): v for name, v in field_errors.items()}
        return again(status, error=text, errors=errors)
    booking = booked.booking
    agent = booking.agent.display_name if booking.agent else _agent_name(picks, reference)
    done = f"Booked {picks.day:%a %-d %b} at {time_label_text(picks.time)}"
    if agent:
        done += f" with {agent}"
    done += "."
    if booked.confirmed_after_failure:
        done += " (LatePoint's answer was lost; reading the bookings back shows it.)"
    url = reverse("bookings:detail", args=[booking.id])
    writes.finish(request, token, url=url, message=done)
    messages.success(request, done)
    return HttpResponseRedirect(url)


def time_label_text(value: str) -> str:
    from datetime import time

    try:
        hours, minutes = (int(part) for part in value.split(":"))
        return time_label(time(hours, minutes))
    except ValueError:
        return value


# --- reschedule or reassign ------------------------------------------------------------------


def _current_slot(booking) -> tuple:
    start = booking_start_local(booking)
    return (start.date(), start.strftime("%H:%M")) if start else (None, "")


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def booking_reschedule(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """Move a booking to another date, time or agent; its own slot counts as free."""
    try:
        booking = api().get_booking(booking_id, fresh=request.method == "POST")
        reference = reference_data()
    except NotFound:
        raise Http404("No such booking.") from None
    data = request.POST if request.method == "POST" else request.GET
    picks = read_picks(data, reference)
    current_day, current_time = _current_slot(booking)
    if picks.agent_id in (None, "any"):
        picks.agent_id = booking.agent.id if booking.agent else None
    if not picks.date_given and current_day is not None:
        picks.day = max(current_day, timezone.localdate())
    picks.service_id = booking.service.id if booking.service else None
    picks.customer_id = booking.customer.id if booking.customer else None
    if request.method == "POST":
        picks.send_confirmation = data.get("notify") in ("on", "true", "1", "yes")
    refusal = reschedule_refusal(booking)

    def context(**extra) -> dict:
        own = booking.agent is not None and picks.agent_id == booking.agent.id
        keep = None
        if own and picks.day == current_day and current_time:
            keep = datetime.strptime(current_time, "%H:%M").time()
        times = extra.pop("times", None)
        if times is None:
            times = _times(picks, reference, refused=bool(refusal), keep=keep)
        page_url = reverse("bookings:reschedule", args=[booking.id])
        query = {k: v for k, v in picks.query().items() if k in ("date", "agent")}
        return {
            "booking": booking,
            "picks": picks,
            "form": PicksForm(picks, reference, any_agent=False),
            "times": times,
            "refusal": refusal,
            "agent_name": _agent_name(picks, reference),
            "current_day": current_day,
            "current_time": current_time,
            "current_label": time_label_text(current_time) if current_time else "",
            "errors": {},
            "error": "",
            "token": request.POST.get("submit_token") or writes.new_token(),
            "page_url": page_url + ("?" + urlencode(query) if query else ""),
            **extra,
        }

    if request.method == "GET":
        if request.htmx and request.headers.get("HX-Target") == "free-times":
            ctx = context()
            response = TemplateResponse(request, "bookings/reschedule.html#free-times", ctx)
            push_url(response, ctx["page_url"])
            return response
        for message in picks.messages:
            messages.warning(request, message)
        return TemplateResponse(request, "bookings/reschedule.html", context())
    return _move(request, booking, picks, reference, refusal, context)


def _move(request, booking, picks: Picks, reference, refusal: str, context) -> HttpResponse:
    def again(status: int, **extra) -> TemplateResponse:
        return TemplateResponse(
            request, "bookings/reschedule.html", context(**extra), status=status
        )

    if refusal:
        return again(409)
    errors = {k: v for k, v in picks_errors(picks).items() if k in ("date", "start_time")}
    if picks.agent_id is None:
        errors["agent"] = "Choose an agent."
    if errors:
        return again(400, errors=errors)
    token = request.POST.get("submit_token")
    repeated = _repeated(request, writes.claim(request, token), MOVE, again)
    if repeated is not None:
        return repeated
    agent = next((a for a in reference.agents if a.id == picks.agent_id), None)
    try:
        moved = reschedule_booking(
            user=request.user,
            booking=booking,
            day=picks.day,
            start_time=picks.time,
            agent=agent,
            notify=picks.send_confirmation,
        )
    except ValueError as exc:
        writes.release(request, token)
        return again(409, error=str(exc))
    except (LatePointError, writes.RecordBusy) as exc:
        status, text = _failed(request, token, picks, exc, MOVE)
        return again(status, error=text)
    who = moved.agent.display_name if moved.agent else (agent.display_name if agent else "")
    done = f"Moved to {picks.day:%a %-d %b} at {time_label_text(picks.time)}"
    done += f" with {who}." if who else "."
    url = reverse("bookings:detail", args=[booking.id])
    writes.finish(request, token, url=url, message=done)
    messages.success(request, done)
    return HttpResponseRedirect(url)


# --- walk-in ---------------------------------------------------------------------------------


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
def booking_walk_in(request: HtmxHttpRequest) -> HttpResponse:
    """A customer at the desk now: today's first free time with any agent, booked and checked
    in in one confirmed step. The customer is found (`?customer=`) or typed in as new."""
    reference = reference_data()
    data = request.POST if request.method == "POST" else request.GET
    picks = read_picks(data, reference)
    picks.agent_id, picks.day = "any", timezone.localdate()
    customer, customer_error = _customer(picks)
    new_values, new_errors = _walk_in_customer(data)

    def context(**extra) -> dict:
        times = extra.pop("times", None)
        if times is None:
            times = _times(picks, reference, refused=bool(booking_refusal(customer)))
        base = _context(
            request,
            picks,
            reference,
            times=times,
            customer=customer,
            customer_error=customer_error,
        )
        keep = {"service": picks.service_id} if picks.service_id else {}
        base.update(
            first=times.first,
            new_values=new_values if request.method == "POST" else {},
            new_fields=WALK_IN_FIELDS,
            choose_url=reverse("bookings:walk-in") + "?" + urlencode(keep) + "&customer=",
            change_customer_url=reverse("bookings:walk-in") + "?" + urlencode(keep),
            services=reference.services,
            **extra,
        )
        return base

    if request.method == "GET":
        target = request.headers.get("HX-Target", "") if request.htmx else ""
        if target == "customer-matches":
            return TemplateResponse(
                request, "bookings/walk_in.html#customer-matches", context(times=FreeTimes())
            )
        if target == "walk-in-time":
            return TemplateResponse(request, "bookings/walk_in.html#walk-in-time", context())
        return TemplateResponse(request, "bookings/walk_in.html", context())

    def again(status: int, **extra) -> TemplateResponse:
        return TemplateResponse(request, "bookings/walk_in.html", context(**extra), status=status)

    if booking_refusal(customer):
        return again(403)
    errors: dict[str, str] = {}
    if picks.service_id is None:
        errors["service"] = "Choose a service."
    if not picks.time:
        errors["start_time"] = "There is no free time to book: choose a service first."
    if customer is None:
        if customer_error:  # not found (400), or LatePoint could not say (502)
            return again(502 if picks.customer_id else 400, errors=errors)
        errors.update(new_errors)
    if errors:
        return again(400, errors=errors)
    token = request.POST.get("submit_token")
    repeated = _repeated(request, writes.claim(request, token), WALK_IN, again)
    if repeated is not None:
        return repeated
    try:
        booked = walk_in(
            user=request.user,
            service_id=picks.service_id,
            start_time=picks.time,
            customer_id=customer.id if customer else None,
            new_customer=None if customer else new_values,
        )
    except LatePointError as exc:
        status, text = _failed(request, token, picks, exc, WALK_IN)
        return again(status, error=text)
    booking = booked.booking
    who = booking.agent.display_name if booking.agent else "the first free agent"
    done = f"Walk-in booked at {time_label_text(picks.time)} with {who}, and checked in."
    url = reverse("bookings:detail", args=[booking.id])
    writes.finish(request, token, url=url, message=done)
    messages.success(request, done)
    return HttpResponseRedirect(url)
