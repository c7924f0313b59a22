"""What the local booking history covers, and how fresh it is, for the screens that read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.timesince import timesince

from history.models import SyncSegment, SyncState


@dataclass(frozen=True)
class Coverage:
    """How much of a range of days the local copy holds, read whole from LatePoint."""

    start: date
    end: date
    days: int
    synced_days: int
    synced_at: datetime | None  # the oldest read among the days covered

    @property
    def complete(self) -> bool:
        return self.days > 0 and self.synced_days == self.days

    @property
    def percent(self) -> int:
        """Whole percent, rounded down (100 only when complete)."""
        return self.synced_days * 100 // self.days if self.days else 0

    @property
    def age_text(self) -> str:
        """How long ago, as words ("2 minutes"); "" when never."""
        if self.synced_at is None:
            return ""
        if timezone.now() - self.synced_at < timedelta(minutes=1):
            return "less than a minute"
        return timesince(self.synced_at, timezone.now()).split(",")[0]


def history_coverage(*, start: date, end: date) -> Coverage:
    """The days start..end the local copy holds. Days before the first booking LatePoint has,
    or after its last, hold nothing and count as covered once those bounds were read."""
    days = (end - start).days + 1
    state = SyncState.objects.order_by("pk").first()
    if days <= 0 or state is None or state.bounds_checked_at is None:
        return Coverage(start, end, max(days, 0), 0, None)
    covered: set[date] = set()
    oldest: datetime | None = None

    def cover(first: date, last: date, at: datetime) -> None:
        nonlocal oldest
        first, last = max(first, start), min(last, end)
        if first > last:
            return
        for n in range((last - first).days + 1):
            covered.add(first + timedelta(days=n))
        oldest = at if oldest is None or at < oldest else oldest

    if state.earliest is None:  # LatePoint has no booking at all
        cover(start, end, state.bounds_checked_at)
    else:
        cover(start, state.earliest - timedelta(days=1), state.bounds_checked_at)
        if state.latest is not None:
            cover(state.latest + timedelta(days=1), end, state.bounds_checked_at)
        for segment in SyncSegment.objects.filter(
            walked_at__isnull=False, end__gte=start, start__lte=end
        ):
            cover(segment.start, segment.end, segment.walked_at)
    return Coverage(start, end, days, len(covered), oldest)
