"""Value converters for the many spellings the LatePoint documentation uses (§1.10, §1.11).

Each converter takes whatever JSON gave us and returns a clean Python value, or None when the
value means "nothing" (null, "", "0000-00-00", "n/a"). A value that is present but cannot be
understood raises ValueError; callers in `latepoint.parsing` decide whether that is fatal (an id)
or tolerable (an optional date), and the client turns anything fatal into BadResponse.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Strings that mean "no value" for dates, times and amounts.
EMPTY_STRINGS = frozenset({"", "0000-00-00", "0000-00-00 00:00:00", "n/a", "na", "null", "none"})

_MONEY_STRIP = re.compile(r"[^\d.\-]")
_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in EMPTY_STRINGS
    return False


def to_str(value: Any) -> str:
    """Text for display fields: None becomes "", numbers become their digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    # Lists or objects where text was expected: not displayable text.
    return ""


def to_int(value: Any) -> int | None:
    """Ids and counts: 45, "45", 45.0, "45.0". Empty means None."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = Decimal(text)  # "12.0" -> 12; anything else raises
            if number.is_finite() and number == number.to_integral_value():
                return int(number)
        except InvalidOperation:
            pass
        raise ValueError(f"not an integer: {value!r}")
    raise ValueError(f"not an integer: {value!r}")


def to_id(value: Any) -> int:
    """A required id: an int or a digit string. Missing or unreadable raises ValueError."""
    number = to_int(value)
    if number is None:
        raise ValueError("missing id")
    return number


def to_decimal(value: Any) -> Decimal | None:
    """Money: "850.00", "23.0000", "50", 150, "$0", "$1,234.50", "1 234,50 €" is not supported."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        text = value.strip()
        negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
        cleaned = _MONEY_STRIP.sub("", text).lstrip("-")
        if not cleaned or cleaned.count(".") > 1:
            raise ValueError(f"not an amount: {value!r}")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
        return -amount if negative else amount
    raise ValueError(f"not an amount: {value!r}")


def to_bool(value: Any) -> bool:
    """true, 1, "1", "true", "yes" are true; everything else (including null) is false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return False


def get_zone(name: str | None, default: tzinfo = UTC) -> tzinfo:
    """A ZoneInfo for an IANA name, or `default` when the name is empty or unknown."""
    if not name or not isinstance(name, str):
        return default
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return default


def to_date(value: Any, tz: tzinfo = UTC) -> date | None:
    """Y-m-d, m/d/Y, a MySQL datetime or an ISO datetime (its date in the site's zone)."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.astimezone(tz).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    if match := _YMD.match(text):
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    if match := _MDY.match(text):
        month, day, year = (int(part) for part in match.groups())
        return date(year, month, day)
    moment = to_datetime(text, tz)
    return moment.astimezone(tz).date() if moment else None


def to_datetime(value: Any, tz: tzinfo = UTC) -> datetime | None:
    """An aware datetime from ISO 8601 (Z or an offset), MySQL "Y-m-d H:i:s" (read in `tz`),
    a bare date (midnight in `tz`) or a Unix timestamp."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, bool):
        raise ValueError(f"not a datetime: {value!r}")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC).astimezone(tz)
        except (OverflowError, OSError):
            raise ValueError(f"not a timestamp: {value!r}") from None
    if not isinstance(value, str):
        raise ValueError(f"not a datetime: {value!r}")
    text = value.strip()
    if match := _MDY.match(text):
        month, day, year = (int(part) for part in match.groups())
        return datetime(year, month, day, tzinfo=tz)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)  # Y-m-d, "Y-m-d H:i:s", ISO with offset
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def to_time(value: Any) -> time | None:
    """ "16:00", "16:00:00", "4:00 pm", or minutes since midnight ("960", 960)."""
    if is_empty(value):
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif isinstance(value, str) and value.strip().isdigit():
        minutes = int(value.strip())
    elif isinstance(value, str) and (match := _TIME.match(value.strip())):
        hours, mins, secs, meridiem = match.groups()
        hour = int(hours)
        if meridiem:
            hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
        return time(hour, int(mins), int(secs or 0))
    else:
        raise ValueError(f"not a time: {value!r}")
    if not 0 <= minutes < 24 * 60:
        raise ValueError(f"not a time: {value!r}")
    return time(minutes // 60, minutes % 60)


def as_list(value: Any) -> list:
    """A list, or [] for null; an object keyed by index (PHP) becomes its values."""
    if isinstance(value, list):
        return value
    if value is None or value == "" or value == {}:
        return []
    if isinstance(value, dict):
        return list(value.values())
    raise ValueError(f"expected a list, got {type(value).__name__}")
