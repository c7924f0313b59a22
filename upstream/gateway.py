"""The front office's door to LatePoint: the client built from settings, and a read cache.

- `get_client()` builds a `LatePointClient` from settings (LATEPOINT_API_URL, LATEPOINT_API_KEY,
  LATEPOINT_TIMEOUT, TIME_ZONE), one per process and per distinct settings. Its hooks count
  every attempt for Server-Timing, take a place in the key's shared budget before each attempt
  (upstream.budget) and cut each attempt to the page's deadline.
- `api()` returns a `CachedLatePoint`: the client's read methods served from Django's cache
  (shared by every process) within a TTL per kind (settings.LATEPOINT_CACHE_TTL), and its write
  methods, which call upstream once and then invalidate every cached entry they may have
  changed.

The caching itself (freshness, one fetch for concurrent misses, older copies shown when
LatePoint fails, invalidation) is `upstream.read_cache`.

Views never call these directly: services do.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from frontoffice.paging import BULK_PER_PAGE, MAX_PAGES, dedupe, iter_pages
from latepoint import errors
from latepoint.client import LatePointClient
from latepoint.models import (
    Agent,
    ApiStatus,
    Booking,
    Customer,
    Location,
    Order,
    Page,
    Payment,
    Service,
    Slot,
)
from upstream import budget
from upstream.connection import get_client
from upstream.money_gateway import MoneyGateway
from upstream.policies import READS, cached, held
from upstream.read_cache import KEY_PREFIX, Entry, ReadCache, _id
from upstream.summaries import SummaryKeeper

#: The readiness probe asks LatePoint at most once in this many seconds.
PROBE_SECONDS = 30


def api(*, priority: str | None = None) -> CachedLatePoint:
    """The cached LatePoint API for services. `priority` is the budget class its calls count
    in, said at the call: `budget.INTERACTIVE` (a desk waits on it, and every write),
    `budget.BULK` (an export's walk) or `budget.BACKGROUND` (the sync, the readiness probe); by
    default the class the caller is in (interactive)."""
    return CachedLatePoint(get_client(), priority=priority)


def walk(*, priority: str) -> Walk:
    """The second way in, for bulk walks that keep what they read themselves (an export, the
    history sync): the client's reads straight from LatePoint, past the read cache, each call
    counted in the budget class `priority` said here."""
    return Walk(get_client(), priority)


class Walk:
    """The client's reads (those of READS), uncached, in one budget class."""

    def __init__(self, client: LatePointClient, priority: str) -> None:
        self._client = client
        self._priority = priority

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in READS:
            raise AttributeError(f"a walk reads only what READS lists, not {name!r}")
        method = getattr(self._client, name)

        def read(*args: Any, **kwargs: Any) -> Any:
            with budget.work_of(self._priority):
                return method(*args, **kwargs)

        read.__name__ = name
        return read


@dataclass(frozen=True)
class Probe:
    """The readiness probe's answer: `ok` None when it is not known (not asked yet)."""

    ok: bool | None
    reason: str = ""
    checked_at: float = 0.0


class CachedLatePoint(SummaryKeeper, MoneyGateway, ReadCache):
    """The client's methods with a shared read cache and write invalidation (read_cache.py).

    The plain reads are the client's own, kept as READS says; the rest are written out below
    where they do more (a booking's owner, summaries, cache-only lookups, walks and writes).
    Orders and payments writes are in upstream.money_gateway; customers read whole are kept as
    their summaries too (upstream.summaries).
    """

    # --- reads -----------------------------------------------------------------------------
    list_customers: Callable[..., Page[Customer]] = cached("list_customers")
    get_customer: Callable[..., Customer] = cached("get_customer")
    list_bookings: Callable[..., Page[Booking]] = cached("list_bookings")
    held_list_bookings: Callable[..., Page[Booking] | None] = held("list_bookings")
    get_availability: Callable[..., list[Slot]] = cached("get_availability")
    find_available_agents: Callable[..., list[Agent]] = cached("find_available_agents")
    list_agents: Callable[[], list[Agent]] = cached("list_agents")
    list_services: Callable[[], list[Service]] = cached("list_services")
    list_locations: Callable[[], list[Location]] = cached("list_locations")
    list_payments: Callable[..., Page[Payment]] = cached("list_payments")
    get_payment: Callable[..., Payment] = cached("get_payment")
    list_orders: Callable[..., Page[Order]] = cached("list_orders")
    list_order_transactions: Callable[..., list[Payment]] = cached("list_order_transactions")
    _get_order: Callable[..., Order] = cached("get_order")

    def get_order(self, order_id: int, *, fresh: bool = False) -> Order:
        """One order; its bookings and customer are remembered, so that a payment write
        refreshes them."""
        order = self._get_order(order_id, fresh=fresh)
        self.remember_order(order.id, bookings=order.booking_ids, customer=order.customer_id)
        return order

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
        held = {cid: found.get(key) for cid, key in wanted.items()}
        held = {cid: entry for cid, entry in held.items() if isinstance(entry, Entry)}
        if stale_ok:
            return {cid: entry.value for cid, entry in held.items()}
        return {cid: entry.value for cid, entry in self._fresh_of(held, "customer_summary").items()}

    def find_cached_booking(self, booking_id: int, **filters: Any) -> Booking | None:
        """A booking from the fresh cached pages of a listing (`filters` as given to
        `list_all_bookings`), or None: never a call. A desk acting on a row it was just shown
        reuses what the list read."""
        ttl = self._ttl("booking_list")
        wanted = _id(booking_id)
        for number in range(1, MAX_PAGES + 1):
            arguments = {**_LIST_BOOKINGS_DEFAULTS, **filters, "page": number}
            arguments["per_page"] = filters.get("per_page", BULK_PER_PAGE)
            entry = self._entry("list_bookings", self._key("list_bookings", arguments))
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
            entry = self._entry("list_bookings", self._key("list_bookings", arguments))
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
            self.remember_booking_order(booking)
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
            lambda number: self.list_bookings(**filters, page=number, per_page=per_page),
            held=lambda number: self.held_list_bookings(**filters, page=number, per_page=per_page),
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

    def remember_from_bookings(self, name: str, compute: Callable[[], Any], **arguments: Any):
        """A small value worked out from booking reads (a week's summary), kept like the
        pages it is made of: fresh as long as they are (`date_to` in `arguments` says which
        kind), refreshed by any booking write; computed (its reads made) only when not."""
        kind = READS["list_bookings"].kind_for(arguments)
        return self._read(f"derived:{name}", kind, ("bookings",), arguments, compute)

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

    def reschedule_booking(self, booking_id: int, **fields: Any) -> Booking:
        """Move a booking (arguments as LatePointClient.reschedule_booking); SlotUnavailable
        when the new time is taken."""
        return self._write_booking(
            booking_id, lambda: self.client.reschedule_booking(booking_id, **fields)
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
    for name, parameter in inspect.signature(LatePointClient.list_bookings).parameters.items()
    if name != "self"
}
