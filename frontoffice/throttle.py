"""Sign-in throttling: repeated failed sign-ins are refused for a while, counted in the cache.

Two counters, each a fixed window that starts at the first failure:
- per username and client address: stops guessing one account's password;
- per client address: stops trying one password against many usernames.
A successful sign-in clears the username's counter (not the address's).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger("frontoffice.security")

#: Failures allowed per username and address within the window.
MAX_FAILURES_PER_USERNAME = 5
#: Failures allowed per address (all usernames) within the window.
MAX_FAILURES_PER_ADDRESS = 30
#: Seconds a window lasts.
WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Lockout:
    """Why sign-in is refused, and for how long at most."""

    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, -(-self.retry_after // 60))
        return (
            "Too many failed sign-in attempts. For your security, sign-in is paused for this "
            f"account on this device: try again in {minutes} minutes, or ask a manager to "
            "check your account."
        )


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as the web server saw it."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(*parts: str) -> str:
    # Hashed: usernames typed at the sign-in form are arbitrary text, and cache keys are not.
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"signin-failures:{digest}"


def _limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "SIGNIN_MAX_FAILURES", MAX_FAILURES_PER_USERNAME),
        getattr(settings, "SIGNIN_MAX_FAILURES_PER_ADDRESS", MAX_FAILURES_PER_ADDRESS),
        getattr(settings, "SIGNIN_WINDOW_SECONDS", WINDOW_SECONDS),
    )


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    address = client_address(request)
    return _key("user", username.strip().casefold(), address), _key("addr", address)


def signin_lockout(request: HttpRequest, username: str) -> Lockout | None:
    """A Lockout when this username (from this address) may not try to sign in now."""
    per_user, per_address, window = _limits()
    user_key, address_key = _keys(request, username)
    counts = cache.get_many([user_key, address_key])
    if counts.get(user_key, (0, 0))[0] >= per_user:
        return Lockout(retry_after=_remaining(counts[user_key], window))
    if counts.get(address_key, (0, 0))[0] >= per_address:
        return Lockout(retry_after=_remaining(counts[address_key], window))
    return None


def _remaining(entry: tuple[int, float], window: int) -> int:
    _, started = entry
    return max(1, int(started + window - time.time()))


def signin_failed(request: HttpRequest, username: str) -> None:
    """Count one failed sign-in for the username and the address."""
    _, _, window = _limits()
    now = time.time()
    for key in _keys(request, username):
        count, started = cache.get(key, (0, now))
        remaining = max(1, int(started + window - now))
        cache.set(key, (count + 1, started), timeout=remaining)
    logger.warning("failed sign-in from %s", client_address(request))


def signin_succeeded(request: HttpRequest, username: str) -> None:
    """Forget the username's failures after a successful sign-in."""
    user_key, _ = _keys(request, username)
    cache.delete(user_key)
