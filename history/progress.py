"""Days the stats asked for that the copy does not hold yet: the request that puts their weeks
first in the sync's order (`history.schedule.requested_segment`), and when they are expected.

The estimate is deliberately simple: the weeks of those days not read yet, at the pages a week
read so far took (100 bookings a page, one at least), at the most the sync's share of the key
lets it read in a minute (`history.calls.share_limit`). While the desks are busy the sync reads
less, so it is a lower bound, and the page says so. When the sync has not run lately (no worker)
or has not yet learnt which weeks LatePoint has, it is not known, and the page says that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.timesince import timesince

from history.calls import share_limit
from history.models import SyncRequest, SyncSegment, SyncState
from history.schedule import week_start

PER_PAGE = 100
#: The sync runs a pass every minute: one older than this means no worker is running it.
STALLED_SECONDS = 5 * 60


def request_days(*, start: date, end: date) -> None:
    """Ask the sync to read the weeks of start..end before anything else (a manager is looking
    at them). Asking again moves the request to the front."""
    SyncRequest.objects.update_or_create(
        start=start, end=end, defaults={"requested_at": timezone.now()}
    )


@dataclass(frozen=True)
class CopyProgress:
    """What is left to copy of some days, and when it is expected."""

    weeks_left: int
    calls_left: int | None  # None: not known (LatePoint's first and last booking not read yet)
    calls_a_minute: int
    minutes: int | None  # None: not known (see `reason`)
    last_pass_at: datetime | None
    reason: str = ""  # why `minutes` is not known

    @property
    def expected_at(self) -> datetime | None:
        if self.minutes is None:
            return None
        return timezone.now() + timedelta(minutes=self.minutes)


def copy_progress(*, missing: tuple[tuple[date, date], ...]) -> CopyProgress:
    """When the days of `missing` (runs of days the copy does not hold) are expected."""
    state = SyncState.objects.order_by("pk").first()
    last_pass = state.last_pass_at if state is not None else None
    pace = share_limit()
    if state is None or state.bounds_checked_at is None:
        reason = _stalled(last_pass) or "the background sync has not read LatePoint's weeks yet"
        return CopyProgress(_weeks(missing), None, pace, None, last_pass, reason)
    unread = SyncSegment.objects.none()
    for first, last in missing:
        unread = unread | SyncSegment.objects.filter(
            walked_at__isnull=True, end__gte=first, start__lte=last
        )
    left = unread.distinct().count()
    calls = math.ceil(left * _pages_a_week())
    stalled = _stalled(last_pass)
    minutes = None if stalled else 1 + math.ceil(calls / pace)  # 1: until the next pass
    return CopyProgress(left, calls, pace, minutes, last_pass, stalled)


def _weeks(missing: tuple[tuple[date, date], ...]) -> int:
    """How many weeks (Monday to Sunday) the runs of days meet."""
    weeks = set()
    for first, last in missing:
        day = week_start(first)
        while day <= last:
            weeks.add(day)
            day += timedelta(days=7)
    return len(weeks)


def _pages_a_week() -> float:
    """The pages a week read so far took, on average (1 when none is read yet)."""
    counts = list(SyncSegment.objects.filter(walked_at__isnull=False).values_list("bookings"))
    if not counts:
        return 1.0
    return sum(max(1, math.ceil(n / PER_PAGE)) for (n,) in counts) / len(counts)


def _stalled(last_pass: datetime | None) -> str:
    """Why no estimate can be made ("" when one can)."""
    if last_pass is None:
        return "the background sync has not run yet"
    if (timezone.now() - last_pass).total_seconds() > STALLED_SECONDS:
        return "the background sync has not run for " + timesince(last_pass).split(",")[0]
    return ""
