"""Reading one value of a LatePoint payload object, whichever documented key carries it.

Required values (an object's id) must be readable, or the whole payload is a BadResponse.
Optional values that are present but unreadable (a date "tomorrow-ish") become None, and are
logged at DEBUG without their content: one odd field must not hide a whole list from staff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any, TypeVar

from latepoint import convert
from latepoint.errors import BadResponse

logger = logging.getLogger("latepoint")

V = TypeVar("V")


def soft(convert_fn: Callable[..., V], value: Any, *args: Any, name: str = "") -> V | None:
    """Apply a converter to an optional value: unreadable becomes None (logged, not shown)."""
    try:
        return convert_fn(value, *args)
    except (ValueError, TypeError, ArithmeticError):
        logger.debug("unreadable optional value for %s", name or convert_fn.__name__)
        return None


def first_present(data: Mapping[str, Any], *keys: str) -> Any:
    """The first key present with a non-empty value."""
    for key in keys:
        value = data.get(key)
        if value is not None and value != "":
            return value
    return None


def get_int(data: Mapping[str, Any], *keys: str) -> int | None:
    return soft(convert.to_int, first_present(data, *keys), name=keys[0])


def get_count(data: Mapping[str, Any], key: str, default: int = 0) -> int:
    value = get_int(data, key)
    return default if value is None else value


def get_money(data: Mapping[str, Any], *keys: str) -> Decimal | None:
    return soft(convert.to_decimal, first_present(data, *keys), name=keys[0])


def get_date(data: Mapping[str, Any], key: str, tz: tzinfo) -> date | None:
    return soft(convert.to_date, data.get(key), tz, name=key)


def get_datetime(data: Mapping[str, Any], tz: tzinfo, *keys: str) -> datetime | None:
    return soft(convert.to_datetime, first_present(data, *keys), tz, name=keys[0])


def get_text(data: Mapping[str, Any], *keys: str) -> str:
    return convert.to_str(first_present(data, *keys))


def as_object(value: Any) -> dict:
    """A nested object, or {} for anything else (a nested block we cannot read is absent)."""
    return value if isinstance(value, dict) else {}


def require_mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise BadResponse(f"expected a {what} object, got {type(data).__name__}")
    return data


def require_id(data: Mapping[str, Any], what: str, *keys: str) -> int:
    try:
        return convert.to_id(first_present(data, *(keys or ("id",))))
    except ValueError:
        raise BadResponse(f"{what} without a readable id") from None
