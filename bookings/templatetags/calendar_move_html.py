"""The day calendar's hooks for moving a booking (static/js/calendar-move.js): what a block
carries so that it can be picked up and dropped, written into the grid's Python-made markup
(`calendar_html.py`)."""

from __future__ import annotations

from html import escape

from django import template

from bookings.services.moving import MOVABLE, version_at

register = template.Library()


def move_attributes(item, *, today) -> str:
    """A movable block's data attributes: its booking, its version as shown (the move's
    conflict check), its agent, start and rows; "" for a block that cannot be moved (another
    location's, cancelled, finished, in the past, or with no agent or time). `item.start` is
    already in the business's time zone, `today` its date: the same rule as
    `reschedule_refusal` and the same version as `booking_version`, without a time-zone
    lookup a block."""
    b = item.booking
    if item.elsewhere or item.cancelled or b.agent is None or item.start is None:
        return ""
    if str(b.status) not in MOVABLE or item.start.date() < today:
        return ""
    return (
        f' data-move="{b.id}" data-move-seen="{escape(version_at(b, item.start))}"'
        f' data-agent="{escape(str(b.agent.id))}" data-span="{item.span}"'
        f' data-time="{item.start:%H:%M}" draggable="true" aria-keyshortcuts="M"'
    )
