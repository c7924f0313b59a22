"""The shared read cache behind `upstream.gateway.api()`.

Each read is kept as an `Entry` (value, when it was fetched, the generation tokens it was read
under) for LATEPOINT_STALE_TTL, well beyond its freshness:

- fresh (tokens current, younger than the TTL of its kind): served with no call;
- otherwise one request fetches it while concurrent requests for the same entry wait for that
  answer instead of asking LatePoint again (a fill lock in the shared cache), and share its
  failure too;
- when LatePoint is slow, down, rate-limited or out of budget, the older copy is served and the
  page says so (`upstream_metrics.note_stale`), rather than an error page.

Invalidation works by generation tokens: an entry remembers the tokens of what it depends on
(the customer lists, the booking lists, one customer, one booking), and a write replaces the
tokens it touches, so every older entry stops being fresh. A token that was evicted is replaced
by a new random one, never by a value an old entry could still match.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

from latepoint import errors
from latepoint.client import LatePointClient
from upstream import budget, unpickled
from upstream import metrics as upstream_metrics

logger = logging.getLogger("frontoffice")

T = TypeVar("T")

DEFAULT_TTL = {
    "customer_list": 60,
    "customer": 120,
    "customer_summary": 6 * 3600,
    "booking_list": 30,
    "booking_history": 6 * 3600,
    "booking": 60,
    "reference": 900,
    # Free slots and agents: any booking write through the front office refreshes them.
    "availability": 15,
    # Payments and orders: any payment or order write through the front office refreshes them.
    "payment_list": 30,
    # Payment pages of days gone by: a payment is dated when it is taken, so those days only
    # change by an edit, which goes through the front office and refreshes them.
    "payment_history": 6 * 3600,
    "payment": 60,
    "order_list": 30,
    "order": 60,
}

KEY_PREFIX = "latepoint:v2"

#: Failures after which an older copy is shown instead of an error: LatePoint did not answer
#: usefully, but nothing says the data changed.
TRANSIENT = (
    errors.APIConnectionError,  # timeouts and the page's deadline included
    errors.RateLimited,  # the shared budget included
    errors.ServerError,
    errors.BadResponse,
)
#: How often a waiting request looks for the answer another request is fetching.
_POLL_SECONDS = 0.05
#: A failure is shared with the requests that waited for it for this long.
_FAILURE_SECONDS = 3


def _normal(value: Any) -> Any:
    """A JSON-able, order-independent form of a call argument, for hashing."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted(_normal(v) for v in value)
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class Entry:
    """One cached read: the value, when LatePoint gave it, and the tokens it was read under."""

    value: Any
    fetched_at: float
    tokens: tuple[tuple[str, str], ...]


def _freeze(exc: errors.LatePointError) -> dict[str, Any]:
    """A failure as plain data, to share with the requests that waited for the same read."""
    return {
        "kind": type(exc).__name__,
        "status": getattr(exc, "status", None),
        "retry_after": getattr(exc, "retry_after", None),
        "text": str(exc)[:200],
    }


def _thaw(frozen: Mapping[str, Any]) -> errors.LatePointError:
    kind = getattr(errors, str(frozen.get("kind")), None)
    text = str(frozen.get("text", ""))
    if kind is errors.BudgetExhausted:
        return errors.BudgetExhausted(retry_after=frozen.get("retry_after"))
    if isinstance(kind, type) and issubclass(kind, errors.RateLimited):
        return errors.RateLimited(status=429, retry_after=frozen.get("retry_after"), message=text)
    if isinstance(kind, type) and issubclass(kind, errors.APIError):
        return errors.error_class_for(int(frozen.get("status") or 502))(
            status=int(frozen.get("status") or 502), message=text
        )
    if isinstance(kind, type) and issubclass(kind, errors.BadResponse):
        return errors.BadResponse(text, status=frozen.get("status"))
    if isinstance(kind, type) and issubclass(kind, errors.LatePointError):
        return kind(text)
    return errors.APIConnectionError(text)


class ReadCache:
    """Generations, keys and the read path (see the module doc), for one LatePoint site."""

    def __init__(self, client: LatePointClient, *, priority: str | None = None) -> None:
        self.client = client
        #: The budget class its calls count in (upstream.budget); None: the caller's.
        self.priority = priority
        # Entries of one LatePoint site never answer for another (the key is not in it).
        self._scope = hashlib.sha256(client.base_url.encode()).hexdigest()[:12]

    # --- generations ---------------------------------------------------------------------
    def _gen_key(self, name: str) -> str:
        return f"{KEY_PREFIX}:{self._scope}:gen:{name}"

    def _tokens(self, names: Iterable[str]) -> tuple[tuple[str, str], ...]:
        names = tuple(names)
        keys = [self._gen_key(name) for name in names]
        found = cache.get_many(keys)
        tokens = []
        for name, key in zip(names, keys, strict=True):
            token = found.get(key)
            if token is None:
                cache.add(key, secrets.token_hex(8), timeout=None)
                token = cache.get(key) or ""
            tokens.append((name, token))
        return tuple(tokens)

    def _bump(self, *names: str) -> None:
        cache.set_many({self._gen_key(name): secrets.token_hex(8) for name in names}, timeout=None)

    def _key(self, method: str, arguments: Mapping[str, Any]) -> str:
        raw = json.dumps([method, _normal(arguments)], sort_keys=True)
        digest = hashlib.sha256(raw.encode()).hexdigest()
        return f"{KEY_PREFIX}:{self._scope}:{method}:{digest}"

    @staticmethod
    def _ttl(kind: str) -> int:
        ttls = getattr(settings, "LATEPOINT_CACHE_TTL", {}) or {}
        return int(ttls.get(kind, DEFAULT_TTL[kind]))

    def _is_fresh(self, entry: Any, ttl: int) -> bool:
        if not isinstance(entry, Entry) or time.time() - entry.fetched_at >= ttl:
            return False
        return self._tokens(name for name, _ in entry.tokens) == entry.tokens

    def _fresh_of(self, entries: Mapping[Any, Entry], kind: str) -> dict[Any, Entry]:
        """Those of `entries` that `_is_fresh` would keep, their generations read at once (a
        board's hundreds of summaries are one read of the shared cache, not one each)."""
        ttl, now = self._ttl(kind), time.time()
        young = {k: e for k, e in entries.items() if now - e.fetched_at < ttl}
        current = dict(self._tokens({name for e in young.values() for name, _ in e.tokens}))
        return {k: e for k, e in young.items() if all(current.get(n) == t for n, t in e.tokens)}

    @staticmethod
    def _entry(method: str, key: str) -> Any:
        """What the shared cache holds at `key` (a read of `method`), or None."""
        return unpickled.get(key) if method in unpickled.METHODS else cache.get(key)

    # --- the read path -----------------------------------------------------------------------
    def _read(
        self,
        method: str,
        kind: str,
        generations: tuple[str, ...],
        arguments: Mapping[str, Any],
        call: Callable[[], T],
        *,
        fresh: bool = False,
        depends_on: Callable[[T], Iterable[str]] | None = None,
    ) -> T:
        """A cached read (see the module doc): fresh copy, one shared fetch, or an older copy.

        `fresh=True` (before a write) always asks LatePoint and never falls back on a copy.
        `depends_on(value)` names more generations the value depends on (a booking's customer).
        """
        key = self._key(method, arguments)
        ttl = self._ttl(kind)
        if fresh:
            return self._fill(key, generations, call, None, depends_on, method)
        entry = self._entry(method, key)
        if ttl > 0 and self._is_fresh(entry, ttl):
            return entry.value
        stale = entry if isinstance(entry, Entry) else None
        lock = key + ":fill"
        while True:
            if cache.add(lock, 1, timeout=int(settings.LATEPOINT_DEADLINE) + 5):
                try:
                    return self._fill(key, generations, call, stale, depends_on, method)
                finally:
                    cache.delete(lock)
            # Another request is fetching this very entry: wait for its answer.
            started = time.time()
            while cache.get(lock) is not None:
                left = upstream_metrics.time_left()
                if left is not None and left <= _POLL_SECONDS:
                    return self._fall_back(stale, errors.DeadlineExceeded(f"{method}: waited"))
                time.sleep(_POLL_SECONDS)
            entry = self._entry(method, key)
            # What it fetched (a second's grace for a zero TTL).
            if self._is_fresh(entry, max(ttl, 1)):
                return entry.value
            failed = cache.get(key + ":failed")
            if failed is not None and failed.get("at", 0) >= started - _FAILURE_SECONDS:
                return self._fall_back(stale, _thaw(failed))
            # The other request gave up without an answer: try ourselves.

    def _fill(
        self,
        key: str,
        generations: tuple[str, ...],
        call: Callable[[], T],
        stale: Entry | None,
        depends_on: Callable[[T], Iterable[str]] | None,
        method: str = "",
    ) -> T:
        tokens = self._tokens(generations)
        try:
            with budget.work_of(self.priority):
                if stale is not None:
                    # There is something to show: wait for the budget only briefly.
                    with budget.wait_briefly():
                        value = call()
                else:
                    value = call()
        except TRANSIENT as exc:
            cache.set(key + ":failed", {**_freeze(exc), "at": time.time()}, _FAILURE_SECONDS)
            return self._fall_back(stale, exc)
        if depends_on is not None:
            tokens = tokens + self._tokens(depends_on(value))
        entry = Entry(value, time.time(), tokens)
        if method in unpickled.METHODS:
            unpickled.put(key, entry, settings.LATEPOINT_STALE_TTL)
        else:
            cache.set(key, entry, settings.LATEPOINT_STALE_TTL)
        self._remember(method, value, tokens)
        return value

    def _remember(self, method: str, value: Any, tokens: tuple[tuple[str, str], ...]) -> None:
        """What else a fresh answer of `method` tells, kept where other reads look for it
        (tokens: those it was read under). Nothing here; the gateway keeps customers."""

    @staticmethod
    def _fall_back(stale: Entry | None, exc: errors.LatePointError) -> Any:
        if stale is None:
            raise exc
        logger.info("showing a copy from %.0f s ago: %s", time.time() - stale.fetched_at, exc)
        upstream_metrics.note_stale(stale.fetched_at, stale_cause(exc))
        return stale.value


def stale_cause(exc: errors.LatePointError) -> str:
    """Why a copy is shown instead of LatePoint's answer, in the words the page uses."""
    if isinstance(exc, errors.BudgetExhausted):
        return upstream_metrics.HELD_BACK
    if isinstance(exc, errors.RateLimited):  # LatePoint answered: too many requests
        return upstream_metrics.BUSY
    if isinstance(exc, errors.APITimeoutError):
        return upstream_metrics.SLOW
    return upstream_metrics.DOWN


def _id(value: Any) -> str:
    """An id as it appears in cache keys and generation names: "45" for 45, "45" and " 45 "."""
    return str(value).strip()
