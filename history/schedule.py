"""What the sync reads next, and when each thing it keeps is due to be read again.

The weeks a manager asked the stats for, not held yet, come first (`requested_segment`). A
week of the recent window (the last HISTORY_RECENT_DAYS days and everything ahead) is due
HISTORY_RECENT_SECONDS after it was read, an older one HISTORY_OLDER_SECONDS after; the
reference lists when older than the read cache keeps them. No call here: only the copy's own
tables are read (and the requests done are dropped).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from history.models import SyncRequest, SyncSegment, SyncState
from upstream.read_cache import DEFAULT_TTL


def recent_days() -> int:
    return int(getattr(settings, "HISTORY_RECENT_DAYS", 14))


def recent_seconds() -> int:
    return int(getattr(settings, "HISTORY_RECENT_SECONDS", 300))


def older_seconds() -> int:
    return int(getattr(settings, "HISTORY_OLDER_SECONDS", 24 * 3600))


def reference_seconds() -> int:
    """How old the reference lists may get: the read cache's figure for them, one definition
    (LATEPOINT_CACHE_TTL["reference"], set by LATEPOINT_CACHE_TTL_REFERENCE)."""
    ttls = getattr(settings, "LATEPOINT_CACHE_TTL", None) or {}
    return int(ttls.get("reference", DEFAULT_TTL["reference"]))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def recent_from() -> date:
    """The first day of the recent window's first week."""
    return week_start(timezone.localdate() - timedelta(days=recent_days()))


def state_get() -> SyncState:
    state = SyncState.objects.order_by("pk").first()
    return state if state is not None else SyncState.objects.create()


def older_than(moment: datetime | None, seconds: int) -> bool:
    return moment is None or (timezone.now() - moment).total_seconds() >= seconds


def overdue(read_at: datetime | None, interval: int, *, now: datetime) -> float:
    """How many of its intervals ago something was read: due from 1 on (never read: inf)."""
    if read_at is None or interval <= 0:
        return math.inf
    return (now - read_at).total_seconds() / interval


def requested_segment(
    *, within: tuple[date, date] | None = None, done: Iterable[int] = ()
) -> SyncSegment | None:
    """A week never read (or its payments never read) of the days a manager asked for
    (`SyncRequest`): of the latest request first, its newest week first (so its figures fill
    in from the period's end back).
    A request whose weeks are all read is done, and dropped; one older than
    HISTORY_OLDER_SECONDS too (nobody is waiting for it any more)."""
    asked = SyncRequest.objects.order_by("-requested_at", "-end")
    asked.filter(requested_at__lt=timezone.now() - timedelta(seconds=older_seconds())).delete()
    planned = SyncState.objects.filter(bounds_checked_at__isnull=False).exists()
    # Never read, or its payments never read (a week read before payments were copied).
    unread = Q(walked_at__isnull=True) | Q(
        payments_walked_at__isnull=True, start__lte=timezone.localdate()
    )
    for request in asked:
        theirs = Q(end__gte=request.start, start__lte=request.end) & unread
        found = _segments(within, done).filter(theirs).order_by("-start").first()
        if found is not None:
            return found
        if planned and not SyncSegment.objects.filter(theirs).exists():
            request.delete()  # every week of it read (or outside LatePoint's bookings)
    return None


def next_segment(
    *, within: tuple[date, date] | None = None, done: Iterable[int] = (), older: bool = True
) -> SyncSegment | None:
    """What to read next: the weeks asked for (`requested_segment`); weeks never read
    (`first_unread`); then, with `older`,
    the week most overdue (`most_overdue`). None of the `done` ones: a pass reads a week
    once."""
    found = requested_segment(within=within, done=done) or first_unread(within, done)
    if found is None and older:
        found, _ = most_overdue(within=within, done=done)
    return found


#: The days back a first copy holds before it reads the weeks ahead: the stats' longest preset.
FIRST_DAYS = 90


def first_unread(within: tuple[date, date] | None, done: Iterable[int]) -> SyncSegment | None:
    """The week never read that matters most: the recent window up to next week (oldest
    first: today and the days the board and the badges need); then the last FIRST_DAYS days
    (newest first: what the stats' presets show fills in from today back); then the weeks
    ahead (soonest first); then the older past (newest first)."""
    unread = _segments(within, done).filter(walked_at__isnull=True)
    today = timezone.localdate()
    next_week = week_start(today) + timedelta(days=7)
    first, back = recent_from(), today - timedelta(days=FIRST_DAYS)
    return (
        unread.filter(end__gte=first, start__lte=next_week).order_by("start").first()
        or unread.filter(start__lt=first, end__gte=back).order_by("-start").first()
        or unread.filter(start__gt=next_week).order_by("start").first()
        or unread.order_by("-start").first()
    )


def _segments(within: tuple[date, date] | None, done: Iterable[int]) -> QuerySet[SyncSegment]:
    segments = SyncSegment.objects.exclude(pk__in=list(done))
    if within is not None:
        segments = segments.filter(end__gte=within[0], start__lte=within[1])
    return segments


def most_overdue(
    *, within: tuple[date, date] | None = None, done: Iterable[int] = ()
) -> tuple[SyncSegment | None, float]:
    """The week read longest ago counted in its own interval, with that count (None, 0 when
    none is due): a week of the recent window is due HISTORY_RECENT_SECONDS after it was
    read, an older week HISTORY_OLDER_SECONDS after. When the sync's share cannot read the
    recent window again that often (a busy business on a 60/min key), older weeks and the
    customers still get their turn, each less often, instead of waiting for ever."""
    now = timezone.now()
    first_recent = recent_from()
    best, best_key = None, None
    for segment in _segments(within, done).filter(walked_at__isnull=False):
        recent = segment.end >= first_recent
        interval = recent_seconds() if recent else older_seconds()
        count = overdue(segment.walked_at, interval, now=now)
        if count < 1:
            continue
        key = (-count, not recent, segment.start)
        if best_key is None or key < best_key:
            best, best_key = segment, key
    return best, (-best_key[0] if best_key else 0.0)
