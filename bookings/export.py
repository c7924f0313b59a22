"""The bookings list as CSV: the table's columns plus ids, safe to open in a spreadsheet.

Only the columns and the filters are the bookings'. Cell quoting and the byte-order mark are
`exports.csv_export`'s, the paging and the audit entry `exports.jobs`': one rule for
every file a manager downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from bookings.forms import BookingFilterForm, opens_from_today
from bookings.services.listing import BookingFilters
from exports import csv_export
from exports.jobs import list_export
from frontoffice.formatting import format_phone
from frontoffice.reference import reference_data
from latepoint.errors import LatePointError
from latepoint.models import Booking
from upstream.gateway import api

__all__ = ["HEADER", "KIND"]


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
    ("customer_phone", lambda b: format_phone(_customer(b, "phone"))),
    ("service", lambda b: b.service.name if b.service else None),
    ("agent", lambda b: b.agent.display_name if b.agent else None),
    ("location", lambda b: b.location.name if b.location else None),
    ("price", lambda b: b.price),
    ("payment_status", lambda b: b.payment_status),
    ("created_at", lambda b: b.created_at),
)

HEADER = csv_export.header(COLUMNS)


def _implied(query: QueryDict, day: date) -> list[tuple[str, str]]:
    """The list's own "from today on", when the address gives no dates (see `opens_from_today`)."""
    if not opens_from_today(query):
        return []
    text = f"{day:%a} {day:%b} {day.day}, {day.year}"
    return [("date from", f"today, {text}" if day == timezone.localdate() else text)]


#: The filters that hold an id: the reference list (cached long) that names it, and how.
_NAMED: dict[str, tuple[str, Callable[[Any], str]]] = {
    "agent": ("list_agents", lambda a: a.display_name),
    "service": ("list_services", lambda s: s.name),
    "location": ("list_locations", lambda loc: loc.name),
}


def _shown(name: str, value: str) -> str:
    """An agent, service or location filter by its name, from the cached reference list the
    list's own filter form reads (no call of its own); the id as given if it is not found."""
    if name not in _NAMED:
        return value
    method, label = _NAMED[name]
    try:
        found = {str(item.id): label(item) for item in getattr(api(), method)()}
    except LatePointError:
        return value
    return found.get(value.strip()) or value


def _filters(query: QueryDict) -> BookingFilters:
    """The bookings list's filters, as the list reads them (its page and page size aside)."""
    filters, _warnings = BookingFilterForm(query, reference=reference_data()).filters()
    return filters


#: The bookings the list shows, in its order, every page of them.
KIND = list_export(
    name="bookings",
    object_type="booking",
    title="Bookings",
    columns=COLUMNS,
    list_url_name="bookings:list",
    filters=_filters,
    list_method="list_bookings",
    implied=_implied,
    shown=_shown,
)
