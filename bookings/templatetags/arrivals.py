"""Check-ins shown on other screens' booking rows (the customer profile's booking tabs).

LatePoint has no "arrived" status; the front office's own record of it belongs to bookings, so
a screen that lists bookings loads this library instead of reaching into bookings' code.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils import timezone

from bookings.checkins import checkins_for_bookings
from latepoint.models import Booking

register = template.Library()


@register.simple_tag
def with_checkins(bookings: Iterable[Booking]) -> list[tuple[Booking, str]]:
    """(booking, "Checked in at 09:12 by Rita", or "") for each booking: one query for all."""
    bookings = list(bookings)
    active = checkins_for_bookings(b.id for b in bookings)
    rows = []
    for booking in bookings:
        checkin = active.get(booking.id)
        note = ""
        if checkin is not None:
            when = timezone.localtime(checkin.checked_in_at).strftime("%H:%M")
            note = f"Checked in at {when} by {checkin.checked_in_by_name or 'staff'}"
        rows.append((booking, note))
    return rows
