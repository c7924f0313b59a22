"""Keep the local copy of LatePoint's bookings (history.models) in step with LatePoint.

LatePoint's `GET /bookings` cannot say what changed since a moment, so the sync re-reads days:

- History is cut into weeks (`SyncSegment`, Monday to Sunday by start date) between the first
  and the last booking LatePoint has (two one-row calls, `bounds`).
- A pass reads, in this order: the bounds when they are older than the recent window's period;
  weeks never read, those of the recent window (the last HISTORY_RECENT_DAYS days and
  everything ahead) first; then the week most overdue: one of the recent window is due again
  HISTORY_RECENT_SECONDS after it was read, an older one HISTORY_OLDER_SECONDS after, and the
  one read longest ago counted in its own interval goes first (so at a volume where the sync's
  share cannot read the recent window that often, every week still gets its turn).
- A week is read page by page (100 a page, by id) and each page is written at once; a walk
  stopped by the budget resumes at its next page. When a week has been read whole, a booking
  still dated in it but not seen in this walk (deleted, or moved to a day not read yet) is
  dropped: the walk of its new week brings it back.
- Every call goes through the front office's client (so the key's budget applies; not its read
  cache, since what the sync reads is kept here) inside `frontoffice.budget.background()`, so
  it takes only what the desks leave, paced, and also takes a place in the sync's own share:
  two thirds of the background budget (the risk badges keep the rest), and never more than a
  third of the key's rate in any minute.
- A status change made through the front office is written here at once (`booking_record`), and
  a walk that read the booking before that write does not undo it.
- A full pass (not limited to some weeks) also keeps what the stats need besides bookings: the
  agents, services and locations lists (read again when older than
  LATEPOINT_CACHE_TTL_REFERENCE), and every customer's creation day (`CustomerRecord`): all
  customers, 100 a page, once the weeks never read are, then again every HISTORY_OLDER_SECONDS
  (in turn with the weeks, as overdue as they are; a walk stopped by the budget resumes at its
  next page), and the customers created since the day before the last read every
  HISTORY_RECENT_SECONDS.
- Every write to the copy changes its version (`history.services.history_changed`), which the
  stats key their figures by.
"""

from __future__ import annotations

import contextvars
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frontoffice import budget
from frontoffice.reference import ReferenceData
from frontoffice.upstream import get_client
from history.models import BookingRecord, CustomerRecord, SyncSegment, SyncState
from history.services import history_changed, reference_rows
from latepoint.errors import BudgetExhausted, LatePointError
from latepoint.models import Booking, Customer

logger = logging.getLogger("frontoffice")

PER_PAGE = 100
#: A walk stopped midway resumes at its next page if it started less than this long ago.
RESUME_SECONDS = 15 * 60
SHARE_NAME = "history-sync"


def recent_days() -> int:
    return int(getattr(settings, "HISTORY_RECENT_DAYS", 14))


def recent_seconds() -> int:
    return int(getattr(settings, "HISTORY_RECENT_SECONDS", 300))


def older_seconds() -> int:
    return int(getattr(settings, "HISTORY_OLDER_SECONDS", 24 * 3600))


def reference_seconds() -> int:
    return int(getattr(settings, "LATEPOINT_CACHE_TTL_REFERENCE", 900))


def share_limit() -> int:
    """The sync's calls in any minute: two thirds of what background work may take (so the
    Today board's risk badges keep the rest), never more than a third of the key's rate."""
    background = budget.Limits.from_settings().background
    return max(min(background * 2 // 3, int(settings.LATEPOINT_RATE_LIMIT) // 3), 1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- one booking ------------------------------------------------------------------------------


def _cents(price: Decimal | None) -> int | None:
    if price is None:
        return None
    return int((price * 100).to_integral_value())


def record_fields(booking: Booking, *, zone=None) -> dict:
    """The read model's columns for a booking as the client parsed it."""
    zone = zone or timezone.get_current_timezone()
    customer = booking.customer
    service = booking.service
    name = ""
    if customer is not None:
        name = customer.full_name or f"{customer.first_name} {customer.last_name}".strip()
    return {
        "id": int(booking.id),
        "status": str(booking.status)[:32],
        "start_date": booking.start.astimezone(zone).date() if booking.start else None,
        "start": booking.start,
        "end": booking.end,
        "agent_id": booking.agent.id if booking.agent is not None else None,
        "service_id": service.id if service is not None else None,
        "location_id": booking.location.id if booking.location is not None else None,
        "customer_id": customer.id if customer is not None else None,
        "customer_name": name[:255],
        "service_name": (service.name if service is not None else "")[:255],
        "price_cents": _cents(booking.price),
        "payment_status": (booking.payment_status or "")[:32],
        "created_at": booking.created_at,
        "updated_at": booking.updated_at,
    }


_UPDATE_FIELDS = [
    "status",
    "start_date",
    "start",
    "end",
    "agent_id",
    "service_id",
    "location_id",
    "customer_id",
    "customer_name",
    "service_name",
    "price_cents",
    "payment_status",
    "created_at",
    "updated_at",
    "synced_at",
]


def booking_record(booking: Booking) -> None:
    """Write a booking LatePoint just returned from a write through the front office."""
    now = timezone.now()
    fields = record_fields(booking)
    booking_id = fields.pop("id")
    if booking.start is None:
        # An answer without the booking's times: keep the rest of what the copy holds.
        fields = {"status": fields["status"]}
        if booking.payment_status:
            fields["payment_status"] = fields["payment_status"]
        BookingRecord.objects.filter(id=booking_id).update(**fields, synced_at=now, written_at=now)
        history_changed()
        return
    BookingRecord.objects.update_or_create(
        id=booking_id, defaults={**fields, "synced_at": now, "written_at": now}
    )
    history_changed()


def _store_page(bookings: Iterable[Booking], *, read_at: datetime) -> int:
    """Write one page read at `read_at`; a booking written through us since is left alone."""
    rows = {int(b.id): record_fields(b) for b in bookings}
    if not rows:
        return 0
    with transaction.atomic():
        newer = set(
            BookingRecord.objects.filter(id__in=rows, written_at__gte=read_at).values_list(
                "id", flat=True
            )
        )
        BookingRecord.objects.bulk_create(
            [
                BookingRecord(**fields, synced_at=read_at)
                for cid, fields in rows.items()
                if cid not in newer
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=_UPDATE_FIELDS,
        )
        # Seen in this walk all the same (so the end of the walk keeps them).
        BookingRecord.objects.filter(id__in=newer).update(synced_at=read_at)
    history_changed()
    return len(rows)


# --- calls ------------------------------------------------------------------------------------


#: Until when (time.monotonic()) a call may wait for a place in the budget: None, never.
_wait_until: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "history_sync_wait_until", default=None
)


def _call(fetch):
    """One call, background priority, within the sync's share of the key.

    Background calls are paced: one refused for now is sent when a place frees up, if the
    pass may still wait that long; else BudgetExhausted stops the pass.
    """
    holds_share = False
    while True:
        try:
            if not holds_share:  # a place in the share is kept while waiting for the key's
                budget.take_share(SHARE_NAME, share_limit())
                holds_share = True
            with budget.background():
                return fetch()
        except BudgetExhausted as exc:
            pause = float(exc.retry_after or 1)
            until = _wait_until.get()
            if until is None or time.monotonic() + pause >= until:
                raise
            time.sleep(pause)


def _list_bookings(**arguments):
    """One `GET /bookings` (see `_call`), past the read cache: what it reads is in the copy
    (kept in the cache too, the pages of a first copy would be some 260 MB at 10,000
    customers)."""
    return _call(lambda: get_client().list_bookings(**arguments))


def refresh_bounds(state: SyncState) -> None:
    """The first and the last booking day LatePoint has (two one-row calls)."""
    zone = timezone.get_current_timezone()
    ends = []
    for order in ("asc", "desc"):
        page = _list_bookings(sort="start_date", order=order, per_page=1)
        first = page.items[0] if page.items else None
        ends.append(first.start.astimezone(zone).date() if first and first.start else None)
    state.earliest, state.latest = ends
    state.bounds_checked_at = timezone.now()
    state.save(update_fields=["earliest", "latest", "bounds_checked_at"])
    _plan(state)


def _plan(state: SyncState) -> None:
    """A segment for every week from the first booking's to the last's (or today's)."""
    if state.earliest is None:
        return
    today = timezone.localdate()
    last = max(state.latest or today, today)
    start = week_start(state.earliest)
    weeks = []
    while start <= last:
        weeks.append(SyncSegment(start=start, end=start + timedelta(days=6)))
        start += timedelta(days=7)
    SyncSegment.objects.bulk_create(weeks, ignore_conflicts=True)


def walk_segment(segment: SyncSegment) -> int:
    """Read a week whole (resuming a walk stopped midway); returns the pages read now."""
    now = timezone.now()
    resumable = (
        segment.walk_started_at is not None
        and (now - segment.walk_started_at).total_seconds() < RESUME_SECONDS
    )
    if not resumable:
        segment.walk_started_at = now
        segment.next_page = 1
        segment.save(update_fields=["walk_started_at", "next_page"])
    pages = 0
    while True:
        read_at = timezone.now()
        page = _list_bookings(
            date_from=segment.start,
            date_to=segment.end,
            sort="id",
            order="asc",
            page=segment.next_page,
            per_page=PER_PAGE,
        )
        pages += 1
        _store_page(page.items, read_at=read_at)
        if not page.has_next:
            break
        segment.next_page += 1
        segment.save(update_fields=["next_page"])
    with transaction.atomic():
        in_week = BookingRecord.objects.filter(start_date__range=(segment.start, segment.end))
        # Not seen in this walk: gone from this week (deleted or moved; a move is read back
        # with the week it moved to).
        in_week.filter(synced_at__lt=segment.walk_started_at).delete()
        segment.bookings = in_week.count()
        segment.walked_at = segment.walk_started_at
        segment.walk_started_at = None
        segment.next_page = 1
        segment.save(update_fields=["bookings", "walked_at", "walk_started_at", "next_page"])
    history_changed()
    return pages


# --- what else the stats read ---------------------------------------------------------------------


def refresh_reference(state: SyncState) -> None:
    """The agents, services and locations lists (three calls)."""
    client = get_client()
    reference = ReferenceData(
        agents=_call(client.list_agents),
        services=_call(client.list_services),
        locations=_call(client.list_locations),
    )
    state.reference = reference_rows(reference)
    state.reference_read_at = timezone.now()
    state.save(update_fields=["reference", "reference_read_at"])


def _store_customers(customers: Iterable[Customer], *, read_at: datetime) -> None:
    zone = timezone.get_current_timezone()
    records = [
        CustomerRecord(
            id=int(c.id),
            created_on=c.created_at.astimezone(zone).date() if c.created_at else None,
            synced_at=read_at,
        )
        for c in customers
    ]
    if records:
        CustomerRecord.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["created_on", "synced_at"],
        )


def walk_customers(state: SyncState) -> int:
    """Read every customer (resuming a walk stopped midway); returns the pages read now.

    Newest first, as LatePoint lists them: a customer created meanwhile moves the rest one
    place on, so a page is at worst read again in part, and a walk may resume for as long
    as a day (at 10,000 customers it is 100 pages, over many passes on a busy key)."""
    now = timezone.now()
    resumable = (
        state.customers_walk_started_at is not None
        and (now - state.customers_walk_started_at).total_seconds() < older_seconds()
    )
    if not resumable:
        state.customers_walk_started_at = now
        state.customers_next_page = 1
        state.save(update_fields=["customers_walk_started_at", "customers_next_page"])
    client = get_client()
    pages = 0
    while True:
        read_at = timezone.now()
        number = state.customers_next_page
        page = _call(lambda n=number: client.list_customers(page=n, per_page=PER_PAGE))
        pages += 1
        _store_customers(page.items, read_at=read_at)
        if not page.has_next:
            break
        state.customers_next_page += 1
        state.save(update_fields=["customers_next_page"])
    with transaction.atomic():
        # Not seen in this walk: deleted from LatePoint.
        CustomerRecord.objects.filter(synced_at__lt=state.customers_walk_started_at).delete()
        state.customers_walked_at = state.customers_walk_started_at
        state.customers_checked_at = state.customers_walk_started_at
        state.customers_walk_started_at = None
        state.customers_next_page = 1
        state.save(
            update_fields=[
                "customers_walked_at",
                "customers_checked_at",
                "customers_walk_started_at",
                "customers_next_page",
            ]
        )
    return pages


def read_new_customers(state: SyncState) -> int:
    """The customers created since the day before the last read; returns the pages read."""
    started = timezone.now()
    since = timezone.localtime(state.customers_checked_at).date() - timedelta(days=1)
    client = get_client()
    pages, number = 0, 1
    while True:
        page = _call(
            lambda n=number: client.list_customers(created_after=since, page=n, per_page=PER_PAGE)
        )
        pages += 1
        _store_customers(page.items, read_at=timezone.now())
        if not page.has_next:
            break
        number += 1
    state.customers_checked_at = started
    state.save(update_fields=["customers_checked_at"])
    return pages


# --- a pass -----------------------------------------------------------------------------------


def state_get() -> SyncState:
    state = SyncState.objects.order_by("pk").first()
    return state if state is not None else SyncState.objects.create()


def _recent_from() -> date:
    return week_start(timezone.localdate() - timedelta(days=recent_days()))


def next_segment(
    *, within: tuple[date, date] | None = None, done: Iterable[int] = (), older: bool = True
) -> SyncSegment | None:
    """What to read next: weeks never read (the recent window's first, oldest first; then the
    others, newest first); then, with `older`, the week most overdue (`most_overdue`). None of
    the `done` ones: a pass reads a week once."""
    segments = _segments(within, done)
    found = (
        segments.filter(walked_at__isnull=True, end__gte=_recent_from()).order_by("start").first()
        or segments.filter(walked_at__isnull=True).order_by("-start").first()
    )
    if found is None and older:
        found, _ = most_overdue(within=within, done=done)
    return found


def _segments(within: tuple[date, date] | None, done: Iterable[int]):
    segments = SyncSegment.objects.exclude(pk__in=list(done))
    if within is not None:
        segments = segments.filter(end__gte=within[0], start__lte=within[1])
    return segments


def overdue(read_at: datetime | None, interval: int, *, now: datetime) -> float:
    """How many of its intervals ago something was read: due from 1 on (never read: inf)."""
    if read_at is None or interval <= 0:
        return math.inf
    return (now - read_at).total_seconds() / interval


def most_overdue(
    *, within: tuple[date, date] | None = None, done: Iterable[int] = ()
) -> tuple[SyncSegment | None, float]:
    """The week read longest ago counted in its own interval, with that count (None, 0 when
    none is due): a week of the recent window is due HISTORY_RECENT_SECONDS after it was
    read, an older week HISTORY_OLDER_SECONDS after. When the sync's share cannot read the
    recent window again that often (a busy business on a 60/min key), older weeks and the
    customers still get their turn, each less often, instead of waiting for ever."""
    now = timezone.now()
    recent_from = _recent_from()
    best, best_key = None, None
    for segment in _segments(within, done).filter(walked_at__isnull=False):
        recent = segment.end >= recent_from
        interval = recent_seconds() if recent else older_seconds()
        count = overdue(segment.walked_at, interval, now=now)
        if count < 1:
            continue
        key = (-count, not recent, segment.start)
        if best_key is None or key < best_key:
            best, best_key = segment, key
    return best, (-best_key[0] if best_key else 0.0)


def _older_than(moment: datetime | None, seconds: int) -> bool:
    return moment is None or (timezone.now() - moment).total_seconds() >= seconds


@dataclass
class PassResult:
    pages: int = 0
    segments: int = 0
    bounds_checked: bool = False
    stopped_by_budget: bool = False
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
    done: set[int] = set()

    def time_left() -> float:
        if max_seconds is None:
            return math.inf
        return max_seconds - (time.monotonic() - started)

    token = _wait_until.set(time.monotonic() + time_left() if wait else None)
    try:
        _run(state, result, done, within, time_left)
    finally:
        _wait_until.reset(token)
    state.last_pass_at = timezone.now()
    state.last_error = result.error
    state.save(update_fields=["last_pass_at", "last_error"])
    return result


def _run(state, result: PassResult, done: set[int], within, time_left) -> None:
    full = within is None
    customers_read = False  # once a pass at most, like a week
    while time_left() > 0:
        try:
            due = _older_than(state.bounds_checked_at, recent_seconds())
            if due and not result.bounds_checked:  # once a pass at most
                refresh_bounds(state)
                result.bounds_checked = True
                result.pages += 2
                continue
            if full and _older_than(state.reference_read_at, reference_seconds()):
                refresh_reference(state)
                result.pages += 3
                continue
            if (
                full
                and not customers_read
                and state.customers_walked_at is not None
                and _older_than(state.customers_checked_at, recent_seconds())
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
            result.pages += walk_segment(segment)
            result.segments += 1
            done.add(segment.pk)
        except BudgetExhausted:
            # Waited as long as the pass may (_list_bookings): the next pass carries on.
            result.stopped_by_budget = True
            break
        except LatePointError as exc:
            result.error = f"{type(exc).__name__}: {exc.user_message}"
            logger.warning("booking sync stopped: %s", result.error)
            break
