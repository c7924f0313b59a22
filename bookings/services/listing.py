"""Reading bookings: one booking, the bookings list with LatePoint's filters and sorting, and
its CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from bookings import export
from frontoffice.csv_export import audited_csv, record_export
from frontoffice.upstream import api
from latepoint.errors import LatePointError
from latepoint.models import Booking, Page


def booking_get(*, booking_id: int, fresh: bool = False) -> Booking:
    """One booking (one upstream call, cached)."""
    return api().get_booking(booking_id, fresh=fresh)


SORT_FIELDS = ("start_date", "created_at", "customer_name", "status", "id")
PAYMENT_STATUSES = ("not_paid", "partially_paid", "paid", "refunded")


@dataclass(frozen=True)
class BookingFilters:
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    agent_id: int | None = None
    service_id: int | None = None
    location_id: int | None = None
    payment_status: str | None = None
    search: str | None = None
    sort: str = "start_date"
    order: str = "desc"
    page: int = 1
    per_page: int = 25

    def as_api_kwargs(self) -> dict[str, Any]:
        """The filters and order as keyword arguments of `list_bookings()` (no paging)."""
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "status": self.status,
            "agent_id": self.agent_id,
            "service_id": self.service_id,
            "location_id": self.location_id,
            "payment_status": self.payment_status,
            "search": self.search or None,
            "sort": self.sort,
            "order": self.order,
        }

    def describe(self) -> dict[str, str]:
        """The filters and order that are set, as text (for the audit trail)."""
        return {key: str(value) for key, value in self.as_api_kwargs().items() if value is not None}


def booking_list(*, filters: BookingFilters) -> Page[Booking]:
    """One page of bookings, filtered and sorted by LatePoint (one upstream call)."""
    return api().list_bookings(
        **filters.as_api_kwargs(), page=filters.page, per_page=filters.per_page
    )


#: Rows per upstream call when exporting (the API's maximum page size).
EXPORT_PAGE_SIZE = 100


def booking_export_csv(
    *, user, filters: BookingFilters, per_page: int = EXPORT_PAGE_SIZE
) -> Iterator[str]:
    """The CSV text of every booking matching `filters`, in the list's order, chunk by chunk,
    audited (the list's page and page size do not apply: every page is read).

    Raises `LatePointError` (after recording the failed export) when the first page cannot be
    fetched, so that the error page answers before any download starts. A failure later on
    ends the file with a line saying the export is incomplete, and is recorded as a failed
    export with the number of rows written.
    """
    pages = api().iter_booking_pages(**filters.as_api_kwargs(), per_page=per_page)
    try:
        first = next(pages)
    except LatePointError as exc:
        pages.close()
        _record_export(user=user, filters=filters, rows=0, expected=None, error=exc.user_message)
        raise
    return _export_stream(user=user, filters=filters, first=first, rest=pages)


def _export_stream(
    *, user, filters: BookingFilters, first: Page[Booking], rest: Iterator[Page[Booking]]
) -> Iterator[str]:
    return audited_csv(
        export.COLUMNS,
        _unique_rows(first, rest),
        record=lambda rows, error: _record_export(
            user=user, filters=filters, rows=rows, expected=first.total, error=error
        ),
        cleanup=rest.close,
    )


def _unique_rows(first: Page[Booking], rest: Iterator[Page[Booking]]) -> Iterator[Booking]:
    """The bookings of every page, once each.

    A booking made while the export runs shifts the list by one row, so the first row of a
    page can repeat the last row of the page before it: only the previous page's ids are
    remembered, which keeps memory bounded.
    """
    previous_ids: set[int] = set()
    for page in _chain(first, rest):
        current_ids: set[int] = set()
        for booking in page.items:
            if booking.id in previous_ids or booking.id in current_ids:
                continue
            current_ids.add(booking.id)
            yield booking
        previous_ids = current_ids


def _chain(first: Page[Booking], rest: Iterator[Page[Booking]]) -> Iterator[Page[Booking]]:
    yield first
    yield from rest


def _record_export(*, user, filters, rows: int, expected: int | None, error: str = "") -> None:
    record_export(
        user=user,
        object_type="booking",
        filters=filters.describe(),
        rows=rows,
        expected=expected,
        error=error,
    )
