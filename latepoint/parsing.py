"""Turn LatePoint JSON (every documented dialect) into the typed models.

Required values (an object's id) must be readable, or the whole payload is a BadResponse;
optional values that cannot be read become None (see `latepoint.fields`). The envelope around
a payload (`data`, errors, paging) is read by `latepoint.envelope`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from latepoint import convert
from latepoint.errors import BadResponse
from latepoint.fields import (
    as_object,
    first_present,
    get_count,
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
    Address,
    Agent,
    ApiStatus,
    Booking,
    BookingCustomer,
    BookingStatus,
    Customer,
    CustomerStats,
    CustomerStatus,
    Favorite,
    Location,
    Order,
    Service,
    ServiceExtra,
    Slot,
    Transaction,
)

# --- statuses ------------------------------------------------------------------------------

_BOOKING_SYNONYMS = {"confirmed": BookingStatus.APPROVED, "noshow": BookingStatus.NO_SHOW}
_CUSTOMER_SYNONYMS = {"pending": CustomerStatus.PENDING_VERIFICATION}


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


def customer_status(value: Any) -> CustomerStatus | str:
    """`pending` reads as pending_verification; an unknown value is kept as it came."""
    raw = convert.to_str(value).strip()
    key = raw.lower().replace("-", "_").replace(" ", "_")
    if not key:
        return CustomerStatus.ACTIVE
    if key in _CUSTOMER_SYNONYMS:
        return _CUSTOMER_SYNONYMS[key]
    try:
        return CustomerStatus(key)
    except ValueError:
        return raw


# --- resources -----------------------------------------------------------------------------


def parse_favorite(data: Any) -> Favorite | None:
    block = as_object(data)
    if not block:
        return None
    name = get_text(block, "display_name", "name", "full_name")
    if not name:
        name = f"{get_text(block, 'first_name')} {get_text(block, 'last_name')}".strip()
    return Favorite(
        id=get_int(block, "id"), name=name, booking_count=get_int(block, "booking_count", "count")
    )


def parse_stats(data: Any, tz: tzinfo = UTC) -> CustomerStats | None:
    if not isinstance(data, Mapping):
        return None
    return CustomerStats(
        total_bookings=get_count(data, "total_bookings"),
        completed_bookings=get_count(data, "completed_bookings"),
        cancelled_bookings=get_count(data, "cancelled_bookings"),
        no_show_bookings=get_int(data, "no_show_bookings"),
        pending_bookings=get_int(data, "pending_bookings"),
        future_bookings=get_int(data, "future_bookings", "upcoming_bookings"),
        total_spent=get_money(data, "total_spent") or Decimal("0"),
        average_booking_value=get_money(data, "average_booking_value"),
        first_booking_date=get_date(data, "first_booking_date", tz),
        last_booking_date=get_date(data, "last_booking_date", tz),
        next_booking_date=get_date(data, "next_booking_date", tz),
        favorite_agent=parse_favorite(data.get("favorite_agent")),
        favorite_service=parse_favorite(data.get("favorite_service")),
        favorite_location=parse_favorite(data.get("favorite_location")),
        booking_frequency=get_text(data, "booking_frequency") or None,
    )


def parse_address(data: Mapping[str, Any]) -> Address:
    """Nested `address{street,city,state,postal_code,country}` or flat fields beside the name."""
    nested = data.get("address")
    if isinstance(nested, Mapping):
        return Address(
            street=get_text(nested, "street", "address", "address_line_1", "line1"),
            city=get_text(nested, "city"),
            state=get_text(nested, "state", "province"),
            postal_code=get_text(nested, "postal_code", "zipcode", "zip", "postcode"),
            country=get_text(nested, "country"),
        )
    return Address(
        street=get_text(data, "address", "street"),
        city=get_text(data, "city"),
        state=get_text(data, "state"),
        postal_code=get_text(data, "zipcode", "postal_code", "zip"),
        country=get_text(data, "country"),
    )


def _custom_fields(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):  # [{"key"|"id"|"name": ..., "value": ...}]
        fields: dict[str, Any] = {}
        for item in value:
            if isinstance(item, Mapping):
                key = first_present(item, "key", "id", "name", "label")
                if key is not None:
                    fields[str(key)] = item.get("value")
        return fields
    return {}


def parse_customer(data: Any, tz: tzinfo = UTC) -> Customer:
    data = require_mapping(data, "customer")
    customer_id = require_id(data, "customer", "id", "customer_id")
    bookings: list[Booking] = []
    seen: set[int] = set()
    for key in ("bookings", "upcoming_bookings", "past_bookings"):
        for item in soft(convert.as_list, data.get(key), name=key) or []:
            booking = parse_booking(item, tz, customer_id=customer_id)
            if booking.id not in seen:
                seen.add(booking.id)
                bookings.append(booking)
    return Customer(
        id=customer_id,
        first_name=get_text(data, "first_name"),
        last_name=get_text(data, "last_name"),
        email=get_text(data, "email"),
        phone=get_text(data, "phone"),
        status=customer_status(data.get("status")),
        is_guest=convert.to_bool(data.get("is_guest")),
        wordpress_user_id=get_int(data, "wordpress_user_id", "wp_user_id"),
        avatar_url=get_text(data, "avatar_url"),
        date_of_birth=get_date(data, "date_of_birth", tz),
        gender=get_text(data, "gender"),
        address=parse_address(data),
        notes=get_text(data, "notes"),
        admin_notes=get_text(data, "admin_notes"),
        custom_fields=_custom_fields(data.get("custom_fields")),
        created_at=get_datetime(data, tz, "created_at", "created_datetime"),
        updated_at=get_datetime(data, tz, "updated_at", "updated_datetime"),
        stats=parse_stats(data.get("stats"), tz),
        bookings=tuple(bookings),
    )


def parse_agent(data: Any) -> Agent:
    data = require_mapping(data, "agent")
    first, last = get_text(data, "first_name"), get_text(data, "last_name")
    display = get_text(data, "display_name", "full_name", "name") or f"{first} {last}".strip()
    return Agent(
        id=require_id(data, "agent"),
        first_name=first,
        last_name=last,
        display_name=display,
        email=get_text(data, "email"),
        phone=get_text(data, "phone"),
        status=get_text(data, "status"),
    )


def parse_service(data: Any) -> Service:
    data = require_mapping(data, "service")
    return Service(
        id=require_id(data, "service"),
        name=get_text(data, "name", "service_name"),
        duration=get_int(data, "duration"),
        price=get_money(data, "charge_amount", "price_min", "price"),
        status=get_text(data, "status"),
    )


def parse_location(data: Any) -> Location:
    data = require_mapping(data, "location")
    address = data.get("address")
    if isinstance(address, Mapping):
        address = ", ".join(convert.to_str(part) for part in address.values() if part)
    return Location(
        id=require_id(data, "location"),
        name=get_text(data, "name"),
        address=convert.to_str(address) or get_text(data, "full_address"),
        status=get_text(data, "status"),
    )


def parse_order(data: Any, tz: tzinfo = UTC) -> Order | None:
    block = as_object(data)
    if not block:
        return None
    return Order(
        id=get_int(block, "id"),
        confirmation_code=get_text(block, "confirmation_code"),
        status=get_text(block, "status"),
        fulfillment_status=get_text(block, "fulfillment_status"),
        payment_status=get_text(block, "payment_status"),
        total=get_money(block, "total"),
        subtotal=get_money(block, "subtotal"),
        customer_comment=get_text(block, "customer_comment"),
        created_at=get_datetime(block, tz, "created_at", "created_datetime"),
    )


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
    )


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


def parse_status(body: Any) -> ApiStatus:
    """GET /status: ok unless the body says otherwise."""
    if not isinstance(body, Mapping):
        return ApiStatus(ok=True)
    data = as_object(body.get("data"))
    raw = get_text(body, "status") or ("success" if body.get("success") is True else "")
    ok = raw.lower() not in {"error", "fail", "failed"} and body.get("success") is not False
    if "latepoint_active" in data and not convert.to_bool(data.get("latepoint_active")):
        ok = False
    return ApiStatus(
        ok=ok, version=get_text(data, "version") or get_text(body, "version"), raw_status=raw
    )


# --- availability --------------------------------------------------------------------------

#: Where a list of slots or agents may sit inside the payload object.
_SLOT_KEYS = ("available_slots", "slots", "available_times", "time_slots", "times", "availability")
_AGENT_KEYS = ("agents", "available_agents", "items", "results")
_AVAILABLE_FLAGS = ("available", "is_available")


def _offered(item: Mapping[str, Any]) -> bool:
    """False for an entry that says it is not available ({"available": false})."""
    for flag in _AVAILABLE_FLAGS:
        if flag in item:
            return convert.to_bool(item[flag])
    return True


def _slot_moment(value: Any, day: date, zone: tzinfo) -> datetime | None:
    """A slot's start or end: "HH:MM", "4:00 pm", minutes since midnight, or a datetime."""
    if convert.is_empty(value):
        return None
    if isinstance(value, str) and ("T" in value or _date_prefix(value, zone)):
        moment = convert.to_datetime(value, zone)
        return moment.astimezone(zone) if moment else None
    found = convert.to_time(value)
    return datetime.combine(day, found, tzinfo=zone) if found else None


def _date_prefix(text: str, zone: tzinfo) -> bool:
    try:
        return convert.to_date(text[:10], zone) is not None
    except ValueError:
        return False


def _one_slot(
    item: Any, day: date, zone: tzinfo, duration: int | None
) -> tuple[datetime, datetime | None] | None:
    start_raw: Any = item
    end_raw: Any = None
    if isinstance(item, Mapping):
        if not _offered(item):
            return None
        start_raw = first_present(item, "start_time", "start", "time", "start_datetime", "value")
        end_raw = first_present(item, "end_time", "end", "end_datetime")
        duration = get_int(item, "duration") or duration
    elif isinstance(item, str) and not _date_prefix(item, zone) and "-" in item.strip()[1:]:
        start_raw, _, end_raw = item.partition("-")  # "09:00-10:00", "9:00 am - 10:00 am"
    start = _slot_moment(start_raw.strip() if isinstance(start_raw, str) else start_raw, day, zone)
    if start is None:
        return None
    end = _slot_moment(end_raw.strip() if isinstance(end_raw, str) else end_raw, day, zone)
    if end is not None and end <= start:
        end += timedelta(days=1)  # ends at or after midnight
    if end is None and duration:
        end = start + timedelta(minutes=duration)
    return start, end


def parse_slots(
    payload: Any, day: date, tz: tzinfo = UTC, *, duration: int | None = None
) -> list[Slot]:
    """GET /availability: free start times, from a list of "HH:MM" strings or of objects
    ({start_time, end_time}, {start, end}, minutes since midnight), bare or inside
    `available_slots`/`slots`/..., or an object keyed by time ({"09:00": true}) or by date.
    Entries marked unavailable are left out; the result is sorted, each start once."""
    data = payload
    zone = tz
    if isinstance(data, Mapping):
        zone = convert.get_zone(get_text(data, "timezone"), tz)
        day = get_date(data, "date", zone) or day
        duration = get_int(data, "duration") or duration
        for key in _SLOT_KEYS:
            if key in data:
                data = data[key]
                break
    if isinstance(data, Mapping) and day.isoformat() in data:
        data = data[day.isoformat()]  # keyed by date
    if data is None or data == "":
        return []
    items: list[Any]
    if isinstance(data, Mapping):
        items = []
        for key, value in data.items():
            if isinstance(value, Mapping):
                items.append({"start_time": key, **value})
            elif convert.to_bool(value) or value in (None, ""):
                items.append(str(key))
    elif isinstance(data, list):
        items = data
    else:
        raise BadResponse(f"expected a list of slots, got {type(data).__name__}")
    slots: dict[datetime, Slot] = {}
    for item in items:
        found = soft(_one_slot, item, day, zone, duration, name="slot")
        if found is not None and found[0] not in slots:
            slots[found[0]] = Slot(start=found[0], end=found[1])
    return [slots[start] for start in sorted(slots)]


def parse_available_agents(payload: Any) -> list[Agent]:
    """GET /agents/availability: the free agents, from a list (of agent objects or ids), an
    object keyed by agent id ({"3": {...}} or {"3": true}), bare or inside `agents`/...
    Entries marked unavailable are left out."""
    data = payload
    if isinstance(data, Mapping):
        for key in _AGENT_KEYS:
            if key in data:
                data = data[key]
                break
        else:
            if "id" in data and not all(str(key).isdigit() for key in data):
                data = [data]  # a single agent
    if data is None or data == "":
        return []
    items: list[Any] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(value, Mapping):
                items.append(value if "id" in value else {"id": key, **value})
            elif convert.to_bool(value):
                items.append(key)
    elif isinstance(data, list):
        items = data
    else:
        raise BadResponse(f"expected a list of agents, got {type(data).__name__}")
    agents: list[Agent] = []
    seen: set[int] = set()
    for item in items:
        if isinstance(item, Mapping) and not _offered(item):
            continue
        try:
            agent = parse_agent(item) if isinstance(item, Mapping) else Agent(convert.to_id(item))
        except (BadResponse, ValueError, TypeError):
            continue  # an entry without a readable id
        if agent.id not in seen:
            seen.add(agent.id)
            agents.append(agent)
    return agents
