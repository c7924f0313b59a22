"""Check-ins: the front office's own record that a customer arrived for a booking.

One active check-in per booking (a database constraint); undoing keeps the row and marks it.
Every check-in and undo is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from bookings.models import CheckIn
from frontoffice.formatting import format_clock


class CheckInError(Exception):
    """A check-in or undo that cannot be done; the message is for staff."""


def checkins_for_bookings(booking_ids: Iterable[int]) -> dict[int, CheckIn]:
    """The active check-in of each booking that has one, keyed by booking id (one query)."""
    ids = {int(booking_id) for booking_id in booking_ids}
    if not ids:
        return {}
    active = CheckIn.objects.filter(booking_id__in=ids, undone_at__isnull=True).select_related(
        "checked_in_by"
    )
    return {checkin.booking_id: checkin for checkin in active}


def checkin_note(checkin: CheckIn) -> str:
    """The check-in as staff read it, "Checked in at 09:12 by Rita" (business time zone)."""
    when = format_clock(checkin.checked_in_at)
    return f"Checked in at {when} by {checkin.checked_in_by_name or 'staff'}"


def checkin_create(
    *,
    user,
    booking_id: int,
    customer_id: int | None,
    at: datetime | None = None,
    customer_name: str = "",
) -> CheckIn:
    """Record an arrival. A second check-in of the same booking is refused. `customer_name`:
    the name the screen showed, kept by the audit trail."""
    summary = f"Checked in for booking {booking_id}"
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                booking_id=booking_id,
                customer_id=customer_id,
                checked_in_at=at or timezone.now(),
                checked_in_by=user,
                checked_in_by_name=user.get_full_name() or user.get_username(),
            )
    except IntegrityError:
        message = "This booking is already checked in."
        audit_record(
            user=user,
            action=AuditEntry.Action.CHECK_IN,
            object_type="booking",
            object_id=booking_id,
            customer_id=customer_id,
            customer_name=customer_name,
            summary=summary,
            result=AuditEntry.Result.FAILED,
            error=message,
        )
        raise CheckInError(message) from None
    audit_record(
        user=user,
        action=AuditEntry.Action.CHECK_IN,
        object_type="booking",
        object_id=booking_id,
        customer_id=customer_id,
        customer_name=customer_name,
        summary=summary,
        changes={"checked_in_at": checkin.checked_in_at.isoformat()},
    )
    return checkin


def checkin_undo(*, user, booking_id: int) -> CheckIn:
    """Undo the booking's active check-in (the row stays, marked as undone)."""
    with transaction.atomic():
        checkin = (
            CheckIn.objects.select_for_update()
            .filter(booking_id=booking_id, undone_at__isnull=True)
            .first()
        )
        if checkin is not None:
            checkin.undone_at = timezone.now()
            checkin.undone_by = user
            checkin.save(update_fields=["undone_at", "undone_by"])
    summary = f"Check-in undone for booking {booking_id}"
    if checkin is None:
        message = "This booking is not checked in."
        audit_record(
            user=user,
            action=AuditEntry.Action.CHECK_IN_UNDO,
            object_type="booking",
            object_id=booking_id,
            summary=summary,
            result=AuditEntry.Result.FAILED,
            error=message,
        )
        raise CheckInError(message)
    audit_record(
        user=user,
        action=AuditEntry.Action.CHECK_IN_UNDO,
        object_type="booking",
        object_id=booking_id,
        customer_id=checkin.customer_id,
        summary=summary,
        changes={"checked_in_at": checkin.checked_in_at.isoformat()},
    )
    return checkin
