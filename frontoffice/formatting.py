"""Formatting shared by every screen: money, status labels and safe links from upstream values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

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
