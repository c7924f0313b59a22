"""Shared formatting for every screen's templates: money, status labels and phone numbers.

`{% load formatting %}`. Both accept whatever an upstream payload may hold (None, "", a malformed
value) and return plain text, so Django's autoescaping still applies.
"""

from __future__ import annotations

from typing import Any

from django import template

from frontoffice.formatting import DASH, format_money, format_phone, phone_uri
from frontoffice.formatting import status_label as format_status

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
    """A phone number as every screen shows it: "+15125442223" -> "+1 512-544-2223"; text that
    is not a readable number as given. `region`: how a number without +country is read."""
    return format_phone(value, region)


@register.filter
def tel_uri(value: Any, region: Any = None) -> str:
    """A `tel:` link for a phone number: "tel:+15125442223"; "" when there are no digits."""
    return phone_uri(value, region)
