"""Reading bookings: one booking, and the bookings list with LatePoint's filters and sorting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from frontoffice.upstream import api
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


def booking_list(*, filters: BookingFilters) -> Page[Booking]:
    """One page of bookings, filtered and sorted by LatePoint (one upstream call)."""
    return api().list_bookings(
        date_from=filters.date_from,
        date_to=filters.date_to,
        status=filters.status,
        agent_id=filters.agent_id,
        service_id=filters.service_id,
        location_id=filters.location_id,
        payment_status=filters.payment_status,
        search=filters.search or None,
        sort=filters.sort,
        order=filters.order,
        page=filters.page,
        per_page=filters.per_page,
    )
