"""The front office's door to LatePoint: the client built from settings, and a read cache.

- `get_client()` builds a `LatePointClient` from settings (LATEPOINT_API_URL, LATEPOINT_API_KEY,
  LATEPOINT_TIMEOUT, TIME_ZONE), one per process and per distinct settings. Its hooks count
  every attempt for Server-Timing, take a place in the key's shared budget before each attempt
  (frontoffice.budget) and cut each attempt to the page's deadline.
- `api()` returns a `CachedLatePoint`: the client's read methods served from Django's cache
  (shared by every process) within a TTL per kind (settings.LATEPOINT_CACHE_TTL), and its write
  methods, which call upstream once and then invalidate every cached entry they may have
  changed.

The caching itself (freshness, one fetch for concurrent misses, older copies shown when
LatePoint fails, invalidation) is `frontoffice.read_cache`.

Views never call these directly: services do.
"""

from __future__ import annotations

import hashlib
import inspect
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as time_of_day
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from frontoffice import budget, upstream_metrics
from frontoffice.paging import BULK_PER_PAGE, MAX_PAGES, dedupe, iter_pages
from frontoffice.read_cache import KEY_PREFIX, Entry, ReadCache, _id
from latepoint import errors
from latepoint.client import CallRecord, LatePointClient
from latepoint.models import Agent, ApiStatus, Booking, Customer, Location, Page, Service, Slot

#: The readiness probe asks LatePoint at most once in this many seconds.
PROBE_SECONDS = 30

# --- the client ------------------------------------------------------------------------------

_clients: dict[tuple[str, str, str, str], LatePointClient] = {}
_clients_lock = threading.Lock()


def _on_call(record: CallRecord) -> None:
    upstream_metrics.record_call(record.duration_ms)
    budget.note_call(record)


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
                    on_call=_on_call,
                    before_attempt=budget.before_attempt,
                    time_left=upstream_metrics.time_left,
                    site_timezone=zone,
                )
                _clients[memo_key] = client
    return client


def api() -> CachedLatePoint:
    """The cached LatePoint API for services."""
    return CachedLatePoint(get_client())


@dataclass(frozen=True)
class Probe:
    """The readiness probe's answer: `ok` None when it is not known (not asked yet)."""

    ok: bool | None
    reason: str = ""
    checked_at: float = 0.0


class CachedLatePoint(ReadCache):
    """The client's methods with a shared read cache and write invalidation (read_cache.py)."""

    # --- reads -----------------------------------------------------------------------------
    def list_customers(
        self,
        *,
        search: str | None = None,
        status: str | None = None,
        created_after: date | None = None,
        created_before: date | None = None,
        has_bookings: bool | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        is_guest: bool | None = None,
        wordpress_user_id: int | None = None,
        created_at: str | None = None,
        updated_at: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Customer]:
        # Every argument by name (the signature above mirrors the client's), as the key.
        arguments = {k: v for k, v in locals().items() if k != "self"}
        return self._read(
            "list_customers",
            "customer_list",
            ("customers",),
            arguments,
            lambda: self.client.list_customers(**arguments),
        )

    def get_customer(
        self,
        customer_id: int,
        *,
        include: Iterable[str] = ("stats",),
        bookings_limit: int | None = None,
        bookings_status: str | None = None,
        fresh: bool = False,
    ) -> Customer:
        """One customer (with what `include` asks for). `fresh=True` skips the cached copy."""
        cid = _id(customer_id)
        include = (include,) if isinstance(include, str) else tuple(include)
        options = {
            "include": include,
            "bookings_limit": bookings_limit,
            "bookings_status": bookings_status,
        }
        return self._read(
            "get_customer",
            "customer",
            (f"customer:{cid}",),
            {"customer_id": cid, **options},
            lambda: self.client.get_customer(customer_id, **options),
            fresh=fresh,
        )

    def get_customer_summary(self, customer_id: int) -> Customer:
        """A customer with stats, for badges: risk changes slowly, so it is kept for hours.

        Edits to the customer still refresh it at once (it shares the customer's generation).
        """
        cid = _id(customer_id)
        return self._read(
            "get_customer_summary",
            "customer_summary",
            (f"customer:{cid}",),
            {"customer_id": cid},
            lambda: self.client.get_customer(customer_id, include=("stats",)),
        )

    def cached_customer_summaries(
        self, customer_ids: Iterable[int], *, stale_ok: bool = False
    ) -> dict[int, Customer]:
        """The summaries already cached and fresh, by id: no call is made.

        `stale_ok`: older copies too (kept for LATEPOINT_STALE_TTL), where a name is all that
        is wanted and yesterday's is better than none (the audit trail).
        """
        wanted = {
            int(_id(cid)): self._key("get_customer_summary", {"customer_id": _id(cid)})
            for cid in customer_ids
        }
        found = cache.get_many(list(wanted.values()))
        ttl = self._ttl("customer_summary")
        result = {}
        for cid, key in wanted.items():
            entry = found.get(key)
            if (stale_ok and isinstance(entry, Entry)) or self._is_fresh(entry, ttl):
                result[cid] = entry.value
        return result

    def list_bookings(
        self,
        *,
        status: str | None = None,
        customer_id: int | None = None,
        agent_id: int | None = None,
        service_id: int | None = None,
        location_id: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        created_date_from: date | None = None,
        created_date_to: date | None = None,
        booking_code: str | None = None,
        payment_status: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        page: int = 1,
        per_page: int = 20,
        fresh: bool = False,
    ) -> Page[Booking]:
        """A page of bookings. `fresh=True` always asks LatePoint (the history sync)."""
        # Every argument by name (the signature above mirrors the client's), as the key.
        arguments = {k: v for k, v in locals().items() if k not in ("self", "fresh")}
        # Bookings of days gone by rarely change: such pages stay fresh for hours (a write
        # through the front office still refreshes them at once).
        past = isinstance(date_to, date) and date_to < timezone.localdate()
        return self._read(
            "list_bookings",
            "booking_history" if past else "booking_list",
            ("bookings",),
            arguments,
            lambda: self.client.list_bookings(**arguments),
            fresh=fresh,
        )

    def find_cached_booking(self, booking_id: int, **filters: Any) -> Booking | None:
        """A booking from the fresh cached pages of a listing (`filters` as given to
        `list_all_bookings`), or None: never a call. A desk acting on a row it was just shown
        reuses what the list read."""
        ttl = self._ttl("booking_list")
        wanted = _id(booking_id)
        for number in range(1, MAX_PAGES + 1):
            arguments = {**_LIST_BOOKINGS_DEFAULTS, **filters, "page": number}
            arguments["per_page"] = filters.get("per_page", BULK_PER_PAGE)
            entry = cache.get(self._key("list_bookings", arguments))
            if not self._is_fresh(entry, ttl):
                return None
            for booking in entry.value.items:
                if _id(booking.id) == wanted:
                    return booking
            if not entry.value.has_next:
                return None
        return None

    def recent_booking_listing(self, *, max_age: float, **filters: Any) -> list[Booking] | None:
        """Every booking of a listing (`filters` as given to `list_all_bookings`) as cached,
        if all its pages were read within `max_age` seconds and no write through the front
        office changed bookings since; None otherwise. Never a call.

        For a screen that only decorates its own results with what the Today board read a
        moment ago (the quick search's Check in buttons), where a page up to `max_age` old is
        good enough: the action itself reads the booking again.
        """
        found: list[Booking] = []
        for number in range(1, MAX_PAGES + 1):
            arguments = {**_LIST_BOOKINGS_DEFAULTS, **filters, "page": number}
            arguments["per_page"] = filters.get("per_page", BULK_PER_PAGE)
            entry = cache.get(self._key("list_bookings", arguments))
            if not self._is_fresh(entry, max_age):
                return None
            found.extend(entry.value.items)
            if not entry.value.has_next:
                return dedupe(found)
        return None

    def get_booking(self, booking_id: int, *, fresh: bool = False) -> Booking:
        """One booking. `fresh=True` skips the cached copy (before a write, say).

        A booking embeds its customer's name, email and phone, so its entry also depends on
        that customer's generation and is not served once the customer has been edited.
        """
        bid = _id(booking_id)

        def owner(booking: Booking) -> list[str]:
            if booking.customer is None or booking.customer.id is None:
                return []
            # Remember whose booking it is, so a failed write still knows what to invalidate.
            cache.set(self._owner_key(booking.id), booking.customer.id, 86400)
            return [f"customer:{booking.customer.id}"]

        return self._read(
            "get_booking",
            "booking",
            (f"booking:{bid}",),
            {"booking_id": bid},
            lambda: self.client.get_booking(booking_id),
            fresh=fresh,
            depends_on=owner,
        )

    def get_availability(
        self, service_id: int, agent_id: int, date: date, duration: int | None = None
    ) -> list[Slot]:
        """An agent's free start times on a day: kept 15 s (TTL kind "availability"), and
        refreshed at once by any booking write through the front office."""
        arguments = {
            "service_id": _id(service_id),
            "agent_id": _id(agent_id),
            "date": date,
            "duration": duration,
        }
        return self._read(
            "get_availability",
            "availability",
            ("bookings",),
            arguments,
            lambda: self.client.get_availability(service_id, agent_id, date, duration),
        )

    def find_available_agents(
        self,
        service_id: int | None = None,
        date: date | None = None,
        start_time: time_of_day | str | None = None,
        location_id: int | None = None,
        duration: int | None = None,
    ) -> list[Agent]:
        """The active agents free at a time, cached as `get_availability` is."""
        arguments = {
            "service_id": service_id,
            "date": date,
            "start_time": start_time,
            "location_id": location_id,
            "duration": duration,
        }
        return self._read(
            "find_available_agents",
            "availability",
            ("bookings",),
            arguments,
            lambda: self.client.find_available_agents(**arguments),
        )

    def list_agents(self) -> list[Agent]:
        return self._read("list_agents", "reference", ("reference",), {}, self.client.list_agents)

    def list_services(self) -> list[Service]:
        return self._read(
            "list_services", "reference", ("reference",), {}, self.client.list_services
        )

    def list_locations(self) -> list[Location]:
        return self._read(
            "list_locations", "reference", ("reference",), {}, self.client.list_locations
        )

    def cached_locations(self) -> list[Location] | None:
        """The locations as last read, whatever their age, or None: never a call."""
        entry = cache.get(self._key("list_locations", {}))
        return entry.value if isinstance(entry, Entry) else None

    def status(self) -> ApiStatus:
        """Never cached: it answers "is LatePoint reachable right now"."""
        return self.client.status()

    def probe(self) -> Probe:
        """Whether LatePoint answers with the key, asked at most every 30 s (PROBE_SECONDS).

        For readiness probes, which anyone may call as often as they like: the answer is
        shared by every process, and only one of them asks LatePoint once it is 30 s old. The
        probe is background work: when the desks are using the budget it is not sent, and the
        last answer (or "not known") stands.
        """
        key = f"{KEY_PREFIX}:{self._scope}:probe"
        found = cache.get(key)
        if isinstance(found, Probe) and time.time() - found.checked_at < PROBE_SECONDS:
            return found
        known = found if isinstance(found, Probe) else Probe(None, "LatePoint is being checked.")
        if not cache.add(key + ":lock", 1, timeout=PROBE_SECONDS):
            return known
        try:
            with budget.background():
                self.client.status()
            result = Probe(True, "", time.time())
        except errors.BudgetExhausted:
            return known  # not asked: the desks come first
        except errors.LatePointError as exc:
            result = Probe(False, f"{type(exc).__name__}: {exc.user_message}", time.time())
        cache.set(key, result, 3600)
        return result

    # --- every page --------------------------------------------------------------------------
    def iter_booking_pages(self, *, per_page: int = BULK_PER_PAGE, **filters: Any):
        """Every page of bookings matching `filters`, in order, up to 4 fetched at once."""
        return iter_pages(
            lambda number: self.list_bookings(**filters, page=number, per_page=per_page)
        )

    def list_all_bookings(self, **filters: Any) -> list[Booking]:
        """Every booking matching `filters` (each once, even if the list moved meanwhile).

        A range that runs from the past into today or later is read as two walks: the days
        before today, whose pages stay fresh for hours (past days rarely change), and the rest,
        read again every few seconds. A repeated report then costs only the recent pages.
        """
        start, end = filters.get("date_from"), filters.get("date_to")
        today = timezone.localdate()
        if isinstance(start, date) and isinstance(end, date) and start < today <= end:
            walks = [
                {**filters, "date_to": today - timedelta(days=1)},
                {**filters, "date_from": today},
            ]
        else:
            walks = [filters]
        return dedupe(
            item
            for walk in walks
            for page in self.iter_booking_pages(**walk)
            for item in page.items
        )

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
        moved_to = changes.get("customer_id") if isinstance(changes, Mapping) else None
        return self._write_booking(
            booking_id, lambda: self.client.update_booking(booking_id, changes), moved_to
        )

    def reschedule_booking(
        self,
        booking_id: int,
        *,
        start_date: date | None = None,
        start_time: time_of_day | str | None = None,
        agent_id: int | None = None,
        service_id: int | None = None,
        location_id: int | None = None,
        duration: int | None = None,
        send_notification: bool | None = None,
    ) -> Booking:
        """Move a booking (see LatePointClient.reschedule_booking); SlotUnavailable when the
        new time is taken."""
        return self._write_booking(
            booking_id,
            lambda: self.client.reschedule_booking(
                booking_id,
                start_date=start_date,
                start_time=start_time,
                agent_id=agent_id,
                service_id=service_id,
                location_id=location_id,
                duration=duration,
                send_notification=send_notification,
            ),
        )

    def delete_booking(self, booking_id: int, *, force: bool = False) -> None:
        self._write_booking(booking_id, lambda: self.client.delete_booking(booking_id, force=force))

    def create_booking(self, **fields: Any) -> Booking:
        """A new booking (arguments as LatePointClient.create_booking); SlotUnavailable when
        the time is taken. Booking lists, availability and the customer lists (a customer may
        have been created) are refreshed, even when the answer was lost."""
        owners: set[Any] = set()
        if fields.get("customer_id") is not None:
            owners.add(_id(fields["customer_id"]))
        try:
            booking = self.client.create_booking(**fields)
            if booking.customer and booking.customer.id is not None:
                owners.add(booking.customer.id)
            return booking
        finally:
            self._bump("bookings", "customers", *(f"customer:{owner}" for owner in owners))

    def _write_booking(self, booking_id: int, call: Any, moved_to: Any = None) -> Any:
        """Run a write to one booking, then invalidate it, the booking lists (availability
        too), the customer lists and its customer's entries (known from an earlier read, the
        answer, or `moved_to`), even when the answer was lost."""
        owners: set[Any] = set()
        known = cache.get(self._owner_key(_id(booking_id)))
        if known is not None:
            owners.add(known)
        if moved_to is not None:
            owners.add(_id(moved_to))
        try:
            result = call()
            if isinstance(result, Booking) and result.customer and result.customer.id is not None:
                owners.add(result.customer.id)
            return result
        finally:
            # A customer's profile shows their bookings and stats; lists show both.
            self._bump(
                f"booking:{_id(booking_id)}",
                "bookings",
                "customers",
                *(f"customer:{owner}" for owner in owners),
            )

    def _owner_key(self, booking_id: Any) -> str:
        return f"{KEY_PREFIX}:{self._scope}:owner:{booking_id}"


#: list_bookings' arguments with their defaults, as its cache keys hold them.
_LIST_BOOKINGS_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(CachedLatePoint.list_bookings).parameters.items()
    if name not in ("self", "fresh")
}
