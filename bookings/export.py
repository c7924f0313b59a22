"""The bookings list as CSV: the table's columns plus ids, safe to open in a spreadsheet.

Cell quoting, the byte-order mark and the "export incomplete" line are
`frontoffice.csv_export`'s: one rule for every file a manager downloads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from frontoffice import csv_export
from frontoffice.csv_export import csv_incomplete_notice
from latepoint.models import Booking

__all__ = ["HEADER", "booking_row", "csv_chunks", "csv_incomplete_notice", "export_filename"]


def _customer(booking: Booking, name: str) -> Any:
    return getattr(booking.customer, name, None) if booking.customer else None


#: (header, value) for each column, in the order of the on-screen table, with ids added.
#: Times are the business's (settings.TIME_ZONE), as the list shows them.
COLUMNS: tuple[tuple[str, Callable[[Booking], Any]], ...] = (
    ("id", lambda b: b.id),
    ("booking_code", lambda b: b.booking_code),
    ("start", lambda b: b.start),
    ("end", lambda b: b.end),
    ("status", lambda b: str(b.status)),
    ("customer_id", lambda b: _customer(b, "id")),
    ("customer_name", lambda b: _customer(b, "full_name")),
    ("customer_email", lambda b: _customer(b, "email")),
    ("customer_phone", lambda b: _customer(b, "phone")),
    ("service", lambda b: b.service.name if b.service else None),
    ("agent", lambda b: b.agent.display_name if b.agent else None),
    ("location", lambda b: b.location.name if b.location else None),
    ("price", lambda b: b.price),
    ("payment_status", lambda b: b.payment_status),
    ("created_at", lambda b: b.created_at),
)

HEADER = csv_export.header(COLUMNS)


def booking_row(booking: Booking) -> list[str]:
    return csv_export.row(COLUMNS, booking)


def csv_chunks(bookings: Iterable[Booking]) -> Iterator[str]:
    """The header, then the rows in chunks: never the whole file at once."""
    return csv_export.csv_chunks(COLUMNS, bookings)


def export_filename(now: datetime | None = None) -> str:
    return csv_export.export_filename("bookings", now)
