"""Customers read whole answer for their summary too.

A customer's summary (`get_customer_summary`: status, name, contact details and stats, kept
for hours) is what a badge, the audit trail and the overlap check need. A profile's read and a
search's rows already hold all of it, so each such answer is also kept as those customers'
summaries: the booking page of a customer a desk has just searched for or opened needs no read
of its own.

Kept only as fresh as the read itself: each summary carries the customer's generation token,
read before it is kept, and nothing is kept when a customer write came between the read and
now (the "customers" generation moved, or the customer's own for a profile's read).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.cache import cache

from latepoint.models import Customer, Page
from upstream.read_cache import Entry, _id


class SummaryKeeper:
    """The read cache's `_remember` for customer reads (mixed into `CachedLatePoint`)."""

    def _remember(self, method: str, value: Any, tokens: tuple[tuple[str, str], ...]) -> None:
        if method == "get_customer" and isinstance(value, Customer):
            self.keep_summaries([value], read_under=dict(tokens))
        elif method == "list_customers" and isinstance(value, Page):
            customers = [c for c in value.items if isinstance(c, Customer)]
            self.keep_summaries(customers, read_under=dict(tokens))

    def keep_summaries(
        self, customers: Iterable[Customer], *, read_under: Mapping[str, str]
    ) -> int:
        """Keep these customers, just read under the generation tokens `read_under`, as their
        summaries; how many were kept. A fresh summary with stats is not replaced by a copy
        without them."""
        wanted = {_id(c.id): c for c in customers if c.id is not None}
        if not wanted:
            return 0
        # The customers' own tokens first, then the check that no write came since the read:
        # a write after the check leaves these tokens behind, so what is kept is never fresh.
        current = dict(self._tokens(f"customer:{cid}" for cid in wanted))
        moved = [name for name in read_under if name == "customers" or name in current]
        if moved and dict(self._tokens(moved)) != {name: read_under[name] for name in moved}:
            return 0
        keys = {cid: self._key("get_customer_summary", {"customer_id": cid}) for cid in wanted}
        found = cache.get_many(list(keys.values()))
        ttl, now = self._ttl("customer_summary"), time.time()
        entries = {}
        for cid, customer in wanted.items():
            token = (f"customer:{cid}", current[f"customer:{cid}"])
            old = found.get(keys[cid])
            if (
                customer.stats is None
                and isinstance(old, Entry)
                and old.value.stats is not None
                and old.tokens == (token,)
                and now - old.fetched_at < ttl
            ):
                continue
            # A summary holds no bookings (a profile's read may).
            entries[keys[cid]] = Entry(replace(customer, bookings=()), now, (token,))
        if entries:
            cache.set_many(entries, settings.LATEPOINT_STALE_TTL)
        return len(entries)
