"""Customers: a customer with its address, custom fields, stats and bookings.

A customer's id must be readable, or the payload is a BadResponse; anything optional that
cannot be read becomes None (see `latepoint.fields`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, tzinfo
from decimal import Decimal
from typing import Any

from latepoint import convert
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
from latepoint.models import Address, Booking, Customer, CustomerStats, CustomerStatus, Favorite
from latepoint.parsing.bookings import parse_booking

_CUSTOMER_SYNONYMS = {"pending": CustomerStatus.PENDING_VERIFICATION}


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
