"""Formatting shared by every screen: money in the business currency, from any upstream value."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

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
