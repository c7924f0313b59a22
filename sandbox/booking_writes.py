"""POST /bookings and POST /bookings/bulk: the documented fields, their checks, and placing.

`booking_fields()` validates one booking's body into clean values and per-field messages (the
documented `details`, keyed `service_id`, `start_time`, `customer.email`, ...). `place()` then
checks the slot and writes the booking, its new customer too, inside the caller's
transaction: the sandbox's SQLite connections begin transactions IMMEDIATE (settings.py), so
two requests for one slot are checked and written one after the other and only one gets it.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from sandbox import availability, money
from sandbox.models import Agent, Booking, Customer, Location, Service
from sandbox.responses import ApiProblem
from sandbox.validation import clean_bool, clean_email, clean_name, clean_phone

#: Statuses a booking may be created with ("confirmed" is read as approved).
CREATE_STATUSES = {
    "pending": "pending",
    "approved": "approved",
    "confirmed": "approved",
    "cancelled": "cancelled",
}
AUTO_AGENT = ("any", "-1")
MIN_DURATION, MAX_DURATION = 5, 600
ORDER_CODE_CHARS = string.ascii_uppercase + string.digits
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_TEXT = re.compile(r"^\d{2}:\d{2}$")

INVALID = ("invalid_request", "Invalid input data")
SLOT_TAKEN = ("slot_unavailable", "The selected time slot is not available")


@dataclass
class NewBooking:
    """A validated booking body, ready to place."""

    service: Service
    agent: Agent | None  # None: the first free active agent ("any" / "-1")
    start: datetime  # site-local
    duration: int
    location: Location
    status: str
    price: Decimal
    notes: str
    customer: Customer | None  # an existing customer by customer_id ...
    new_customer: dict | None  # ... or the fields of one to find by email or create
    send_confirmation: bool


def id_value(raw: Any) -> int | None:
    """A positive id from 45 or "45"; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw > 0 else None
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip()) or None
    return None


def parse_date(raw: Any) -> date | None:
    if not isinstance(raw, str) or not DATE_TEXT.match(raw.strip()):
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def parse_time(raw: Any) -> time | None:
    """HH:MM, 24 hours; None when it is anything else."""
    if not isinstance(raw, str) or not TIME_TEXT.match(raw.strip()):
        return None
    try:
        return time.fromisoformat(raw.strip())
    except ValueError:
        return None


def parse_duration(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        return None
    return value if MIN_DURATION <= value <= MAX_DURATION else None


def parse_price(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        price = Decimal(str(value).strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        return None
    if not price.is_finite() or price < 0 or price >= Decimal("100000000"):
        return None
    return price.quantize(Decimal("0.01"))


def _reference(body: dict, name: str, model, errors: dict, label: str, *, active: bool = True):
    """The object `body[name]` names; with `active`, only one whose status is active."""
    pk = id_value(body.get(name))
    if pk is None:
        errors[name] = f"{name} must be an integer"
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        errors[name] = f"{label} with ID {pk} was not found"
    elif active and found.status != "active":
        errors[name] = f"{label} with ID {pk} is not active"
        return None
    return found


def _customer_fields(raw: Any, errors: dict) -> dict | None:
    given = raw if isinstance(raw, dict) else {}
    clean: dict[str, Any] = {}
    for field, label in (("first_name", "First name"), ("last_name", "Last name")):
        value, error = clean_name(given.get(field), label)
        if error:
            errors[f"customer.{field}"] = error
        else:
            clean[field] = value
    value, error = clean_email(given.get("email"))
    if error:
        errors["customer.email"] = error
    else:
        clean["email"] = value
    if given.get("phone") not in (None, ""):
        value, error = clean_phone(given.get("phone"))
        if error:
            errors["customer.phone"] = error
        else:
            clean["phone"] = value
    return clean


def booking_fields(
    body: dict, *, now: datetime, default_status: str
) -> tuple[NewBooking | None, dict[str, str]]:
    """One booking's body: (the booking to place, {}) or (None, {field: message})."""
    errors: dict[str, str] = {}
    tz = availability.site_tz()

    service = None
    if body.get("service_id") in (None, ""):
        errors["service_id"] = "Service is required"
    else:
        service = _reference(body, "service_id", Service, errors, "Service")

    agent = None
    raw_agent = body.get("agent_id")
    if raw_agent in (None, ""):
        errors["agent_id"] = 'Agent is required (an agent id, or "any")'
    elif str(raw_agent).strip().lower() not in AUTO_AGENT:
        agent = _reference(body, "agent_id", Agent, errors, "Agent")

    day = parse_date(body.get("start_date"))
    if body.get("start_date") in (None, ""):
        errors["start_date"] = "Start date is required"
    elif day is None:
        errors["start_date"] = "Invalid date format, use YYYY-MM-DD"
    elif day < now.astimezone(tz).date():
        errors["start_date"] = "The booking date cannot be in the past"
        day = None

    start_time = parse_time(body.get("start_time"))
    if body.get("start_time") in (None, ""):
        errors["start_time"] = "Start time is required"
    elif start_time is None:
        errors["start_time"] = "Invalid time format, use HH:MM"

    start = None
    if day is not None and start_time is not None:
        start = datetime.combine(day, start_time, tz)
        if start < availability.earliest(now):
            errors["start_time"] = "The start time has already passed"

    customer, new_customer = None, None
    if body.get("customer_id") not in (None, ""):
        customer = _reference(body, "customer_id", Customer, errors, "Customer", active=False)
    else:
        new_customer = _customer_fields(body.get("customer"), errors)

    location = None
    if body.get("location_id") in (None, ""):
        location = Location.objects.filter(status="active").order_by("id").first()
        if location is None:
            errors["location_id"] = "There is no active location"
    else:
        location = _reference(body, "location_id", Location, errors, "Location")

    duration = service.duration if service else None
    if body.get("duration") not in (None, ""):
        duration = parse_duration(body["duration"])
        if duration is None:
            errors["duration"] = f"Duration must be a number of minutes ({MIN_DURATION}-600)"

    price = service.price if service else None
    if body.get("price") not in (None, ""):
        price = parse_price(body["price"])
        if price is None:
            errors["price"] = "Price must be a non-negative amount"

    status = default_status
    if body.get("status") not in (None, ""):
        status = CREATE_STATUSES.get(str(body["status"]).strip().lower())
        if status is None:
            errors["status"] = "Status must be one of: pending, approved, cancelled"

    notes = body.get("notes")
    if notes is not None and not isinstance(notes, str):
        errors["notes"] = "Notes must be text"

    send = True
    if body.get("send_confirmation") is not None:
        send = clean_bool(body["send_confirmation"])
        if send is None:
            errors["send_confirmation"] = "send_confirmation must be true or false"

    if errors:
        return None, errors
    return (
        NewBooking(
            service=service,
            agent=agent,
            start=start,
            duration=duration,
            location=location,
            status=status,
            price=price,
            notes=notes or "",
            customer=customer,
            new_customer=new_customer,
            send_confirmation=send,
        ),
        {},
    )


def _agent_for(new: NewBooking) -> Agent:
    """The agent who takes the booking, or ApiProblem 409 when the slot is not free."""
    if new.status not in availability.HOLDING:
        # A cancelled booking holds no time: it is written as asked.
        return new.agent or Agent.objects.filter(status="active").order_by("id").first()
    if new.agent is not None:
        reason = availability.why_not(new.agent, new.service, new.start, new.duration)
        if reason is None:
            return new.agent
        raise ApiProblem(409, *SLOT_TAKEN, {"start_time": reason})
    for agent in Agent.objects.filter(status="active").order_by("id"):
        if availability.why_not(agent, new.service, new.start, new.duration) is None:
            return agent
    raise ApiProblem(409, *SLOT_TAKEN, {"agent_id": "No agent is available at that time"})


def _customer_for(new: NewBooking, moment: datetime) -> tuple[Customer, bool]:
    """The booking's customer, and whether it was created now (an email already on file
    finds that customer, whose details are left as they are)."""
    if new.customer is not None:
        return new.customer, False
    fields = new.new_customer
    found = Customer.objects.filter(email=fields["email"]).first()
    if found is not None:
        return found, False
    customer = Customer(created_at=moment, updated_at=moment, custom_fields={}, **fields)
    customer.refresh_derived()
    customer.save()
    return customer, True


def next_code(year: int) -> str:
    """The next LP-YYYY-NNN booking code of that year."""
    prefix = f"LP-{year}-"
    # A range on the unique index ("." sorts right after "-"), not a LIKE over every row.
    highest = (
        Booking.objects.filter(booking_code__gt=prefix, booking_code__lt=f"LP-{year}.")
        .annotate(number=Cast(Substr("booking_code", len(prefix) + 1), IntegerField()))
        .aggregate(top=Max("number"))["top"]
    )
    return f"{prefix}{(highest or 0) + 1:03d}"


def place(new: NewBooking, now: datetime) -> tuple[Booking, bool]:
    """Check the slot and write the booking (call inside transaction.atomic()).

    Returns the booking and whether its customer was created by it."""
    agent = _agent_for(new)
    customer, created = _customer_for(new, now)
    tz = availability.site_tz()
    start = new.start
    end = start + timedelta(minutes=new.duration)
    booking = Booking(
        booking_code=next_code(timezone.localtime(now, tz).year),
        customer=customer,
        agent=agent,
        service=new.service,
        location=new.location,
        status=new.status,
        start_at=start.astimezone(UTC),
        end_at=end.astimezone(UTC),
        start_date=start.date(),
        start_time=start.strftime("%H:%M"),
        end_time=end.strftime("%H:%M"),
        duration=new.duration,
        price=new.price,
        payment_status="not_paid",
        notes=new.notes,
        customer_comment=None,
        order_id=0,
        order_code="".join(secrets.choice(ORDER_CODE_CHARS) for _ in range(8)),
        transactions=[],
        service_extras=[],
        manage_key_agent=secrets.token_hex(18),
        manage_key_customer=secrets.token_hex(18),
        created_at=now,
        updated_at=now,
    )
    order = money.open_booking_order(booking, booking.price, now)
    booking.order_id = order.pk
    booking.save()
    money.add_booking_item(order, booking, booking.price, now)
    return booking, created
