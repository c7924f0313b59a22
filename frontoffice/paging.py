"""Walking every page of a LatePoint list: page 1, then the rest a few at a time."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connections

from latepoint.models import Page

logger = logging.getLogger("frontoffice")

T = TypeVar("T")

#: Parallel page fetches per request (the key's rate limit is shared by every desk).
MAX_WORKERS = 4
#: Rows per page when fetching everything.
BULK_PER_PAGE = 100
#: Rows per page of `GET /payments`, which states no maximum (latepoint-api.md §1.5): a day of
#: 600 payments is two pages (a LatePoint that caps pages lower answers with more pages).
PAYMENTS_PER_PAGE = 500
#: Never fetch more pages than this in one sweep (100,000 rows at 100 per page).
MAX_PAGES = 1000


def dedupe(items: Iterator[T]) -> list[T]:
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


def _in_worker(fetch: Callable[[int], Page[T]], number: int) -> Page[T]:
    """One page fetched in a pool thread, which then lets go of its database connection."""
    try:
        return fetch(number)
    finally:
        connections.close_all()


def iter_pages(
    fetch: Callable[[int], Page[T]], *, held: Callable[[int], Page[T] | None] | None = None
) -> Iterator[Page[T]]:
    """Page 1 first, then the rest in parallel (at most MAX_WORKERS at once), yielded in order.

    At most MAX_WORKERS pages wait in memory, so an export stays flat however long the list.
    Each worker runs in a copy of the caller's context, so Server-Timing counts its calls.
    `held(number)`: the page as a cache holds it, or None. Pages held are read here, in
    order, with no thread; the pool starts at the first page that is not.
    """
    first = held(1) if held is not None else None
    first = fetch(1) if first is None else first
    yield first
    last = min(first.total_pages, MAX_PAGES)
    if first.total_pages > MAX_PAGES:
        logger.warning("listing capped at %d pages of %d", MAX_PAGES, first.total_pages)
    current = first
    next_number = 2
    while held is not None and next_number <= last:
        page = held(next_number)
        if page is None:
            break
        current = page
        yield current
        next_number += 1
    if next_number <= last:
        executor = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="latepoint-page")
        pending: list[Future[Page[T]]] = []
        try:
            while next_number <= last or pending:
                while next_number <= last and len(pending) < MAX_WORKERS:
                    context = contextvars.copy_context()
                    pending.append(executor.submit(context.run, _in_worker, fetch, next_number))
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
