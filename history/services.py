"""What the local booking history covers, and how fresh it is, for the screens that read it;
its copies of the reference lists and of the customers' creation days."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.timesince import timesince

from frontoffice.reference import ReferenceData
from history.models import CustomerRecord, SyncSegment, SyncState
from latepoint.models import Agent, Location, Service

#: Changes whenever what the copy holds changes (stats.services keys its figures by it).
VERSION_KEY = "history:version"


def history_version() -> str:
    """The copy's current version: figures computed from it may be reused while it holds."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or ""
    return version


def history_changed() -> None:
    """Called after every write to the copy: a new, never used version (not a counter, so
    that two writers at once never leave the version of figures computed between them)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


@dataclass(frozen=True)
class Coverage:
    """How much of a range of days the local copy holds, read whole from LatePoint."""

    start: date
    end: date
    days: int
    synced_days: int
    synced_at: datetime | None  # the oldest read among the days covered
    #: The runs of days held, oldest first, each (first day, last day).
    held: tuple[tuple[date, date], ...] = ()

    @property
    def missing(self) -> tuple[tuple[date, date], ...]:
        """The runs of days not held yet, oldest first."""
        runs, day = [], self.start
        for first, last in (*self.held, (self.end + timedelta(days=1), self.end)):
            if day < first:
                runs.append((day, first - timedelta(days=1)))
            day = last + timedelta(days=1)
        return tuple(runs)

    def latest_run(self, *, start: date, end: date) -> tuple[date, date] | None:
        """The latest run of days held within start..end (None: none of them is held)."""
        for first, last in reversed(self.held):
            first, last = max(first, start), min(last, end)
            if first <= last:
                return first, last
        return None

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
    state = SyncState.objects.order_by("pk").first()
    if (end - start).days < 0 or state is None or state.bounds_checked_at is None:
        return _covered(start, end, [])
    spans = _bounds_spans(state, start, end, after_latest=True)
    spans += [
        (segment.start, segment.end, segment.walked_at)
        for segment in SyncSegment.objects.filter(
            walked_at__isnull=False, end__gte=start, start__lte=end
        )
    ]
    return _covered(start, end, spans)


def payments_coverage(*, start: date, end: date) -> Coverage:
    """The days start..end whose payments and refunds the copy holds: the weeks whose payments
    were read whole; the days after today (no payment is dated later); and, as for bookings,
    the days before the first booking LatePoint has (a payment is made for a booking or a fee
    on one, so none is dated that early) once that bound was read."""
    state = SyncState.objects.order_by("pk").first()
    if (end - start).days < 0 or state is None or state.bounds_checked_at is None:
        return _covered(start, end, [])
    today = timezone.localdate()
    spans = _bounds_spans(state, start, end, after_latest=False)
    spans.append((today + timedelta(days=1), end, timezone.now()))
    spans += [
        (segment.start, segment.end, segment.payments_walked_at)
        for segment in SyncSegment.objects.filter(
            payments_walked_at__isnull=False, end__gte=start, start__lte=end
        )
    ]
    return _covered(start, end, spans)


def _bounds_spans(
    state: SyncState, start: date, end: date, *, after_latest: bool
) -> list[tuple[date, date, datetime]]:
    """The days that hold nothing by LatePoint's first and last booking days (as read)."""
    at = state.bounds_checked_at
    if state.earliest is None:  # LatePoint has no booking at all
        return [(start, end, at)]
    spans = [(start, state.earliest - timedelta(days=1), at)]
    if after_latest and state.latest is not None:
        spans.append((state.latest + timedelta(days=1), end, at))
    return spans


def _covered(start: date, end: date, spans: list[tuple[date, date, datetime]]) -> Coverage:
    """The coverage of start..end by spans of days (first, last, read at)."""
    days = (end - start).days + 1
    if days <= 0 or not spans:
        return Coverage(start, end, max(days, 0), 0, None)
    covered: set[date] = set()
    oldest: datetime | None = None
    for first, last, at in spans:
        first, last = max(first, start), min(last, end)
        if first > last:
            continue
        for n in range((last - first).days + 1):
            covered.add(first + timedelta(days=n))
        oldest = at if oldest is None or at < oldest else oldest
    return Coverage(start, end, days, len(covered), oldest, _runs(covered))


def _runs(days: set[date]) -> tuple[tuple[date, date], ...]:
    """The days as runs of consecutive days, oldest first."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return tuple(runs)


def whole_history_covered() -> bool:
    """Whether the copy holds every booking LatePoint has (lifetime figures can be read here)."""
    state = SyncState.objects.order_by("pk").first()
    if state is None or state.bounds_checked_at is None:
        return False
    if state.earliest is None:
        return True
    return history_coverage(start=state.earliest, end=state.latest or state.earliest).complete


# --- the reference lists ------------------------------------------------------------------------

_REFERENCE_TYPES = {"agents": Agent, "services": Service, "locations": Location}


def reference_rows(reference: ReferenceData) -> dict[str, list[dict]]:
    """The lists as stored in `SyncState.reference`."""
    return {name: [asdict(item) for item in getattr(reference, name)] for name in _REFERENCE_TYPES}


def reference_copy() -> ReferenceData | None:
    """The agents, services and locations as the sync last read them, sorted as
    frontoffice.reference sorts them; None when not read within HISTORY_OLDER_SECONDS (the
    worker stopped, say) or unreadable."""
    state = SyncState.objects.order_by("pk").first()
    if state is None or state.reference_read_at is None:
        return None
    max_age = timedelta(seconds=int(getattr(settings, "HISTORY_OLDER_SECONDS", 24 * 3600)))
    if timezone.now() - state.reference_read_at > max_age:
        return None
    try:
        lists = {
            name: [kind(**row) for row in state.reference.get(name, [])]
            for name, kind in _REFERENCE_TYPES.items()
        }
        lists["services"] = [
            s if s.price is None else Service(**{**asdict(s), "price": Decimal(str(s.price))})
            for s in lists["services"]
        ]
    except (TypeError, ValueError, InvalidOperation, AttributeError):
        return None  # stored by another version of the front office: read them live
    return ReferenceData(
        agents=sorted(lists["agents"], key=lambda a: a.display_name.casefold()),
        services=sorted(lists["services"], key=lambda s: s.name.casefold()),
        locations=sorted(lists["locations"], key=lambda loc: loc.name.casefold()),
    )


# --- the customers' creation days ---------------------------------------------------------------


def customers_copied() -> bool:
    """Whether every customer has been read at least once (new-customer counts are local)."""
    state = SyncState.objects.order_by("pk").first()
    return state is not None and state.customers_walked_at is not None


def new_customers(*, start: date, end: date) -> int:
    """Customers created from start to end (both included, the site's days), from the copy."""
    return CustomerRecord.objects.filter(created_on__range=(start, end)).count()
