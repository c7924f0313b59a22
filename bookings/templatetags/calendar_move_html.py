"""The day calendar's hooks for moving a booking (static/js/calendar-move.js): what a block
carries so that it can be picked up and dropped, written into the grid's Python-made markup
(`calendar_html.py`)."""

from __future__ import annotations

from html import escape

from django import template

from bookings.services.moving import booking_version, reschedule_refusal

register = template.Library()


def move_attributes(item) -> str:
    """A movable block's data attributes: its booking, its version as shown (the move's
    conflict check), its agent, start and rows; "" for a block that cannot be moved (another
    location's, cancelled, finished, in the past, or with no agent or time)."""
    b = item.booking
    if item.elsewhere or item.cancelled or b.agent is None or item.start is None:
        return ""
    if reschedule_refusal(b):
        return ""
    return (
        f' data-move="{b.id}" data-move-seen="{escape(booking_version(b))}"'
        f' data-agent="{escape(str(b.agent.id))}" data-span="{item.span}"'
        f' data-time="{item.start:%H:%M}" draggable="true" aria-keyshortcuts="M"'
    )
