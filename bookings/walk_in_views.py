"""/bookings/walk-in/: a customer at the desk now, booked today with the agent free now (or a
chosen agent's next free time) and checked in, in one step.

The customer is a returning one (`?customer=`), or typed in: a first name is enough (a
LatePoint guest, "Walk-in" as the last name when none is given), and with no name at all the
shared "Walk-in Guest" customer. Every step is a POST of the one form (`step=times` only shows
the times again; without it the form books); with JavaScript the times swap in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.validators import validate_email
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
    time_label_text,
)
from bookings.services.booking import booking_refusal, walk_in
from bookings.services.free_times import FreeTimes
from bookings.services.walk_in_guests import (
    DEFAULT_LAST_NAME,
    guest_create,
    guest_earlier,
    shared_guest,
)
from bookings.services.walk_in_times import (
    WalkInTimes,
    parse_opening,
    walk_in_agent,
    walk_in_times,
)
from customers.services.outcomes import form_field_name
from customers.validators import EMAIL_MAX, default_phone_region, normalise_phone, validate_name
from frontoffice.http import HtmxHttpRequest, htmx_target, vary_on_htmx
from frontoffice.reference import ReferenceData, reference_data
from latepoint.models import Customer
from upstream import writes

TEMPLATE = "bookings/walk_in.html"

#: The new walk-in's fields: only the first name is needed (none at all: the shared guest).
WALK_IN_FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("phone", "Phone"),
    ("email", "Email"),
)


def _walk_in_customer(data) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """A new walk-in's fields as typed, as they will be sent, and what is wrong with them
    (the customer form's rules)."""
    typed = {name: (data.get(name) or "").strip()[:200] for name, _ in WALK_IN_FIELDS}
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    checks = {
        "first_name": lambda v: validate_name(v, "First name"),
        "last_name": lambda v: validate_name(v, "Last name"),
        "phone": lambda v: normalise_phone(v, region=default_phone_region()),
        "email": _email,
    }
    for name, check in checks.items():
        if typed[name]:
            try:
                clean[name] = check(typed[name])
            except forms.ValidationError as exc:
                errors[name] = exc.messages[0]
    if not typed["first_name"] and any(typed[n] for n in ("last_name", "phone", "email")):
        errors["first_name"] = (
            "A first name is needed with these details (leave every field empty to book the "
            "shared Walk-in guest)."
        )
    return typed, clean, errors


def _email(value: str) -> str:
    email = value.lower()
    if len(email) > EMAIL_MAX:
        raise forms.ValidationError(f"An email can have at most {EMAIL_MAX} characters.")
    validate_email(email)
    return email


@require_http_methods(["GET", "POST"])
@vary_on_htmx
@vary_on_headers("HX-Target")
def booking_walk_in(request: HtmxHttpRequest) -> HttpResponse:
    """The walk-in page: GET shows it, a POST with `step=times` shows the times again (in
    place with HTMX), any other POST books and checks in."""
    page = _WalkInPage.read(request)
    target = htmx_target(request)
    if request.method == "POST" and request.POST.get("step") != "times":
        return _book_walk_in(request, page)
    if target == "customer-matches":
        return TemplateResponse(request, MATCHES_PARTIAL, page.context(times=WalkInTimes()))
    if target == "walk-in-time":
        return TemplateResponse(request, TEMPLATE + "#walk-in-time", page.context())
    return TemplateResponse(request, TEMPLATE, page.context())


@dataclass
class _WalkInPage:
    """The walk-in page as asked for: the picks (today; an agent or any), the customer chosen
    or typed in, the time chosen, and what the page shows of them."""

    request: HtmxHttpRequest
    picks: Picks
    reference: ReferenceData
    customer: Customer | None
    customer_error: str
    typed: dict[str, str]
    clean: dict[str, str]
    new_errors: dict[str, str]
    opening: tuple[int | str, str] | None  # (agent, "HH:MM") chosen
    notice: str = ""
    times: WalkInTimes | None = field(default=None, repr=False)

    @classmethod
    def read(cls, request: HtmxHttpRequest) -> _WalkInPage:
        reference = reference_data()
        data = request.POST if request.method == "POST" else request.GET
        picks = read_picks(data, reference, any_agent_first=True)
        picks.day = timezone.localdate()
        picks.agent_id = walk_in_agent(picks.agent_id)
        customer, customer_error = chosen_customer(picks)
        typed, clean, errors = _walk_in_customer(data)
        opening = parse_opening(data.get("slot", ""))
        if opening is None and picks.time:
            opening = (picks.agent_id, picks.time)  # a time posted alone: with the agent field
        if opening is not None:
            picks.time = opening[1]
        return cls(
            request, picks, reference, customer, customer_error, typed, clean, errors, opening
        )

    def walk_in_times(self) -> WalkInTimes:
        if self.times is None:
            refused = bool(booking_refusal(self.customer))
            self.times = (
                WalkInTimes()
                if refused
                else walk_in_times(
                    service_id=self.picks.service_id,
                    agent_id=self.picks.agent_id,
                    agents=self.reference.agents,
                )
            )
        return self.times

    def context(self, **extra) -> dict:
        picks, customer = self.picks, self.customer
        times = extra.pop("times", None) or self.walk_in_times()
        base = booking_context(
            self.request,
            picks,
            self.reference,
            times=FreeTimes(),
            customer=customer,
            customer_error=self.customer_error,
        )
        keep = {"service": picks.service_id} if picks.service_id else {}
        chosen = f"{self.opening[0]}@{self.opening[1]}" if self.opening and picks.time else ""
        if not chosen and times.now:
            chosen = times.now[0].value  # "now" is the walk-in's usual answer
        errors = extra.get("errors") or {}
        order = ["first_name", "last_name", "phone", "email", "service", "slot"]
        focus = next((name for name in order if name in errors), "")
        base.update(
            walk_in=times,
            chosen=chosen,
            typed=self.typed,
            new_fields=WALK_IN_FIELDS,
            optional_open=any(
                self.typed[n] or n in errors for n in ("last_name", "phone", "email")
            ),
            focus=focus or ("" if customer or self.request.method == "POST" else "first_name"),
            default_last_name=DEFAULT_LAST_NAME,
            agents=self.reference.agents,
            agent_choice=str(walk_in_agent(picks.agent_id)),
            find=find_customer("bookings:walk-in", keep.items(), walk_in=True),
            choose_url=reverse("bookings:walk-in") + "?" + urlencode(keep) + "&customer=",
            change_customer_url=reverse("bookings:walk-in") + "?" + urlencode(keep),
            services=self.reference.services,
            new_booking_url=reverse("bookings:new"),
            notice=self.notice,
            **extra,
        )
        return base

    def again(self, status: int, **extra) -> TemplateResponse:
        if self.notice and extra.get("error"):
            extra["error"] = f"{self.notice} {extra['error']}"
        return TemplateResponse(self.request, TEMPLATE, self.context(**extra), status=status)

    def errors(self) -> dict[str, str]:
        """What is missing or wrong before anything can be sent."""
        errors: dict[str, str] = {}
        if self.picks.service_id is None:
            errors["service"] = "Choose a service."
        elif self.opening is None:
            errors["slot"] = "Choose a time: now, or a later time today."
        if self.customer is None:
            errors.update(self.new_errors)
        return errors


def _customer_for(request, page: _WalkInPage, after_unknown: bool) -> writes.Outcome:
    """The walk-in's customer: chosen, a new guest by the name typed, or the shared guest."""
    if page.customer is not None:
        return writes.Outcome(writes.Outcome.DONE, record=page.customer)
    if not page.clean.get("first_name"):
        return shared_guest(user=request.user)
    if after_unknown:
        earlier = guest_earlier(
            first=page.clean["first_name"],
            last=page.clean.get("last_name") or DEFAULT_LAST_NAME,
            email=page.clean.get("email", ""),
        )
        if earlier is not None:
            return earlier
    return guest_create(user=request.user, values=page.clean)


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
    after_unknown = bool(claim and claim.after_unknown)
    who = _customer_for(request, page, after_unknown)
    if not who.done:
        writes.settle(request, token, who)
        fields = {form_field_name(k): v for k, v in who.field_errors.items()}
        status = 400 if fields else who.status
        return who.apply_headers(page.again(status, error=who.error, errors=fields))
    if customer is None:
        # Created (or found) now: a second send books them, never creates them again.
        page.customer, picks.customer_id = who.record, who.record.id
        if who.message:  # created by this send or an earlier one; not the guest found
            page.notice = f"{who.record.full_name} is now a guest customer in LatePoint."
    agent, start = page.opening
    outcome, checkin_error = walk_in(
        user=request.user,
        service_id=picks.service_id,
        start_time=start,
        customer_id=who.record.id,
        agent_id=agent,
        after_unknown=after_unknown,
    )

    def done(booking) -> str:
        name = booking.agent.display_name if booking.agent else "the first free agent"
        booked = f"Walk-in booked at {time_label_text(start)} with {name}"
        if checkin_error:
            return f"{booked}, but not checked in ({checkin_error}): check them in here."
        return f"{booked}, and checked in."

    return answer(request, token, outcome, picks, page.again, done)
