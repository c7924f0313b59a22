"""The front office's door to LatePoint: the client built from settings, and a read cache.

- `get_client()` builds a `LatePointClient` from settings (LATEPOINT_API_URL, LATEPOINT_API_KEY,
  LATEPOINT_TIMEOUT, TIME_ZONE), one per process and per distinct settings. Its `on_call` hook
  feeds `frontoffice.upstream_metrics.record_call`, so Server-Timing counts every attempt.
- `api()` returns a `CachedLatePoint`: the client's read methods served from Django's cache
  within a TTL per kind (settings.LATEPOINT_CACHE_TTL), and its write methods, which call
  upstream once and then invalidate every cached entry they may have changed.

Invalidation works by generation tokens instead of deleting keys: each cache entry's key
includes the tokens it depends on (the customer lists, the booking lists, one customer, one
booking), and a write replaces the tokens it touches, so every older entry becomes unreachable
and simply expires. A token that was evicted is replaced by a new random one, never by a value
an old entry could still match.

Views never call these directly: services do.
"""

from __future__ import annotations

import contextvars
import hashlib
import inspect
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

from frontoffice import upstream_metrics
from latepoint.client import CallRecord, LatePointClient
from latepoint.models import Agent, ApiStatus, Booking, Customer, Location, Page, Service

logger = logging.getLogger("frontoffice")

T = TypeVar("T")

#: Parallel page fetches per request (the key's rate limit is shared by every desk).
MAX_WORKERS = 4
#: Rows per page when fetching everything.
BULK_PER_PAGE = 100
#: Never fetch more pages than this in one sweep (100,000 rows at 100 per page).
MAX_PAGES = 1000

_DEFAULT_TTL = {
    "customer_list": 60,
    "customer": 120,
    "booking_list": 30,
    "booking": 60,
    "reference": 900,
}

_KEY_PREFIX = "latepoint:v1"

# --- the client ------------------------------------------------------------------------------

_clients: dict[tuple[str, str, str, str], LatePointClient] = {}
_clients_lock = threading.Lock()


def _record_call(record: CallRecord) -> None:
    upstream_metrics.record_call(record.duration_ms)


def get_client() -> LatePointClient:
    """The process's client for the current settings (a new one when they change)."""
    url = settings.LATEPOINT_API_URL
    api_key = settings.LATEPOINT_API_KEY
    timeout = settings.LATEPOINT_TIMEOUT
    zone = settings.TIME_ZONE
    # The memo key holds a digest of the API key, never the key itself.
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    memo_key = (url, digest, repr(timeout), zone)
    client = _clients.get(memo_key)
    if client is None:
        with _clients_lock:
            client = _clients.get(memo_key)
            if client is None:
                client = LatePointClient(
                    base_url=url,
                    api_key=api_key,
                    timeout=timeout,
                    on_call=_record_call,
                    site_timezone=zone,
                )
                _clients[memo_key] = client
    return client


def api() -> CachedLatePoint:
    """The cached LatePoint API for services."""
    return CachedLatePoint(get_client())


# --- cache keys --------------------------------------------------------------------------------


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


class CachedLatePoint:
    """The client's methods with a read cache and write invalidation (see the module doc)."""

    def __init__(self, client: LatePointClient) -> None:
        self.client = client
        # Entries of one LatePoint site never answer for another (the key is not in it).
        self._scope = hashlib.sha256(client.base_url.encode()).hexdigest()[:12]

    # --- generations ---------------------------------------------------------------------
    def _gen_key(self, name: str) -> str:
        return f"{_KEY_PREFIX}:{self._scope}:gen:{name}"

    def _generations(self, *names: str) -> list[str]:
        keys = [self._gen_key(name) for name in names]
        found = cache.get_many(keys)
        tokens = []
        for key in keys:
            token = found.get(key)
            if token is None:
                cache.add(key, secrets.token_hex(8), timeout=None)
                token = cache.get(key) or ""
            tokens.append(token)
        return tokens

    def _bump(self, *names: str) -> None:
        cache.set_many({self._gen_key(name): secrets.token_hex(8) for name in names}, timeout=None)

    def _key(self, method: str, arguments: Mapping[str, Any], tokens: list[str]) -> str:
        raw = json.dumps([method, _normal(arguments), tokens], sort_keys=True)
        digest = hashlib.sha256(raw.encode()).hexdigest()
        return f"{_KEY_PREFIX}:{self._scope}:{method}:{digest}"

    @staticmethod
    def _ttl(kind: str) -> int:
        ttls = getattr(settings, "LATEPOINT_CACHE_TTL", {}) or {}
        return int(ttls.get(kind, _DEFAULT_TTL[kind]))

    def _bound(self, method: str, args: tuple, kwargs: dict) -> dict[str, Any]:
        """Arguments by name with defaults applied, so equal calls share one entry."""
        signature = inspect.signature(getattr(LatePointClient, method))
        bound = signature.bind(None, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        arguments.pop("self", None)
        return arguments

    def _cached(
        self,
        method: str,
        kind: str,
        generations: tuple[str, ...],
        args: tuple = (),
        kwargs: dict | None = None,
        *,
        fresh: bool = False,
    ) -> Any:
        kwargs = kwargs or {}
        arguments = self._bound(method, args, kwargs)
        key = self._key(method, arguments, self._generations(*generations))
        if not fresh:
            hit = cache.get(key)
            if hit is not None:
                return hit
        value = getattr(self.client, method)(*args, **kwargs)
        ttl = self._ttl(kind)
        if ttl > 0:
            cache.set(key, value, ttl)
        return value

    # --- reads -----------------------------------------------------------------------------
    def list_customers(self, **filters: Any) -> Page[Customer]:
        return self._cached("list_customers", "customer_list", ("customers",), kwargs=filters)

    def get_customer(self, customer_id: int, *, fresh: bool = False, **options: Any) -> Customer:
        """One customer (with what `include` asks for). `fresh=True` skips the cached copy."""
        return self._cached(
            "get_customer",
            "customer",
            (f"customer:{_id(customer_id)}",),
            (_id(customer_id),),
            options,
            fresh=fresh,
        )

    def list_bookings(self, **filters: Any) -> Page[Booking]:
        return self._cached("list_bookings", "booking_list", ("bookings",), kwargs=filters)

    def get_booking(self, booking_id: int, *, fresh: bool = False) -> Booking:
        """One booking. `fresh=True` skips the cached copy (before a write, say).

        A booking embeds its customer's name, email and phone, so its entry also remembers the
        generation of that customer and is not served once the customer has been edited.
        """
        bid = _id(booking_id)
        key = self._key("get_booking", {"booking_id": bid}, self._generations(f"booking:{bid}"))
        if not fresh:
            hit = cache.get(key)
            if hit is not None:
                booking, owner_token = hit
                owner = booking.customer.id if booking.customer else None
                if owner is None or self._generations(f"customer:{owner}") == [owner_token]:
                    return booking
        booking = self.client.get_booking(booking_id)
        owner = booking.customer.id if booking.customer else None
        owner_token = self._generations(f"customer:{owner}")[0] if owner is not None else None
        ttl = self._ttl("booking")
        if ttl > 0:
            cache.set(key, (booking, owner_token), ttl)
        if owner is not None:
            # Remember whose booking it is, so a failed write still knows what to invalidate.
            cache.set(self._owner_key(booking.id), owner, 86400)
        return booking

    def list_agents(self) -> list[Agent]:
        return self._cached("list_agents", "reference", ("reference",))

    def list_services(self) -> list[Service]:
        return self._cached("list_services", "reference", ("reference",))

    def list_locations(self) -> list[Location]:
        return self._cached("list_locations", "reference", ("reference",))

    def status(self) -> ApiStatus:
        """Never cached: it answers "is LatePoint reachable right now"."""
        return self.client.status()

    # --- every page --------------------------------------------------------------------------
    def iter_customer_pages(self, **filters: Any) -> Iterator[Page[Customer]]:
        """Every page of customers matching `filters`, in order, up to 4 fetched at once."""
        filters.setdefault("per_page", BULK_PER_PAGE)
        return _iter_pages(lambda number: self.list_customers(**{**filters, "page": number}))

    def iter_booking_pages(self, **filters: Any) -> Iterator[Page[Booking]]:
        """Every page of bookings matching `filters`, in order, up to 4 fetched at once."""
        filters.setdefault("per_page", BULK_PER_PAGE)
        return _iter_pages(lambda number: self.list_bookings(**{**filters, "page": number}))

    def list_all_bookings(self, **filters: Any) -> list[Booking]:
        """Every booking matching `filters` (each once, even if the list moved meanwhile)."""
        return _dedupe(item for page in self.iter_booking_pages(**filters) for item in page.items)

    # --- writes (never retried; invalidate even when the answer was lost) --------------------
    def create_customer(self, fields: Mapping[str, Any]) -> Customer:
        try:
            return self.client.create_customer(fields)
        finally:
            self._bump("customers")

    def update_customer(self, customer_id: int, changes: Mapping[str, Any]) -> Customer:
        try:
            return self.client.update_customer(customer_id, changes)
        finally:
            # Bookings embed the customer's name, email and phone.
            self._bump(f"customer:{_id(customer_id)}", "customers", "bookings")

    def delete_customer(self, customer_id: int) -> None:
        try:
            self.client.delete_customer(customer_id)
        finally:
            self._bump(f"customer:{_id(customer_id)}", "customers")

    def update_booking(self, booking_id: int, changes: Mapping[str, Any]) -> Booking:
        owners: set[int] = set()
        known = cache.get(self._owner_key(_id(booking_id)))
        if known is not None:
            owners.add(known)
        moved_to = changes.get("customer_id") if isinstance(changes, Mapping) else None
        if moved_to is not None:
            owners.add(_id(moved_to))
        try:
            booking = self.client.update_booking(booking_id, changes)
            if booking.customer and booking.customer.id is not None:
                owners.add(booking.customer.id)
            return booking
        finally:
            # A customer's profile shows their bookings and stats; lists show both.
            self._bump(
                f"booking:{_id(booking_id)}",
                "bookings",
                "customers",
                *(f"customer:{owner}" for owner in owners),
            )

    def _owner_key(self, booking_id: Any) -> str:
        return f"{_KEY_PREFIX}:{self._scope}:owner:{booking_id}"


def _id(value: Any) -> str:
    """An id as it appears in cache keys and generation names: "45" for 45, "45" and " 45 "."""
    return str(value).strip()


def _dedupe(items: Iterator[T]) -> list[T]:
    seen: set[Any] = set()
    result = []
    for item in items:
        marker = getattr(item, "id", None)
        if marker is not None:
            if marker in seen:
                continue
            seen.add(marker)
        result.append(item)
    return result


def _iter_pages(fetch: Callable[[int], Page[T]]) -> Iterator[Page[T]]:
    """Page 1 first, then the rest in parallel (at most MAX_WORKERS at once), yielded in order.

    At most MAX_WORKERS pages wait in memory, so an export stays flat however long the list.
    Each worker runs in a copy of the caller's context, so Server-Timing counts its calls.
    """
    first = fetch(1)
    yield first
    last = min(first.total_pages, MAX_PAGES)
    if first.total_pages > MAX_PAGES:
        logger.warning("listing capped at %d pages of %d", MAX_PAGES, first.total_pages)
    current = first
    if last > 1:
        executor = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="latepoint-page")
        pending: list[Future[Page[T]]] = []
        next_number = 2
        try:
            while next_number <= last or pending:
                while next_number <= last and len(pending) < MAX_WORKERS:
                    context = contextvars.copy_context()
                    pending.append(executor.submit(context.run, fetch, next_number))
                    next_number += 1
                current = pending.pop(0).result()
                yield current
        finally:
            for future in pending:
                future.cancel()
            executor.shutdown(wait=True, cancel_futures=True)
    # More pages than the first one announced (no page count, or the list grew meanwhile):
    # walk the rest one by one.
    number = max(last, 1)
    while current.has_next and current.items and number < MAX_PAGES:
        number += 1
        current = fetch(number)
        yield current
