"""What the booking pages share: /bookings/new/, /bookings/<id>/reschedule/ and
/bookings/walk-in/ read the same picks, show the same free times and customer search, and say
what became of their write the same way (`answer()`), settling the form's one-time token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from bookings.booking_forms import Picks, PicksForm
from bookings.services import overlaps
from bookings.services.booking import (
    booking_customer,
    booking_refusal,
    booking_warning,
    customer_matches,
)
from bookings.services.free_times import FreeTimes, free_times, time_label
from bookings.services.next_free import NextFree, next_free_days
from frontoffice.http import HtmxHttpRequest
from frontoffice.reference import ReferenceData
from latepoint.models import Booking, Customer
from upstream import writes

#: The customer search's results alone, as an HTMX search answers.
MATCHES_PARTIAL = "bookings/includes/find_customer.html#customer-matches"

#: What each screen calls its write, for a resend of a form already sent.
BOOKING, MOVE, WALK_IN = "booking", "move", "walk-in"


def chosen_customer(picks: Picks) -> tuple[Customer | None, str]:
    """The chosen customer (one cached call), or why they could not be read; a customer
    LatePoint does not have is dropped from the picks."""
    customer, error, missing = booking_customer(picks.customer_id)
    if missing:
        picks.customer_id = None
    return customer, error


def agent_name(picks: Picks, reference: ReferenceData) -> str:
    if picks.agent_id == "any":
        return "any available agent"
    return next((a.display_name for a in reference.agents if a.id == picks.agent_id), "")


def free_times_of(picks: Picks, reference: ReferenceData, *, refused: bool, keep=None) -> FreeTimes:
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


def _with(url: str, **params: str) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def next_free_context(
    request, picks: Picks, reference: ReferenceData, page_url: str, *, keys=None
) -> dict:
    """The "next free days" of the picks: a link that asks for them (`?next=<first day>`), and
    when asked, the days found, each a link to the page on its date (`keys`: the picks the
    page's address carries; all but the time by default), and a link to look further."""
    if picks.service_id is None or picks.agent_id in (None, "") or picks.day is None:
        return {}
    context = {"next_url": _with(page_url, next=picks.day.isoformat())}
    raw = request.GET.get("next", "") if request.method == "GET" else ""
    try:
        start = date.fromisoformat(raw) if raw else None
    except ValueError:
        start = None
    if start is None:
        return context
    found: NextFree = next_free_days(
        service_id=picks.service_id, agent_id=picks.agent_id, start=start, agents=reference.agents
    )
    own = {k: v for k, v in picks.query().items() if k != "time" and (keys is None or k in keys)}
    base = page_url.split("?")[0]
    links = [(free, _with(base, **{**own, "date": free.day.isoformat()})) for free in found.days]
    further = _with(page_url, next=found.resume.isoformat()) if found.resume else ""
    return {**context, "next_free": found, "next_links": links, "further_url": further}


def booking_context(
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
        times = free_times_of(picks, reference, refused=bool(refusal))
    same_day, clash_values = overlaps.clash_times(
        customer, day=picks.day, values=times.values, minutes=service_minutes(picks, reference)
    )
    query = request.GET.get("q", "") if request.method == "GET" else ""
    matches, matches_error = customer_matches(query) if picks.customer_id is None else ([], "")
    keep = picks.query(customer=None)  # a time clicked on the calendar stays chosen
    page_url = reverse("bookings:new") + "?" + urlencode(picks.query())
    return {
        **({} if refusal else next_free_context(request, picks, reference, page_url)),
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
        "find": find_customer(
            "bookings:new",
            [(k, v) for k, v in picks.query().items() if k != "customer"],
            autofocus=True,
        ),
        "choose_url": reverse("bookings:new") + "?" + urlencode(keep) + "&customer=",
        "change_customer_url": reverse("bookings:new") + "?" + urlencode(keep),
        "agent_name": agent_name(picks, reference),
        "errors": errors or {},
        "error": error,
        "token": request.POST.get("submit_token") or writes.new_token(),
        "page_url": page_url,
        "same_day_lines": [overlaps.describe(b) for b in same_day],
        "clash_values": clash_values,
    }


def service_minutes(picks: Picks, reference: ReferenceData) -> int:
    """How long the chosen service takes (its duration in LatePoint), 0 when not known."""
    found = next((s for s in reference.services if s.id == picks.service_id), None)
    return (found.duration or 0) if found else 0


def overlap_warning(
    request,
    picks: Picks,
    minutes: int,
    *,
    customer=None,
    exclude_id: int | None = None,
    own: Callable[[Booking], bool] | None = None,
) -> dict:
    """The customer's bookings overlapping the chosen time that the user has not yet seen and
    chosen to book beside, as the page's warning (nothing is sent then); {} when none. `own`
    tells the desk's own attempt at this very booking, which is no clash."""
    found = overlaps.clashes(
        picks.customer_id,
        day=picks.day,
        start_time=picks.time,
        minutes=minutes,
        customer=customer,
        exclude_id=exclude_id,
    )
    if own is not None:
        found = [b for b in found if not own(b)]
    found = overlaps.unconfirmed(found, request.POST)
    if not found:
        return {}
    return {
        "overlap_lines": [overlaps.describe(b) for b in found],
        "overlap_ids": ",".join(str(b.id) for b in found),
    }


def find_customer(url_name: str, keep, *, autofocus=False, walk_in=False) -> dict:
    """The customer search of a booking page: where it searches, what it keeps."""
    label = "Find a returning customer" if walk_in else "Find the customer"
    return {
        "url": reverse(url_name),
        "keep": list(keep),
        "label": label,
        "autofocus": autofocus,
        "walk_in": walk_in,
    }


def claim_form(
    request, what: str, again
) -> tuple[str | None, writes.Claim | None, HttpResponse | None]:
    """Claim the posted form's one-time token: (token, claim, answer), where an answer means
    the form was sent before and says where it landed (never a second write)."""
    token = request.POST.get("submit_token")
    claim = writes.claim(request, token)
    return token, claim, repeated(request, claim, what, again)


def repeated(request, claim: writes.Claim | None, what: str, again) -> HttpResponse | None:
    """A second submit of a form already sent: where the first landed, never a second write."""
    if claim is None or claim.first:
        return None
    if claim.url:
        messages.info(request, f"This {what} was already sent. " + claim.message)
        return HttpResponseRedirect(claim.url)
    return again(
        409,
        error=f"This {what} is still being sent from an earlier click. Wait a moment and "
        "check before sending it again.",
    )


def field_errors(outcome: writes.Outcome) -> dict[str, str]:
    """LatePoint's per-field `details` on the page's fields: `customer.last_name` on
    last_name, `service_id` on service."""
    return {
        name.split(".")[-1].removesuffix("_id"): text for name, text in outcome.field_errors.items()
    }


def answer(request, token, outcome: writes.Outcome, picks: Picks, again, done) -> HttpResponse:
    """Say what became of a booking write, and settle the form's one-time token.

    Done: the booking page, with `done(booking)` (and how it was confirmed). A time taken
    meanwhile: the form again with fresh times and everything else kept. Otherwise the form
    again, saying why, with LatePoint's field errors on their fields."""
    if outcome.done:
        booking = outcome.record
        text = done(booking)
        if outcome.confirmed_after_failure:
            text += " (LatePoint's answer was lost; reading the bookings back shows it.)"
        url = reverse("bookings:detail", args=[booking.id])
        writes.settle(request, token, outcome, url=url, message=text)
        messages.success(request, text)
        return HttpResponseRedirect(url)
    writes.settle(request, token, outcome)
    message = outcome.error
    if outcome.taken:
        taken, picks.time = picks.time, ""
        message = (
            f"{time_label_text(taken)} was taken meanwhile: {outcome.message.split(': ', 1)[-1]} "
            "Choose another free time below; everything else is kept."
        )
    response = again(outcome.status, error=message, errors=field_errors(outcome))
    return outcome.apply_headers(response)


def time_label_text(value: str) -> str:
    """ "14:30" as every screen writes a time (as typed when it is not a time)."""
    try:
        hours, minutes = (int(part) for part in value.split(":"))
        return time_label(time(hours, minutes))
    except ValueError:
        return value
