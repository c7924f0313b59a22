"""Booking from the desk: the customer to book, a new booking, a walk-in, and "book again".

LatePoint checks availability again on every booking write, and a refused time is an ordinary
outcome that the screens answer with fresh times. Every write returns a `writes.Outcome`: sent
once, and a lost answer is looked for among the customer's bookings before anything is said.
Free times are in `free_times`, moves in `moving`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import DatabaseError
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_outcome
from bookings.services.booking_names import booking_names
from customers.services.matching import customer_matches_query, search_term
from history.sync import booking_record
from latepoint.client import ANY_AGENT
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Booking, BookingStatus, Customer, CustomerStatus
from upstream import writes
from upstream.failures import describe
from upstream.gateway import api

#: Days between visits for each booking frequency LatePoint reports (the customer's stats).
FREQUENCY_DAYS = {"weekly": 7, "monthly": 28, "quarterly": 91}


def booking_refusal(customer: Customer | None) -> str:
    """Why this customer cannot be booked at all ("" when they can)."""
    if customer is not None and customer.status == CustomerStatus.BLOCKED:
        return "This customer is blocked: they cannot book. Do not make a booking for them."
    return ""


def booking_warning(customer: Customer | None) -> str:
    """What to check before booking this customer ("" when nothing)."""
    if customer is None:
        return ""
    if customer.status == CustomerStatus.INACTIVE:
        return "Inactive customer: verify their details before booking."
    if customer.status == CustomerStatus.PENDING_VERIFICATION:
        return "Pending verification: this customer has not confirmed their details yet."
    return ""


# --- a new booking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewBooking:
    service_id: int
    agent_id: int | str  # an agent's id, or ANY_AGENT
    day: date
    start_time: str  # "HH:MM"
    customer_id: int | None = None
    new_customer: dict[str, str] | None = None  # first_name, last_name, email, phone
    location_id: int | None = None
    notes: str = ""
    send_confirmation: bool = True
    status: str = BookingStatus.APPROVED.value
    #: The customer's name as the screen showed it (for the audit trail; not sent).
    customer_name: str = ""

    def fields(self) -> dict[str, Any]:
        """The keyword arguments of `create_booking()`."""
        fields: dict[str, Any] = {
            "service_id": self.service_id,
            "agent_id": self.agent_id,
            "start_date": self.day,
            "start_time": self.start_time,
            "status": self.status,
            "send_confirmation": self.send_confirmation,
        }
        if self.customer_id is not None:
            fields["customer_id"] = self.customer_id
        else:
            fields["customer"] = dict(self.new_customer or {})
        if self.location_id is not None:
            fields["location_id"] = self.location_id
        if self.notes:
            fields["notes"] = self.notes
        return fields


#: How a new booking's outcome is worded.
BOOKING_WORDS = writes.Words(
    what="booking",
    nothing="nothing was booked",
    checked="no such booking among the customer's bookings of that day",
    check="the customer's bookings",
)
WALK_IN_WORDS = writes.Words(
    what="walk-in",
    nothing="nothing was booked",
    checked="no such booking among the customer's bookings today",
    check="Today",
)


def _matches(booking: Booking, new: NewBooking) -> bool:
    if booking.start is None or str(booking.status) == BookingStatus.CANCELLED:
        return False
    local = timezone.localtime(booking.start) if timezone.is_aware(booking.start) else booking.start
    same_service = booking.service is None or booking.service.id == new.service_id
    return local.date() == new.day and local.strftime("%H:%M") == new.start_time and same_service


def own_booking(booking: Booking, new: NewBooking, *, after_unknown: bool) -> bool:
    """Whether a booking of the customer overlapping `new` is the desk's own attempt at it,
    not a second booking: the one an earlier, unanswered send of this form made (which
    `create_booking` looks for and lands on, sending nothing), or the very booking the form
    describes with the same agent (LatePoint refuses that time as taken, and `create_booking`
    finds the refusal is this customer's own booking)."""
    if not _matches(booking, new):
        return False
    if after_unknown:
        return True
    return booking.agent is not None and booking.agent.id == new.agent_id


def _customer_of(new: NewBooking) -> int | None:
    """The customer the booking is for: chosen, or (a new one) found by email, fresh."""
    if new.customer_id is not None:
        return new.customer_id
    email = ((new.new_customer or {}).get("email") or "").strip().lower()
    if not email:
        raise LatePointError("a new customer without an email cannot be looked for")
    # Fresh: an older copy from before the write would say the customer is not there.
    page = api().list_customers(email=email, per_page=5, fresh=True)
    return next((c.id for c in page.items if (c.email or "").strip().lower() == email), None)


def booked_earlier(new: NewBooking) -> Booking | None:
    """The booking an earlier, unanswered send of this form made, if LatePoint has it (fresh
    reads). None when it is known not to be there; LatePointError when LatePoint cannot say."""
    customer_id = _customer_of(new)
    if customer_id is None:
        return None
    page = api().list_bookings(
        customer_id=customer_id, date_from=new.day, date_to=new.day, per_page=100, fresh=True
    )
    return next((b for b in page.items if _matches(b, new)), None)


def _summary(booking: Booking | None, new: NewBooking, verb: str, names: dict[str, str]) -> str:
    code = booking.booking_code if booking is not None and booking.booking_code else ""
    when = f"{new.day:%a %d %b %Y} {names['time']}"
    who = f" for {names['customer']}" if names.get("customer") else ""
    what = f": {names['service']} with {names['agent']}, {when}"
    return f"{verb} {code}{who}{what}".replace("  ", " ")


def _earlier_outcome(new: NewBooking) -> writes.Outcome | None:
    """After an unknown outcome (or a time refused as taken): the booking an earlier send of
    this form made, as done; None when there is none; unknown when LatePoint cannot say."""
    try:
        found = booked_earlier(new)
    except LatePointError as exc:
        error = describe(exc)
        return writes.Outcome(
            writes.Outcome.UNKNOWN,
            status=error.status,
            title=error.title,
            retry_after=error.retry_after,
            message=(
                "An earlier send of this form may have booked already, and LatePoint could "
                "not be asked whether it did, so nothing was sent again. Check the customer's "
                "bookings before trying again."
            ),
        )
    if found is None:
        return None
    return writes.Outcome(writes.Outcome.DONE, record=found, confirmed_after_failure=True)


def create_booking(
    *,
    user,
    new: NewBooking,
    after_unknown: bool = False,
    words: writes.Words = BOOKING_WORDS,
    shared_customer: bool = False,
) -> writes.Outcome:
    """Book through LatePoint (which checks the time again), audited and applied to the local
    booking history at once, and say what became of it (`writes.Outcome`).

    Sent once: a lost answer is looked for among the customer's bookings of the day before
    anything is said; `after_unknown` (an earlier send of the form was lost) looks first and
    sends only if nothing is there. A time refused as taken is checked the same way, so the
    desk's own earlier booking is never called taken. Not for a `shared_customer` (the shared
    walk-in guest) on a first send: its booking at that time is another walk-in's."""
    fields = new.fields()
    outcome = _earlier_outcome(new) if after_unknown else None
    if outcome is None:
        outcome = writes.attempt(
            lambda: api().create_booking(**fields),
            read_back=lambda: booked_earlier(new),
            words=words,
        )
        if outcome.taken and not (shared_customer and not after_unknown):
            # Taken by this customer's own earlier send? Only a found booking changes the
            # answer: a look that cannot be made leaves the refusal as it is.
            earlier = _earlier_outcome(new)
            if earlier is not None and earlier.done:
                outcome = earlier
    booking = outcome.record if outcome.done else None
    customer_id = booking.customer.id if booking and booking.customer else new.customer_id
    names = booking_names(new, booking)
    recorded = {**names, "date": new.day.isoformat(), "start_time": new.start_time}
    recorded.update(status=new.status, send_confirmation=new.send_confirmation)
    if new.notes:
        recorded["notes"] = new.notes
    if new.new_customer:
        recorded["customer_email"] = new.new_customer.get("email", "")
    audit_outcome(
        outcome,
        user=user,
        action=AuditEntry.Action.BOOKING_CREATE,
        object_type="booking",
        object_id=booking.id if booking else "",
        customer_id=customer_id,
        customer_name=names.get("customer", ""),
        summary=_summary(booking, new, "Booked" if booking else "Booking not made", names),
        changes=recorded,
    )
    if booking is not None:
        booking_record(booking)
    return outcome


# --- book again --------------------------------------------------------------------------------


def suggested_date(
    frequency: str | None, after: date | None, *, today: date | None = None
) -> date | None:
    """The customer's usual interval after `after` (never before tomorrow); None when they
    have no usual interval."""
    days = FREQUENCY_DAYS.get((frequency or "").lower())
    if days is None:
        return None
    today = today or timezone.localdate()
    suggestion = (after or today) + timedelta(days=days)
    return max(suggestion, today + timedelta(days=1))


def booking_start_local(booking: Booking) -> datetime | None:
    start = booking.start
    if start is None:
        return None
    return timezone.localtime(start) if timezone.is_aware(start) else start


def book_again_url(
    *,
    customer_id: int | None,
    service_id: int | None,
    agent_id: int | None,
    location_id: int | None,
    after: date | None,
) -> str:
    """The new-booking page with the same customer, service, agent and location, its date
    suggested from the customer's usual interval after `after`."""
    from urllib.parse import urlencode

    from django.urls import reverse

    values = {
        "customer": customer_id,
        "service": service_id,
        "agent": agent_id,
        "location": location_id,
        "after": after.isoformat() if after else None,
    }
    query = urlencode({k: v for k, v in values.items() if v is not None})
    return reverse("bookings:new") + (f"?{query}" if query else "")


# --- walk-in -----------------------------------------------------------------------------------


def walk_in(
    *,
    user,
    service_id: int,
    start_time: str,
    customer_id: int | None = None,
    new_customer: dict[str, str] | None = None,
    after_unknown: bool = False,
    agent_id: int | str = ANY_AGENT,
) -> tuple[writes.Outcome, str]:
    """Book a walk-in into today's free time with `agent_id` (or any agent), and check them
    in: one confirmed step. A time taken meanwhile is refused (nothing is made); a lost answer
    is looked for before anything is said, and a walk-in found booked is checked in.

    Returns the booking's outcome and, when it is booked, why the check-in could not be
    recorded ("" when it was)."""
    from bookings import checkins
    from bookings.services.walk_in_guests import is_shared_guest

    new = NewBooking(
        service_id=service_id,
        agent_id=agent_id,
        day=timezone.localdate(),
        start_time=start_time,
        customer_id=customer_id,
        new_customer=new_customer,
        send_confirmation=False,
    )
    outcome = create_booking(
        user=user,
        new=new,
        after_unknown=after_unknown,
        words=WALK_IN_WORDS,
        shared_customer=customer_id is not None and is_shared_guest(customer_id),
    )
    if not outcome.done:
        return outcome, ""
    booking = outcome.record
    try:
        if not checkins.checkins_for_bookings([booking.id]):
            checkins.checkin_create(
                user=user,
                booking_id=booking.id,
                customer_id=booking.customer.id if booking.customer else customer_id,
                customer_name=booking.customer.full_name if booking.customer else "",
            )
    except (checkins.CheckInError, DatabaseError) as exc:
        return outcome, str(exc) or "the front office could not record it"
    return outcome, ""


# --- the customer to book ------------------------------------------------------------------------

#: Customers a search shows at most.
MATCHES = 8
#: Answers read for a search of fragments, sifted down to MATCHES.
MATCHES_FETCH = 50


def booking_customer(customer_id: int | None) -> tuple[Customer | None, str, bool]:
    """The customer chosen for a booking (one cached call): (customer, why it could not be
    read, whether LatePoint has no such customer)."""
    if customer_id is None:
        return None, "", False
    try:
        return api().get_customer(customer_id), "", False
    except NotFound:
        return None, "There is no such customer: find them again.", True
    except LatePointError as exc:
        error = describe(exc)
        return None, f"{error.title}: {error.message}", False


def customer_matches(query: str) -> tuple[list[Customer], str]:
    """The customers a search for `query` finds (one cached call), or why it failed."""
    query = query.strip()
    if len(query) < 2:
        return [], ""
    term = search_term(query[:100])
    try:
        if term == query[:100]:
            return list(api().list_customers(search=term, per_page=MATCHES).items), ""
        # Fragments ("Marg Mie", "415-956"), sifted as Today's quick search does.
        found = api().list_customers(search=term, per_page=MATCHES_FETCH).items
    except LatePointError as exc:
        error = describe(exc)
        return [], f"{error.title}: {error.message}"
    return [c for c in found if customer_matches_query(c, query)][:MATCHES], ""
