"""What the dashboard still reads from LatePoint, never a walk of bookings: the new-customer
counts while the history has no copy of the customers (one call a period, the list's total
only), and the risk checks' customers (`stats.risk`), a few at a time.

Bookings come from the local history only (`stats.history_figures`). `live_records` turns
bookings as the client reads them into the records the history holds, so that tests can hand
`stats.figures` bookings of their own (`stats.aggregation.ListRecords`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.utils import timezone

from history.records import record_fields
from history.services import customers_copied, new_customers
from latepoint.models import Booking
from stats.aggregation import ListRecords
from stats.forms import Period
from upstream.gateway import api

FETCH_WORKERS = 4  # concurrent upstream calls from one dashboard render

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """func over items with at most FETCH_WORKERS calls in flight, results in input order.

    Each task runs in a copy of the request's context so its upstream calls are counted in
    the request's Server-Timing.
    """
    items = list(items)
    if len(items) <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(FETCH_WORKERS, len(items))) as pool:
        futures = [pool.submit(contextvars.copy_context().run, func, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def live_records(bookings: Iterable[Booking]) -> ListRecords:
    """Bookings read from LatePoint as the records the local history holds (the day each
    starts in the site's time zone, prices in cents, the customer's name)."""
    zone = timezone.get_current_timezone()
    return ListRecords(record_fields(booking, zone=zone) for booking in bookings)


def new_customers_count(*, period: Period) -> int:
    """Customers created during the period: one call, reading only the list's total."""
    page = api().list_customers(created_after=period.start, created_before=period.end, per_page=1)
    return page.total


def new_customers_counts(periods: list[Period], *, calls: bool = True) -> list[int | None]:
    """`new_customers_count` of each period: from the history's copy of every customer's
    creation day once it has one (no call), else the calls side by side; without `calls`,
    None (not known yet)."""
    if customers_copied():
        return [new_customers(start=period.start, end=period.end) for period in periods]
    if not calls:
        return [None for _ in periods]
    return run_bounded(lambda period: new_customers_count(period=period), periods)
