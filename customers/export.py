"""The customer list as CSV: the table's columns plus ids, safe to open in a spreadsheet.

Only the columns and the filters are the customers'; the rest is `exports.jobs`' and
`exports.csv_export`'s, as for every file a manager downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.http import QueryDict

from customers.filters import CustomerFilterForm
from customers.services.listing import CustomerFilters
from customers.services.matching import customer_matches_query, search_term
from exports import csv_export
from exports.csv_export import safe_cell
from exports.jobs import Reader, list_export
from frontoffice.formatting import format_phone
from latepoint.models import Customer, CustomerStats, Page
from upstream import budget
from upstream.gateway import walk

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
    ("phone", lambda c: format_phone(c.phone)),
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


def _filters(query: QueryDict) -> CustomerFilters:
    """The customer list's filters, as the list reads them (its page and page size aside)."""
    return CustomerFilterForm(query).list_query().filters


_LIST = list_export(
    name="customers",
    object_type="customer",
    title="Customers",
    columns=COLUMNS,
    list_url_name="customers:list",
    filters=_filters,
    list_method="list_customers",
)


def _read(query: str) -> Reader:
    """The list's reader; a search of fragments ("Marg Mie", "415-956") is sent as the list
    sends it (`search_term`) and each page keeps the customers the list would show."""
    filters = _filters(QueryDict(query))
    typed = filters.search or ""
    term = search_term(typed) if typed else ""
    if term == typed:
        return _LIST.read(query)
    arguments = {**filters.as_api_kwargs(), "search": term}

    def page(number: int, per_page: int) -> Page[Customer]:
        found = walk(priority=budget.BULK).list_customers(
            **arguments, page=number, per_page=per_page
        )
        kept = tuple(c for c in found.items if customer_matches_query(c, typed))
        return replace(found, items=kept)

    return Reader(filters=filters.describe(), page=page)


#: The customers the list shows, every page of them.
KIND = replace(_LIST, read=_read)
