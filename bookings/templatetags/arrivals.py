"""Check-ins shown on other screens' booking rows (the customer profile's booking tabs), and
their Check in buttons.

LatePoint has no "arrived" status; the front office's own record of it belongs to bookings, so
a screen that lists bookings loads this library instead of reaching into bookings' code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from bookings.checkins import checkin_note, checkins_for_bookings
from bookings.models import CheckIn
from bookings.services.arrivals import arrival_slot
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
        rows.append((booking, checkin_note(checkin) if checkin is not None else ""))
    return rows


@register.inclusion_tag("bookings/includes/arrival.html", takes_context=True)
def arrival_action(
    context: template.Context,
    booking: Booking,
    checked_in: CheckIn | str | None = None,
    *,
    next_url: str = "",
    option: bool = False,
) -> dict[str, Any]:
    """A booking's Check in slot: "Checked in at …" (`checked_in`: its active check-in or that
    note), else a Check in button if it is open and today, else nothing. `next_url`: where a
    check-in without JavaScript comes back to; `option`: the slot is in the quick search's list.
    """
    return {
        "slot": arrival_slot(booking, checked_in),
        "next_url": next_url,
        "option": option,
        "csrf_token": context.get("csrf_token"),
    }
