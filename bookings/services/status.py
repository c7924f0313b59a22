"""Booking status: the transitions LatePoint allows, who may ask for them, and changing one.

Every change asked for through the front office, failed ones too, is kept (`StatusChange`) and
written to the audit trail. A change is never retried.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from bookings.checkins import checkins_for_bookings
from bookings.models import StatusChange
from bookings.reasons import Picked, reason_as_sent, reason_kind, reason_picked, reasons_for
from bookings.services.listing import booking_get
from bookings.services.moving import read_for_write
from checkout.fees import fee_for_status_change
from frontoffice.formatting import format_clock, status_phrase
from frontoffice.formatting import status_label as format_status
from frontoffice.roles import is_manager
from history.sync import booking_record
from latepoint.models import Booking, BookingStatus
from upstream import writes
from upstream.gateway import api

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

#: Statuses only a booking that has begun can take: a visit is not completed, nor missed,
#: before its time (a customer checked in early may be completed).
STARTED_ONLY = (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


@dataclass(frozen=True)
class StatusAction:
    """A status change offered on a booking."""

    target: BookingStatus
    label: str
    confirm: str
    needs_reason: bool = False
    manager_only: bool = False
    style: str = ""
    #: The reasons offered for it (`bookings.reasons`), when it asks for one.
    reasons: tuple = ()


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
        return StatusAction(target, "No-show", "Mark this booking as a no-show?", needs_reason=True)
    if target == BookingStatus.APPROVED:
        label = "Approve" if current == BookingStatus.PENDING else "Reinstate as approved"
        return StatusAction(target, label, "Set this booking to approved?", style="primary")
    return StatusAction(target, "Back to pending", "Set this booking back to pending?")


def transition_allowed(current: Any, target: Any) -> bool:
    """Whether LatePoint allows `current` -> `target` (latepoint-api.md, PUT /bookings/{id})."""
    return target in ALLOWED_TRANSITIONS.get(str(current), ())


def not_started_refusal(booking: Booking, target: Any, *, now=None) -> str:
    """Why the booking cannot move to `target` yet: it has not begun ("" when it may)."""
    if target not in STARTED_ONLY or booking.start is None:
        return ""
    if booking.start <= (now or timezone.now()):
        return ""
    if target == BookingStatus.COMPLETED and checkins_for_bookings([booking.id]):
        return ""
    when = timezone.localtime(booking.start)
    done = "completed" if target == BookingStatus.COMPLETED else "marked a no-show"
    return (
        f"This booking has not started yet (it starts {when:%a %b} {when.day} at "
        f"{format_clock(when)}): it can be {done} once it has begun."
    )


def booking_actions(*, booking: Booking, user) -> list[StatusAction]:
    """The transitions allowed from the booking's status that this user may ask for (none
    that only a booking that has begun may take, before it has)."""
    current = str(booking.status)
    if current not in ALLOWED_TRANSITIONS:
        return []
    now = timezone.now()
    actions = [
        _action(BookingStatus(current), target)
        for target in ALLOWED_TRANSITIONS[current]
        if not not_started_refusal(booking, target, now=now)
    ]
    actions = [action for action in actions if not action.manager_only or is_manager(user)]
    return [
        replace(action, reasons=tuple(reasons_for(reason_kind(action.target))))
        if action.needs_reason
        else action
        for action in actions
    ]


def booking_action(*, booking: Booking, user, to_status: str) -> StatusAction | None:
    """The offered action that moves the booking to `to_status`, if this user may ask for it."""
    return next(
        (a for a in booking_actions(booking=booking, user=user) if a.target == to_status), None
    )


def _refusal_message(current: Any, target: Any) -> str:
    allowed = ALLOWED_TRANSITIONS.get(str(current), ())
    names = ", ".join(status_label(s) for s in allowed) or "nothing"
    return (
        f"A booking that is {status_phrase(current)} cannot be set to "
        f"{status_label(target).lower()}. From {status_label(current).lower()} it can move to: "
        f"{names.lower()}."
    )


def _refusal(booking: Booking, current: str, target: BookingStatus) -> str:
    """Why LatePoint or the clock refuses `current` -> `target` ("" when neither does)."""
    if not transition_allowed(current, target):
        return _refusal_message(current, target)
    return not_started_refusal(booking, target)


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
    return not_started_refusal(booking, target)


STATUS_WORDS = writes.Words(
    what="status change",
    nothing="nothing was changed",
    checked="the booking's status unchanged",
    check="the booking",
)


def booking_change_status(
    *,
    user,
    booking_id: int,
    to_status: str,
    reason: str = "",
    reason_text: str = "",
    seen_status: str = "",
) -> writes.Outcome:
    """Move a booking to `to_status` through LatePoint, recorded for the audit trail, and say
    what became of it (`writes.Outcome`; the record is the booking as it now is).

    Under the booking's lock (shared by every process) the booking is read fresh: changed
    since the user saw it (`seen_status`), the outcome is a conflict and nothing is sent; a
    transition LatePoint does not allow is refused. A lost answer is read back before
    anything is said. Raises PermissionDenied (completed -> cancelled is for managers) and
    ValidationError (a cancellation without a reason; a reason, the slug of a `Reason`, that
    is unknown, retired or not one for this change: nothing is sent). A no-show without one
    is recorded as "No reason given" (the forms ask for one). Every change sent or refused is
    recorded; none is retried.
    """
    try:
        target = BookingStatus(to_status)
    except ValueError:
        message = f"“{to_status[:20]}” is not a booking status."
        return writes.Outcome(writes.Outcome.REFUSED, status=400, message=message)
    kind = reason_kind(target)
    if kind:
        reason = reason_picked(
            kind=kind, slug=reason, text=reason_text, required=target == BookingStatus.CANCELLED
        )
    else:
        reason = reason_as_sent(kind="", slug="", text=reason_text)
    try:
        with writes.record_lock("booking", booking_id):
            return _change_status(
                user=user, booking_id=booking_id, target=target, reason=reason, seen=seen_status
            )
    except writes.RecordBusy as busy:
        return writes.refusal(busy, STATUS_WORDS)


def _change_status(
    *, user, booking_id: int, target: BookingStatus, reason: Picked, seen: str
) -> writes.Outcome:
    booking, unreadable = read_for_write(booking_id)
    if unreadable is not None:
        if unreadable.status != 404:
            booking_status_unreadable(
                user=user,
                booking_id=booking_id,
                to_status=target.value,
                reason=reason,
                seen_status=seen,
                error=unreadable.message,
            )
        return unreadable
    current = str(booking.status)
    if seen and seen != current:
        return writes.Outcome(writes.Outcome.CONFLICT, status=409, record=booking)

    def record(outcome: writes.Outcome) -> writes.Outcome:
        _record_attempt(
            user=user,
            booking_id=booking.id,
            customer_id=booking.customer.id if booking.customer else None,
            code=booking.booking_code or str(booking.id),
            before=current,
            target=target,
            reason=reason,
            seen_status=seen,
            result=StatusChange.Result.OK if outcome.done else _failed_result(outcome),
            error="" if outcome.done else outcome.error,
            customer_name=booking.customer.full_name if booking.customer else "",
        )
        return outcome

    message = _refusal(booking, current, target)
    if message:
        return record(
            writes.Outcome(writes.Outcome.REFUSED, status=409, message=message, record=booking)
        )
    changes: dict[str, Any] = {"status": target.value}
    if (current, target) in MANAGER_ONLY_TRANSITIONS:
        if not is_manager(user):
            message = "Only a manager can cancel a completed booking."
            record(writes.Outcome(writes.Outcome.REFUSED, status=403, message=message))
            raise PermissionDenied(message)
        changes["force"] = True

    def read_back() -> Booking | None:
        now = booking_get(booking_id=booking.id, fresh=True)
        return now if str(now.status) == target else None

    outcome = writes.attempt(
        lambda: api().update_booking(booking.id, changes), read_back=read_back, words=STATUS_WORDS
    )
    record(_landed(outcome, booking))
    return _fee_charged(outcome, user=user, booking=booking, before=current, target=target)


def _landed(outcome: writes.Outcome, booking: Booking) -> writes.Outcome:
    """A change made is seen at once by the local booking history (stats, exports); one not
    made keeps the booking as it was read."""
    if outcome.done:
        booking_record(outcome.record)
    elif outcome.record is None:
        outcome.record = booking
    return outcome


def _fee_charged(
    outcome: writes.Outcome, *, user, booking: Booking, before: str, target: BookingStatus
) -> writes.Outcome:
    """A no-show or a late cancellation made may carry a fee (checkout.fees): recorded once,
    and what became of it is the outcome's message."""
    if outcome.done:
        outcome.message = fee_for_status_change(
            user=user, booking=booking, before=before, target=target
        )
    return outcome


def _failed_result(outcome: writes.Outcome) -> str:
    return StatusChange.Result.UNKNOWN if outcome.unknown else StatusChange.Result.FAILED


def booking_status_unreadable(
    *,
    user,
    booking_id: int,
    to_status: str,
    reason: str | Picked = "",
    reason_text: str = "",
    seen_status: str = "",
    error: str,
) -> None:
    """Record a confirmed status change that failed because the booking could not be read first
    (nothing was sent to LatePoint). The status the user saw stands in for the current one."""
    try:
        target = BookingStatus(to_status)
    except ValueError:
        return  # not a change anyone could have asked for: nothing to record
    if not isinstance(reason, Picked):
        reason = reason_as_sent(kind=reason_kind(target), slug=reason, text=reason_text)
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
    reason: Picked,
    seen_status: str = "",
    result: str,
    error: str = "",
    customer_name: str = "",
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
        reason=reason.text,
        reason_choice=reason.reason,
        reason_label=reason.label,
        user=user,
        username=user.get_username(),
        result=result,
        error=error[:500],
    )
    details: dict[str, Any] = {"status": {"before": before, "after": target.value}}
    if reason.label:
        details["reason"] = reason.label
    if reason.text:
        details["reason_text"] = reason.text
    if seen_status and seen_status != before:
        details["seen_status"] = seen_status
    audit_record(
        user=user,
        action=AuditEntry.Action.BOOKING_STATUS,
        object_type="booking",
        object_id=booking_id,
        customer_id=customer_id,
        customer_name=customer_name,
        summary=f"Booking {code}: {status_label(before)} → {status_label(target)}"
        + (f" · Why: {reason.summary}" if reason.summary else ""),
        changes=details,
        result=result,
        error=error,
    )


def booking_status_history(*, booking_id: int) -> list[StatusChange]:
    """The latest status changes asked for from the front office, failed ones included."""
    return list(StatusChange.objects.filter(booking_id=booking_id).select_related("user")[:20])
