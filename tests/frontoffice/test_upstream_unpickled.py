"""Pages of bookings kept unpickled in the process while the shared cache holds them, and a
warm walk read in the request's own thread. Against the sandbox over HTTP; calls are counted
as Server-Timing counts them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from latepoint import BookingStatus
from upstream import metrics as upstream_metrics
from upstream import unpickled
from upstream.gateway import api


def _calls(work) -> tuple[object, int]:
    metrics, token = upstream_metrics.begin()
    try:
        return work(), metrics.calls
    finally:
        upstream_metrics.end(token)


def _page_key(**arguments):
    cached = api()
    return cached._key("list_bookings", {**_defaults(), **arguments})


def _defaults():
    from upstream.gateway import _LIST_BOOKINGS_DEFAULTS

    return dict(_LIST_BOOKINGS_DEFAULTS)


@pytest.fixture
def busy_month(live_sandbox):
    """A past month of the sandbox with more than two pages of 100 bookings."""
    with live_sandbox.db() as db:
        month, count = db.execute(
            "SELECT substr(start_date, 1, 7) AS month, COUNT(*) FROM sandbox_booking "
            "WHERE start_date < ? GROUP BY month ORDER BY COUNT(*) DESC LIMIT 1",
            (timezone.localdate().replace(day=1).isoformat(),),
        ).fetchone()
    first = timezone.datetime.fromisoformat(f"{month}-01").date()
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert count > 200, "the sandbox's seed has a month of more than two pages"
    return first, last, count


def test_a_page_read_again_is_the_same_copy_until_the_shared_cache_changes(live_sandbox):
    page, calls = _calls(lambda: api().list_bookings(per_page=100, page=1))
    assert calls == 1
    again, calls = _calls(lambda: api().list_bookings(per_page=100, page=1))
    assert calls == 0
    assert again is page  # not unpickled a second time

    # Another process fills the same entry anew: its new stamp makes this process read it.
    key = api()._key("list_bookings", {**_defaults(), "page": 1, "per_page": 100})
    other = cache.get(key)
    cache.set(key, other)  # a different object in the shared cache, as another process writes
    cache.set(key + ":stamp", "another-process")
    third, calls = _calls(lambda: api().list_bookings(per_page=100, page=1))
    assert calls == 0
    assert third is not page
    assert [b.id for b in third.items] == [b.id for b in page.items]

    # A cleared shared cache drops the stamp: LatePoint is asked again.
    cache.clear()
    _, calls = _calls(lambda: api().list_bookings(per_page=100, page=1))
    assert calls == 1


def test_a_booking_write_is_seen_through_the_kept_copy(live_sandbox):
    with live_sandbox.db() as db:
        booking_id, customer_id = db.execute(
            "SELECT id, customer_id FROM sandbox_booking WHERE status = 'pending' LIMIT 1"
        ).fetchone()
    listed = api().list_bookings(customer_id=customer_id, per_page=100)
    assert {b.id: b.status for b in listed.items}[booking_id] is BookingStatus.PENDING

    api().update_booking(booking_id, {"status": "approved"})

    again, calls = _calls(lambda: api().list_bookings(customer_id=customer_id, per_page=100))
    assert calls == 1
    assert {b.id: b.status for b in again.items}[booking_id] is BookingStatus.APPROVED


def test_a_warm_walk_starts_no_thread_and_a_cold_one_does(live_sandbox, busy_month, monkeypatch):
    first, last, count = busy_month
    started: list[str] = []
    start = threading.Thread.start

    def observe(thread):
        started.append(thread.name)
        return start(thread)

    monkeypatch.setattr(threading.Thread, "start", observe)
    cold, calls = _calls(lambda: api().list_all_bookings(date_from=first, date_to=last))
    assert len(cold) == count
    assert calls == -(-count // 100)
    assert any(name.startswith("latepoint-page") for name in started)

    started.clear()
    warm, calls = _calls(lambda: api().list_all_bookings(date_from=first, date_to=last))
    assert calls == 0
    assert [b.id for b in warm] == [b.id for b in cold]
    assert started == []


def test_a_walk_with_some_pages_kept_fetches_only_the_rest(live_sandbox, busy_month):
    first, last, count = busy_month
    api().list_all_bookings(date_from=first, date_to=last)
    # Page 3 is dropped from the shared cache (evicted): the walk reads 1 and 2 as kept, asks
    # LatePoint for page 3 only, and the rest as kept.
    cache.delete(_page_key(date_from=first, date_to=last, page=3, per_page=100))
    cache.delete(_page_key(date_from=first, date_to=last, page=3, per_page=100) + ":stamp")
    again, calls = _calls(lambda: api().list_all_bookings(date_from=first, date_to=last))
    assert calls == 1
    assert len(again) == count


def test_forget_drops_what_the_process_kept(live_sandbox):
    page = api().list_bookings(per_page=100, page=1)
    unpickled.forget()
    again, calls = _calls(lambda: api().list_bookings(per_page=100, page=1))
    assert calls == 0  # the shared cache still has it
    assert again is not page
