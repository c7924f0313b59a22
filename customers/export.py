"""The customer list as CSV: the table's columns plus ids, safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import QueryDict

from frontoffice import csv_export
from frontoffice.csv_export import safe_cell
from frontoffice.exports import ExportKind, Reader
from frontoffice.upstream import get_client
from latepoint.models import Customer, CustomerStats

__all__ = ["HEADER", "KIND", "safe_cell"]

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


def _reader(query: str) -> Reader:
    """The customers the list at `?query` shows, every page of them (the list's page and page
    size do not apply), read straight from LatePoint."""
    from customers.filters import CustomerFilterForm

    filters = CustomerFilterForm(QueryDict(query)).list_query().filters
    arguments = filters.as_api_kwargs()
    return Reader(
        filters=filters.describe(),
        page=lambda number, per_page: get_client().list_customers(
            **arguments, page=number, per_page=per_page
        ),
    )


KIND = ExportKind(
    name="customers",
    object_type="customer",
    title="Customers",
    columns=COLUMNS,
    list_url_name="customers:list",
    read=_reader,
)
