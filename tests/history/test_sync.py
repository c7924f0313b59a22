"""The booking history sync against the real sandbox: the copy equals LatePoint's bookings."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from history import calls, records, sync, walks
from history.models import BookingRecord, SyncSegment, SyncState
from history.services import history_coverage
from history.tasks import sync_bookings_now
from latepoint.errors import BudgetExhausted
from tests.conftest import API_PREFIX
from upstream import budget

pytestmark = pytest.mark.django_db


def sandbox_rows(sandbox, start: date | None = None, end: date | None = None) -> dict[int, tuple]:
    sql = (
        "SELECT id, status, start_date, agent_id, service_id, location_id, customer_id, price, "
        "payment_status FROM sandbox_booking"
    )
    args: list = []
    if start is not None:
        sql += " WHERE start_date BETWEEN ? AND ?"
        args = [start.isoformat(), end.isoformat()]
    with sandbox.db() as conn:
        return {
            row["id"]: (
                row["status"],
                date.fromisoformat(row["start_date"]),
                row["agent_id"],
                row["service_id"],
                row["location_id"],
                row["customer_id"],
                int(Decimal(str(row["price"])) * 100) if row["price"] is not None else None,
                row["payment_status"],
            )
            for row in conn.execute(sql, args)
        }


def local_rows(start: date | None = None, end: date | None = None) -> dict[int, tuple]:
    rows = BookingRecord.objects.all()
    if start is not None:
        rows = rows.filter(start_date__range=(start, end))
    return {
        r.id: (
            r.status,
            r.start_date,
            r.agent_id,
            r.service_id,
            r.location_id,
            r.customer_id,
            r.price_cents,
            r.payment_status,
        )
        for r in rows
    }


def booking_calls(sandbox, since: float) -> list[tuple]:
    return [
        row
        for row in sandbox.requests_since(since)
        if row[1] == "GET" and row[2].startswith("/bookings")
    ]


def weeks_of(start: date, end: date) -> tuple[date, date]:
    """The whole weeks (Monday to Sunday) that the sync reads for start..end."""
    return sync.week_start(start), sync.week_start(end) + timedelta(days=6)


def test_a_pass_copies_the_weeks_it_reads_exactly(live_sandbox):
    today = timezone.localdate()
    first, last = weeks_of(today - timedelta(days=40), today + timedelta(days=10))
    result = sync.sync_pass(within=(first, last))
    assert result.complete and result.segments == (last - first).days // 7 + 1
    expected = sandbox_rows(live_sandbox, first, last)
    assert len(expected) > 300
    assert local_rows(first, last) == expected
    # Nothing outside those weeks was read.
    assert BookingRecord.objects.count() == len(expected)
    state = SyncState.objects.get()
    with live_sandbox.db() as conn:
        (earliest, latest) = conn.execute(
            "SELECT MIN(start_date), MAX(start_date) FROM sandbox_booking"
        ).fetchone()
    assert (state.earliest, state.latest) == (
        date.fromisoformat(earliest),
        date.fromisoformat(latest),
    )
    coverage = history_coverage(start=first, end=last)
    assert coverage.complete and coverage.percent == 100
    assert not history_coverage(start=first - timedelta(days=1), end=last).complete


def test_the_first_full_sync_copies_everything_and_the_next_pass_reads_only_whats_due(
    live_sandbox, settings
):
    started = time.time()
    out = io.StringIO()
    call_command("sync_bookings", "--once", stdout=out)
    assert "history 100% synced" in out.getvalue()
    expected = sandbox_rows(live_sandbox)
    assert len(expected) > 8000
    assert local_rows() == expected
    state = SyncState.objects.get()
    assert history_coverage(start=state.earliest, end=state.latest).complete
    first_calls = len(booking_calls(live_sandbox, started))
    assert first_calls <= SyncSegment.objects.count() * 2 + 2  # weeks of ~1 page, and bounds

    # Nothing is due yet: a second pass sends nothing.
    again = time.time()
    result = sync.sync_pass()
    assert result.pages == 0 and booking_calls(live_sandbox, again) == []

    # The recent window is due again first: only its weeks and the bounds are read.
    settings.HISTORY_RECENT_SECONDS = 0
    again = time.time()
    result = sync.sync_pass()
    recent_weeks = SyncSegment.objects.filter(end__gte=sync._recent_from()).count()
    assert result.segments == recent_weeks
    assert len(booking_calls(live_sandbox, again)) >= recent_weeks + 2


def _approved_by(sandbox, take_booking, last: date) -> int:
    """A future approved booking of this test's own that starts on `last` or before."""
    for _ in range(40):
        booking_id = take_booking("approved")
        with sandbox.db() as conn:
            day = conn.execute(
                "SELECT start_date FROM sandbox_booking WHERE id = ?", (booking_id,)
            ).fetchone()["start_date"]
        if date.fromisoformat(day) <= last:
            return booking_id
    raise AssertionError(f"no spare approved booking up to {last}")


def test_changes_made_in_latepoint_are_read_by_the_next_walk(
    live_sandbox, settings, take_booking, move
):
    today = timezone.localdate()
    first, last = weeks_of(today - timedelta(days=20), today + timedelta(days=40))
    sync.sync_pass(within=(first, last))
    assert local_rows(first, last) == sandbox_rows(live_sandbox, first, last)

    cancelled = _approved_by(live_sandbox, take_booking, last)
    move(cancelled, "cancelled")
    # A reschedule, raw, to another week inside the range (forced: whether the agent is free
    # then is not what this test is about).
    moved = _approved_by(live_sandbox, take_booking, last)
    old_day = BookingRecord.objects.get(id=moved).start_date
    new_day = old_day + timedelta(days=14) if old_day + timedelta(days=14) <= last else old_day
    if new_day == old_day:
        new_day = max(today + timedelta(days=1), old_day - timedelta(days=14))
    code, answer = live_sandbox.request(
        "PUT",
        f"{API_PREFIX}/bookings/{moved}",
        {"start_date": new_day.isoformat(), "start_time": "09:30", "force": True},
    )
    assert code == 200, answer
    assert BookingRecord.objects.get(id=cancelled).status == "approved"  # not read yet

    settings.HISTORY_RECENT_SECONDS = 0
    result = sync.sync_pass(within=(first, last))
    assert result.complete
    assert local_rows(first, last) == sandbox_rows(live_sandbox, first, last)
    assert BookingRecord.objects.get(id=cancelled).status == "cancelled"
    record = BookingRecord.objects.get(id=moved)
    assert record.start_date == new_day
    assert timezone.localtime(record.start).strftime("%H:%M") == "09:30"
    assert BookingRecord.objects.filter(id=moved).count() == 1


def test_a_status_change_through_the_front_office_is_applied_at_once(
    live_sandbox, manager_client, take_booking
):
    today = timezone.localdate()
    booking_id = take_booking("approved", "past")  # only a visit that has begun can be missed
    with live_sandbox.db() as conn:
        day = date.fromisoformat(
            conn.execute(
                "SELECT start_date FROM sandbox_booking WHERE id = ?", (booking_id,)
            ).fetchone()["start_date"]
        )
    first, last = weeks_of(day, today)
    sync.sync_pass(within=(first, last))
    assert BookingRecord.objects.get(id=booking_id).status == "approved"

    response = manager_client.post(
        f"/bookings/{booking_id}/status/",
        {
            "to_status": "no_show",
            "seen_status": "approved",
            "confirmed": "yes",
            "reason": "did-not-show",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = BookingRecord.objects.get(id=booking_id)
    assert record.status == "no_show" and record.written_at is not None

    assert local_rows(first, last) == sandbox_rows(live_sandbox, first, last)


def test_a_page_read_before_a_write_does_not_undo_it(live_sandbox, take_booking):
    from upstream.gateway import api

    booking_id = take_booking("approved")
    before = timezone.now()
    stale = api().get_booking(booking_id, fresh=True)
    updated = api().update_booking(booking_id, {"status": "cancelled", "force": True})
    sync.booking_record(updated)
    records.store_page([stale], read_at=before)
    assert BookingRecord.objects.get(id=booking_id).status == "cancelled"


def test_the_sync_takes_at_most_its_share_of_the_key(settings, live_sandbox):
    settings.LATEPOINT_RATE_LIMIT = 60  # background 13 a minute: the sync's share is 8
    settings.LATEPOINT_INTERACTIVE_RESERVE = 0.75
    budget.reset()
    budget.before_attempt("GET", "/bookings")  # the desks are working
    assert sync.share_limit() == 8
    for _ in range(8):
        budget.take_share(sync.SHARE_NAME, sync.share_limit())
    with pytest.raises(BudgetExhausted) as refused:
        budget.take_share(sync.SHARE_NAME, sync.share_limit())
    assert refused.value.retry_after >= 1


def test_a_pass_stops_when_the_budget_is_spent_and_the_next_resumes_where_it_stopped(
    live_sandbox, settings, monkeypatch
):
    today = timezone.localdate()
    week = weeks_of(today - timedelta(days=60), today - timedelta(days=60))
    # Learn the bounds first, on a roomy budget (no week is read for 2000).
    sync.sync_pass(within=(date(2000, 1, 3), date(2000, 1, 9)))
    expected = sandbox_rows(live_sandbox, *week)
    monkeypatch.setattr(walks, "PER_PAGE", 20)
    pages = -(-len(expected) // 20)
    assert pages >= 3

    # A 12-a-minute key: background work is paced to one call every 30 s.
    settings.LATEPOINT_RATE_LIMIT = 12
    started = time.time()
    passes = 0
    while True:
        budget.reset()  # a minute has gone by
        result = sync.sync_pass(within=week, wait=False)
        passes += 1
        if result.complete:
            break
        assert result.stopped_by_budget
        segment = SyncSegment.objects.get(start=week[0])
        assert segment.walked_at is None and segment.next_page == passes + 1
        assert passes < 20
    calls = booking_calls(live_sandbox, started)
    # One call a pass, and no page read twice: nothing was lost between passes.
    assert passes == pages and len(calls) == pages
    assert local_rows(*week) == expected
    assert SyncSegment.objects.get(start=week[0]).walked_at is not None


def test_the_periodic_task_runs_one_pass_at_a_time(live_sandbox, settings):
    from django.core.cache import cache

    from history.tasks import LOCK_KEY

    cache.add(LOCK_KEY, 1, timeout=60)
    assert sync_bookings_now(max_seconds=5) is None  # another process is syncing
    cache.delete(LOCK_KEY)
    result = sync_bookings_now(max_seconds=1)
    assert result is not None and result.bounds_checked
    assert cache.get(LOCK_KEY) is None


def test_a_pass_sends_no_more_than_the_syncs_share(live_sandbox, monkeypatch):
    today = timezone.localdate()
    monkeypatch.setattr(calls, "share_limit", lambda: 3)
    started = time.time()
    result = sync.sync_pass(within=weeks_of(today - timedelta(days=120), today), wait=False)
    assert result.stopped_by_budget
    assert len(booking_calls(live_sandbox, started)) == 3  # the bounds, and one page
    assert 0 < BookingRecord.objects.count() <= walks.PER_PAGE


def _reference_calls(sandbox, since: float) -> list[str]:
    lists = ("/agents", "/services", "/locations")
    return [path for _, _, path, _ in sandbox.requests_since(since) if path.startswith(lists)]


@pytest.mark.parametrize(
    ("configured_seconds", "read_minutes_ago", "read_again"),
    [(300, 10, True), (3600, 20, False)],
)
def test_a_full_pass_reads_the_reference_lists_again_as_configured(
    live_sandbox, settings, configured_seconds, read_minutes_ago, read_again
):
    """LATEPOINT_CACHE_TTL_REFERENCE (settings.LATEPOINT_CACHE_TTL["reference"]) decides when
    the sync reads the agents, services and locations again, not a fixed 15 minutes."""
    settings.LATEPOINT_CACHE_TTL = {**settings.LATEPOINT_CACHE_TTL, "reference": configured_seconds}
    assert sync.reference_seconds() == configured_seconds
    now = timezone.now()
    read_at = now - timedelta(minutes=read_minutes_ago)
    # Everything else was just read: only the reference lists can be due.
    SyncState.objects.create(
        bounds_checked_at=now,
        reference_read_at=read_at,
        customers_walked_at=now,
        customers_checked_at=now,
    )
    started = time.time()
    sync.sync_pass(max_seconds=30)
    state = SyncState.objects.get()
    if read_again:
        assert sorted(_reference_calls(live_sandbox, started)) == [
            "/agents",
            "/locations",
            "/services",
        ]
        assert state.reference_read_at > read_at
        assert state.reference["agents"]
    else:
        assert _reference_calls(live_sandbox, started) == []
        assert state.reference_read_at == read_at


def test_a_pass_whose_time_runs_out_is_followed_at_once_by_the_next(live_sandbox):
    """A first copy on a quiet key goes on pass after pass instead of waiting for the minute:
    a pass that ran out of time with weeks still unread queues the next one; a pass that read
    everything due queues nothing."""
    from huey.contrib.djhuey import HUEY

    from history.tasks import sync_and_go_on

    HUEY.immediate = False  # queue the task, as the worker's consumer does, to look at it
    try:
        HUEY.flush()
        short = sync_and_go_on(max_seconds=0.2)
        queued = [task.name for task in HUEY.pending()]
        HUEY.flush()
        assert short.out_of_time
        assert SyncSegment.objects.filter(walked_at__isnull=True).exists()
        assert queued == ["sync_bookings_again"]

        whole = sync_and_go_on(max_seconds=600)
        assert whole.complete and not whole.out_of_time
        assert HUEY.pending() == []
    finally:
        HUEY.flush()
        HUEY.immediate = True
