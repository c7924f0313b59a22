"""Display filters for customer data: phone numbers, ages, initials, countries and rates.

Money and status labels are in the shared `formatting` library.

Every filter accepts whatever an upstream payload may hold (None, "", a malformed value) and
returns plain text, never markup, so Django's autoescaping still applies to the result.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils import timezone
from django_countries import countries

from frontoffice.formatting import DASH, format_phone, phone_uri
from frontoffice.formatting import to_decimal as _decimal

register = template.Library()


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """A rate already in percent: Decimal("12.345") -> "12.3%"; None -> "—"."""
    number = _decimal(value)
    if number is None:
        return DASH
    try:
        places = max(int(places), 0)
    except (TypeError, ValueError):
        places = 1
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP)}%"


@register.filter
def phone(value: Any, region: Any = None) -> str:
    """A phone number as every screen shows it; the value as given when it cannot be parsed.

    `region` (e.g. the customer's country code) is how a number without +country is read.
    The same as the shared `formatting` library's `phone`, so every screen agrees.
    """
    return format_phone(value, region)


@register.filter
def tel_uri(value: Any, region: Any = None) -> str:
    """A `tel:` link target: E.164 when parsable, else the digits and a leading + only."""
    return phone_uri(value, region)


@register.filter
def age(value: Any, today: date | None = None) -> int | str:
    """Whole years since a date of birth; "" when there is none or it is in the future."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return ""
    today = today or timezone.localdate()
    if value > today:
        return ""
    years = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    return years


@register.filter
def initials(value: Any) -> str:
    """ "Ana María López" -> "AL"; an object with first/last names works too; "?" if none."""
    first = getattr(value, "first_name", None)
    last = getattr(value, "last_name", None)
    if first is not None or last is not None:
        words = [w for w in (str(first or "").split() + str(last or "").split()) if w]
    else:
        words = [w for w in str(value or "").split() if w]
    letters = [w[0] for w in words if w[0].isalnum()]
    if not letters:
        return "?"
    picked = letters[0] + (letters[-1] if len(letters) > 1 else "")
    return picked.upper()


@register.filter
def country_name(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code as its name ("UY" -> "Uruguay"); other text as given."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        name = countries.name(text.upper())
        if name:
            return str(name)
    return text


@register.filter
def dash(value: Any) -> Any:
    """The value, or "—" when it is None or empty (0 stays 0)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DASH
    return value
