"""Booking status: the transitions LatePoint allows, who may ask for them, and changing one.

Every change asked for through the front office, failed ones too, is kept (`StatusChange`) and
written to the audit trail. A change is never retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from bookings.models import StatusChange
from bookings.services.listing import booking_get
from frontoffice import writes
from frontoffice.audit import audit_record
from frontoffice.formatting import status_label as format_status
from frontoffice.models import AuditEntry
from frontoffice.roles import is_manager
from frontoffice.upstream import api
from history.sync import booking_record
from latepoint.errors import InvalidRequest, LatePointError
from latepoint.models import Booking, BookingStatus

# The transitions of latepoint-api.md, PUT /bookings/{id}.
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


def booking_action(*, booking: Booking, user, to_status: str) -> StatusAction | None:
    """The offered action that moves the booking to `to_status`, if this user may ask for it."""
    return next(
        (a for a in booking_actions(booking=booking, user=user) if a.target == to_status), None
    )


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


def booking_change_status(
    *, user, booking_id: int, to_status: str, reason: str = "", seen_status: str = ""
) -> Booking:
    """Move a booking to `to_status` through LatePoint, recorded for the audit trail.

    Raises TransitionRefused (not allowed from the current status, or LatePoint refused it),
    PermissionDenied (completed -> cancelled is for managers), ValidationError (a cancellation
    without a reason), or the client's LatePointError for any other failure. Every attempt,
    failed ones too, is recorded. Never retried. The check of the current status and the
    write happen under the booking's lock, shared by every process: of two changes sent at
    once, the second is judged against the status the first left.
    """
    try:
        with writes.record_lock("booking", booking_id):
            return _change_status(
                user=user,
                booking_id=booking_id,
                to_status=to_status,
                reason=reason,
                seen_status=seen_status,
            )
    except writes.RecordBusy as busy:
        raise TransitionRefused(busy.user_message) from None


def _change_status(
    *, user, booking_id: int, to_status: str, reason: str, seen_status: str
) -> Booking:
    reason = (reason or "").strip()
    try:
        target = BookingStatus(to_status)
    except ValueError:
        raise TransitionRefused(f"“{to_status}” is not a booking status.") from None
    booking = booking_get(booking_id=booking_id)
    current = str(booking.status)
    customer_id = booking.customer.id if booking.customer else None

    def record(result: str, error: str = "") -> None:
        _record_attempt(
            user=user,
            booking_id=booking.id,
            customer_id=customer_id,
            code=booking.booking_code or str(booking.id),
            before=current,
            target=target,
            reason=reason,
            seen_status=seen_status,
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
    # The local booking history (stats, exports) sees the change at once, not at the next sync.
    booking_record(updated)
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
    _record_attempt(
        user=user,
        booking_id=booking_id,
        customer_id=None,
        code=str(booking_id),
        before=seen,
        target=target,
        reason=reason,
        result=StatusChange.Result.FAILED,
        error=f"The booking could not be read from LatePoint: {error}",
    )


def _record_attempt(
    *,
    user,
    booking_id: int,
    customer_id: int | None,
    code: str,
    before: str,
    target: BookingStatus,
    reason: str,
    seen_status: str = "",
    result: str,
    error: str = "",
) -> None:
    """Keep one status change asked for (`StatusChange`) and write it to the audit trail.

    `before` is the status the change started from; `seen_status`, the one the user saw when
    they confirmed, is noted when it differs.
    """
    StatusChange.objects.create(
        booking_id=booking_id,
        customer_id=customer_id,
        from_status=before,
        to_status=target.value,
        reason=reason,
        user=user,
        username=user.get_username(),
        result=result,
        error=error[:500],
    )
    details: dict[str, Any] = {"status": {"before": before, "after": target.value}}
    if reason:
        details["reason"] = reason
    if seen_status and seen_status != before:
        details["seen_status"] = seen_status
    audit_record(
        user=user,
        action=AuditEntry.Action.BOOKING_STATUS,
        object_type="booking",
        object_id=booking_id,
        customer_id=customer_id,
        summary=f"Booking {code}: {status_label(before)} → {status_label(target)}",
        changes=details,
        result=result,
        error=error,
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
