"""Reading bookings: one booking, and the bookings list with LatePoint's filters and sorting
(its CSV export is a background job: `bookings.export.KIND`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from latepoint.models import Booking, Page
from upstream import budget
from upstream.gateway import api


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


def booking_list(*, filters: BookingFilters, manager: bool = False) -> Page[Booking]:
    """One page of bookings, filtered and sorted by LatePoint (one upstream call). A manager's
    list counts in the manager class of the key's budget, so it never takes a desk's place."""
    priority = budget.MANAGER if manager else None
    return api(priority=priority).list_bookings(
        **filters.as_api_kwargs(), page=filters.page, per_page=filters.per_page
    )
