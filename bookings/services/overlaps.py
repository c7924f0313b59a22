"""A customer booked twice at once: LatePoint checks an agent's time, not the customer's, so the
same person can be booked at 08:45 with two agents without a word. The booking pages warn
before such a booking is made or moved (staff may go on deliberately), and the Today board and
the booking page flag one that exists.

Cost: the customer's stats, already read for the page, say when they have no other booking that
day (no call); otherwise one cached `GET /bookings?customer_id=&date_from=&date_to=` (100 a page,
the same read for every check of that customer and day, dropped at any booking write).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from bookings.services.arrivals import (
    ARRIVALS_LISTING_MAX_AGE,
    BoardRow,
    _board_filters,
    booking_end,
)
from bookings.services.free_times import time_label
from history.models import BookingRecord
from latepoint.errors import LatePointError
from latepoint.models import Booking, BookingStatus, Customer
from upstream.gateway import api

#: Statuses of bookings that still hold the customer's time.
_HOLDING = frozenset({BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.COMPLETED})


def may_be_booked_on(customer: Customer | None, day: date, *, today: date | None = None) -> bool:
    """False when the customer's stats prove they have no booking on `day` besides, at most,
    the one being moved; True when they may (or the stats cannot say)."""
    stats = customer.stats if customer is not None else None
    if stats is None:
        return True
    today = today or timezone.localdate()
    if day < today:
        return True
    if day == today and stats.last_booking_date == today:
        return True  # one under way now (it counts as past in the stats)
    upcoming, count = stats.next_booking_date, stats.future_bookings
    if upcoming is None:
        return count is None or count > 0
    if upcoming > day:
        return False
    # An earlier next booking that is their only one leaves `day` free.
    return not (upcoming < day and count is not None and count <= 1)


def bookings_on(customer_id: int, day: date) -> list[Booking]:
    """The customer's bookings of `day` that hold their time (one cached call)."""
    found = api().list_bookings(customer_id=customer_id, date_from=day, date_to=day, per_page=100)
    return [b for b in found.items if b.status in _HOLDING and b.start is not None]


def _span(booking: Booking) -> tuple[datetime, datetime]:
    """When the booking holds the customer: a booking without a length holds its minute."""
    finish = booking_end(booking) or booking.start
    return booking.start, max(finish, booking.start + timedelta(minutes=1))


def _overlaps(booking: Booking, start: datetime, end: datetime) -> bool:
    begins, finish = _span(booking)
    return begins < end and finish > start


def _window(day: date, start_time: str, minutes: int) -> tuple[datetime, datetime] | None:
    """The time a booking at `start_time` on `day` would hold, in the business's zone."""
    try:
        hours, mins = (int(part) for part in start_time.split(":"))
        start = timezone.make_aware(datetime(day.year, day.month, day.day, hours, mins))
    except ValueError:
        return None
    return start, start + timedelta(minutes=max(minutes, 1))


def clashes(
    customer_id: int | None,
    *,
    day: date | None,
    start_time: str,
    minutes: int,
    customer: Customer | None = None,
    exclude_id: int | None = None,
) -> list[Booking]:
    """The customer's other bookings overlapping `start_time` on `day` for `minutes`; none
    when LatePoint cannot say now (the booking itself is then sent as usual)."""
    if customer_id is None or day is None or not start_time:
        return []
    if customer is None:
        customer = api().cached_customer_summaries([customer_id]).get(customer_id)
    window = _window(day, start_time, minutes)
    if window is None or not may_be_booked_on(customer, day):
        return []
    try:
        theirs = bookings_on(customer_id, day)
    except LatePointError:
        return []
    return [b for b in theirs if b.id != exclude_id and _overlaps(b, *window)]


def clash_times(
    customer: Customer | None, *, day: date | None, values: Iterable[str], minutes: int
) -> tuple[list[Booking], set[str]]:
    """For the free times shown: the customer's bookings that day and the times ("HH:MM")
    that would overlap one, when the stats say they have a booking that very day (one
    cached call, which the booking's own check then reuses); else nothing, no call."""
    stats = customer.stats if customer is not None else None
    today = timezone.localdate()
    values = list(values)
    if stats is None or day is None or customer.id is None or not values:
        return [], set()
    known = stats.next_booking_date == day or (day == today and stats.last_booking_date == today)
    if not known:
        return [], set()
    try:
        theirs = bookings_on(customer.id, day)
    except LatePointError:
        return [], set()
    hit = set()
    for value in values:
        window = _window(day, value, minutes)
        if window and any(_overlaps(b, *window) for b in theirs):
            hit.add(value)
    return theirs, hit


def describe(booking: Booking) -> str:
    """ "9:45 am to 10:45 am, Haircut with Anna" (with a dash) for a warning."""
    start = timezone.localtime(booking.start)
    end = booking_end(booking)
    when = time_label(start.time())
    if end is not None and end > booking.start:
        when += "\u2013" + time_label(timezone.localtime(end).time())
    what = booking.service.name if booking.service else ""
    who = booking.agent.display_name if booking.agent else ""
    return when + (f", {what}" if what else "") + (f" with {who}" if who else "")


def confirmed(data: Any) -> frozenset[int]:
    """The ids of the overlapping bookings the user was shown and chose to book beside."""
    text = str(data.get("confirm_overlap", "") or "")[:200]
    return frozenset(int(part) for part in text.split(",") if part.strip().isdigit())


def unconfirmed(found: Sequence[Booking], data: Any) -> list[Booking]:
    """`found`, unless every one of them was shown and confirmed already."""
    return [] if {b.id for b in found} <= confirmed(data) else list(found)


def flag_rows(rows: list[BoardRow]) -> list[BoardRow]:
    """The board's rows with, on each booking that holds the customer's time, the customer's
    other bookings of the day that overlap it (from the rows themselves: no call)."""
    by_customer: dict[int, list[BoardRow]] = defaultdict(list)
    for row in rows:
        b = row.booking
        if b.customer and b.customer.id and b.start and b.status in _HOLDING:
            by_customer[b.customer.id].append(row)
    doubles: dict[int, tuple[Booking, ...]] = {}
    for theirs in by_customer.values():
        for row in theirs:
            span = _span(row.booking)
            others = tuple(
                o.booking for o in theirs if o.id != row.id and _overlaps(o.booking, *span)
            )
            if others:
                doubles[row.id] = others
    if not doubles:
        return rows
    return [replace(r, doubles=doubles[r.id]) if r.id in doubles else r for r in rows]


@dataclass(frozen=True)
class Double:
    """Another booking of the customer at an overlapping time, as the booking page names it."""

    id: int
    text: str


def booking_doubles(booking: Booking) -> list[Double]:
    """The customer's other bookings overlapping this one, for its page: from the day's
    listing the board or the calendar read lately when there is one, else from the local
    booking history (written at once for bookings made here). Never a call."""
    customer = booking.customer
    if booking.status not in _HOLDING or booking.start is None or not customer or not customer.id:
        return []
    day = timezone.localtime(booking.start).date()
    span = _span(booking)
    listing = api().recent_booking_listing(max_age=ARRIVALS_LISTING_MAX_AGE, **_board_filters(day))
    if listing is not None:
        return [
            Double(b.id, describe(b))
            for b in listing
            if b.id != booking.id
            and b.customer
            and b.customer.id == customer.id
            and b.status in _HOLDING
            and b.start is not None
            and _overlaps(b, *span)
        ]
    records = BookingRecord.objects.filter(
        customer_id=customer.id, start_date=day, status__in=[str(s) for s in _HOLDING]
    ).exclude(id=booking.id)
    found = []
    for record in records.order_by("start", "id"):
        if record.start is None:
            continue
        end = max(record.end or record.start, record.start + timedelta(minutes=1))
        if record.start < span[1] and end > span[0]:
            when = time_label(timezone.localtime(record.start).time())
            if record.end and record.end > record.start:
                when += "\u2013" + time_label(timezone.localtime(record.end).time())
            found.append(
                Double(
                    record.id, when + (f", {record.service_name}" if record.service_name else "")
                )
            )
    return found
