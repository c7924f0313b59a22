"""The client factory, the read cache and its invalidation, the page sweeps and Server-Timing.

Everything runs against the sandbox over HTTP. Upstream calls are counted the way the
Server-Timing header counts them (upstream.metrics), so "no upstream call" means
exactly what a user's response header would say.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone

from frontoffice import views
from latepoint import BookingStatus, LatePointClient, ServerError
from upstream import metrics as upstream_metrics
from upstream.gateway import CachedLatePoint, api, get_client

# --- a tiny test-only page that sweeps every page of a listing -----------------------------------


def all_bookings_view(request: HttpRequest) -> JsonResponse:
    day_from = date.fromisoformat(request.GET["from"])
    day_to = date.fromisoformat(request.GET["to"])
    bookings = api().list_all_bookings(date_from=day_from, date_to=day_to)
    return JsonResponse({"count": len(bookings), "ids": [b.id for b in bookings]})


def customer_view(request: HttpRequest, customer_id: int) -> JsonResponse:
    customer = api().get_customer(customer_id)
    return JsonResponse({"id": customer.id, "phone": customer.phone})


urlpatterns = [
    path("test-all-bookings/", all_bookings_view),
    path("test-customer/<int:customer_id>/", customer_view),
    path("readyz", views.readyz),
]

pytestmark = pytest.mark.urls(__name__)


# --- helpers -----------------------------------------------------------------------------------


class Counter:
    """Counts upstream calls made while active, as the Server-Timing middleware does."""

    def __enter__(self) -> upstream_metrics.UpstreamMetrics:
        self.metrics, self.token = upstream_metrics.begin()
        return self.metrics

    def __exit__(self, *exc) -> None:
        upstream_metrics.end(self.token)


def server_timing_calls(response) -> int:
    match = re.search(r'upstream;dur=[\d.]+;desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


@pytest.fixture
def own_customer(live_sandbox):
    """A customer of this test's own, created straight through the client (not cached)."""
    return get_client().create_customer(
        {
            "first_name": "Cache",
            "last_name": "Tester",
            "email": f"cache.{uuid.uuid4().hex[:10]}@example.org",
            "phone": "+1 555 0111",
        }
    )


def pending_booking_id(sandbox) -> tuple[int, int]:
    """A pending booking (and its customer) no other test of the session uses: picked from the
    ones `take_booking` has not handed out, and marked taken. Its customer has at most 100
    bookings, so one page of theirs (per_page=100) lists it."""
    from tests.conftest import _taken

    with sandbox.db() as db:
        rows = db.execute(
            "SELECT id, customer_id FROM sandbox_booking b WHERE status = 'pending' AND "
            "(SELECT COUNT(*) FROM sandbox_booking o WHERE o.customer_id = b.customer_id) <= 100 "
            "ORDER BY RANDOM() LIMIT 200"
        ).fetchall()
    for booking_id, customer_id in rows:
        if booking_id not in _taken:
            _taken.add(booking_id)
            return booking_id, customer_id
    raise AssertionError("the sandbox has no spare pending booking")


# --- the client factory ---------------------------------------------------------------------------


def test_get_client_is_memoised_per_settings(settings, live_sandbox):
    first = get_client()
    assert get_client() is first
    assert isinstance(first, LatePointClient)
    assert first.base_url == live_sandbox.base_url
    assert first.site_timezone == settings.TIME_ZONE

    settings.LATEPOINT_TIMEOUT = 2.5
    second = get_client()
    assert second is not first
    assert second.timeout == (2.5, 2.5)

    settings.LATEPOINT_API_KEY = "lp_test_another_key"
    assert get_client() is not second


def test_get_client_feeds_the_request_metrics(live_sandbox):
    with Counter() as metrics:
        get_client().status()
    assert metrics.calls == 1
    assert metrics.duration_ms > 0


# --- the read cache -------------------------------------------------------------------------------


def test_second_identical_read_makes_no_upstream_call(live_sandbox):
    with Counter() as metrics:
        first = api().list_customers(per_page=5)
        again = api().list_customers(per_page=5)
        spelled_out = api().list_customers(page=1, per_page=5, search=None)
    assert metrics.calls == 1
    assert again == first == spelled_out


def test_different_arguments_are_different_entries(live_sandbox):
    with Counter() as metrics:
        api().list_customers(per_page=5)
        api().list_customers(per_page=5, page=2)
        api().list_customers(per_page=5, status="blocked")
    assert metrics.calls == 3


def test_each_read_method_is_cached(live_sandbox, own_customer):
    booking_id, _ = pending_booking_id(live_sandbox)
    reads = [
        lambda: api().get_customer(own_customer.id),
        lambda: api().get_customer(own_customer.id, include=("stats", "bookings")),
        lambda: api().list_bookings(per_page=5),
        lambda: api().get_booking(booking_id),
        lambda: api().list_agents(),
        lambda: api().list_services(),
        lambda: api().list_locations(),
    ]
    for read in reads:
        with Counter() as metrics:
            first = read()
            second = read()
        assert metrics.calls >= 1
        assert second == first
        with Counter() as metrics:
            read()
        assert metrics.calls == 0


def test_fresh_bypasses_the_cache_and_refreshes_it(live_sandbox, own_customer):
    with Counter() as metrics:
        api().get_customer(own_customer.id)
        api().get_customer(own_customer.id, fresh=True)
        api().get_customer(own_customer.id)
    assert metrics.calls == 2


def test_a_zero_ttl_turns_caching_off_for_that_kind(settings, live_sandbox):
    settings.LATEPOINT_CACHE_TTL = {**settings.LATEPOINT_CACHE_TTL, "customer_list": 0}
    with Counter() as metrics:
        api().list_customers(per_page=5)
        api().list_customers(per_page=5)
    assert metrics.calls == 2


def test_errors_are_not_cached(live_sandbox):
    from latepoint import NotFound

    with Counter() as metrics:
        for _ in range(2):
            with pytest.raises(NotFound):
                api().get_customer(99_999_999)
    assert metrics.calls == 2


def test_cache_keys_never_hold_the_api_key(live_sandbox, own_customer):
    api().list_customers(search=own_customer.email)
    api().get_customer(own_customer.id)
    keys = list(cache._cache.keys())  # the local-memory backend's own store
    assert keys
    for key in keys:
        assert live_sandbox.api_key not in key
        assert own_customer.email not in key


# --- invalidation on writes -----------------------------------------------------------------------


def test_update_customer_invalidates_the_customer_and_lists(live_sandbox, own_customer):
    cached = api()
    assert cached.get_customer(own_customer.id).phone == "+1 555 0111"
    (listed,) = cached.list_customers(email=own_customer.email).items
    assert listed.phone == "+1 555 0111"

    cached.update_customer(own_customer.id, {"phone": "+1 555 0222"})

    with Counter() as metrics:
        assert api().get_customer(own_customer.id).phone == "+1 555 0222"
        (listed,) = api().list_customers(email=own_customer.email).items
        assert listed.phone == "+1 555 0222"
    assert metrics.calls == 2


def test_a_write_leaves_unrelated_entries_cached(live_sandbox, own_customer):
    other = get_client().create_customer(
        {"first_name": "Other", "last_name": "Tester", "email": f"o.{uuid.uuid4().hex[:8]}@ex.org"}
    )
    api().get_customer(other.id)

    api().update_customer(own_customer.id, {"phone": "+1 555 0333"})

    with Counter() as metrics:
        api().get_customer(other.id)
    assert metrics.calls == 0


def test_a_failed_write_still_invalidates(live_sandbox, own_customer):
    api().get_customer(own_customer.id)
    live_sandbox.set_faults(unavailable=True)
    with pytest.raises(ServerError):
        api().update_customer(own_customer.id, {"phone": "+1 555 0444"})
    live_sandbox.reset_faults()

    with Counter() as metrics:
        api().get_customer(own_customer.id)
    assert metrics.calls == 1


def test_create_and_delete_invalidate_customer_lists(live_sandbox):
    email = f"listed.{uuid.uuid4().hex[:10]}@example.org"
    assert api().list_customers(email=email).items == ()

    created = api().create_customer({"first_name": "Newly", "last_name": "Listed", "email": email})
    assert [c.id for c in api().list_customers(email=email).items] == [created.id]

    api().delete_customer(created.id)
    assert api().list_customers(email=email).items == ()


def test_update_booking_invalidates_booking_lists_and_the_customer(live_sandbox):
    booking_id, customer_id = pending_booking_id(live_sandbox)
    cached = api()
    assert cached.get_booking(booking_id).status is BookingStatus.PENDING
    listed = {b.id: b for b in cached.list_bookings(customer_id=customer_id, per_page=100).items}
    assert listed[booking_id].status is BookingStatus.PENDING
    profile = cached.get_customer(customer_id, include=("stats", "bookings"), bookings_limit=100)

    cached.update_booking(booking_id, {"status": "approved"})

    with Counter() as metrics:
        assert api().get_booking(booking_id).status is BookingStatus.APPROVED
        listed = {b.id: b for b in api().list_bookings(customer_id=customer_id, per_page=100).items}
        assert listed[booking_id].status is BookingStatus.APPROVED
        again = api().get_customer(customer_id, include=("stats", "bookings"), bookings_limit=100)
    assert metrics.calls == 3
    assert again is not profile
    statuses = {b.id: b.status for b in again.bookings}
    if booking_id in statuses:
        assert statuses[booking_id] is BookingStatus.APPROVED


def test_update_customer_invalidates_booking_lists(live_sandbox):
    _, customer_id = pending_booking_id(live_sandbox)
    api().list_bookings(customer_id=customer_id)
    original = get_client().get_customer(customer_id)

    api().update_customer(customer_id, {"phone": original.phone})  # same value, still a write

    with Counter() as metrics:
        api().list_bookings(customer_id=customer_id)
    assert metrics.calls == 1


def test_a_cached_booking_is_not_served_after_its_customer_is_edited(live_sandbox):
    booking_id, customer_id = pending_booking_id(live_sandbox)
    original = get_client().get_customer(customer_id)
    assert api().get_booking(booking_id).customer.phone == original.phone
    with Counter() as metrics:
        api().get_booking(booking_id)
    assert metrics.calls == 0

    new_phone = f"+1 555 {uuid.uuid4().int % 10_000:04d}"
    try:
        api().update_customer(customer_id, {"phone": new_phone})
        assert api().get_booking(booking_id).customer.phone == new_phone
    finally:
        get_client().update_customer(customer_id, {"phone": original.phone})


def test_an_id_as_text_or_number_shares_one_entry(live_sandbox, own_customer):
    with Counter() as metrics:
        api().get_customer(own_customer.id)
        api().get_customer(str(own_customer.id))
    assert metrics.calls == 1


# --- every page -----------------------------------------------------------------------------------


@pytest.fixture
def attempts(live_sandbox, monkeypatch) -> list:
    """Every upstream attempt of the settings' client (still counted by Server-Timing)."""
    seen: list = []
    client = get_client()
    hook = client.on_call

    def observe(record):
        seen.append(record)
        hook(record)

    monkeypatch.setattr(client, "on_call", observe)
    return seen


def test_list_all_bookings_fetches_every_page_once(live_sandbox, attempts):
    # A month before this one: a range reaching today is read in two walks (tested apart).
    this_month = timezone.localdate().replace(day=1).isoformat()
    with live_sandbox.db() as db:
        month, expected = db.execute(
            "SELECT substr(start_date, 1, 7) AS month, COUNT(*) FROM sandbox_booking "
            "WHERE start_date < ? GROUP BY month ORDER BY COUNT(*) DESC LIMIT 1",
            (this_month,),
        ).fetchone()
    first_day = date.fromisoformat(f"{month}-01")
    next_month = date(first_day.year + (first_day.month == 12), first_day.month % 12 + 1, 1)
    last_day = date.fromordinal(next_month.toordinal() - 1)

    with Counter() as metrics:
        bookings = api().list_all_bookings(date_from=first_day, date_to=last_day)

    pages = max(-(-expected // 100), 1)
    assert len(bookings) == expected
    assert len({b.id for b in bookings}) == expected
    # Each page asked for once (a dropped connection may add a retry, and Server-Timing counts it).
    assert len([a for a in attempts if a.attempt == 1]) == pages
    assert metrics.calls == len(attempts)


def test_a_sweep_can_be_abandoned_part_way(live_sandbox):
    sweep = api().iter_booking_pages(per_page=100)
    first = next(sweep)
    second = next(sweep)
    sweep.close()  # stops the workers; nothing hangs
    assert (first.page, second.page) == (1, 2)


def test_cached_latepoint_is_built_on_the_settings_client(live_sandbox):
    cached = api()
    assert isinstance(cached, CachedLatePoint)
    assert cached.client is get_client()


# --- Server-Timing end to end ---------------------------------------------------------------------


def test_server_timing_on_readyz_counts_one_call(db, client, live_sandbox):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "latepoint": "reachable"}
    assert server_timing_calls(response) == 1
    assert re.search(r"app;dur=[\d.]+", response["Server-Timing"])


def test_readyz_says_why_when_latepoint_is_unavailable(db, client, live_sandbox):
    live_sandbox.set_faults(unavailable=True)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["reason"].startswith("ServerError: ")
    assert server_timing_calls(response) == 3  # a GET is tried three times


def test_readyz_asks_latepoint_at_most_once_in_30_seconds(db, client, live_sandbox):
    answers = [client.get("/readyz") for _ in range(100)]
    assert {response.status_code for response in answers} == {200}
    assert sum(server_timing_calls(response) for response in answers) == 1


def test_readyz_shares_a_failed_probe_too(db, client, live_sandbox):
    live_sandbox.set_faults(unavailable=True)
    first = client.get("/readyz")
    live_sandbox.reset_faults()
    again = client.get("/readyz")
    assert again.status_code == 503
    assert again.json() == first.json()
    assert server_timing_calls(again) == 0


def test_readyz_with_a_wrong_key(db, client, live_sandbox, settings):
    settings.LATEPOINT_API_KEY = "lp_live_not_the_right_key"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"].startswith("Unauthorized: ")


def test_server_timing_counts_calls_made_in_worker_threads(
    reception_client, live_sandbox, attempts
):
    today = timezone.localdate().isoformat()
    with live_sandbox.db() as db:
        past, ahead = db.execute(
            "SELECT SUM(start_date < ?), SUM(start_date >= ?) FROM sandbox_booking "
            "WHERE start_date BETWEEN ? AND ?",
            (today, today, "2000-01-01", "2100-12-31"),
        ).fetchone()
    expected = past + ahead

    response = reception_client.get("/test-all-bookings/?from=2000-01-01&to=2100-12-31")

    assert response.status_code == 200
    assert response.json()["count"] == expected
    # Two walks: the days before today, then today on (see list_all_bookings).
    assert len([a for a in attempts if a.attempt == 1]) == -(-past // 100) + -(-ahead // 100)
    assert server_timing_calls(response) == len(attempts)


def test_server_timing_shows_zero_calls_for_a_cached_page(reception_client, live_sandbox):
    customer = get_client().list_customers(per_page=1).items[0]
    first = reception_client.get(f"/test-customer/{customer.id}/")
    again = reception_client.get(f"/test-customer/{customer.id}/")
    assert server_timing_calls(first) == 1
    assert server_timing_calls(again) == 0
    assert 'desc="0 calls"' in again["Server-Timing"]
