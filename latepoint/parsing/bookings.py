"""Bookings: a booking with its times, status, service, agent, location, customer, order,
transactions and extras, in every documented dialect (nested objects or flat `*_id`/`*_name`
fields, `*_datetime` or date + time).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from latepoint import convert
from latepoint.fields import (
    as_object,
    get_date,
    get_datetime,
    get_int,
    get_money,
    get_text,
    require_id,
    require_mapping,
    soft,
)
from latepoint.models import (
    Agent,
    Booking,
    BookingCustomer,
    BookingStatus,
    Location,
    Service,
    ServiceExtra,
    Transaction,
)
from latepoint.parsing.payments import parse_order
from latepoint.parsing.reference import parse_agent, parse_location

_BOOKING_SYNONYMS = {"confirmed": BookingStatus.APPROVED, "noshow": BookingStatus.NO_SHOW}


def booking_status(value: Any) -> BookingStatus | str:
    """`confirmed` reads as approved; an unknown value is kept as it came (never an error)."""
    raw = convert.to_str(value).strip()
    key = raw.lower().replace("-", "_").replace(" ", "_")
    if key in _BOOKING_SYNONYMS:
        return _BOOKING_SYNONYMS[key]
    try:
        return BookingStatus(key)
    except ValueError:
        return raw


def parse_transaction(data: Any, tz: tzinfo = UTC) -> Transaction | None:
    block = as_object(data)
    if not block:
        return None
    return Transaction(
        id=get_int(block, "id"),
        amount=get_money(block, "amount"),
        status=get_text(block, "status"),
        payment_method=get_text(block, "payment_method"),
        processor=get_text(block, "processor"),
        kind=get_text(block, "kind"),
        created_at=get_datetime(block, tz, "created_at", "created_datetime"),
        receipt_number=_text_if_given(block, "receipt_number"),
        notes=_text_if_given(block, "notes"),
        token=_text_if_given(block, "token"),
    )


def _text_if_given(block: Mapping[str, Any], name: str) -> str | None:
    """The field as text ("" for null), or None when the payload has no such field."""
    return get_text(block, name) if name in block else None


def parse_service_extra(data: Any) -> ServiceExtra | None:
    block = as_object(data)
    if not block:
        return None
    quantity = get_int(block, "quantity")
    return ServiceExtra(
        id=get_int(block, "id", "service_extra_id"),
        name=get_text(block, "name"),
        quantity=1 if quantity is None else quantity,
        price=get_money(block, "price", "charge_amount"),
    )


def _booking_service(data: Mapping[str, Any]) -> Service | None:
    nested = as_object(data.get("service"))
    service_id = get_int(nested, "id") if nested else get_int(data, "service_id")
    name = get_text(nested, "name") if nested else ""
    name = name or get_text(data, "service_name")
    if service_id is None and not name:
        return None
    return Service(
        id=service_id if service_id is not None else 0,
        name=name,
        duration=get_int(nested, "duration") if nested else None,
        price=get_money(nested, "charge_amount", "price") if nested else None,
        status=get_text(nested, "status") if nested else "",
    )


def _booking_agent(data: Mapping[str, Any]) -> Agent | None:
    nested = as_object(data.get("agent"))
    if nested and get_int(nested, "id") is not None:
        return parse_agent(nested)
    agent_id = get_int(data, "agent_id")
    name = get_text(nested, "display_name", "full_name") or get_text(data, "agent_name")
    if agent_id is None and not name:
        return None
    return Agent(id=agent_id or 0, display_name=name, email=get_text(nested, "email"))


def _booking_location(data: Mapping[str, Any]) -> Location | None:
    nested = as_object(data.get("location"))
    if nested and get_int(nested, "id") is not None:
        return parse_location(nested)
    location_id = get_int(data, "location_id")
    name = get_text(nested, "name") or get_text(data, "location_name")
    if location_id is None and not name:
        return None
    return Location(id=location_id or 0, name=name)


def _booking_customer(data: Mapping[str, Any], customer_id: int | None) -> BookingCustomer | None:
    nested = as_object(data.get("customer"))
    cid = get_int(nested, "id") if nested else None
    if cid is None:
        cid = get_int(data, "customer_id")
    if cid is None:
        cid = customer_id
    if not nested and cid is None:
        return None
    first, last = get_text(nested, "first_name"), get_text(nested, "last_name")
    full = (
        get_text(nested, "full_name", "display_name", "name")
        or f"{first} {last}".strip()
        or get_text(data, "customer_name")
    )
    return BookingCustomer(
        id=cid,
        first_name=first,
        last_name=last,
        full_name=full,
        email=get_text(nested, "email") or get_text(data, "customer_email"),
        phone=get_text(nested, "phone") or get_text(data, "customer_phone"),
    )


def _booking_times(
    data: Mapping[str, Any], zone: tzinfo, duration: int | None
) -> tuple[datetime | None, datetime | None]:
    """start/end: from *_datetime (converted into the booking's zone), else date + time there."""
    start = get_datetime(data, zone, "start_datetime", "start_at")
    end = get_datetime(data, zone, "end_datetime", "end_at")
    start = start.astimezone(zone) if start else None
    end = end.astimezone(zone) if end else None
    day = get_date(data, "start_date", zone)
    if start is None and day is not None:
        start_time = soft(convert.to_time, data.get("start_time"), name="start_time")
        if start_time is not None:
            start = datetime.combine(day, start_time, tzinfo=zone)
    if end is None and start is not None:
        end_time = soft(convert.to_time, data.get("end_time"), name="end_time")
        end_day = get_date(data, "end_date", zone) or start.date()
        if end_time is not None:
            end = datetime.combine(end_day, end_time, tzinfo=zone)
            if end < start:  # ends after midnight
                end += timedelta(days=1)
        elif duration:
            end = start + timedelta(minutes=duration)
    return start, end


def parse_booking(data: Any, tz: tzinfo = UTC, *, customer_id: int | None = None) -> Booking:
    """A booking; `tz` (the site's zone) is used when the booking names no zone of its own."""
    data = require_mapping(data, "booking")
    booking_id = require_id(data, "booking", "id", "booking_id")
    zone_name = get_text(data, "timezone", "customer_timezone")
    zone = convert.get_zone(zone_name, tz)
    service = _booking_service(data)
    duration = get_int(data, "duration")
    if duration is None and service is not None:
        duration = service.duration
    start, end = _booking_times(data, zone, duration)
    if duration is None and start and end:
        duration = int((end - start).total_seconds() // 60)
    order = parse_order(data.get("order"), tz)
    transactions = soft(convert.as_list, data.get("transactions"), name="transactions") or []
    extras = soft(convert.as_list, data.get("service_extras"), name="service_extras") or []
    payment_status = get_text(data, "payment_status") or (order.payment_status if order else "")
    return Booking(
        id=booking_id,
        booking_code=get_text(data, "booking_code", "code"),
        status=booking_status(data.get("status")),
        start=start,
        end=end,
        timezone=zone_name,
        duration=duration,
        service=service,
        agent=_booking_agent(data),
        location=_booking_location(data),
        customer=_booking_customer(data, customer_id),
        price=get_money(data, "price", "total", "charge_amount"),
        payment_status=payment_status,
        customer_comment=get_text(data, "customer_comment"),
        notes=get_text(data, "notes"),
        order=order,
        transactions=tuple(t for t in map(lambda t: parse_transaction(t, tz), transactions) if t),
        service_extras=tuple(e for e in map(parse_service_extra, extras) if e),
        manage_booking_for_agent=get_text(data, "manage_booking_for_agent"),
        manage_booking_for_customer=get_text(data, "manage_booking_for_customer"),
        created_at=get_datetime(data, tz, "created_at", "created_datetime"),
        updated_at=get_datetime(data, tz, "updated_at", "updated_datetime"),
    )
