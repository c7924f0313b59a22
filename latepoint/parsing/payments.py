"""Orders, invoices and payments, in every documented dialect (latepoint-api.md §2.7, §2.8):
ids as integers or strings, amounts as "45.00", "23.0000", "50", "$75", "$1,250.50" or
numbers, datetimes as MySQL text (read in the site's zone) or ISO 8601.

An order's bookings come from its items (`variant` "booking", `item_data` a JSON string or an
object holding `booking_id`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, tzinfo
from decimal import Decimal
from typing import Any

from latepoint import convert
from latepoint.fields import (
    as_object,
    get_datetime,
    get_int,
    get_money,
    get_text,
    require_id,
    require_mapping,
    soft,
)
from latepoint.models import Invoice, Order, Payment

#: Payment statuses some pages spell otherwise.
_PAYMENT_STATUS_SYNONYMS = {"completed": "succeeded", "pending": "processing"}


def _item_booking_id(item: Any) -> int | None:
    block = as_object(item)
    if not block:
        return None
    variant = get_text(block, "variant").lower()
    if variant and variant != "booking":
        return None
    found = get_int(block, "booking_id")
    if found is not None:
        return found
    data = block.get("item_data")
    if isinstance(data, str):
        data = soft(json.loads, data, name="item_data")
    return get_int(as_object(data), "booking_id", "id") if isinstance(data, Mapping) else None


def _booking_ids(items: Any) -> tuple[int, ...]:
    found: list[int] = []
    for item in soft(convert.as_list, items, name="items") or []:
        booking_id = _item_booking_id(item)
        if booking_id is not None and booking_id not in found:
            found.append(booking_id)
    return tuple(found)


def parse_order(data: Any, tz: tzinfo = UTC) -> Order | None:
    """An order, or None for anything that is not an object (a booking without one)."""
    block = as_object(data)
    if not block:
        return None
    return Order(
        id=get_int(block, "id", "order_id"),
        confirmation_code=get_text(block, "confirmation_code"),
        status=get_text(block, "status"),
        fulfillment_status=get_text(block, "fulfillment_status"),
        payment_status=get_text(block, "payment_status"),
        total=get_money(block, "total"),
        subtotal=get_money(block, "subtotal"),
        customer_comment=get_text(block, "customer_comment"),
        created_at=get_datetime(block, tz, "created_at", "created_datetime"),
        customer_id=get_int(block, "customer_id"),
        tax_total=get_money(block, "tax_total"),
        notes=get_text(block, "notes"),
        booking_ids=_booking_ids(block.get("items")),
        updated_at=get_datetime(block, tz, "updated_at", "updated_datetime"),
    )


def require_order(data: Any, tz: tzinfo = UTC) -> Order:
    """An order that must be there, with a readable id (an answer about one order)."""
    block = require_mapping(data, "order")
    require_id(block, "order", "id", "order_id")
    return parse_order(block, tz)


def parse_invoice(data: Any, tz: tzinfo = UTC) -> Invoice:
    block = require_mapping(data, "invoice")
    return Invoice(
        id=require_id(block, "invoice", "id", "invoice_id"),
        order_id=get_int(block, "order_id"),
        status=get_text(block, "status"),
        charge_amount=get_money(block, "charge_amount", "amount", "total"),
        invoice_number=get_text(block, "invoice_number", "number"),
        created_at=get_datetime(block, tz, "created_at", "created_datetime"),
        updated_at=get_datetime(block, tz, "updated_at", "updated_datetime"),
    )


def payment_status(value: Any) -> str:
    """succeeded, processing, failed; "completed" and "pending" read as the first two; any
    other value is kept as it came, in lower case."""
    raw = convert.to_str(value).strip().lower()
    return _PAYMENT_STATUS_SYNONYMS.get(raw, raw)


def parse_payment(data: Any, tz: tzinfo = UTC) -> Payment:
    """A payment from a list row, GET /payments/{id}, a write's answer or an order's
    transactions. A negative amount is read as a refund of that much."""
    block = require_mapping(data, "payment")
    amount = get_money(block, "amount") or Decimal("0")
    kind = get_text(block, "kind").strip().lower()
    if amount < 0:
        amount, kind = -amount, kind or "refund"
    return Payment(
        id=require_id(block, "payment", "id", "payment_id", "transaction_id"),
        order_id=get_int(block, "order_id"),
        customer_id=get_int(block, "customer_id"),
        invoice_id=get_int(block, "invoice_id"),
        amount=amount,
        kind=kind or "capture",
        status=payment_status(block.get("status")),
        payment_method=get_text(block, "payment_method", "method"),
        processor=get_text(block, "processor"),
        portion=get_text(block, "payment_portion", "portion"),
        notes=get_text(block, "notes"),
        receipt_number=get_text(block, "receipt_number"),
        token=get_text(block, "token"),
        created_at=get_datetime(block, tz, "created_at", "created_datetime"),
        updated_at=get_datetime(block, tz, "updated_at", "updated_datetime"),
        booking_id=get_int(block, "booking_id"),
    )


def parse_list(data: Any, item, tz: tzinfo = UTC) -> list:
    """A bare list (or `{"data": [...]}`) of invoices or transactions under an order."""
    if isinstance(data, Mapping) and "data" in data:
        data = data["data"]
    rows = convert.as_list(data)
    return [item(row, tz) for row in rows]
