"""Reading the settings' environment (django-environ): the process's variables, then `.env`.

Each reader takes one variable; a value that cannot be understood stops start-up with a
message that names the variable.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def setting(name: str, cast: Callable[..., Any], default: Any) -> Any:
    """Read one variable, naming it when its value cannot be understood."""
    try:
        return cast(name, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Setting {name} is malformed: {exc}") from exc


def boolean(name: str, default: bool) -> bool:
    """true/false, yes/no, on/off or 1/0; anything else is a mistake, not False."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def database(name: str, default: str) -> dict:
    config = env.db_url(name, default=default)
    if not config.get("ENGINE"):
        raise ValueError("not a database URL this application understands")
    return config


def clock(name: str, default: str) -> int:
    """A time of day written HH:MM (24:00 for midnight at the end of the day), as minutes."""
    raw = env.str(name, default=default).strip()
    hours, _, minutes = raw.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"expected a time such as 08:00, got {raw!r}")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > 24 * 60:
        raise ValueError(f"{raw!r} is not a time of day")
    return value


def fee(name: str, default: Decimal | None) -> Decimal | None:
    """An amount of money such as 25 or 25.50 (blank or 0: no fee)."""
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"expected an amount such as 25 or 25.50, got {raw!r}") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(f"expected an amount such as 25 or 25.50, got {raw!r}")
    return value.quantize(Decimal("0.01")) if value > 0 else None


def hours(name: str, default: int) -> int:
    """A whole number of hours, 0 or more."""
    value = env.int(name, default=default)
    if value < 0:
        raise ValueError(f"expected 0 or more hours, got {value}")
    return value
