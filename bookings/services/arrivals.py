"""Arrivals: check-in and its undo, and the Today board (its rows' customer badges, drawn with
the rows from the local booking history, are in `bookings.services.badges`).

LatePoint has no "arrived" status: check-ins are the front office's own record
(`bookings.checkins`); the board joins them to today's bookings from LatePoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from bookings import checkins
from bookings.models import CheckIn
from bookings.services.badges import CustomerBadge, customer_badges
from bookings.services.listing import booking_get
from bookings.services.status import status_label, transition_allowed
from frontoffice.formatting import format_clock
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Booking, BookingStatus
from upstream import metrics as upstream_metrics
from upstream.gateway import api

#: Statuses a customer can still arrive for (check-in, "late by").
OPEN_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)

#: Minutes late after which the board offers No-show on the booking's row.
NO_SHOW_AFTER_MINUTES = 15

# --- check-in -----------------------------------------------------------------------------


def checkin_refusal(booking: Booking, *, today: date | None = None) -> str:
    """Why this booking cannot be checked in now ("" when it can)."""
    today = today or timezone.localdate()
    if booking.status not in OPEN_STATUSES:
        return f"A {status_label(booking.status).lower()} booking cannot be checked in."
    if booking.start is None:
        return "This booking has no start time."
    if timezone.localtime(booking.start).date() != today:
        return "Check-in is open on the day of the booking only."
    return ""


def listed_booking(*, booking_id: int, day: date) -> Booking | None:
    """The booking as the listing of `day` (the board's, the calendar's) read it a moment ago,
    or None: never a call."""
    return api().find_cached_booking(booking_id, **_board_filters(day))


def _booking_for_arrival(*, user, booking_id: int, action: str, summary: str) -> Booking:
    """The booking a check-in or undo is about, read first (usually cached).

    If LatePoint cannot give it, the attempt is audited as failed and nothing else happens.
    """
    shown = listed_booking(booking_id=booking_id, day=timezone.localdate())
    if shown is not None:
        return shown  # as the board showed it a moment ago: no call
    try:
        with upstream_metrics.writing():  # a check-in is a write: its read keeps a write's place
            return booking_get(booking_id=booking_id)
    except NotFound:
        raise
    except LatePointError as exc:
        audit_record(
            user=user,
            action=action,
            object_type="booking",
            object_id=booking_id,
            summary=summary,
            result=AuditEntry.Result.FAILED,
            error=f"The booking could not be read from LatePoint: {exc.user_message}",
        )
        raise


def booking_check_in(*, user, booking_id: int) -> tuple[Booking, CheckIn]:
    """Record that the customer arrived (the booking must be open and today).

    If LatePoint cannot give the booking, nothing is recorded.
    """
    summary = f"Checked in for booking {booking_id}"
    booking = _booking_for_arrival(
        user=user, booking_id=booking_id, action=AuditEntry.Action.CHECK_IN, summary=summary
    )
    refusal = checkin_refusal(booking)
    customer_id = booking.customer.id if booking.customer else None
    if refusal:
        audit_record(
            user=user,
            action=AuditEntry.Action.CHECK_IN,
            object_type="booking",
            object_id=booking.id,
            customer_id=customer_id,
            summary=summary,
            result=AuditEntry.Result.FAILED,
            error=refusal,
        )
        raise checkins.CheckInError(refusal)
    name = booking.customer.full_name if booking.customer else ""
    checkin = checkins.checkin_create(
        user=user, booking_id=booking.id, customer_id=customer_id, customer_name=name
    )
    return booking, checkin


def booking_check_in_undo(*, user, booking_id: int) -> tuple[Booking, CheckIn]:
    """Undo the booking's check-in (local only: LatePoint has no arrived status).

    The booking is read first so its board row can be shown afterwards; if LatePoint cannot
    give it, nothing is undone.
    """
    booking = _booking_for_arrival(
        user=user,
        booking_id=booking_id,
        action=AuditEntry.Action.CHECK_IN_UNDO,
        summary=f"Check-in undone for booking {booking_id}",
    )
    return booking, checkins.checkin_undo(user=user, booking_id=booking.id)


# --- the Today board ----------------------------------------------------------------------


def minutes_late(
    booking: Booking, check_in: CheckIn | None, *, now: datetime, zone: tzinfo | None = None
) -> int:
    """Minutes past the start for an open booking of today (the business's, `zone`) nobody
    checked in for (0 otherwise: an older one is overdue, `overdue.overdue_note`)."""
    if check_in is not None or booking.start is None or booking.status not in OPEN_STATUSES:
        return 0
    zone = zone or timezone.get_current_timezone()
    if booking.start.astimezone(zone).date() != now.astimezone(zone).date():
        return 0
    late = int((now - booking.start).total_seconds() // 60)
    return max(late, 0)


@dataclass(frozen=True)
class BoardRow:
    booking: Booking
    check_in: CheckIn | None
    late_minutes: int
    can_check_in: bool
    #: The customer's badge (risk from the booking history, no call), drawn with the row.
    badge: CustomerBadge | None = None
    #: Late long enough for No-show to be offered on the row (and LatePoint allows it).
    no_show_offered: bool = False
    #: The customer's other bookings of the day at an overlapping time (`overlaps.flag_rows`).
    doubles: tuple[Booking, ...] = ()

    @property
    def id(self) -> int:
        return self.booking.id

    @property
    def cancelled(self) -> bool:
        return self.booking.status == BookingStatus.CANCELLED


@dataclass(frozen=True)
class TodayBoard:
    day: date
    rows: list[BoardRow]
    generated_at: datetime
    counts: dict[str, int] = field(default_factory=dict)
    #: Today only: the bookings under way now, and the next arrivals still to come.
    now_rows: list[BoardRow] = field(default_factory=list)
    next_rows: list[BoardRow] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localtime(self.generated_at).date()


def board_row(
    booking: Booking,
    check_in: CheckIn | None,
    *,
    now: datetime,
    zone: tzinfo | None = None,
    badge: CustomerBadge | None = None,
) -> BoardRow:
    """One row of the Today board: lateness and whether check-in is open, as of `now`.

    A booking of another day is never late: it is history or still to come. `zone`: the
    business zone, when the caller read it once for many rows.
    """
    zone = zone or timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    of_today = booking.start is not None and booking.start.astimezone(zone).date() == today
    late = minutes_late(booking, check_in, now=now, zone=zone) if of_today else 0
    return BoardRow(
        booking=booking,
        check_in=check_in,
        late_minutes=late,
        badge=badge,
        # as checkin_refusal(), without reading the zone again
        can_check_in=check_in is None and of_today and booking.status in OPEN_STATUSES,
        no_show_offered=late >= NO_SHOW_AFTER_MINUTES
        and transition_allowed(booking.status, BookingStatus.NO_SHOW),
    )


def _start_key(booking: Booking) -> tuple:
    start = booking.start.timestamp() if booking.start else float("inf")
    return (start, booking.id)


def _board_filters(day: date) -> dict[str, Any]:
    return {"date_from": day, "date_to": day, "sort": "start_date", "order": "asc"}


def day_bookings(
    *, day: date, agent_id: int | None = None, location_id: int | None = None
) -> list[Booking]:
    """Every booking of a day (business time zone), in time order: one walk of GET /bookings.

    The Today board and the day calendar read the same listing of a day, so each reuses what
    the other read a moment ago, and a check-in reuses it too.
    """
    filters = _board_filters(day)
    if agent_id is not None:
        filters["agent_id"] = agent_id
    if location_id is not None:
        filters["location_id"] = location_id
    return sorted(api().list_all_bookings(**filters), key=_start_key)


def board_rows(bookings: Iterable[Booking], *, now: datetime) -> list[BoardRow]:
    """The bookings as board rows: their check-ins (one query) and their customers' badges
    (one query of the booking history, no call)."""
    bookings = list(bookings)
    active = checkins.checkins_for_bookings(b.id for b in bookings)
    badges = customer_badges((b.customer.id for b in bookings if b.customer), now=now)
    zone = timezone.get_current_timezone()
    return [
        board_row(
            b,
            active.get(b.id),
            now=now,
            zone=zone,
            badge=badges.get(b.customer.id) if b.customer else None,
        )
        for b in bookings
    ]


#: How many arrivals "Next up" names.
NEXT_UP = 3


def today_board(
    *,
    agent_id: int | None = None,
    location_id: int | None = None,
    day: date | None = None,
    now: datetime | None = None,
) -> TodayBoard:
    """A day's bookings (today unless `day`) across agents, in time order, every page."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    day = day or today
    bookings = day_bookings(day=day, agent_id=agent_id, location_id=location_id)
    rows = board_rows(bookings, now=now)
    counts = {
        "total": len(rows),
        "checked_in": sum(1 for r in rows if r.check_in),
        "late": sum(1 for r in rows if r.late_minutes > 0),
        "open": sum(1 for r in rows if r.booking.status in OPEN_STATUSES),
        "cancelled": sum(1 for r in rows if r.cancelled),
    }
    now_rows, next_rows = [], []
    if day == today:
        now_rows = [r for r in rows if _under_way(r, now)]
        next_rows = [
            r
            for r in rows
            if r.booking.status in OPEN_STATUSES
            and r.check_in is None
            and r.booking.start is not None
            and r.booking.start > now
        ][:NEXT_UP]
    return TodayBoard(
        day=day,
        rows=rows,
        generated_at=now,
        counts=counts,
        now_rows=now_rows,
        next_rows=next_rows,
    )


def booking_end(booking: Booking) -> datetime | None:
    """When the booking ends: its end, else its start plus its duration, else its start."""
    if booking.start is None:
        return None
    if booking.end is not None and booking.end > booking.start:
        return booking.end
    return booking.start + timedelta(minutes=booking.duration or 0)


def _under_way(row: BoardRow, now: datetime) -> bool:
    """Started and not yet over, and not called off: who is (or should be) in now."""
    booking = row.booking
    if booking.start is None or booking.status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
        return False
    return booking.start <= now < (booking_end(booking) or booking.start)


def today_row(
    *, booking_id: int, booking: Booking | None = None, now: datetime | None = None
) -> BoardRow:
    """One row of the board, for swapping it after a check-in (`booking` if already read)."""
    booking = booking or booking_get(booking_id=booking_id)
    active = checkins.checkins_for_bookings([booking.id])
    return board_row(booking, active.get(booking.id), now=now or timezone.now())


# --- check-in where the customer is found (quick search, profile) -------------------------

#: How old a cached listing of today may be for the quick search to show Check in buttons from
#: it without asking LatePoint: the board refreshes every 45 s, so it is normally this recent.
#: The check-in itself reads the booking again.
ARRIVALS_LISTING_MAX_AGE = 120


def todays_arrivals(
    *, customer_ids: Iterable[int], now: datetime | None = None
) -> dict[int, list[BoardRow]]:
    """Today's bookings of these customers that can be checked in or already are, by customer,
    in time order.

    Read from the Today board's own listing of today (`_board_filters`): the copy the board
    read lately when there is one (no call), else that same shared listing is read once for
    all the customers, never one call per customer.
    """
    wanted = {int(cid) for cid in customer_ids}
    if not wanted:
        return {}
    now = now or timezone.now()
    filters = _board_filters(timezone.localtime(now).date())
    bookings = api().recent_booking_listing(max_age=ARRIVALS_LISTING_MAX_AGE, **filters)
    if bookings is None:
        bookings = api().list_all_bookings(**filters)
    theirs = [b for b in bookings if b.customer and b.customer.id in wanted]
    active = checkins.checkins_for_bookings(b.id for b in theirs)
    found: dict[int, list[BoardRow]] = defaultdict(list)
    for booking in sorted(theirs, key=_start_key):
        row = board_row(booking, active.get(booking.id), now=now)
        if row.check_in is not None or row.can_check_in:
            found[booking.customer.id].append(row)
    return dict(found)


@dataclass(frozen=True)
class ArrivalSlot:
    """What a Check in slot outside the board shows: the check-in, the button, or nothing."""

    booking_id: int
    note: str = ""  # "Checked in at 09:12 by Rita"
    can_check_in: bool = False
    time: str = ""  # the booking's start, HH:MM in the business's time zone
    who: str = ""  # the customer's name


def arrival_slot(booking: Booking, checked_in: CheckIn | str | None) -> ArrivalSlot:
    """The slot of one booking; `checked_in` is its active check-in (or its note), if any."""
    if isinstance(checked_in, CheckIn):
        note = checkins.checkin_note(checked_in)
    else:
        note = checked_in or ""
    start = timezone.localtime(booking.start) if booking.start else None
    return ArrivalSlot(
        booking_id=booking.id,
        note=note,
        can_check_in=not note and not checkin_refusal(booking),
        time=format_clock(start) if start else "",
        who=booking.customer.full_name if booking.customer else "",
    )


def with_badges(rows: list[BoardRow], *, now: datetime | None = None) -> list[BoardRow]:
    """The rows with their customers' badges (one query of the booking history, no call)."""
    found = customer_badges(
        (r.booking.customer.id for r in rows if r.booking.customer and r.booking.customer.id),
        now=now,
    )
    return [
        replace(row, badge=found.get(row.booking.customer.id)) if row.booking.customer else row
        for row in rows
    ]
