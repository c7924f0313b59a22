"""The profile's Today strip: the customer's bookings of today (the business's), those that
already began as well as those still to come, each with its check-in state on the page."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from latepoint.models import Booking, BookingStatus, Customer, CustomerStats
from upstream.gateway import api

#: Bookings of today that began, asked for when the stats say one did (a busy day holds few).
STARTED_LIMIT = 6


def _of_day(bookings: tuple[Booking, ...], day: date) -> list[Booking]:
    return [
        b
        for b in bookings
        if b.start is not None
        and b.status != BookingStatus.CANCELLED
        and timezone.localtime(b.start).date() == day
    ]


def customer_today_bookings(
    *, customer: Customer, stats: CustomerStats, today: date
) -> tuple[Booking, ...]:
    """Today's bookings of the customer, in time order (cancelled ones left out).

    Those still to come are in the profile's first read (its upcoming bookings). One that
    already began is not: only when the stats' last booking is today is it read (one more
    call, small), so a profile without a visit earlier today stays one call.
    """
    found = {b.id: b for b in _of_day(customer.bookings, today)}
    if stats.last_booking_date == today:
        earlier = api().get_customer(
            customer.id, include=("past_bookings",), bookings_limit=STARTED_LIMIT
        )
        found.update({b.id: b for b in _of_day(earlier.bookings, today)})
    return tuple(sorted(found.values(), key=lambda b: (b.start, b.id)))
