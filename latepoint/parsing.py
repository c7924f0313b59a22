"""Turn LatePoint JSON (every documented dialect) into the typed models, and read envelopes.

Required values (an object's id) must be readable, or the whole payload is a BadResponse.
Optional values that are present but unreadable (a date "tomorrow-ish") become None, and are
logged at DEBUG without their content: one odd field must not hide a whole list from staff.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any, TypeVar

from latepoint import convert
from latepoint.errors import APIError, BadResponse, RateLimited, error_class_for
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
    Page,
    Service,
    ServiceExtra,
    Transaction,
)

logger = logging.getLogger("latepoint")

T = TypeVar("T")
V = TypeVar("V")


def _soft(convert_fn: Callable[..., V], value: Any, *args: Any, name: str = "") -> V | None:
    """Apply a converter to an optional value: unreadable becomes None (logged, not shown)."""
    try:
        return convert_fn(value, *args)
    except (ValueError, TypeError, ArithmeticError):
        logger.debug("unreadable optional value for %s", name or convert_fn.__name__)
        return None


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    """The first key present with a non-empty value."""
    for key in keys:
        value = data.get(key)
        if value is not None and value != "":
            return value
    return None


def _int(data: Mapping[str, Any], *keys: str) -> int | None:
    return _soft(convert.to_int, _first(data, *keys), name=keys[0])


def _count(data: Mapping[str, Any], key: str, default: int = 0) -> int:
    value = _int(data, key)
    return default if value is None else value


def _money(data: Mapping[str, Any], *keys: str) -> Decimal | None:
    return _soft(convert.to_decimal, _first(data, *keys), name=keys[0])


def _date(data: Mapping[str, Any], key: str, tz: tzinfo) -> date | None:
    return _soft(convert.to_date, data.get(key), tz, name=key)


def _datetime(data: Mapping[str, Any], tz: tzinfo, *keys: str) -> datetime | None:
    return _soft(convert.to_datetime, _first(data, *keys), tz, name=keys[0])


def _text(data: Mapping[str, Any], *keys: str) -> str:
    return convert.to_str(_first(data, *keys))


def _obj(value: Any) -> dict:
    """A nested object, or {} for anything else (a nested block we cannot read is absent)."""
    return value if isinstance(value, dict) else {}


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


def _require_mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise BadResponse(f"expected a {what} object, got {type(data).__name__}")
    return data


def _require_id(data: Mapping[str, Any], what: str, *keys: str) -> int:
    try:
        return convert.to_id(_first(data, *(keys or ("id",))))
    except ValueError:
        raise BadResponse(f"{what} without a readable id") from None


def parse_favorite(data: Any) -> Favorite | None:
    block = _obj(data)
    if not block:
        return None
    name = _text(block, "display_name", "name", "full_name")
    if not name:
        name = f"{_text(block, 'first_name')} {_text(block, 'last_name')}".strip()
    return Favorite(
        id=_int(block, "id"), name=name, booking_count=_int(block, "booking_count", "count")
    )


def parse_stats(data: Any, tz: tzinfo = UTC) -> CustomerStats | None:
    if not isinstance(data, Mapping):
        return None
    return CustomerStats(
        total_bookings=_count(data, "total_bookings"),
        completed_bookings=_count(data, "completed_bookings"),
        cancelled_bookings=_count(data, "cancelled_bookings"),
        no_show_bookings=_int(data, "no_show_bookings"),
        pending_bookings=_int(data, "pending_bookings"),
        future_bookings=_int(data, "future_bookings", "upcoming_bookings"),
        total_spent=_money(data, "total_spent") or Decimal("0"),
        average_booking_value=_money(data, "average_booking_value"),
        first_booking_date=_date(data, "first_booking_date", tz),
        last_booking_date=_date(data, "last_booking_date", tz),
        next_booking_date=_date(data, "next_booking_date", tz),
        favorite_agent=parse_favorite(data.get("favorite_agent")),
        favorite_service=parse_favorite(data.get("favorite_service")),
        favorite_location=parse_favorite(data.get("favorite_location")),
        booking_frequency=_text(data, "booking_frequency") or None,
    )


def parse_address(data: Mapping[str, Any]) -> Address:
    """Nested `address{street,city,state,postal_code,country}` or flat fields beside the name."""
    nested = data.get("address")
    if isinstance(nested, Mapping):
        return Address(
            street=_text(nested, "street", "address", "address_line_1", "line1"),
            city=_text(nested, "city"),
            state=_text(nested, "state", "province"),
            postal_code=_text(nested, "postal_code", "zipcode", "zip", "postcode"),
            country=_text(nested, "country"),
        )
    return Address(
        street=_text(data, "address", "street"),
        city=_text(data, "city"),
        state=_text(data, "state"),
        postal_code=_text(data, "zipcode", "postal_code", "zip"),
        country=_text(data, "country"),
    )


def _custom_fields(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):  # [{"key"|"id"|"name": ..., "value": ...}]
        fields: dict[str, Any] = {}
        for item in value:
            if isinstance(item, Mapping):
                key = _first(item, "key", "id", "name", "label")
                if key is not None:
                    fields[str(key)] = item.get("value")
        return fields
    return {}


def parse_customer(data: Any, tz: tzinfo = UTC) -> Customer:
    data = _require_mapping(data, "customer")
    customer_id = _require_id(data, "customer", "id", "customer_id")
    bookings: list[Booking] = []
    seen: set[int] = set()
    for key in ("bookings", "upcoming_bookings", "past_bookings"):
        for item in _soft(convert.as_list, data.get(key), name=key) or []:
            booking = parse_booking(item, tz, customer_id=customer_id)
            if booking.id not in seen:
                seen.add(booking.id)
                bookings.append(booking)
    return Customer(
        id=customer_id,
        first_name=_text(data, "first_name"),
        last_name=_text(data, "last_name"),
        email=_text(data, "email"),
        phone=_text(data, "phone"),
        status=customer_status(data.get("status")),
        is_guest=convert.to_bool(data.get("is_guest")),
        wordpress_user_id=_int(data, "wordpress_user_id", "wp_user_id"),
        avatar_url=_text(data, "avatar_url"),
        date_of_birth=_date(data, "date_of_birth", tz),
        gender=_text(data, "gender"),
        address=parse_address(data),
        notes=_text(data, "notes"),
        admin_notes=_text(data, "admin_notes"),
        custom_fields=_custom_fields(data.get("custom_fields")),
        created_at=_datetime(data, tz, "created_at", "created_datetime"),
        updated_at=_datetime(data, tz, "updated_at", "updated_datetime"),
        stats=parse_stats(data.get("stats"), tz),
        bookings=tuple(bookings),
    )


def parse_agent(data: Any) -> Agent:
    data = _require_mapping(data, "agent")
    first, last = _text(data, "first_name"), _text(data, "last_name")
    display = _text(data, "display_name", "full_name", "name") or f"{first} {last}".strip()
    return Agent(
        id=_require_id(data, "agent"),
        first_name=first,
        last_name=last,
        display_name=display,
        email=_text(data, "email"),
        phone=_text(data, "phone"),
        status=_text(data, "status"),
    )


def parse_service(data: Any) -> Service:
    data = _require_mapping(data, "service")
    return Service(
        id=_require_id(data, "service"),
        name=_text(data, "name", "service_name"),
        duration=_int(data, "duration"),
        price=_money(data, "charge_amount", "price_min", "price"),
        status=_text(data, "status"),
    )


def parse_location(data: Any) -> Location:
    data = _require_mapping(data, "location")
    address = data.get("address")
    if isinstance(address, Mapping):
        address = ", ".join(convert.to_str(part) for part in address.values() if part)
    return Location(
        id=_require_id(data, "location"),
        name=_text(data, "name"),
        address=convert.to_str(address) or _text(data, "full_address"),
        status=_text(data, "status"),
    )


def parse_order(data: Any, tz: tzinfo = UTC) -> Order | None:
    block = _obj(data)
    if not block:
        return None
    return Order(
        id=_int(block, "id"),
        confirmation_code=_text(block, "confirmation_code"),
        status=_text(block, "status"),
        fulfillment_status=_text(block, "fulfillment_status"),
        payment_status=_text(block, "payment_status"),
        total=_money(block, "total"),
        subtotal=_money(block, "subtotal"),
        customer_comment=_text(block, "customer_comment"),
        created_at=_datetime(block, tz, "created_at", "created_datetime"),
    )


def parse_transaction(data: Any, tz: tzinfo = UTC) -> Transaction | None:
    block = _obj(data)
    if not block:
        return None
    return Transaction(
        id=_int(block, "id"),
        amount=_money(block, "amount"),
        status=_text(block, "status"),
        payment_method=_text(block, "payment_method"),
        processor=_text(block, "processor"),
        kind=_text(block, "kind"),
        created_at=_datetime(block, tz, "created_at", "created_datetime"),
    )


def parse_service_extra(data: Any) -> ServiceExtra | None:
    block = _obj(data)
    if not block:
        return None
    quantity = _int(block, "quantity")
    return ServiceExtra(
        id=_int(block, "id", "service_extra_id"),
        name=_text(block, "name"),
        quantity=1 if quantity is None else quantity,
        price=_money(block, "price", "charge_amount"),
    )


def _booking_service(data: Mapping[str, Any]) -> Service | None:
    nested = _obj(data.get("service"))
    service_id = _int(nested, "id") if nested else _int(data, "service_id")
    name = _text(nested, "name") if nested else ""
    name = name or _text(data, "service_name")
    if service_id is None and not name:
        return None
    return Service(
        id=service_id if service_id is not None else 0,
        name=name,
        duration=_int(nested, "duration") if nested else None,
        price=_money(nested, "charge_amount", "price") if nested else None,
        status=_text(nested, "status") if nested else "",
    )


def _booking_agent(data: Mapping[str, Any]) -> Agent | None:
    nested = _obj(data.get("agent"))
    if nested and _int(nested, "id") is not None:
        return parse_agent(nested)
    agent_id = _int(data, "agent_id")
    name = _text(nested, "display_name", "full_name") or _text(data, "agent_name")
    if agent_id is None and not name:
        return None
    return Agent(id=agent_id or 0, display_name=name, email=_text(nested, "email"))


def _booking_location(data: Mapping[str, Any]) -> Location | None:
    nested = _obj(data.get("location"))
    if nested and _int(nested, "id") is not None:
        return parse_location(nested)
    location_id = _int(data, "location_id")
    name = _text(nested, "name") or _text(data, "location_name")
    if location_id is None and not name:
        return None
    return Location(id=location_id or 0, name=name)


def _booking_customer(data: Mapping[str, Any], customer_id: int | None) -> BookingCustomer | None:
    nested = _obj(data.get("customer"))
    cid = _int(nested, "id") if nested else None
    if cid is None:
        cid = _int(data, "customer_id")
    if cid is None:
        cid = customer_id
    if not nested and cid is None:
        return None
    first, last = _text(nested, "first_name"), _text(nested, "last_name")
    full = (
        _text(nested, "full_name", "display_name", "name")
        or f"{first} {last}".strip()
        or _text(data, "customer_name")
    )
    return BookingCustomer(
        id=cid,
        first_name=first,
        last_name=last,
        full_name=full,
        email=_text(nested, "email") or _text(data, "customer_email"),
        phone=_text(nested, "phone") or _text(data, "customer_phone"),
    )


def _booking_times(
    data: Mapping[str, Any], zone: tzinfo, duration: int | None
) -> tuple[datetime | None, datetime | None]:
    """start/end: from *_datetime (converted into the booking's zone), else date + time there."""
    start = _datetime(data, zone, "start_datetime", "start_at")
    end = _datetime(data, zone, "end_datetime", "end_at")
    start = start.astimezone(zone) if start else None
    end = end.astimezone(zone) if end else None
    day = _date(data, "start_date", zone)
    if start is None and day is not None:
        start_time = _soft(convert.to_time, data.get("start_time"), name="start_time")
        if start_time is not None:
            start = datetime.combine(day, start_time, tzinfo=zone)
    if end is None and start is not None:
        end_time = _soft(convert.to_time, data.get("end_time"), name="end_time")
        end_day = _date(data, "end_date", zone) or start.date()
        if end_time is not None:
            end = datetime.combine(end_day, end_time, tzinfo=zone)
            if end < start:  # ends after midnight
                end += timedelta(days=1)
        elif duration:
            end = start + timedelta(minutes=duration)
    return start, end


def parse_booking(data: Any, tz: tzinfo = UTC, *, customer_id: int | None = None) -> Booking:
    """A booking; `tz` (the site's zone) is used when the booking names no zone of its own."""
    data = _require_mapping(data, "booking")
    booking_id = _require_id(data, "booking", "id", "booking_id")
    zone_name = _text(data, "timezone", "customer_timezone")
    zone = convert.get_zone(zone_name, tz)
    service = _booking_service(data)
    duration = _int(data, "duration")
    if duration is None and service is not None:
        duration = service.duration
    start, end = _booking_times(data, zone, duration)
    if duration is None and start and end:
        duration = int((end - start).total_seconds() // 60)
    order = parse_order(data.get("order"), tz)
    transactions = _soft(convert.as_list, data.get("transactions"), name="transactions") or []
    extras = _soft(convert.as_list, data.get("service_extras"), name="service_extras") or []
    payment_status = _text(data, "payment_status") or (order.payment_status if order else "")
    return Booking(
        id=booking_id,
        booking_code=_text(data, "booking_code", "code"),
        status=booking_status(data.get("status")),
        start=start,
        end=end,
        timezone=zone_name,
        duration=duration,
        service=service,
        agent=_booking_agent(data),
        location=_booking_location(data),
        customer=_booking_customer(data, customer_id),
        price=_money(data, "price", "total", "charge_amount"),
        payment_status=payment_status,
        customer_comment=_text(data, "customer_comment"),
        notes=_text(data, "notes"),
        order=order,
        transactions=tuple(t for t in map(lambda t: parse_transaction(t, tz), transactions) if t),
        service_extras=tuple(e for e in map(parse_service_extra, extras) if e),
        manage_booking_for_agent=_text(data, "manage_booking_for_agent"),
        manage_booking_for_customer=_text(data, "manage_booking_for_customer"),
        created_at=_datetime(data, tz, "created_at", "created_datetime"),
        updated_at=_datetime(data, tz, "updated_at", "updated_datetime"),
    )


def parse_status(body: Any) -> ApiStatus:
    """GET /status: ok unless the body says otherwise."""
    if not isinstance(body, Mapping):
        return ApiStatus(ok=True)
    data = _obj(body.get("data"))
    raw = _text(body, "status") or ("success" if body.get("success") is True else "")
    ok = raw.lower() not in {"error", "fail", "failed"} and body.get("success") is not False
    if "latepoint_active" in data and not convert.to_bool(data.get("latepoint_active")):
        ok = False
    return ApiStatus(
        ok=ok, version=_text(data, "version") or _text(body, "version"), raw_status=raw
    )


# --- envelopes -----------------------------------------------------------------------------


def decode_json(text: str, *, status: int) -> Any:
    """The JSON body, or BadResponse. An empty body is None."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise BadResponse("the answer is not valid JSON", status=status, body=text) from None


def is_error_body(body: Any) -> bool:
    """S1 to S8 are success; a 2xx body saying `success: false` or `status: "error"` is not."""
    return isinstance(body, Mapping) and (
        body.get("success") is False or convert.to_str(body.get("status")).lower() == "error"
    )


def unwrap(body: Any) -> Any:
    """The payload: `body.data` if present (S1 to S6, S8), else the body itself (S7)."""
    if isinstance(body, Mapping) and "data" in body:
        return body["data"]
    return body


def _field_errors(*sources: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    for source in sources:
        if isinstance(source, Mapping):
            for key, value in source.items():
                if isinstance(value, list | tuple):
                    text = " ".join(convert.to_str(item) for item in value if item)
                elif isinstance(value, Mapping):
                    text = convert.to_str(_first(value, "message", "error")) or " ".join(
                        convert.to_str(item) for item in value.values() if item
                    )
                else:
                    text = convert.to_str(value)
                errors.setdefault(str(key), text)
        elif isinstance(source, list):
            messages = [convert.to_str(item) for item in source if isinstance(item, str)]
            if messages:
                errors.setdefault("__all__", " ".join(messages))
    return errors


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (a number or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def parse_rate_limit_reset(value: str | None) -> float | None:
    """X-RateLimit-Reset (not documented; an assumption): epoch seconds, or seconds to wait."""
    if not value:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number > 1_000_000_000:  # an epoch timestamp
        number -= datetime.now(UTC).timestamp()
    return max(number, 0.0)


def error_from_body(status: int, body: Any, *, retry_after: float | None = None) -> APIError:
    """E1 to E4 into the error tree. The HTTP status decides the class, never `data.status`."""
    error = body.get("error") if isinstance(body, Mapping) else None
    error_obj = error if isinstance(error, Mapping) else {}
    data = body.get("data") if isinstance(body, Mapping) else None
    data_obj = data if isinstance(data, Mapping) else {}
    body_obj = body if isinstance(body, Mapping) else {}
    message = (
        convert.to_str(error_obj.get("message"))
        or convert.to_str(body_obj.get("message"))
        or (error if isinstance(error, str) else "")
    )
    code = convert.to_str(error_obj.get("code")) or convert.to_str(body_obj.get("code"))
    field_errors = _field_errors(
        error_obj.get("details"),
        body_obj.get("details"),
        data_obj.get("details"),
        data_obj.get("params"),  # WordPress rest_invalid_param
        body_obj.get("errors"),
    )
    if 200 <= status < 300:
        # An error inside a 2xx: take the status it claims if it is one, else call it a 400.
        claimed = _soft(convert.to_int, data_obj.get("status"), name="data.status")
        status = claimed if claimed and claimed >= 400 else 400
    cls = error_class_for(status)
    kwargs = {"status": status, "code": code, "message": message, "field_errors": field_errors}
    if cls is RateLimited:
        if retry_after is None:
            retry_after = _soft(convert.to_int, data_obj.get("retry_after"), name="retry_after")
        return RateLimited(retry_after=retry_after, **kwargs)
    return cls(**kwargs)


def parse_page(body: Any, item: Callable[[Any], T], *, page: int, per_page: int) -> Page[T]:
    """A list payload with P1 to P4 metadata (`pagination`, then `meta`), or none at all."""
    payload = unwrap(body)
    if isinstance(payload, Mapping):
        # Some list endpoints nest the rows again: {"data": {"items"|"bookings"|...: [...]}}.
        for key in ("items", "results", "customers", "bookings", "records"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
    if payload is None:
        payload = []  # "data": null on a list means no rows
    if isinstance(payload, Mapping) and all(str(key).isdigit() for key in payload):
        payload = list(payload.values())  # a PHP array that lost its order
    if not isinstance(payload, list):
        raise BadResponse(f"expected a list, got {type(payload).__name__}")
    items = tuple(item(row) for row in payload)
    meta: Mapping[str, Any] = {}
    if isinstance(body, Mapping):
        for key in ("pagination", "meta"):
            if isinstance(body.get(key), Mapping):
                meta = body[key]
                break
    current = _int(meta, "page", "current_page") or page
    size = _int(meta, "per_page", "limit") or per_page
    total = _int(meta, "total", "total_records", "total_items", "count")
    total_pages = _int(meta, "total_pages", "pages", "last_page")
    if total is None:
        total = (current - 1) * size + len(items)
    if total_pages is None:
        total_pages = max(-(-total // size), 1) if size > 0 else 1
    has_next_raw = meta.get("has_next_page", meta.get("has_more"))
    has_next = convert.to_bool(has_next_raw) if has_next_raw is not None else current < total_pages
    has_prev_raw = meta.get("has_previous_page", meta.get("has_prev_page"))
    has_previous = convert.to_bool(has_prev_raw) if has_prev_raw is not None else current > 1
    return Page(
        items=items,
        page=current,
        per_page=size,
        total=total,
        total_pages=total_pages,
        has_next=has_next,
        has_previous=has_previous,
    )
