"""What the sync keeps besides bookings (the reference lists, the customers' creation days),
and the order it reads in when its share cannot read everything as often as it would like."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from history import sync
from history.models import CustomerRecord, SyncSegment
from history.services import customers_copied, history_changed, history_version
from tests.conftest import API_PREFIX

pytestmark = pytest.mark.django_db


def creation_days(sandbox) -> dict[int, date]:
    with sandbox.db() as conn:
        return {
            row["id"]: date.fromisoformat(row["created_at_local"][:10])
            for row in conn.execute("SELECT id, created_at_local FROM sandbox_customer")
        }


def customer_calls(sandbox, since: float) -> list[tuple]:
    return [row for row in sandbox.requests_since(since) if row[2].startswith("/customers")]


def test_every_customer_is_read_then_only_the_new_ones(live_sandbox):
    state = sync.state_get()
    pages = sync.walk_customers(state)
    expected = creation_days(live_sandbox)
    assert pages == -(-len(expected) // sync.PER_PAGE)
    assert dict(CustomerRecord.objects.values_list("id", "created_on")) == expected
    assert customers_copied()

    status, answer = live_sandbox.request(
        "POST",
        f"{API_PREFIX}/customers",
        {
            "first_name": "Ada",
            "last_name": "Newcomer",
            "email": f"ada.{uuid.uuid4().hex[:10]}@example.com",
        },
    )
    assert status == 201, answer
    created = int(answer["data"]["id"])
    # Only the customers created since the day before the last read (the session's tests
    # make their own): a page for each PER_PAGE of them, not every customer's pages.
    since = timezone.localdate() - timedelta(days=1)
    recent = sum(day >= since for day in creation_days(live_sandbox).values())
    new_pages = -(-recent // sync.PER_PAGE)
    assert new_pages < pages
    started = time.time()
    assert sync.read_new_customers(sync.state_get()) == new_pages
    assert len(customer_calls(live_sandbox, started)) == new_pages
    assert CustomerRecord.objects.get(id=created).created_on == timezone.localdate()


def test_a_full_pass_reads_the_reference_lists_and_the_customers(live_sandbox, settings):
    from frontoffice.reference import reference_data
    from history.services import reference_copy

    result = sync.sync_pass()
    assert result.complete
    assert reference_copy() == reference_data()
    assert dict(CustomerRecord.objects.values_list("id", "created_on")) == creation_days(
        live_sandbox
    )
    # Too old to be used: read live again.
    settings.HISTORY_OLDER_SECONDS = 0
    assert reference_copy() is None


def test_when_the_recent_window_cannot_keep_up_older_weeks_still_get_their_turn(settings):
    settings.HISTORY_RECENT_SECONDS = 300
    settings.HISTORY_OLDER_SECONDS = 24 * 3600
    now = timezone.now()
    this_week = sync.week_start(timezone.localdate())

    def week(start: date, read_ago: timedelta | None) -> SyncSegment:
        return SyncSegment.objects.create(
            start=start,
            end=start + timedelta(days=6),
            walked_at=None if read_ago is None else now - read_ago,
        )

    recent = week(this_week, timedelta(minutes=30))  # 6 of its intervals ago
    older = week(this_week - timedelta(weeks=10), timedelta(days=2))  # 2 of its intervals
    fresh = week(this_week - timedelta(weeks=11), timedelta(hours=1))  # not due
    assert sync.next_segment() == recent
    assert sync.next_segment(done=[recent.pk]) == older
    assert sync.next_segment(done=[recent.pk, older.pk]) is None

    older.walked_at = now - timedelta(days=8)
    older.save()
    assert sync.next_segment() == older
    assert sync.most_overdue()[0] == older and sync.most_overdue()[1] > 6

    never = week(this_week - timedelta(weeks=20), None)
    assert sync.next_segment() == never
    assert fresh.walked_at is not None


def test_every_write_to_the_history_changes_its_version(live_sandbox, take_booking):
    from upstream.gateway import api

    first = history_version()
    assert history_version() == first
    history_changed()
    second = history_version()
    assert second != first
    booking = api().get_booking(take_booking("approved"), fresh=True)
    sync.booking_record(booking)
    assert history_version() != second


def test_a_write_answer_without_times_keeps_the_copys_times_and_takes_status_and_payment(
    live_sandbox, take_booking
):
    """LatePoint answered a write with the booking's status and payment but no times: the
    copy keeps its times and takes the rest, and nothing fails after the write landed."""
    import dataclasses

    from history.models import BookingRecord
    from upstream.gateway import api

    booking = api().get_booking(take_booking("approved"), fresh=True)
    sync.booking_record(booking)
    kept = BookingRecord.objects.get(id=booking.id)
    answer = dataclasses.replace(booking, start=None, status="cancelled", payment_status="paid")

    sync.booking_record(answer)

    record = BookingRecord.objects.get(id=booking.id)
    assert (record.status, record.payment_status) == ("cancelled", "paid")
    assert record.start == kept.start
