"""The sync's reads of LatePoint, each written to the copy as it comes: the bounds of the
history, a week of bookings and the payments made in it, the reference lists, and the
customers' creation days.

A week or the customers are read page by page (100 a page) and each page is written at once;
a walk stopped by the budget resumes at its next page. When a week has been read whole, a
booking still dated in it but not seen in this walk (deleted, or moved to a day not read yet)
is dropped: the walk of its new week brings it back.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from frontoffice.paging import PAYMENTS_PER_PAGE
from frontoffice.reference import ReferenceData
from history.calls import call, list_bookings, list_payments, sync_walk
from history.models import BookingRecord, CustomerRecord, PaymentRecord, SyncSegment, SyncState
from history.records import store_customers, store_page, store_payments
from history.schedule import older_seconds, week_start
from history.services import history_changed, reference_rows
from latepoint.errors import BudgetExhausted, Forbidden, NotFound

logger = logging.getLogger("frontoffice")

PER_PAGE = 100
#: A walk stopped midway resumes at its next page if it started less than this long ago.
RESUME_SECONDS = 15 * 60


def refresh_bounds(state: SyncState) -> None:
    """The first and the last booking day LatePoint has (two one-row calls)."""
    zone = timezone.get_current_timezone()
    ends = []
    for order in ("asc", "desc"):
        page = list_bookings(sort="start_date", order=order, per_page=1)
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
        page = list_bookings(
            date_from=segment.start,
            date_to=segment.end,
            sort="id",
            order="asc",
            page=segment.next_page,
            per_page=PER_PAGE,
        )
        pages += 1
        store_page(page.items, read_at=read_at)
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
    try:
        return pages + walk_payments(segment)
    except BudgetExhausted:
        # The week's bookings are held: its payments are read with its next walk (first, when
        # a manager asks for its days: history.schedule.requested_segment).
        return pages


def walk_payments(segment: SyncSegment) -> int:
    """Read the payments and refunds made in a week whole, PAYMENTS_PER_PAGE a page; returns
    the pages read. None for a week still ahead (a payment is dated the day it is made: the
    week is read again once it has begun). A payment dated in the week but not seen in this
    walk (deleted from LatePoint) is dropped. A walk stopped by the budget starts again from
    its first page the next time the week is read."""
    if segment.start > timezone.localdate():
        return 0
    started = timezone.now()
    pages, number = 0, 1
    while True:
        read_at = timezone.now()
        try:
            page = list_payments(
                date_from=segment.start,
                date_to=segment.end,
                page=number,
                per_page=PAYMENTS_PER_PAGE,
            )
        except (NotFound, Forbidden) as exc:
            # A site or key without payments: its bookings are copied all the same.
            logger.warning("payments not copied for %s: %s", segment, exc.user_message)
            return pages
        pages += 1
        store_payments(page.items, read_at=read_at)
        if not page.items or not page.has_next:
            break
        number += 1
    with transaction.atomic():
        PaymentRecord.objects.filter(
            day__range=(segment.start, segment.end), synced_at__lt=started
        ).delete()
        segment.payments_walked_at = started
        segment.save(update_fields=["payments_walked_at"])
    history_changed()
    return pages


def refresh_reference(state: SyncState) -> None:
    """The agents, services and locations lists (three calls)."""
    client = sync_walk()
    reference = ReferenceData(
        agents=call(client.list_agents),
        services=call(client.list_services),
        locations=call(client.list_locations),
    )
    state.reference = reference_rows(reference)
    state.reference_read_at = timezone.now()
    state.save(update_fields=["reference", "reference_read_at"])


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
    client = sync_walk()
    pages = 0
    while True:
        read_at = timezone.now()
        number = state.customers_next_page
        page = call(lambda n=number: client.list_customers(page=n, per_page=PER_PAGE))
        pages += 1
        store_customers(page.items, read_at=read_at)
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
    client = sync_walk()
    pages, number = 0, 1
    while True:
        page = call(
            lambda n=number: client.list_customers(created_after=since, page=n, per_page=PER_PAGE)
        )
        pages += 1
        store_customers(page.items, read_at=timezone.now())
        if not page.has_next:
            break
        number += 1
    state.customers_checked_at = started
    state.save(update_fields=["customers_checked_at"])
    return pages
