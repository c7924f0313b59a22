"""A new booking as the audit trail keeps it: the names the screen showed, not ids."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from frontoffice.formatting import format_clock
from frontoffice.reference import reference_data
from latepoint.client import ANY_AGENT
from latepoint.errors import LatePointError
from latepoint.models import Booking

if TYPE_CHECKING:
    from bookings.services.booking import NewBooking

ANY_AGENT_WORDS = "any available agent"


def _named(items, wanted, label) -> str:
    found = next((item for item in items if str(item.id) == str(wanted)), None)
    return label(found) if found is not None else f"#{wanted}"


def booking_names(new: NewBooking, booking: Booking | None) -> dict[str, str]:
    """{"customer", "service", "agent", "location", "time"} as words: from the booking made
    when there is one, else from the form's choices and the cached reference data (no call
    in the ordinary case: the booking form read it a moment ago)."""
    names: dict[str, str] = {}
    customer = booking.customer if booking is not None else None
    typed = new.new_customer or {}
    names["customer"] = (
        (customer.full_name if customer is not None else "")
        or new.customer_name
        or " ".join(p for p in (typed.get("first_name"), typed.get("last_name")) if p)
    )
    read: list = []

    def reference(kind: str) -> list:
        # Read only when a name is missing from the booking made.
        if not read:
            try:
                read.append(reference_data())
            except LatePointError:
                read.append(None)
        return getattr(read[0], kind) if read[0] is not None else []

    if booking is not None and booking.service is not None and booking.service.name:
        names["service"] = booking.service.name
    else:
        names["service"] = _named(reference("services"), new.service_id, lambda s: s.name)
    if booking is not None and booking.agent is not None and booking.agent.display_name:
        names["agent"] = booking.agent.display_name
    elif str(new.agent_id) == str(ANY_AGENT):
        names["agent"] = ANY_AGENT_WORDS
    else:
        names["agent"] = _named(reference("agents"), new.agent_id, lambda a: a.display_name)
    if booking is not None and booking.location is not None and booking.location.name:
        names["location"] = booking.location.name
    elif new.location_id is not None:
        names["location"] = _named(reference("locations"), new.location_id, lambda loc: loc.name)
    hours, _, minutes = new.start_time.partition(":")
    try:
        names["time"] = format_clock(time(int(hours), int(minutes)))
    except ValueError:
        names["time"] = new.start_time
    return names
