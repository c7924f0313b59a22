"""Customer services: the filtered, paged customer list and its CSV export.

LatePoint pages the list itself and always orders it by `created_at DESC`; these services pass
the filters through unchanged and never re-sort or re-page what comes back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from customers import export
from frontoffice.csv_export import audited_csv, record_export
from frontoffice.upstream import api
from latepoint.errors import LatePointError
from latepoint.models import Customer, Page

__all__ = [
    "EXPORT_PAGE_SIZE",
    "CustomerFilters",
    "customer_export_csv",
    "customer_list",
    "customer_pages",
]

#: Rows per upstream call when exporting (the API's maximum page size).
EXPORT_PAGE_SIZE = 100


@dataclass(frozen=True)
class CustomerFilters:
    """The filters LatePoint's customer list understands; None means "not filtered"."""

    search: str | None = None
    status: str | None = None
    is_guest: bool | None = None
    has_bookings: bool | None = None
    created_after: date | None = None
    created_before: date | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def is_empty(self) -> bool:
        return all(value is None for value in asdict(self).values())

    def as_api_kwargs(self) -> dict[str, Any]:
        """Only the filters that are set, as keyword arguments of `list_customers()`."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    def describe(self) -> dict[str, str]:
        """The filters that are set, as text (for the audit trail)."""
        return {key: str(value) for key, value in self.as_api_kwargs().items()}


def customer_list(*, filters: CustomerFilters, page: int, per_page: int) -> Page[Customer]:
    """One page of customers matching `filters`, newest first: one (cached) upstream call."""
    return api().list_customers(**filters.as_api_kwargs(), page=page, per_page=per_page)


def customer_pages(
    *, filters: CustomerFilters, per_page: int = EXPORT_PAGE_SIZE
) -> Iterator[Page[Customer]]:
    """Every page of the filtered list, in order, a few fetched at once (see `api()`).

    The first page is fetched before this returns, so a failure to reach LatePoint surfaces
    here rather than halfway through a download. Only a few pages are held at once, whatever
    the number of customers.
    """
    pages = api().iter_customer_pages(**filters.as_api_kwargs(), per_page=per_page)
    first = next(pages)
    return _starting_with(first, pages)


def _starting_with(first: Page[Customer], rest: Iterator[Page[Customer]]):
    try:
        yield first
        yield from rest
    finally:
        close = getattr(rest, "close", None)
        if close is not None:
            close()


def _unique_rows(pages: Iterator[Page[Customer]]) -> Iterator[Customer]:
    """The customers of every page, once each.

    A customer created while the export runs pushes the list down by one row, so the first row
    of a page can repeat the last row of the page before it: only the previous page's ids are
    remembered, which keeps memory bounded.
    """
    previous_ids: set[int] = set()
    for page in pages:
        current_ids: set[int] = set()
        for customer in page.items:
            if customer.id in previous_ids or customer.id in current_ids:
                continue
            current_ids.add(customer.id)
            yield customer
        previous_ids = current_ids


def _record_export(*, user, filters, rows: int, expected: int | None, error: str = "") -> None:
    record_export(
        user=user,
        object_type="customer",
        filters=filters.describe(),
        rows=rows,
        expected=expected,
        error=error,
    )


def customer_export_csv(
    *, user, filters: CustomerFilters, per_page: int = EXPORT_PAGE_SIZE
) -> Iterator[str]:
    """The CSV text of every customer matching `filters`, chunk by chunk, audited.

    Raises `LatePointError` (after recording the failed export) when the first page cannot be
    fetched. A failure later on ends the file with a line saying the export is incomplete,
    and is recorded as a failed export with the number of rows written.
    """
    try:
        pages = customer_pages(filters=filters, per_page=per_page)
    except LatePointError as exc:
        _record_export(user=user, filters=filters, rows=0, expected=None, error=exc.user_message)
        raise
    return _export_stream(user=user, filters=filters, pages=pages)


def _export_stream(
    *, user, filters: CustomerFilters, pages: Iterator[Page[Customer]]
) -> Iterator[str]:
    expected: int | None = None

    def tracked_pages() -> Iterator[Page[Customer]]:
        nonlocal expected
        for page in pages:
            if expected is None:
                expected = page.total
            yield page

    return audited_csv(
        export.COLUMNS,
        _unique_rows(tracked_pages()),
        record=lambda rows, error: _record_export(
            user=user, filters=filters, rows=rows, expected=expected, error=error
        ),
        cleanup=pages.close,
    )
