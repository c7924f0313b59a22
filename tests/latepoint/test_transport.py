"""The retry policy and the request details, with a canned transport in place of the network.

The sandbox tests prove the same policy over HTTP; these pin down what the sandbox cannot
produce on demand: a connection reset, a 429 with a short Retry-After, and the backoff waits.
"""

from __future__ import annotations

import pytest
import requests

from latepoint import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadResponse,
    RateLimited,
    ServerError,
)
from latepoint import transport as transport_module
from tests.latepoint.canned import canned_client

OK_LIST = {"success": True, "data": [], "pagination": {"page": 1, "per_page": 20, "total": 0}}
UNAVAILABLE = {"status": "error", "error": {"code": "latepoint_not_available", "message": "x"}}


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(transport_module.time, "sleep", waited.append)
    return waited


def test_get_retried_after_a_connection_reset(sleeps):
    client, _, calls = canned_client(requests.ConnectionError("reset"), (200, OK_LIST))
    assert client.list_customers().items == ()
    assert [(c.status, c.attempt) for c in calls] == [(None, 1), (200, 2)]


def test_get_retried_with_exponential_backoff_up_to_the_cap(sleeps):
    answers = [(503, UNAVAILABLE)] * 4
    client, _, calls = canned_client(*answers, max_retries=3, backoff=0.2)
    with pytest.raises(ServerError):
        client.get_booking(5)
    assert len(calls) == 4
    assert sleeps == pytest.approx([0.2, 0.4, 0.8])


@pytest.mark.parametrize("status", [502, 503, 504, 429])
def test_retryable_statuses(status, sleeps):
    client, _, calls = canned_client((status, "{}"), (200, OK_LIST))
    client.list_bookings()
    assert [c.status for c in calls] == [status, 200]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 500])
def test_other_statuses_are_not_retried(status, sleeps):
    client, _, calls = canned_client((status, "{}"), (200, OK_LIST))
    with pytest.raises(APIError) as caught:
        client.list_bookings()
    assert caught.value.status == status
    assert len(calls) == 1


def test_429_waits_as_long_as_retry_after_says_within_the_cap(sleeps):
    limited = {"status": "error", "error": {"code": "rate_limit_exceeded", "message": "slow"}}
    client, _, calls = canned_client(
        (429, limited, {"Retry-After": "2"}), (200, OK_LIST), retry_after_cap=5, backoff=0.1
    )
    client.list_customers()
    assert sleeps == [2.0]
    assert len(calls) == 2


def test_429_beyond_the_cap_is_raised_at_once(sleeps):
    client, _, calls = canned_client((429, "{}", {"Retry-After": "60"}), retry_after_cap=5)
    with pytest.raises(RateLimited) as caught:
        client.list_customers()
    assert caught.value.retry_after == 60
    assert sleeps == []
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("POST", lambda c: c.create_customer({"first_name": "Ann"})),
        ("PUT", lambda c: c.update_customer(3, {"phone": "1"})),
        ("PUT", lambda c: c.update_booking(3, {"status": "cancelled"})),
        ("DELETE", lambda c: c.delete_customer(3)),
    ],
)
@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("reset"),
        requests.ReadTimeout("slow"),
        (503, UNAVAILABLE),
        (502, "<html>bad gateway</html>"),
        (429, "{}", {"Retry-After": "1"}),
    ],
    ids=["reset", "timeout", "503", "502", "429"],
)
def test_writes_are_never_retried(method, call, failure, sleeps):
    client, adapter, calls = canned_client(failure, (200, {"success": True, "data": {"id": 3}}))
    with pytest.raises((APIConnectionError, ServerError, RateLimited)):
        call(client)
    assert [(c.method, c.attempt) for c in calls] == [(method, 1)]
    assert len(adapter.requests) == 1
    assert sleeps == []


def test_a_timeout_is_its_own_class():
    client, _, _ = canned_client(requests.ConnectTimeout("slow"), max_retries=0)
    with pytest.raises(APITimeoutError):
        client.status()


def test_no_retries_when_max_retries_is_zero(sleeps):
    client, _, calls = canned_client((503, UNAVAILABLE), max_retries=0)
    with pytest.raises(ServerError):
        client.list_customers()
    assert len(calls) == 1


def test_every_call_has_an_explicit_connect_and_read_timeout():
    seen = []

    class Recording(requests.Session):
        def request(self, *args, **kwargs):
            seen.append(kwargs["timeout"])
            return super().request(*args, **kwargs)

    client, adapter, _ = canned_client((200, OK_LIST))
    session = Recording()
    session.mount("https://", adapter)
    client.session = session
    client.list_customers()
    assert seen == [(3.05, 10.0)]


def test_query_parameters_are_spelled_as_latepoint_expects():
    from datetime import date

    client, adapter, _ = canned_client((200, OK_LIST))
    client.list_bookings(
        date_from=date(2025, 1, 2),
        date_to=date(2025, 1, 31),
        status="approved",
        order="DESC",
        search=None,
        per_page=50,
    )
    query = sorted(adapter.requests[0].path_url.split("?", 1)[1].split("&"))
    assert query == [
        "date_from=2025-01-02",
        "date_to=2025-01-31",
        "order=desc",
        "page=1",
        "per_page=50",
        "status=approved",
    ]


def test_a_hook_that_fails_does_not_break_the_call():
    client, _, _ = canned_client((200, OK_LIST))

    def broken(record):
        raise RuntimeError("metrics are down")

    client.on_call = broken
    assert client.list_customers().total == 0


def test_429_without_retry_after_reads_the_rate_limit_reset(sleeps):
    import time

    reset = str(int(time.time()) + 40)
    client, _, calls = canned_client((429, "{}", {"X-RateLimit-Reset": reset}), retry_after_cap=5)
    with pytest.raises(RateLimited) as caught:
        client.list_customers()
    assert 30 < caught.value.retry_after <= 40
    assert len(calls) == 1  # longer than the cap: not retried


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_redirect_is_never_followed(method, sleeps):
    moved = (301, "", {"Location": "https://elsewhere.example/wp-json/latepoint-api/v1/x"})
    client, adapter, calls = canned_client(moved, (200, OK_LIST))
    with pytest.raises(BadResponse) as caught:
        if method == "GET":
            client.list_customers()
        else:
            client.update_customer(3, {"phone": "1"})
    assert "LATEPOINT_API_URL" in str(caught.value)
    assert len(adapter.requests) == 1  # nothing sent to the other host
    assert len(calls) == 1


def test_a_utf8_body_with_a_bom_and_no_charset_is_read():
    body = '\ufeff{"success": true, "data": {"id": 3, "first_name": "Zoë"}}'.encode()
    client, _, _ = canned_client((200, body, {"Content-Type": "application/json"}))
    assert client.get_customer(3).first_name == "Zoë"


def test_a_retry_the_budget_refuses_ends_with_latepoints_failure(sleeps):
    """LatePoint could not be reached, and the key's budget has no place for a retry: the
    caller learns that LatePoint failed (not that the budget is spent), so a background pass
    stops instead of asking again and again."""
    from latepoint.errors import BudgetExhausted

    attempts = []

    def budget(method: str, path: str) -> None:
        attempts.append(path)
        if len(attempts) > 1:
            raise BudgetExhausted(retry_after=2)

    client, _, calls = canned_client(
        requests.ConnectionError("refused"), (200, OK_LIST), before_attempt=budget
    )
    with pytest.raises(APIConnectionError):
        client.list_customers()
    assert [c.attempt for c in calls] == [1]
    assert len(attempts) == 2
