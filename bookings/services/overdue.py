"""A booking left open after its day: what the desk should do with it, in words."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from latepoint.models import Booking, BookingStatus

#: What each open status still asks for once its day has passed.
_TO_DO = {
    BookingStatus.APPROVED: "Still approved: complete it or mark a no-show",
    BookingStatus.PENDING: "Still pending: approve or cancel it",
}


def overdue_note(booking: Booking, *, now: datetime | None = None) -> str:
    """For an approved or pending booking of a past day (the business's), what to do with it;
    "" for any other (a booking of today is late by minutes, `arrivals.minutes_late`)."""
    if booking.start is None or booking.status not in _TO_DO:
        return ""
    today = timezone.localtime(now or timezone.now()).date()
    if timezone.localtime(booking.start).date() >= today:
        return ""
    return _TO_DO[BookingStatus(booking.status)]
