"""Shared formatting for every screen's templates: money, status labels and phone numbers.

`{% load formatting %}`. Both accept whatever an upstream payload may hold (None, "", a malformed
value) and return plain text, so Django's autoescaping still applies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from frontoffice.formatting import (
    DASH,
    format_clock,
    format_money,
    format_phone,
    phone_uri,
)
from frontoffice.formatting import status_label as format_status
from frontoffice.formatting import zone_words as format_zone_words

register = template.Library()


@register.filter
def money(value: Any, symbol: str | None = None) -> str:
    """1234.5 -> "$1,234.50"; -5 -> "-$5.00"; None or garbage -> "—"."""
    return format_money(value, symbol=symbol)


@register.filter
def status_label(value: Any, empty: str = DASH) -> str:
    """A status as words: "no_show" -> "No-show"; none -> "—", or `empty` if given.

    Booking pages say `|status_label:"Unknown"`: a booking always has a status.
    """
    return format_status(value, empty=empty)


@register.filter
def phone(value: Any, region: Any = None) -> str:
    """A phone number as every screen shows it: "+15125442223" -> "(512) 544-2223" in the
    business's region, "+44 20 7946 0958" elsewhere; text that is not a readable number as given.
    `region`: how a number without +country is read."""
    return format_phone(value, region)


@register.filter
def tel_uri(value: Any, region: Any = None) -> str:
    """A `tel:` link for a phone number: "tel:+15125442223"; "" when there are no digits."""
    return phone_uri(value, region)


@register.filter(expects_localtime=True)
def clock(value: Any) -> str:
    """A time of day as every screen writes it: "09:45", or "9:45 am" when FRONTOFFICE_CLOCK is
    12; "" for none. A datetime is read as the template's clock reads it (local time unless
    inside `{% localtime off %}`)."""
    if isinstance(value, datetime):
        value = value.time()
    return format_clock(value)


@register.filter
def zone_words(value: Any = None) -> str:
    """A time zone in words ("New York time"), from a datetime's zone or a zone's name;
    the business's zone for none."""
    if isinstance(value, datetime):
        value = getattr(value.tzinfo, "key", None) or (value.tzname() if value.tzinfo else None)
    return format_zone_words(value if isinstance(value, str) and value.strip() else None)
