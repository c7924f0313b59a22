"""A live key: the shared request budget, older copies shown when LatePoint fails, deadlines,
and one upstream call for concurrent misses of one entry. Against the real sandbox."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from frontoffice.reference import reference_data
from history import sync
from latepoint.errors import BudgetExhausted, DeadlineExceeded, RateLimited
from tests.customers.test_edit import make_customer
from upstream import budget
from upstream import metrics as upstream_metrics
from upstream.gateway import api

NOTICE = "LatePoint is not answering: showing what it said at"
SLOW_NOTICE = "LatePoint is slow to answer: showing what it said at"
HELD_NOTICE = "the front office is pacing its calls to stay within the API key&#x27;s limit"


def calls_of(response) -> int:
    match = re.search(r'upstream;dur=[\d.]+;desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


def api_requests(sandbox, since: float, path: str | None = None) -> list:
    rows = sandbox.requests_since(since)
    return [row for row in rows if path is None or row[2] == path]


@pytest.fixture
def small_key(settings, live_sandbox):
    """A key of 10 requests a minute: 9 usable, background work up to 5 of them."""
    settings.LATEPOINT_RATE_LIMIT = 10
    settings.LATEPOINT_INTERACTIVE_RESERVE = 0.4
    return live_sandbox


# --- the budget ---------------------------------------------------------------------------


def test_limits_keep_a_margin_and_a_reserve_for_the_desks(settings):
    settings.LATEPOINT_RATE_LIMIT = 60
    settings.LATEPOINT_INTERACTIVE_RESERVE = 0.75
    limits = budget.Limits.from_settings()
    assert (limits.usable, limits.background) == (54, 13)


def test_no_request_is_sent_beyond_the_budget(small_key):
    """A 10-a-minute key: 9 usable, of which reads may take 7 (two are kept for a write: its
    check before sending, and the write)."""
    started = time.time()
    for page in range(1, 8):
        api().list_customers(page=page, per_page=1)
    with budget.no_wait(), pytest.raises(BudgetExhausted) as refused:
        api().list_customers(page=8, per_page=1)
    assert refused.value.sent is False
    assert 0 < refused.value.retry_after <= 60
    assert len(api_requests(small_key, started, "/customers")) == 7


def test_a_write_finds_a_place_when_reads_have_spent_theirs(small_key):
    customer_id = make_customer(small_key)  # one of the test's own
    budget.reset()
    for page in range(1, 8):
        api().list_customers(page=page, per_page=1)
    started = time.time()

    with upstream_metrics.writing():  # a save's check before sending is the write's own
        checked = api().get_customer(customer_id, fresh=True)
    saved = api().update_customer(customer_id, {"city": "Ashland"})

    assert checked.id == customer_id
    assert saved.address.city == "Ashland"
    assert [row[1] for row in api_requests(small_key, started)] == ["GET", "PUT"]
    with budget.no_wait(), pytest.raises(BudgetExhausted):
        api().update_customer(customer_id, {"city": "Medford"})  # now the key is spent


def test_background_work_is_paced_and_leaves_places_for_the_desks(small_key):
    started = time.time()
    with budget.background():
        api().list_customers(page=1, per_page=1)
        # One background call every 60/5 = 12 seconds at most.
        with pytest.raises(BudgetExhausted) as paced:
            api().list_customers(page=2, per_page=1)
    assert 0 < paced.value.retry_after <= 12
    # The desks still have all the rest (their reads up to the write reserve).
    for page in range(2, 8):
        api().list_customers(page=page, per_page=1)
    assert len(api_requests(small_key, started, "/customers")) == 7


def test_background_work_takes_the_idle_budget_and_steps_back_when_a_desk_calls(settings):
    """A 60-a-minute key: background work stops at 13 while desks work, but on a quiet key
    (no desk call for 20 s) it may take up to 40, leaving 14 for a desk that starts; the
    first desk call puts it back to its share at once."""
    settings.LATEPOINT_RATE_LIMIT = 60
    settings.LATEPOINT_INTERACTIVE_RESERVE = 0.75
    budget.reset()
    budget.reset()
    limits = budget.Limits.from_settings()
    assert (limits.usable, limits.background, limits.idle, limits.reads) == (54, 13, 40, 51)
    assert budget.desks_quiet()
    assert sync.share_limit() == 39

    budget.before_attempt("GET", "/customers")  # a desk asks for a page

    assert not budget.desks_quiet()
    assert sync.share_limit() == 8


def test_background_work_stops_where_the_desks_reserve_begins(small_key):
    for page in range(1, 6):
        api().list_customers(page=page, per_page=1)
    started = time.time()
    with budget.background(), pytest.raises(BudgetExhausted):
        api().list_customers(page=6, per_page=1)
    assert api_requests(small_key, started) == []


def test_a_429_from_latepoint_stops_every_request_until_retry_after(live_sandbox):
    started = time.time()
    live_sandbox.set_faults(rate_limit=2)
    api().list_customers(page=1, per_page=1)
    api().list_customers(page=2, per_page=1)
    with pytest.raises(RateLimited) as first:
        api().list_customers(page=3, per_page=1)
    assert first.value.sent is True
    with pytest.raises(BudgetExhausted) as held_back:
        api().get_customer(1)
    assert held_back.value.retry_after > 0
    sent = api_requests(live_sandbox, started)
    assert [row[3] for row in sent] == [200, 200, 429]


def test_an_interactive_read_waits_for_a_place_within_the_deadline(settings, small_key):
    settings.LATEPOINT_RATE_LIMIT = 3  # 2 usable
    budget.reset()
    api().list_customers(page=1, per_page=1)
    api().list_customers(page=2, per_page=1)
    metrics, token = upstream_metrics.begin(1.0)
    try:
        with pytest.raises(BudgetExhausted):
            api().list_customers(page=3, per_page=1)
    finally:
        upstream_metrics.end(token)
    assert metrics.calls == 0


# --- older copies instead of errors ---------------------------------------------------------


def _expire_customer_lists(settings) -> None:
    settings.LATEPOINT_CACHE_TTL = {**settings.LATEPOINT_CACHE_TTL, "customer_list": 0}


def test_the_customer_list_shows_its_last_copy_when_latepoint_is_down(
    reception_client, live_sandbox, settings
):
    fresh = reception_client.get("/customers/")
    assert fresh.status_code == 200
    assert NOTICE not in fresh.content.decode()
    assert "X-Upstream-Stale" not in fresh

    _expire_customer_lists(settings)
    live_sandbox.set_faults(unavailable=True)
    shown = reception_client.get("/customers/")

    page = shown.content.decode()
    assert shown.status_code == 200
    assert NOTICE in page
    assert "X-Upstream-Stale" in shown
    assert 'stale;desc="older copy shown"' in shown["Server-Timing"]
    # The rows the desk saw before are still there.
    first_row = re.search(r'href="/customers/(\d+)/"', fresh.content.decode()).group(1)
    assert f'href="/customers/{first_row}/"' in page


def test_an_htmx_update_carries_the_notice_and_clears_it_once_fresh(
    reception_client, live_sandbox, settings
):
    reception_client.get("/customers/")
    _expire_customer_lists(settings)
    live_sandbox.set_faults(unavailable=True)
    stale = reception_client.get("/customers/", headers={"HX-Request": "true"})
    assert NOTICE in stale["HX-Trigger-After-Settle"]

    live_sandbox.reset_faults()
    fresh = reception_client.get("/customers/", headers={"HX-Request": "true"})
    assert '"upstreamNotice": {"text": ""}' in fresh["HX-Trigger-After-Settle"]


def test_a_rate_limited_key_shows_the_copy_and_sends_nothing(reception_client, small_key, settings):
    reception_client.get("/customers/")
    _expire_customer_lists(settings)
    budget.note_call(
        type("Record", (), {"status": 429, "retry_after": 60.0})()  # LatePoint said 429
    )
    started = time.time()
    shown = reception_client.get("/customers/")
    page = shown.content.decode()
    assert shown.status_code == 200
    # Held back by the front office, not a failure of LatePoint's: said as such.
    assert HELD_NOTICE in page
    assert NOTICE not in page
    assert api_requests(small_key, started) == []


def test_a_copy_shown_while_the_desks_spend_the_budget_says_latepoint_is_fine(
    reception_client, small_key, settings
):
    """LatePoint answers every call; the front office holds one back to stay within the key:
    the page says so, never "LatePoint is not answering"."""
    reception_client.get("/customers/")
    _expire_customer_lists(settings)
    with pytest.raises(BudgetExhausted), budget.no_wait():
        for _ in range(budget.Limits.from_settings().usable + 1):
            budget.before_attempt("GET", "/customers")  # other desks spend the minute's places
    started = time.time()

    shown = reception_client.get("/customers/", headers={"HX-Request": "true"})

    assert shown.status_code == 200
    assert "LatePoint itself is fine." in shown["HX-Trigger-After-Settle"]
    assert "not answering" not in shown["HX-Trigger-After-Settle"]
    assert api_requests(small_key, started) == []


def test_a_copy_is_shown_only_when_no_place_frees_up_within_a_few_seconds(
    reception_client, small_key, settings
):
    """On a busy key a place frees up every second or so: a desk read that has an older copy
    waits that long for it and shows LatePoint's answer, not the copy."""
    reception_client.get("/customers/")
    _expire_customer_lists(settings)
    with pytest.raises(BudgetExhausted), budget.no_wait():
        for _ in range(budget.Limits.from_settings().usable + 1):
            budget.before_attempt("GET", "/customers")  # other desks spend the minute's places
    # Those calls were sent almost a minute ago: the first place frees up in about a second.
    key = budget._budget_key()
    sent, blocked = budget._local[key]
    budget._local[key] = ([t - budget.WINDOW_SECONDS + 1.0 for t in sent], blocked)
    started = time.time()

    shown = reception_client.get("/customers/", headers={"HX-Request": "true"})

    assert shown.status_code == 200
    assert '"upstreamNotice": {"text": ""}' in shown["HX-Trigger-After-Settle"]
    assert "X-Upstream-Stale" not in shown
    assert [row[2] for row in api_requests(small_key, started)] == ["/customers"]


def test_without_a_copy_a_failure_is_a_proper_error_page(reception_client, live_sandbox):
    live_sandbox.set_faults(unavailable=True)
    response = reception_client.get("/customers/")
    assert response.status_code == 503
    assert "LatePoint" in response.content.decode()


# --- the page's deadline ---------------------------------------------------------------------


def test_a_slow_latepoint_is_cut_at_the_deadline_without_retries(
    reception_client, live_sandbox, settings
):
    settings.LATEPOINT_DEADLINE = 1.5
    live_sandbox.set_faults(latency_ms=4000)
    started = time.time()
    response = reception_client.get("/customers/")
    assert response.status_code == 504
    assert "slow" in response.content.decode().lower()
    # One attempt, cut by the deadline: no retry was started after it.
    assert calls_of(response) == 1
    assert len(api_requests(live_sandbox, started, "/customers")) <= 1


def test_a_slow_latepoint_past_the_deadline_shows_the_last_copy(
    reception_client, live_sandbox, settings
):
    reception_client.get("/customers/")
    _expire_customer_lists(settings)
    settings.LATEPOINT_DEADLINE = 1.5
    live_sandbox.set_faults(latency_ms=4000)
    response = reception_client.get("/customers/")
    assert response.status_code == 200
    assert SLOW_NOTICE in response.content.decode()


def test_no_attempt_starts_once_the_deadline_has_passed(live_sandbox):
    metrics, token = upstream_metrics.begin(0.0)
    try:
        with pytest.raises(DeadlineExceeded) as late:
            api().get_customer(1)
    finally:
        upstream_metrics.end(token)
    assert late.value.sent is False
    assert metrics.calls == 0


# --- one call for concurrent misses ----------------------------------------------------------


def test_concurrent_misses_of_one_entry_make_one_upstream_call(live_sandbox):
    live_sandbox.set_faults(latency_ms=400)
    started = time.time()
    results, failures = [], []

    def read():
        try:
            results.append(api().list_customers(search="an", per_page=5))
        except Exception as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(results) == 6
    assert len({tuple(c.id for c in page.items) for page in results}) == 1
    assert len(api_requests(live_sandbox, started, "/customers")) == 1


def test_waiters_share_a_failure_instead_of_each_asking_again(live_sandbox):
    live_sandbox.set_faults(unavailable=True, latency_ms=300)
    started = time.time()
    failures = []

    def read():
        try:
            api().get_customer(2)
        except Exception as exc:  # collected
            failures.append(type(exc).__name__)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == ["ServerError"] * 4
    # One request and its two retries, not four times that.
    assert len(api_requests(live_sandbox, started, "/customers/2")) == 3


# --- health probes ---------------------------------------------------------------------------


def test_readyz_says_so_when_the_cache_fails(db, client, live_sandbox):
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=broken):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "The shared cache does not answer." in response.json()["reason"]


def test_healthz_answers_a_plain_http_probe_when_https_is_enforced(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 301


def test_a_split_walk_reads_history_once_and_today_again(live_sandbox, settings):
    """A range reaching today: the days before today stay fresh for hours, today is re-read."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    first = api().list_all_bookings(date_from=today - timedelta(days=20), date_to=today)
    settings.LATEPOINT_CACHE_TTL = {**settings.LATEPOINT_CACHE_TTL, "booking_list": 0}
    started = time.time()
    again = api().list_all_bookings(date_from=today - timedelta(days=20), date_to=today)
    assert {b.id for b in again} == {b.id for b in first}
    sent = api_requests(live_sandbox, started, "/bookings")
    assert len(sent) == 1  # today's page only


def test_readyz_stays_ready_when_the_desks_are_using_the_budget(db, client, small_key):
    assert client.get("/readyz").status_code == 200  # asked once: LatePoint answers
    for page in range(1, 6):
        api().list_customers(page=page, per_page=1)  # the desks now use the background share
    probe = f"latepoint:v2:{api()._scope}:probe"
    cache.delete_many([probe, probe + ":lock"])  # as 30 s later
    started = time.time()
    again = client.get("/readyz")
    assert again.status_code == 200
    assert api_requests(small_key, started, "/status") == []  # not asked: desks come first


@pytest.mark.django_db
def test_a_managers_bookings_list_never_takes_a_desks_place(
    live_sandbox, settings, receptionist, manager
):
    """A 30-a-minute key: the manager class takes 13 of the minute's 27 at most. With the
    managers' 13 spent, the manager's list is kept back (said as the front office's pacing,
    not LatePoint's failure) while the receptionist's list is served."""
    settings.LATEPOINT_RATE_LIMIT = 30
    settings.LATEPOINT_DEADLINE = 1
    budget.reset()
    desk, office = Client(), Client()
    desk.force_login(receptionist)
    office.force_login(manager)
    reference_data()  # agents, services, locations: 3 calls, now cached
    for page in range(1, 14):
        api(priority=budget.MANAGER).list_customers(page=page, per_page=1)  # managers: 13

    held = office.get("/bookings/")
    served = desk.get("/bookings/")

    text = held.content.decode()
    assert held.status_code == 429
    assert "Pacing calls to LatePoint" in text
    assert "LatePoint itself is fine." in text
    assert "not answering" not in text
    assert served.status_code == 200
    assert calls_of(served) >= 1


def test_a_manager_page_is_not_kept_waiting_by_the_sync_on_a_quiet_key(small_key, settings):
    """The sync took the idle budget while no one worked: a manager's page still finds a
    place at once, as a desk's does."""
    limits = budget.Limits.from_settings()
    with budget.background():
        for _ in range(limits.idle):
            budget._take(limits.idle)  # the sync's sends of the last minute
    started = time.time()
    page = api(priority=budget.MANAGER).list_customers(page=1, per_page=1)
    assert page.items
    assert time.time() - started < 1.0
