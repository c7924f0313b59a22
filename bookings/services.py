"""Booking rules: status transitions, check-in, the Today board, the list and quick search.

Views call these functions; only these call LatePoint (through `api()`, which caches reads and
invalidates on writes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bookings import checkins
from bookings.models import CheckIn, StatusChange
from customers.risk import RiskAssessment, assess_risk
from frontoffice.audit import audit_record
from frontoffice.formatting import status_label as format_status
from frontoffice.models import AuditEntry
from frontoffice.roles import is_manager
from frontoffice.upstream import api
from latepoint.errors import InvalidRequest, LatePointError, NotFound
from latepoint.models import (
    Agent,
    Booking,
    BookingStatus,
    Customer,
    CustomerStatus,
    Location,
    Page,
    Service,
)

# --- status transitions (latepoint-api.md, PUT /bookings/{id}) ------------------------------

ALLOWED_TRANSITIONS: dict[str, tuple[BookingStatus, ...]] = {
    BookingStatus.PENDING: (BookingStatus.APPROVED, BookingStatus.CANCELLED),
    BookingStatus.APPROVED: (
        BookingStatus.COMPLETED,
        BookingStatus.NO_SHOW,
        BookingStatus.CANCELLED,
    ),
    BookingStatus.CANCELLED: (BookingStatus.APPROVED, BookingStatus.PENDING),
    BookingStatus.COMPLETED: (BookingStatus.CANCELLED,),
    BookingStatus.NO_SHOW: (BookingStatus.APPROVED, BookingStatus.CANCELLED),
}

#: Transitions LatePoint allows only with "special permissions": managers, sent with force.
MANAGER_ONLY_TRANSITIONS = {(BookingStatus.COMPLETED, BookingStatus.CANCELLED)}

#: Statuses a customer can still arrive for (check-in, "late by").
OPEN_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)

CANCEL_REASON_MAX = 500


@dataclass(frozen=True)
class StatusAction:
    """A status change offered on a booking."""

    target: BookingStatus
    label: str
    confirm: str
    needs_reason: bool = False
    manager_only: bool = False
    style: str = ""


def status_label(status: Any) -> str:
    """A booking status as words for messages: "no_show" -> "No-show"."""
    return format_status(status, empty="Unknown")


def _action(current: BookingStatus, target: BookingStatus) -> StatusAction:
    manager_only = (current, target) in MANAGER_ONLY_TRANSITIONS
    if target == BookingStatus.CANCELLED:
        return StatusAction(
            target,
            "Cancel booking",
            "Cancel this booking? LatePoint may notify the customer.",
            needs_reason=True,
            manager_only=manager_only,
            style="danger",
        )
    if target == BookingStatus.COMPLETED:
        return StatusAction(target, "Complete", "Mark this booking as completed?", style="primary")
    if target == BookingStatus.NO_SHOW:
        return StatusAction(target, "No-show", "Mark this booking as a no-show?")
    if target == BookingStatus.APPROVED:
        label = "Approve" if current == BookingStatus.PENDING else "Reinstate as approved"
        return StatusAction(target, label, "Set this booking to approved?", style="primary")
    return StatusAction(target, "Back to pending", "Set this booking back to pending?")


def transition_allowed(current: Any, target: Any) -> bool:
    """Whether LatePoint allows `current` -> `target` (latepoint-api.md, PUT /bookings/{id})."""
    return target in ALLOWED_TRANSITIONS.get(str(current), ())


def booking_actions(*, booking: Booking, user) -> list[StatusAction]:
    """The transitions allowed from the booking's status that this user may ask for."""
    current = str(booking.status)
    if current not in ALLOWED_TRANSITIONS:
        return []
    actions = [_action(BookingStatus(current), target) for target in ALLOWED_TRANSITIONS[current]]
    return [action for action in actions if not action.manager_only or is_manager(user)]


class TransitionRefused(Exception):
    """A status change that cannot be made; the message explains why, for staff."""

    def __init__(self, message: str, *, current: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.current = current


def _refusal_message(current: Any, target: Any) -> str:
    allowed = ALLOWED_TRANSITIONS.get(str(current), ())
    names = ", ".join(status_label(s) for s in allowed) or "nothing"
    return (
        f"A booking that is {status_label(current).lower()} cannot be set to "
        f"{status_label(target).lower()}. From {status_label(current).lower()} it can move to: "
        f"{names.lower()}."
    )


def transition_refusal(*, booking: Booking, to_status: str, user) -> str:
    """Why this user cannot move the booking to `to_status` ("" when they can)."""
    try:
        target = BookingStatus(to_status)
    except ValueError:
        return f"“{to_status[:20]}” is not a booking status."
    current = str(booking.status)
    if not transition_allowed(current, target):
        return _refusal_message(current, target)
    if (current, target) in MANAGER_ONLY_TRANSITIONS and not is_manager(user):
        return "Only a manager can cancel a completed booking."
    return ""


def booking_get(*, booking_id: int, fresh: bool = False) -> Booking:
    """One booking (one upstream call, cached)."""
    return api().get_booking(booking_id, fresh=fresh)


def booking_change_status(
    *, user, booking_id: int, to_status: str, reason: str = "", seen_status: str = ""
) -> Booking:
    """Move a booking to `to_status` through LatePoint, recorded for the audit trail.

    Raises TransitionRefused (not allowed from the current status, or LatePoint refused it),
    PermissionDenied (completed -> cancelled is for managers), ValidationError (a cancellation
    without a reason), or the client's LatePointError for any other failure. Every attempt,
    failed ones too, is recorded. Never retried.
    """
    reason = (reason or "").strip()
    try:
        target = BookingStatus(to_status)
    except ValueError:
        raise TransitionRefused(f"“{to_status}” is not a booking status.") from None
    booking = booking_get(booking_id=booking_id)
    current = str(booking.status)
    customer_id = booking.customer.id if booking.customer else None

    def record(result: str, error: str = "") -> None:
        StatusChange.objects.create(
            booking_id=booking.id,
            customer_id=customer_id,
            from_status=current,
            to_status=target.value,
            reason=reason,
            user=user,
            username=user.get_username(),
            result=result,
            error=error[:500],
        )
        details: dict[str, Any] = {"status": {"before": current, "after": target.value}}
        if reason:
            details["reason"] = reason
        if seen_status and seen_status != current:
            details["seen_status"] = seen_status
        audit_record(
            user=user,
            action=AuditEntry.Action.BOOKING_STATUS,
            object_type="booking",
            object_id=booking.id,
            customer_id=customer_id,
            summary=(
                f"Booking {booking.booking_code or booking.id}: "
                f"{status_label(current)} → {status_label(target)}"
            ),
            changes=details,
            result=result,
            error=error,
        )

    if target == BookingStatus.CANCELLED and not reason:
        raise ValidationError({"reason": "Say why the booking is cancelled."})
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {CANCEL_REASON_MAX} characters."})
    if not transition_allowed(current, target):
        message = _refusal_message(current, target)
        record(StatusChange.Result.FAILED, message)
        raise TransitionRefused(message, current=current)
    changes: dict[str, Any] = {"status": target.value}
    if (current, target) in MANAGER_ONLY_TRANSITIONS:
        if not is_manager(user):
            message = "Only a manager can cancel a completed booking."
            record(StatusChange.Result.FAILED, message)
            raise PermissionDenied(message)
        changes["force"] = True
    try:
        updated = api().update_booking(booking.id, changes)
    except InvalidRequest as exc:
        fresh = _fresh_status(booking.id)
        if exc.code == "invalid_status_transition" or "transition" in exc.message.lower():
            message = "LatePoint refused the change: " + (
                exc.message or _refusal_message(fresh or current, target)
            )
            if fresh and fresh != current:
                message += f" The booking is now {status_label(fresh).lower()} in LatePoint."
        else:
            message = exc.message or exc.user_message
        record(StatusChange.Result.FAILED, message)
        raise TransitionRefused(message, current=fresh or current) from exc
    except LatePointError as exc:
        record(StatusChange.Result.FAILED, exc.user_message)
        raise
    record(StatusChange.Result.OK)
    return updated


def booking_status_unreadable(
    *, user, booking_id: int, to_status: str, reason: str = "", seen_status: str = "", error: str
) -> None:
    """Record a confirmed status change that failed because the booking could not be read first
    (nothing was sent to LatePoint). The status the user saw stands in for the current one."""
    try:
        target = BookingStatus(to_status)
    except ValueError:
        return  # not a change anyone could have asked for: nothing to record
    reason = (reason or "").strip()[:CANCEL_REASON_MAX]
    seen = (seen_status or "")[:20]
    message = f"The booking could not be read from LatePoint: {error}"
    StatusChange.objects.create(
        booking_id=booking_id,
        from_status=seen,
        to_status=target.value,
        reason=reason,
        user=user,
        username=user.get_username(),
        result=StatusChange.Result.FAILED,
        error=message[:500],
    )
    details: dict[str, Any] = {"status": {"before": seen, "after": target.value}}
    if reason:
        details["reason"] = reason
    audit_record(
        user=user,
        action=AuditEntry.Action.BOOKING_STATUS,
        object_type="booking",
        object_id=booking_id,
        summary=f"Booking {booking_id}: {status_label(seen)} → {status_label(target)}",
        changes=details,
        result=AuditEntry.Result.FAILED,
        error=message,
    )


def _fresh_status(booking_id: int) -> str:
    """The booking's status as LatePoint has it now (after a refusal), or "" if unknown."""
    try:
        return str(booking_get(booking_id=booking_id, fresh=True).status)
    except LatePointError:
        return ""


def booking_status_history(*, booking_id: int) -> list[StatusChange]:
    """The latest status changes asked for from the front office, failed ones included."""
    return list(StatusChange.objects.filter(booking_id=booking_id).select_related("user")[:20])


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


def _checkin_unreadable(*, user, action: str, booking_id: int, summary: str, exc) -> None:
    """A check-in or undo that stopped because LatePoint could not give the booking."""
    audit_record(
        user=user,
        action=action,
        object_type="booking",
        object_id=booking_id,
        summary=summary,
        result=AuditEntry.Result.FAILED,
        error=f"The booking could not be read from LatePoint: {exc.user_message}",
    )


def booking_check_in(*, user, booking_id: int) -> tuple[Booking, CheckIn]:
    """Record that the customer arrived (the booking must be open and today).

    The booking is read first (usually cached); if LatePoint cannot give it, nothing is recorded.
    """
    summary = f"Checked in for booking {booking_id}"
    try:
        booking = booking_get(booking_id=booking_id)
    except NotFound:
        raise
    except LatePointError as exc:
        _checkin_unreadable(
            user=user,
            action=AuditEntry.Action.CHECK_IN,
            booking_id=booking_id,
            summary=summary,
            exc=exc,
        )
        raise
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
    checkin = checkins.checkin_create(user=user, booking_id=booking.id, customer_id=customer_id)
    return booking, checkin


def booking_check_in_undo(*, user, booking_id: int) -> tuple[Booking, CheckIn]:
    """Undo the booking's check-in (local only: LatePoint has no arrived status).

    The booking is read first (usually cached) so its board row can be shown afterwards; if
    LatePoint cannot give it, nothing is undone.
    """
    try:
        booking = booking_get(booking_id=booking_id)
    except NotFound:
        raise
    except LatePointError as exc:
        _checkin_unreadable(
            user=user,
            action=AuditEntry.Action.CHECK_IN_UNDO,
            booking_id=booking_id,
            summary=f"Check-in undone for booking {booking_id}",
            exc=exc,
        )
        raise
    return booking, checkins.checkin_undo(user=user, booking_id=booking.id)


# --- the Today board ----------------------------------------------------------------------


def minutes_late(booking: Booking, check_in: CheckIn | None, *, now: datetime) -> int:
    """Minutes past the start for an open booking nobody checked in for (0 otherwise)."""
    if check_in is not None or booking.start is None or booking.status not in OPEN_STATUSES:
        return 0
    late = int((now - booking.start).total_seconds() // 60)
    return max(late, 0)


@dataclass(frozen=True)
class BoardRow:
    booking: Booking
    check_in: CheckIn | None
    late_minutes: int
    can_check_in: bool

    @property
    def id(self) -> int:
        return self.booking.id


@dataclass(frozen=True)
class TodayBoard:
    day: date
    rows: list[BoardRow]
    generated_at: datetime
    counts: dict[str, int] = field(default_factory=dict)


def board_row(booking: Booking, check_in: CheckIn | None, *, now: datetime) -> BoardRow:
    """One row of the Today board: lateness and whether check-in is open, as of `now`."""
    today = timezone.localtime(now).date()
    return BoardRow(
        booking=booking,
        check_in=check_in,
        late_minutes=minutes_late(booking, check_in, now=now),
        can_check_in=check_in is None and not checkin_refusal(booking, today=today),
    )


def _start_key(booking: Booking) -> tuple:
    start = booking.start.timestamp() if booking.start else float("inf")
    return (start, booking.id)


def today_board(
    *, agent_id: int | None = None, location_id: int | None = None, now: datetime | None = None
) -> TodayBoard:
    """Today's bookings (business time zone) across agents, in time order, every page."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    filters: dict[str, Any] = {"date_from": day, "date_to": day, "sort": "start_date"}
    filters["order"] = "asc"
    if agent_id is not None:
        filters["agent_id"] = agent_id
    if location_id is not None:
        filters["location_id"] = location_id
    bookings = sorted(api().list_all_bookings(**filters), key=_start_key)
    active = checkins.checkins_for_bookings(b.id for b in bookings)
    rows = [board_row(b, active.get(b.id), now=now) for b in bookings]
    counts = {
        "total": len(rows),
        "checked_in": sum(1 for r in rows if r.check_in),
        "late": sum(1 for r in rows if r.late_minutes > 0),
        "open": sum(1 for r in rows if r.booking.status in OPEN_STATUSES),
    }
    return TodayBoard(day=day, rows=rows, generated_at=now, counts=counts)


def today_row(*, booking_id: int, now: datetime | None = None) -> BoardRow:
    """One row of the board, for swapping it after a check-in."""
    booking = booking_get(booking_id=booking_id)
    active = checkins.checkins_for_bookings([booking.id])
    return board_row(booking, active.get(booking.id), now=now or timezone.now())


# --- the customer badge (lazy per row) ----------------------------------------------------


@dataclass(frozen=True)
class CustomerBadge:
    customer: Customer
    risk: RiskAssessment | None

    @property
    def blocked(self) -> bool:
        return self.customer.status == CustomerStatus.BLOCKED


def customer_badge(*, customer_id: int) -> CustomerBadge | None:
    """Risk level and status of a customer (one cached call), None if they do not exist."""
    try:
        customer = api().get_customer(customer_id, include=("stats",))
    except NotFound:
        return None
    risk = None
    if customer.stats is not None:
        risk = assess_risk(customer.stats, today=timezone.localdate(), customer=customer)
    return CustomerBadge(customer=customer, risk=risk)


# --- quick search (the box on Today) --------------------------------------------------------

QUICK_SEARCH_LIMIT = 8
_CODE_SHAPE = re.compile(r"[A-Za-z0-9-]{4,20}")


def looks_like_booking_code(q: str) -> bool:
    """One word of letters and digits that reads like a code (EUHJVNH, LP-2024-001, BK7Q2)."""
    q = q.strip()
    if not _CODE_SHAPE.fullmatch(q) or not any(ch.isalpha() for ch in q):
        return False
    return any(ch.isdigit() for ch in q) or "-" in q or (q.isupper() and len(q) >= 5)


@dataclass(frozen=True)
class QuickResults:
    query: str
    customers: tuple[Customer, ...] = ()
    bookings: tuple[Booking, ...] = ()
    more_customers: bool = False

    @property
    def empty(self) -> bool:
        return not self.customers and not self.bookings


QUICK_SEARCH_MIN = 2


def quick_search(*, q: str) -> QuickResults:
    """Customers by name, email or phone, and bookings by code when `q` looks like one."""
    q = q.strip()
    if len(q) < QUICK_SEARCH_MIN:
        return QuickResults(query=q)
    found = api().list_customers(search=q, per_page=QUICK_SEARCH_LIMIT)
    bookings: tuple[Booking, ...] = ()
    if looks_like_booking_code(q):
        bookings = api().list_bookings(booking_code=q, per_page=QUICK_SEARCH_LIMIT).items
    return QuickResults(
        query=q,
        customers=found.items[:QUICK_SEARCH_LIMIT],
        bookings=bookings,
        more_customers=found.total > len(found.items[:QUICK_SEARCH_LIMIT]),
    )


# --- the bookings list ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceData:
    agents: list[Agent]
    services: list[Service]
    locations: list[Location]


def reference_data(*, services: bool = True) -> ReferenceData:
    """Agents, services and locations for filters (cached long by `api()`)."""
    client = api()
    return ReferenceData(
        agents=sorted(client.list_agents(), key=lambda a: a.display_name.casefold()),
        services=(
            sorted(client.list_services(), key=lambda s: s.name.casefold()) if services else []
        ),
        locations=sorted(client.list_locations(), key=lambda loc: loc.name.casefold()),
    )


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
