"""Customer services: the filtered, paged customer list (its CSV export is a background job:
`customers.export.KIND`).

LatePoint pages the list itself and always orders it by `created_at DESC`; these services pass
the filters through unchanged and never re-sort or re-page what comes back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from latepoint.models import Customer, Page
from upstream.gateway import api

__all__ = ["CustomerFilters", "customer_list"]


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
