"""The weeks a manager asked the stats for come first in the sync's order, and what the copy
still lacks is described and estimated (no call: the copy's own tables only)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from history import schedule
from history.models import SyncRequest, SyncSegment, SyncState
from history.progress import copy_progress, request_days
from history.services import history_coverage

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 3, 3)


@pytest.fixture
def weeks() -> list[SyncSegment]:
    """Twenty weeks planned from MONDAY, none read; the bounds read, a pass a moment ago."""
    SyncState.objects.create(
        earliest=MONDAY,
        latest=MONDAY + timedelta(days=139),
        bounds_checked_at=timezone.now(),
        last_pass_at=timezone.now(),
    )
    return [
        SyncSegment.objects.create(
            start=MONDAY + timedelta(weeks=n), end=MONDAY + timedelta(weeks=n, days=6)
        )
        for n in range(20)
    ]


def test_the_latest_request_comes_first_newest_week_first(weeks):
    assert schedule.next_segment().start == weeks[-1].start  # without a request
    request_days(start=weeks[2].start + timedelta(days=3), end=weeks[4].start)
    request_days(start=weeks[8].start, end=weeks[9].end)
    assert schedule.next_segment() == weeks[9]
    assert schedule.next_segment(done=[weeks[9].pk]) == weeks[8]
    assert schedule.next_segment(done=[weeks[9].pk, weeks[8].pk]) == weeks[4]
    # Asked again: to the front.
    request_days(start=weeks[2].start + timedelta(days=3), end=weeks[4].start)
    assert schedule.next_segment() == weeks[4]


def test_a_request_read_whole_is_dropped_and_one_a_day_old_too(weeks):
    request_days(start=weeks[5].start, end=weeks[5].end)
    SyncSegment.objects.filter(pk=weeks[5].pk).update(
        walked_at=timezone.now(), payments_walked_at=timezone.now()
    )
    request_days(start=weeks[1].start, end=weeks[1].end)
    SyncRequest.objects.filter(start=weeks[1].start).update(
        requested_at=timezone.now() - timedelta(days=2)
    )
    assert schedule.requested_segment() is None
    assert not SyncRequest.objects.exists()


def test_what_is_held_and_missing_as_runs_of_days(weeks):
    for week in (weeks[3], weeks[4], weeks[7]):
        SyncSegment.objects.filter(pk=week.pk).update(walked_at=timezone.now(), bookings=250)
    start, end = weeks[2].start + timedelta(days=2), weeks[7].start + timedelta(days=1)
    coverage = history_coverage(start=start, end=end)
    assert coverage.held == ((weeks[3].start, weeks[4].end), (weeks[7].start, end))
    assert coverage.missing == (
        (start, weeks[2].end),
        (weeks[5].start, weeks[6].end),
    )
    assert coverage.latest_run(start=start, end=weeks[6].end) == (weeks[3].start, weeks[4].end)

    progress = copy_progress(missing=coverage.missing)
    # Weeks 2, 5 and 6 at 3 pages each (250 bookings a week so far).
    assert (progress.weeks_left, progress.calls_left) == (3, 9)
    assert progress.minutes == 1 + -(-9 // progress.calls_a_minute)

    SyncState.objects.update(last_pass_at=timezone.now() - timedelta(minutes=30))
    stalled = copy_progress(missing=coverage.missing)
    assert stalled.minutes is None
    assert stalled.reason.replace("\xa0", " ") == "the background sync has not run for 30 minutes"


def test_a_first_copy_reads_the_days_the_desk_and_the_stats_need_first(db):
    """Weeks never read: the recent window up to next week (oldest first), then the last 90
    days (newest first), then the weeks ahead (soonest first), then the older past."""
    today = timezone.localdate()
    this_week = schedule.week_start(today)
    first = [this_week + timedelta(weeks=n) for n in range(-30, 12)]
    SyncState.objects.create(
        earliest=first[0], latest=first[-1] + timedelta(days=6), bounds_checked_at=timezone.now()
    )
    for start in first:
        SyncSegment.objects.create(start=start, end=start + timedelta(days=6))
    order = []
    while (segment := schedule.next_segment(done=[s.pk for s in order], older=False)) is not None:
        order.append(segment)
    starts = [segment.start for segment in order]

    recent = [s for s in first if schedule.recent_from() <= s <= this_week + timedelta(days=7)]
    ninety = sorted(
        (
            s
            for s in first
            if s < schedule.recent_from() and s + timedelta(days=6) >= today - timedelta(days=90)
        ),
        reverse=True,
    )
    ahead = [s for s in first if s > this_week + timedelta(days=7)]
    older = sorted((s for s in first if s not in recent + ninety + ahead), reverse=True)
    assert starts == recent + ninety + ahead + older
    assert len(ninety) >= 10 and ahead and older
