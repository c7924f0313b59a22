"""Shared formatting for every screen's templates: money and status labels.

`{% load formatting %}`. Both accept whatever an upstream payload may hold (None, "", a malformed
value) and return plain text, so Django's autoescaping still applies.
"""

from __future__ import annotations

from typing import Any

from django import template

from frontoffice.formatting import DASH, format_money
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
