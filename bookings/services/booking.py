"""Booking from the desk: an agent's free times, a new booking, a move, and "book again".

LatePoint checks availability again on every booking write: a time shown here can be taken by
the website a second later, and a refused time (`SlotUnavailable`) is an ordinary outcome that
the screens answer with fresh times. Free times are read through `api()`, which keeps them a
few seconds and forgets them at any booking write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from frontoffice import writes
from frontoffice.audit import audit_record, field_changes
from frontoffice.models import AuditEntry
from frontoffice.upstream import api
from history.sync import booking_record
from latepoint.client import ANY_AGENT
from latepoint.errors import APITimeoutError, BadResponse, LatePointError
from latepoint.models import Agent, Booking, BookingStatus, Customer, CustomerStatus

#: Parts of the day the free times are grouped in: (name, from hour, to hour).
DAY_PARTS = (("Morning", 0, 12), ("Afternoon", 12, 17), ("Evening", 17, 24))

#: Days between visits for each booking frequency LatePoint reports (the customer's stats).
FREQUENCY_DAYS = {"weekly": 7, "monthly": 28, "quarterly": 91}

#: Statuses a booking may be moved from (a finished or cancelled one stays where it was).
MOVABLE = (BookingStatus.PENDING, BookingStatus.APPROVED)


@dataclass(frozen=True)
class TimeChoice:
    value: str  # "14:30", as `start_time` takes it
    label: str  # "2:30 pm"
    end: str = ""  # "3:30 pm", when LatePoint said


@dataclass
class FreeTimes:
    """The free start times of one choice of service, agent and date, by part of the day."""

    asked: bool = False  # service, agent and date were all chosen
    groups: list[tuple[str, list[TimeChoice]]] = field(default_factory=list)
    error: str = ""  # what LatePoint's failure means for the desk, when it failed
    note: str = ""  # why none could be asked for (a past date, say)

    @property
    def values(self) -> set[str]:
        return {choice.value for _, choices in self.groups for choice in choices}

    @property
    def count(self) -> int:
        return sum(len(choices) for _, choices in self.groups)

    @property
    def first(self) -> TimeChoice | None:
        for _, choices in self.groups:
            if choices:
                return choices[0]
        return None


def time_label(value: time) -> str:
    text = value.strftime("%I:%M %p").lstrip("0").lower()
    return text


def _group(choices: dict[str, TimeChoice]) -> list[tuple[str, list[TimeChoice]]]:
    groups = []
    for name, start, end in DAY_PARTS:
        part = [choices[key] for key in sorted(choices) if start <= int(key.split(":")[0]) < end]
        if part:
            groups.append((name, part))
    return groups


def free_times(
    *,
    service_id: int | None,
    agent_id: int | str | None,
    day: date | None,
    agents: list[Agent],
    keep: time | None = None,
    today: date | None = None,
) -> FreeTimes:
    """The free start times for a service with one agent (one upstream call, kept a few
    seconds) or with any agent (one call an agent), on `day`.

    `keep`: a time that counts as free whatever LatePoint says (a booking's own slot, when it
    is being moved).
    """
    if service_id is None or agent_id in (None, "") or day is None:
        return FreeTimes()
    today = today or timezone.localdate()
    if day < today:
        return FreeTimes(asked=True, note="That day is over: choose today or a later date.")
    ids = [a.id for a in agents] if agent_id == ANY_AGENT else [int(agent_id)]
    choices: dict[str, TimeChoice] = {}
    try:
        for one in ids:
            for slot in api().get_availability(service_id, one, day):
                key = slot.start_time.strftime("%H:%M")
                end = time_label(slot.end_time) if slot.end_time else ""
                choices.setdefault(key, TimeChoice(key, time_label(slot.start_time), end))
    except LatePointError as exc:
        from frontoffice.upstream_errors import describe

        error = describe(exc)
        return FreeTimes(asked=True, error=f"{error.title}: {error.message}")
    if keep is not None:
        key = keep.strftime("%H:%M")
        choices.setdefault(key, TimeChoice(key, time_label(keep) + " (its time now)"))
    return FreeTimes(asked=True, groups=_group(choices))


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


@dataclass(frozen=True)
class Booked:
    booking: Booking
    #: LatePoint's answer was lost; reading the customer's bookings back found it.
    confirmed_after_failure: bool = False


def _matches(booking: Booking, new: NewBooking) -> bool:
    if booking.start is None or str(booking.status) == BookingStatus.CANCELLED:
        return False
    local = timezone.localtime(booking.start) if timezone.is_aware(booking.start) else booking.start
    same_service = booking.service is None or booking.service.id == new.service_id
    return local.date() == new.day and local.strftime("%H:%M") == new.start_time and same_service


def booked_earlier(new: NewBooking) -> Booking | None:
    """The booking an earlier, unanswered create made, if LatePoint has it (one fresh read)."""
    if new.customer_id is None:
        return None
    page = api().list_bookings(
        customer_id=new.customer_id, date_from=new.day, date_to=new.day, per_page=100, fresh=True
    )
    return next((b for b in page.items if _matches(b, new)), None)


def _summary(booking: Booking | None, new: NewBooking, verb: str) -> str:
    code = booking.booking_code if booking is not None and booking.booking_code else ""
    when = f"{new.day:%d %b %Y} {new.start_time}"
    return f"{verb} {code} for {when}".replace("  ", " ")


def create_booking(*, user, new: NewBooking) -> Booked:
    """Book through LatePoint (which checks the time again), audited and applied to the local
    booking history at once. A refused time raises SlotUnavailable; a lost answer is checked
    by reading the customer's bookings of that day back before it is reported as failed."""
    fields = new.fields()
    recorded = {k: v for k, v in fields.items() if k != "customer"}
    if new.new_customer:
        recorded["customer_email"] = new.new_customer.get("email", "")
    confirmed = False
    try:
        booking = api().create_booking(**fields)
    except LatePointError as exc:
        found = None
        if isinstance(exc, APITimeoutError | BadResponse) and getattr(exc, "sent", True):
            try:
                found = booked_earlier(new)
            except LatePointError:
                found = None
        if found is None:
            audit_record(
                user=user,
                action=AuditEntry.Action.BOOKING_CREATE,
                object_type="booking",
                customer_id=new.customer_id,
                summary=_summary(None, new, "Booking not made"),
                changes=recorded,
                result=AuditEntry.Result.FAILED,
                error=exc.user_message,
            )
            raise
        booking, confirmed = found, True
    customer_id = booking.customer.id if booking.customer else new.customer_id
    audit_record(
        user=user,
        action=AuditEntry.Action.BOOKING_CREATE,
        object_type="booking",
        object_id=booking.id,
        customer_id=customer_id,
        summary=_summary(booking, new, "Booked"),
        changes=recorded,
    )
    booking_record(booking)
    return Booked(booking, confirmed_after_failure=confirmed)


# --- moving a booking ----------------------------------------------------------------------------


def reschedule_refusal(booking: Booking, *, today: date | None = None) -> str:
    """Why this booking cannot be moved ("" when it can)."""
    status = str(booking.status)
    if status not in MOVABLE:
        label = status.replace("_", "-")
        return f"This booking is {label}: only a pending or approved booking can be moved."
    start = booking.start
    if start is not None:
        local = timezone.localtime(start) if timezone.is_aware(start) else start
        if local.date() < (today or timezone.localdate()):
            return "This booking is in the past: it cannot be moved."
    return ""


def _slot_of(booking: Booking) -> dict[str, Any]:
    start = booking.start
    local = timezone.localtime(start) if start is not None and timezone.is_aware(start) else start
    return {
        "date": local.date().isoformat() if local else None,
        "time": local.strftime("%H:%M") if local else None,
        "agent": booking.agent.display_name if booking.agent else None,
    }


def reschedule_booking(
    *,
    user,
    booking: Booking,
    day: date,
    start_time: str,
    agent: Agent | None,
    notify: bool,
) -> Booking:
    """Move a booking to `day` at `start_time` (with `agent`, or its own), audited with the
    fields that changed. SlotUnavailable when the time is taken; ValueError with the reason
    when the booking cannot be moved."""
    refusal = reschedule_refusal(booking)
    if refusal:
        raise ValueError(refusal)
    before = _slot_of(booking)
    after = {
        "date": day.isoformat(),
        "time": start_time,
        "agent": agent.display_name if agent else before["agent"],
    }
    code = booking.booking_code or str(booking.id)
    changes = field_changes(before, after)

    def record(summary: str, **outcome) -> None:
        audit_record(
            user=user,
            action=AuditEntry.Action.BOOKING_RESCHEDULE,
            object_type="booking",
            object_id=booking.id,
            customer_id=booking.customer.id if booking.customer else None,
            summary=summary,
            changes=changes,
            **outcome,
        )

    try:
        with writes.record_lock("booking", booking.id):
            moved = api().reschedule_booking(
                booking.id,
                start_date=day,
                start_time=start_time,
                agent_id=agent.id if agent else None,
                send_notification=notify,
            )
    except LatePointError as exc:
        record(f"Move of {code} not made", result=AuditEntry.Result.FAILED, error=exc.user_message)
        raise
    record(f"Moved {code} to {day:%d %b %Y} {start_time}")
    booking_record(moved)
    return moved


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
) -> Booked:
    """Book a walk-in into today's first free time with any agent, and check them in: one
    confirmed step. SlotUnavailable when the time was taken meanwhile (nothing is made)."""
    from bookings import checkins

    new = NewBooking(
        service_id=service_id,
        agent_id=ANY_AGENT,
        day=timezone.localdate(),
        start_time=start_time,
        customer_id=customer_id,
        new_customer=new_customer,
        send_confirmation=False,
    )
    booked = create_booking(user=user, new=new)
    booking = booked.booking
    checkins.checkin_create(
        user=user,
        booking_id=booking.id,
        customer_id=booking.customer.id if booking.customer else customer_id,
    )
    return booked
