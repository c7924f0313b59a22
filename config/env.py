"""Reading the settings' environment (django-environ): the process's variables, then `.env`.

`.env` (or the file `FRONTOFFICE_ENV_FILE` names) is a deployment's: the demo
(`FRONTOFFICE_DEMO=true` in the environment, as `make run` sets it) and the test suite (run by
pytest, which sets `PYTEST_VERSION`) never read it, so a production `.env` beside the source
tree changes neither. Each reader takes one variable; a value that cannot be understood stops
start-up with a message that names the variable and the value.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = Path(os.environ.get("FRONTOFFICE_ENV_FILE") or BASE_DIR / ".env")


def reads_env_file(environment: dict[str, str] | os._Environ) -> bool:
    """Whether `.env` applies: outside the demo and the test suite only."""
    demo = environment.get("FRONTOFFICE_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}
    return not demo and "PYTEST_VERSION" not in environment


if reads_env_file(os.environ):
    environ.Env.read_env(ENV_FILE, overwrite=False)


class Malformed(ValueError):
    """A value that cannot be understood: its message completes "Setting NAME ..."."""


def setting(name: str, cast: Callable[..., Any], default: Any) -> Any:
    """Read one variable, naming it when its value cannot be understood."""
    try:
        return cast(name, default=default)
    except Malformed as exc:
        raise ImproperlyConfigured(f"Setting {name} {exc}.") from exc
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Setting {name} is malformed: {exc}") from exc


def _raw(name: str) -> str:
    return env.str(name, default="").strip()


def _finite(name: str, default: float, expected: str) -> float:
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Malformed(f"must be {expected}, got {raw!r}")
    return value


def seconds(name: str, default: float) -> float:
    """A number of seconds such as 10 or 2.5."""
    return _finite(name, default, "a number of seconds")


def number(name: str, default: float) -> float:
    """A number such as 0.75."""
    return _finite(name, default, f"a number such as {default}")


def whole(name: str, default: int) -> int:
    """A whole number such as 60."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise Malformed(f"must be a whole number such as {default}, got {raw!r}") from None


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
        raise Malformed(f"must be an amount such as 25 or 25.50, got {raw!r}") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise Malformed(f"must be an amount such as 25 or 25.50, got {raw!r}")
    return value.quantize(Decimal("0.01")) if value > 0 else None


def hours(name: str, default: int) -> int:
    """A whole number of hours, 0 or more."""
    raw = _raw(name)
    if not raw:
        return default
    if not raw.isdigit():
        raise Malformed(f"must be a whole number of hours (0 or more), got {raw!r}")
    return int(raw)
