"""The customer list as CSV: the table's columns plus ids, safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from frontoffice import csv_export
from frontoffice.csv_export import csv_incomplete_notice, safe_cell
from latepoint.models import Customer, CustomerStats

__all__ = ["HEADER", "csv_chunks", "csv_incomplete_notice", "customer_row", "safe_cell"]

_NO_STATS = CustomerStats()


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

HEADER = csv_export.header(COLUMNS)


def customer_row(customer: Customer) -> list[str]:
    return csv_export.row(COLUMNS, customer)


def csv_chunks(customers: Iterable[Customer]) -> Iterator[str]:
    """The header, then the rows in chunks: never the whole file at once."""
    return csv_export.csv_chunks(COLUMNS, customers)


def export_filename(now: datetime | None = None) -> str:
    return csv_export.export_filename("customers", now)
