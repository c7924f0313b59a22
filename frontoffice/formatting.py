"""Formatting shared by every screen: money, status labels, phone numbers and safe links from
upstream values."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import time as dt_time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from django.utils import dateformat, timezone

#: The business currency symbol; a deployment may set FRONTOFFICE_CURRENCY_SYMBOL.
DEFAULT_CURRENCY = "$"
DASH = "—"


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a number or numeric text; None for anything else."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_money(value: Any, *, symbol: str | None = None, empty: str = DASH) -> str:
    """1234.5 -> "$1,234.50"; -5 -> "-$5.00"; None or garbage -> `empty`."""
    number = to_decimal(value)
    if number is None:
        return empty
    if symbol is None:
        symbol = getattr(settings, "FRONTOFFICE_CURRENCY_SYMBOL", DEFAULT_CURRENCY)
    rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{symbol}{abs(rounded):,.2f}"


#: Labels the plain "snake_case -> Sentence case" rule would get wrong.
_LABEL_EXCEPTIONS = {"no_show": "No-show"}


def status_label(value: Any, *, empty: str = DASH) -> str:
    """A status (booking, customer, payment, ...) as words, the same on every screen.

    "no_show" -> "No-show", "pending_verification" -> "Pending verification",
    "not_paid" -> "Not paid"; an unknown value is shown as sent, in words; None or "" -> `empty`.
    """
    text = str(value if value is not None else "").strip()
    if not text:
        return empty
    return _LABEL_EXCEPTIONS.get(text) or text.replace("_", " ").capitalize()


def status_phrase(value: Any) -> str:
    """A status as it reads inside a sentence: "is now a no-show", "is now cancelled"."""
    label = status_label(value, empty="").lower()
    return "a no-show" if label == "no-show" else label


def _phone_region(hint: Any) -> str | None:
    """A default region for numbers written without +: the hint if it is a country code."""
    if isinstance(hint, str) and len(hint.strip()) == 2 and hint.strip().isalpha():
        return hint.strip().upper()
    return getattr(settings, "FRONTOFFICE_PHONE_REGION", None) or None


def parse_phone(value: Any, region: Any = None) -> phonenumbers.PhoneNumber | None:
    """A phone number read as staff would (`region`: how a number without +country is read),
    or None when it cannot be shown internationally."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value, _phone_region(region))
    except phonenumbers.NumberParseException:
        return None
    # A number that is only possible locally (no area code) cannot be shown internationally.
    reason = phonenumbers.is_possible_number_with_reason(number)
    return number if reason == phonenumbers.ValidationResult.IS_POSSIBLE else None


def _home_country_code() -> int:
    return phonenumbers.country_code_for_region(_phone_region(None) or "")


def _shown_phone(number: phonenumbers.PhoneNumber) -> str:
    """The business's own country in its national format ("(512) 544-2223"), any other in
    international format ("+44 20 7946 0958")."""
    home = number.country_code == _home_country_code()
    kind = phonenumbers.PhoneNumberFormat.NATIONAL if home else None
    return phonenumbers.format_number(number, kind or phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def format_phone(value: Any, region: Any = None) -> str:
    """A phone number as every screen and file shows it: national format for the business's
    region (FRONTOFFICE_PHONE_REGION), international for others; the text as given when it
    cannot be read."""
    number = parse_phone(value, region)
    if number is None:
        return value.strip() if isinstance(value, str) else ""
    return _shown_phone(number)


def phone_uri(value: Any, region: Any = None) -> str:
    """A `tel:` link target: E.164 when readable, else the digits and a leading + only."""
    number = parse_phone(value, region)
    if number is not None:
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not isinstance(value, str):
        return ""
    kept = "".join(ch for ch in value.strip() if ch.isdigit() or ch == "+")
    return f"tel:{kept}" if any(ch.isdigit() for ch in kept) else ""


def phone_parts(value: Any, region: Any = None) -> tuple[str, str]:
    """`format_phone(value, region)` and `phone_uri(value, region)` together, the number read
    once (and remembered: a list shows the same numbers render after render)."""
    if not isinstance(value, str):
        return format_phone(value, region), phone_uri(value, region)
    return _phone_parts(value, _phone_region(region), _home_country_code())


@lru_cache(maxsize=4096)
def _phone_parts(value: str, region: str | None, home: int) -> tuple[str, str]:
    number = parse_phone(value, region)
    if number is None:
        return value.strip(), phone_uri(value, region)
    return (
        _shown_phone(number),
        "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )


def format_clock(value: Any) -> str:
    """A time of day as every screen and file writes it (FRONTOFFICE_CLOCK): "09:45" on a
    24-hour clock, "9:45 am" on a 12-hour one. An aware datetime is read on the business's
    clock; anything else -> ""."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    elif not isinstance(value, dt_time):
        return ""
    if getattr(settings, "FRONTOFFICE_CLOCK", "24") == "12":
        hour = value.hour % 12 or 12
        return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"
    return f"{value.hour:02d}:{value.minute:02d}"


def format_clock_span(start: Any, end: Any = None) -> str:
    """A start and end joined by an en dash, or the start alone; "" without a start."""
    begins = format_clock(start)
    if not begins:
        return ""
    until = format_clock(end)
    return f"{begins}\u2013{until}" if until else begins


def zone_words(name: str | None = None) -> str:
    """The business's time zone as a person says it: "America/New_York" -> "New York time"."""
    zone = str(name or settings.TIME_ZONE)
    place = zone.rsplit("/", 1)[-1].replace("_", " ")
    return "UTC" if place.upper() in ("UTC", "GMT", "Z") else f"{place} time"


def safe_url(value: Any, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """An upstream URL if it is absolute with one of `schemes`, else "".

    Upstream links are untrusted: a `javascript:` or relative URL must never reach an href or
    a src attribute.
    """
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() in schemes and parts.netloc:
        return text
    return ""


#: A stored timestamp as `datetime.isoformat()` writes it, with its offset (audit `changes`).
_ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})")


def business_datetime(value: Any) -> datetime | None:
    """An ISO timestamp with an offset ("2025-03-04T14:05:00+00:00", as the audit trail stores
    a check-in's time) on the business's clock (settings.TIME_ZONE); None if it is not one."""
    if not isinstance(value, str) or not _ISO_TIMESTAMP.fullmatch(value.strip()):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return timezone.localtime(moment)


def business_timestamp(value: Any, *, fmt: str = "Y-m-d H:i") -> str | None:
    """Such a timestamp as the business's wall clock reads it, in Django's date format `fmt`
    (like every other time on screen); None if `value` is not one."""
    moment = business_datetime(value)
    return None if moment is None else dateformat.format(moment, fmt)
