"""The day calendar's side panel: one booking with the booking page's own check-in and status
forms (`bookings/detail.html#booking-actions`), opened and posted by HTMX into the panel.

The booking page (`/bookings/<id>/`), the check-in views and the status view answer a request
aimed at the panel (`HX-Target: booking-panel`) with the panel again, so the panel reuses them
all; without JavaScript a block is a plain link to the booking page.
"""

from __future__ import annotations

from datetime import date

from django.template.response import TemplateResponse
from django.utils import timezone
from django_htmx.http import trigger_client_event

from bookings.checkins import checkins_for_bookings
from bookings.models import CheckIn
from bookings.services.arrivals import board_row, checkin_refusal, listed_booking, with_badges
from bookings.services.listing import booking_get
from bookings.services.status import booking_actions
from frontoffice.http import HtmxHttpRequest, same_site_url, wants_fragment
from latepoint.models import Booking

#: The id of the panel's element, which its requests target.
PANEL_TARGET = "booking-panel"

#: Sent when the panel changed a booking: the calendar refreshes on it (as the Today board does).
BOARD_CHANGED = "board-changed"

#: Unset: the booking's active check-in is looked up.
_LOOK_UP = object()


def from_panel(request: HtmxHttpRequest) -> bool:
    """True for an HTMX request aimed at the calendar's side panel."""
    return wants_fragment(request) and request.htmx.target == PANEL_TARGET


def panel_booking(*, booking_id: int, day: str = "") -> Booking:
    """The booking as the calendar of `day` (YYYY-MM-DD) just read it (no call), else read."""
    try:
        shown = listed_booking(booking_id=booking_id, day=date.fromisoformat(day)) if day else None
    except ValueError:
        shown = None
    return shown or booking_get(booking_id=booking_id)


def panel_response(
    request: HtmxHttpRequest,
    booking: Booking | None,
    *,
    booking_id: int | None = None,
    check_in: CheckIn | object | None = _LOOK_UP,
    message: str = "",
    error: str = "",
    status: int = 200,
    changed: bool = False,
) -> TemplateResponse:
    """The panel for `booking`: its arrival and status actions, and what just happened.

    `check_in` is the booking's active check-in when already known; `changed` tells the
    calendar to refresh. With no booking (LatePoint could not give it), the panel says `error`
    and keeps the way to the booking page.
    """
    current = request.htmx.current_url_abs_path if request.htmx else ""
    context: dict = {
        "panel": True,
        "booking": booking,
        "booking_id": booking.id if booking is not None else booking_id,
        "message": message,
        "error": error,
        "announce": error or message,
        "announce_level": "error" if error else "success",
        "next_url": same_site_url(request, current),
    }
    if booking is not None:
        if check_in is _LOOK_UP:
            check_in = checkins_for_bookings([booking.id]).get(booking.id)
        # The customer's badge is drawn with the panel: risk from the booking history, blocked
        # when their summary is cached (no call: the panel reuses the calendar's listing).
        row = with_badges([board_row(booking, check_in, now=timezone.now())])[0]
        context.update(
            row=row,
            check_in=row.check_in,
            checkin_refusal="" if row.check_in else checkin_refusal(booking),
            actions=booking_actions(booking=booking, user=request.user),
            late_minutes=row.late_minutes,
            badge=row.badge,
        )
    response = TemplateResponse(
        request, "bookings/includes/booking_panel.html", context, status=status
    )
    if changed:
        trigger_client_event(response, BOARD_CHANGED)
    return response
