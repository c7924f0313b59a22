"""The customer list as CSV: the table's columns plus ids, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from latepoint.models import Customer, CustomerStats

#: Cells a spreadsheet would read as a formula start with one of these (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

BOM = "\ufeff"

#: Rows written per chunk of the streamed response.
ROWS_PER_CHUNK = 100

_NO_STATS = CustomerStats()


def safe_cell(value: Any) -> str:
    """Text for one cell; text a spreadsheet would run as a formula is prefixed with a quote."""
    text = _text(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _stats(customer: Customer) -> CustomerStats:
    return customer.stats or _NO_STATS


#: (header, value) for each column, in the order of the on-screen table, with ids added.
COLUMNS: tuple[tuple[str, Callable[[Customer], Any]], ...] = (
    ("id", lambda c: c.id),
    ("first_name", lambda c: c.first_name),
    ("last_name", lambda c: c.last_name),
    ("email", lambda c: c.email),
    ("phone", lambda c: c.phone),
    ("status", lambda c: str(c.status)),
    ("is_guest", lambda c: c.is_guest),
    ("wordpress_user_id", lambda c: c.wordpress_user_id),
    ("total_bookings", lambda c: _stats(c).total_bookings),
    ("completed_bookings", lambda c: _stats(c).completed_bookings),
    ("cancelled_bookings", lambda c: _stats(c).cancelled_bookings),
    ("total_spent", lambda c: _stats(c).total_spent),
    ("last_booking_date", lambda c: _stats(c).last_booking_date),
    ("next_booking_date", lambda c: _stats(c).next_booking_date),
    ("created_at", lambda c: c.created_at),
)

HEADER = tuple(name for name, _ in COLUMNS)


def customer_row(customer: Customer) -> list[str]:
    return [safe_cell(value(customer)) for _, value in COLUMNS]


def csv_chunks(customers: Iterable[Customer]) -> Iterator[str]:
    """The header, then the rows in chunks of ROWS_PER_CHUNK: never the whole file at once.

    The file starts with a byte-order mark so that spreadsheet programs read it as UTF-8
    (names such as "José Núñez-García" stay intact).
    """
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    pending = 0
    try:
        for customer in customers:
            writer.writerow(customer_row(customer))
            pending += 1
            if pending >= ROWS_PER_CHUNK:
                yield _drain(buffer)
                pending = 0
    except Exception:
        # Hand over the rows already written before the failure is dealt with.
        yield _drain(buffer)
        raise
    yield _drain(buffer)


def csv_incomplete_notice(message: str, *, rows: int) -> Iterator[str]:
    """A last line that makes a file cut short by an upstream failure impossible to miss."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(f"EXPORT INCOMPLETE after {rows} rows: {message}")])
    yield buffer.getvalue()


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text


def export_filename(now: datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"customers-{now:%Y%m%d-%H%M}.csv"
