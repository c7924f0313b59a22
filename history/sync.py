"""Keep the local copy of LatePoint's bookings (history.models) in step with LatePoint.

LatePoint's `GET /bookings` cannot say what changed since a moment, so the sync re-reads days:

- History is cut into weeks (`SyncSegment`, Monday to Sunday by start date) between the first
  and the last booking LatePoint has (two one-row calls, `bounds`).
- A pass reads, in this order: the bounds when they are older than the recent window's period;
  the weeks a manager asked the stats for that the copy does not hold yet (`SyncRequest`, the
  latest request first, its newest week first); weeks never read (the recent window up to
  next week, then the last 90 days back from it, then the weeks ahead, then the older past);
  then the week most overdue:
  one of the recent window is due again HISTORY_RECENT_SECONDS after it was read, an older one
  HISTORY_OLDER_SECONDS after, and the one read longest ago counted in its own interval goes
  first (so at a volume where the sync's share cannot read the recent window that often, every
  week still gets its turn).
  (`history.schedule`)
- A pass lasts a minute at most; one whose time ran out with more to read is followed at once
  by the next (`history.tasks`), so a first copy on a quiet key reads at the idle budget's pace.
- A past or current week's walk also reads the payments and refunds made in it
  (`PaymentRecord`, for the stats' collected revenue; `history.walks.walk_payments`).
- A week is read page by page (100 a page, by id) and each page is written at once; a walk
  stopped by the budget resumes at its next page. When a week has been read whole, a booking
  still dated in it but not seen in this walk (deleted, or moved to a day not read yet) is
  dropped: the walk of its new week brings it back. (`history.walks`)
- Every call goes through the gateway's walk (`upstream.gateway.walk`) as background work,
  and within the sync's own share of the key. (`history.calls`)
- A status change made through the front office is written here at once (`booking_record`), and
  a walk that read the booking before that write does not undo it. (`history.records`)
- A full pass (not limited to some weeks) also keeps what the stats need besides bookings: the
  agents, services and locations lists (read again when older than
  LATEPOINT_CACHE_TTL_REFERENCE), and every customer's creation day (`CustomerRecord`): all
  customers, 100 a page, once the weeks never read are, then again every HISTORY_OLDER_SECONDS
  (in turn with the weeks, as overdue as they are; a walk stopped by the budget resumes at its
  next page), and the customers created since the day before the last read every
  HISTORY_RECENT_SECONDS.
- Every write to the copy changes its version (`history.services.history_changed`), which the
  stats key their figures by.

This module runs a pass; it is also where the rest of the front office, the tests and the
bench reach the sync's parts.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from history.calls import SHARE_NAME, share_limit, waiting_until
from history.models import SyncSegment, SyncState
from history.records import booking_record, record_fields
from history.schedule import (
    most_overdue,
    next_segment,
    older_seconds,
    older_than,
    overdue,
    recent_days,
    recent_from,
    recent_seconds,
    reference_seconds,
    requested_segment,
    state_get,
    week_start,
)
from history.walks import (
    PER_PAGE,
    read_new_customers,
    refresh_bounds,
    refresh_reference,
    walk_customers,
    walk_segment,
)
from latepoint.errors import BudgetExhausted, LatePointError

__all__ = [
    "PER_PAGE",
    "SHARE_NAME",
    "PassResult",
    "booking_record",
    "most_overdue",
    "next_segment",
    "read_new_customers",
    "recent_days",
    "recent_seconds",
    "record_fields",
    "reference_seconds",
    "requested_segment",
    "share_limit",
    "state_get",
    "sync_pass",
    "walk_customers",
    "walk_segment",
    "week_start",
]

logger = logging.getLogger("frontoffice")

#: bench/at_scale.py reads the recent window's first day under this name.
_recent_from = recent_from


@dataclass
class PassResult:
    pages: int = 0
    segments: int = 0
    bounds_checked: bool = False
    stopped_by_budget: bool = False
    #: The pass's time ran out with more to read: the next one should start at once.
    out_of_time: bool = False
    error: str = ""
    messages: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.stopped_by_budget and not self.error


def sync_pass(
    *,
    max_seconds: float | None = None,
    wait: bool = True,
    within: tuple[date, date] | None = None,
) -> PassResult:
    """Read what is due, until nothing is or `max_seconds` have gone by.

    A call the budget refuses is tried again when a place frees up if `wait` and the time
    allows; otherwise the pass stops there, and the next one carries on where it stopped.
    `within` limits the pass to the weeks that meet that range (tests, operators), and leaves
    the reference lists and the customers alone.
    """
    started = time.monotonic()
    result = PassResult()
    state = state_get()

    def time_left() -> float:
        if max_seconds is None:
            return math.inf
        return max_seconds - (time.monotonic() - started)

    with waiting_until(time.monotonic() + time_left() if wait else None):
        _run(state, result, within, time_left)
    state.last_pass_at = timezone.now()
    state.last_error = result.error
    state.save(update_fields=["last_pass_at", "last_error"])
    return result


def _run(
    state: SyncState,
    result: PassResult,
    within: tuple[date, date] | None,
    time_left: Callable[[], float],
) -> None:
    full = within is None
    done: set[int] = set()  # the weeks read in this pass: once a pass at most
    customers_read = False  # once a pass at most, like a week
    while time_left() > 0:
        try:
            due = older_than(state.bounds_checked_at, recent_seconds())
            if due and not result.bounds_checked:  # once a pass at most
                refresh_bounds(state)
                result.bounds_checked = True
                result.pages += 2
                continue
            # The weeks a manager asked the stats for come before everything else.
            segment = requested_segment(within=within, done=done)
            if segment is not None:
                _walk(segment, result, done)
                continue
            if full and older_than(state.reference_read_at, reference_seconds()):
                refresh_reference(state)
                result.pages += 3
                continue
            if (
                full
                and not customers_read
                and state.customers_walked_at is not None
                and older_than(state.customers_checked_at, recent_seconds())
            ):
                result.pages += read_new_customers(state)
                customers_read = True
                continue
            # Weeks never read first; then whichever is most overdue, the customers included.
            segment = next_segment(within=within, done=done, older=False)
            if segment is None:
                segment, count = most_overdue(within=within, done=done)
                customers = overdue(state.customers_walked_at, older_seconds(), now=timezone.now())
                if full and not customers_read and customers >= max(count, 1):
                    result.pages += walk_customers(state)
                    customers_read = True
                    continue
            if segment is None:
                break
            _walk(segment, result, done)
            if time_left() <= 0:
                result.out_of_time = True
        except BudgetExhausted as exc:
            # Waited as long as the pass may (history.calls.call): the next pass carries on, at
            # once when it was the pass's own time that ran out (history.tasks).
            result.stopped_by_budget = True
            result.out_of_time = time_left() <= float(exc.wait_seconds or 0) + 1
            break
        except LatePointError as exc:
            result.error = f"{type(exc).__name__}: {exc.user_message}"
            logger.warning("booking sync stopped: %s", result.error)
            break


def _walk(segment: SyncSegment, result: PassResult, done: set[int]) -> None:
    """Read a week whole, once a pass at most."""
    result.pages += walk_segment(segment)
    result.segments += 1
    done.add(segment.pk)
