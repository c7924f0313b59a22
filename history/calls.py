"""The sync's calls to LatePoint: background priority, within the sync's own share of the key.

Every call goes through the gateway's walk (`upstream.gateway.walk`: the key's budget
applies, not its read cache, since what the sync reads is kept in the copy) as background
work, so it takes only what the desks leave, paced, and also takes a place in the sync's share: two
thirds of the background budget (the readiness probe keeps the rest), and never more than a third
of the key's rate in any minute.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings

from latepoint.errors import BudgetExhausted
from latepoint.models import Booking, Page, Payment
from upstream import budget
from upstream.gateway import walk

SHARE_NAME = "history-sync"

T = TypeVar("T")

#: Until when (time.monotonic()) a call may wait for a place in the budget: None, never.
_wait_until: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "history_sync_wait_until", default=None
)


def share_limit() -> int:
    """The sync's calls in any minute: two thirds of what background work may take (the
    readiness probe keeps the rest), never more than a third of the key's rate; on a quiet key
    (no desk or manager call for a while) the idle budget, which it gives back the moment a
    desk asks for anything (`upstream.budget.desks_quiet`)."""
    limits = budget.Limits.from_settings()
    if budget.desks_quiet():
        return max(limits.idle - 1, 1)
    return max(min(limits.background * 2 // 3, int(settings.LATEPOINT_RATE_LIMIT) // 3), 1)


@contextmanager
def waiting_until(deadline: float | None) -> Iterator[None]:
    """Calls made within may wait for a place in the budget until `deadline` (a
    time.monotonic() value; None: never wait)."""
    token = _wait_until.set(deadline)
    try:
        yield
    finally:
        _wait_until.reset(token)


def call(fetch: Callable[[], T]) -> T:
    """One call, background priority, within the sync's share of the key.

    Background calls are paced: one refused for now is sent when a place frees up, if the
    pass may still wait that long (`waiting_until`); else BudgetExhausted stops the pass.
    """
    holds_share = False
    while True:
        try:
            if not holds_share:  # a place in the share is kept while waiting for the key's
                budget.take_share(SHARE_NAME, share_limit())
                holds_share = True
            return fetch()
        except BudgetExhausted as exc:
            pause = float(exc.wait_seconds if exc.wait_seconds is not None else 1)
            pause = max(pause, 0.01)
            until = _wait_until.get()
            if until is None or time.monotonic() + pause >= until:
                raise
            time.sleep(pause)


def list_bookings(**arguments) -> Page[Booking]:
    """One `GET /bookings` (see `call`), past the read cache: what it reads is in the copy
    (kept in the cache too, the pages of a first copy would be some 260 MB at 10,000
    customers)."""
    return call(lambda: sync_walk().list_bookings(**arguments))


def list_payments(**arguments) -> Page[Payment]:
    """One `GET /payments` (see `call`), past the read cache: what it reads is in the copy."""
    return call(lambda: sync_walk().list_payments(**arguments))


def sync_walk():
    """The sync's way to LatePoint: uncached reads, counted as background work."""
    return walk(priority=budget.BACKGROUND)
