"""Every client method against the sandbox over HTTP: values, each error class, and retries.

The sandbox is shared by the whole session: tests that write create their own customers.
Per-request fault knobs travel as X-Sandbox-* headers on the client's own session, so one
test's faults never reach another's requests.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import requests

from latepoint import (
    APITimeoutError,
    BadResponse,
    Booking,
    BookingStatus,
    CallRecord,
    Conflict,
    Customer,
    CustomerStatus,
    InvalidRequest,
    LatePointClient,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)

SITE_ZONE = "America/New_York"


def make_client(sandbox, *, headers=None, calls=None, **options) -> LatePointClient:
    session = requests.Session()
    session.headers.update(headers or {})
    options.setdefault("backoff", 0.01)
    return LatePointClient(
        base_url=options.pop("base_url", sandbox.base_url),
        api_key=options.pop("api_key", sandbox.api_key),
        session=session,
        on_call=(calls.append if calls is not None else None),
        site_timezone=SITE_ZONE,
        **options,
    )


@pytest.fixture
def calls() -> list[CallRecord]:
    return []


@pytest.fixture
def client(sandbox, calls) -> LatePointClient:
    return make_client(sandbox, calls=calls)


def unique_email(tag: str = "client") -> str:
    return f"{tag}.{uuid.uuid4().hex[:10]}@example.org"


@pytest.fixture
def new_customer(sandbox) -> Customer:
    """A customer of this test's own (no bookings), made by a client whose calls aren't counted."""
    return make_client(sandbox).create_customer(
        {
            "first_name": "Testa",
            "last_name": "Clientova",
            "email": unique_email(),
            "phone": "+1 555 0100",
        }
    )


# --- reads ---------------------------------------------------------------------------------------


def test_status(client, calls):
    status = client.status()
    assert status.ok is True
    assert [(c.method, c.path, c.status) for c in calls] == [("GET", "/status", 200)]


def test_list_customers_first_page(client, sandbox):
    page = client.list_customers(per_page=20)

    assert page.page == 1
    assert page.per_page == 20
    assert len(page.items) == 20
    assert page.total >= 500
    assert page.total_pages == -(-page.total // 20)
    assert page.has_next is True
    assert page.has_previous is False
    first = page.items[0]
    assert isinstance(first.id, int)
    assert first.created_at.tzinfo is not None
    assert first.stats is not None
    with sandbox.db() as db:
        row = db.execute(
            "SELECT first_name, last_name, email FROM sandbox_customer WHERE id = ?", (first.id,)
        ).fetchone()
    assert (first.first_name, first.last_name, first.email) == tuple(row)
    # created_at DESC, always
    stamps = [c.created_at for c in page.items]
    assert stamps == sorted(stamps, reverse=True)


def test_list_customers_later_page(client):
    page = client.list_customers(page=3, per_page=10)
    assert page.page == 3
    assert page.has_previous is True
    assert len(page.items) == 10


def test_list_customers_filters(client, new_customer):
    page = client.list_customers(email=new_customer.email)
    assert [c.id for c in page.items] == [new_customer.id]

    by_search = client.list_customers(search=new_customer.email, status="active")
    assert new_customer.id in [c.id for c in by_search.items]

    created_today = client.list_customers(
        created_after=date.today() - timedelta(days=1), per_page=100
    )
    assert new_customer.id in [c.id for c in created_today.items]


def test_get_customer_with_stats_and_bookings(client, sandbox):
    with sandbox.db() as db:
        row = db.execute(
            "SELECT customer_id, COUNT(*) AS n FROM sandbox_booking GROUP BY customer_id "
            "ORDER BY n DESC LIMIT 1"
        ).fetchone()
    customer_id, booking_count = row

    customer = client.get_customer(customer_id, include=("stats", "bookings"), bookings_limit=5)

    assert customer.id == customer_id
    assert customer.stats is not None
    assert customer.stats.total_bookings == booking_count
    assert isinstance(customer.stats.total_spent, Decimal)
    assert 0 < len(customer.bookings) <= 5
    for booking in customer.bookings:
        assert isinstance(booking, Booking)
        assert booking.start is not None and booking.start.tzinfo is not None


def test_list_bookings_with_filters(client, sandbox):
    with sandbox.db() as db:
        day = db.execute(
            "SELECT start_date FROM sandbox_booking GROUP BY start_date "
            "ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()[0]
        expected = db.execute(
            "SELECT COUNT(*) FROM sandbox_booking WHERE start_date = ?", (day,)
        ).fetchone()[0]
    when = date.fromisoformat(day)

    page = client.list_bookings(date_from=when, date_to=when, per_page=100)

    assert page.total == expected
    assert len(page.items) == min(expected, 100)
    for booking in page.items:
        assert booking.start.astimezone(page.items[0].start.tzinfo).tzinfo is not None
        assert booking.customer is not None and booking.customer.id
        assert isinstance(booking.status, BookingStatus | str)


def test_list_bookings_by_customer_and_status(client, sandbox):
    with sandbox.db() as db:
        customer_id, expected = db.execute(
            "SELECT customer_id, COUNT(*) FROM sandbox_booking WHERE status = 'completed' "
            "GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()

    page = client.list_bookings(customer_id=customer_id, status="completed", per_page=100)

    assert page.total == expected
    assert {b.customer.id for b in page.items} == {customer_id}
    assert {b.status for b in page.items} == {BookingStatus.COMPLETED}


def test_get_booking(client, sandbox):
    with sandbox.db() as db:
        row = db.execute(
            "SELECT b.id, b.booking_code, b.price, c.email FROM sandbox_booking b "
            "JOIN sandbox_customer c ON c.id = b.customer_id ORDER BY b.id LIMIT 1"
        ).fetchone()

    booking = client.get_booking(row["id"])

    assert booking.id == row["id"]
    assert booking.booking_code == row["booking_code"]
    assert booking.customer.email == row["email"]
    assert booking.price == Decimal(str(row["price"]))
    assert booking.start is not None and booking.end is not None
    assert booking.end > booking.start
    assert booking.service is not None and booking.service.name
    assert booking.agent is not None and booking.agent.display_name
    assert booking.location is not None and booking.location.name


def test_reference_lists(client, sandbox):
    agents, services, locations = (
        client.list_agents(),
        client.list_services(),
        client.list_locations(),
    )
    with sandbox.db() as db:
        counts = [
            db.execute(f"SELECT COUNT(*) FROM sandbox_{table}").fetchone()[0]  # noqa: S608
            for table in ("agent", "service", "location")
        ]
    assert [len(agents), len(services), len(locations)] == counts
    assert all(a.display_name for a in agents)
    assert all(s.name and s.duration for s in services)
    assert all(loc.name for loc in locations)


# --- writes ---------------------------------------------------------------------------------------


def test_create_get_update_delete_customer(client, sandbox):
    email = unique_email("crud")
    created = client.create_customer(
        {
            "first_name": "Marta",
            "last_name": "Lindqvist",
            "email": email,
            "phone": "+1 555 0101",
            "address": "1 Elm St",
            "city": "Boston",
            "zipcode": "02101",
            "country": "US",
        }
    )
    assert created.id > 0
    assert created.email == email
    assert created.status is CustomerStatus.ACTIVE

    fetched = client.get_customer(created.id)
    assert fetched.full_name == "Marta Lindqvist"
    assert fetched.address.city == "Boston"

    updated = client.update_customer(created.id, {"phone": "+1 555 0199", "status": "inactive"})
    assert updated.id == created.id
    assert updated.phone == "+1 555 0199"
    assert updated.status is CustomerStatus.INACTIVE
    assert updated.updated_at is not None and updated.updated_at.tzinfo is not None
    with sandbox.db() as db:
        phone, status = db.execute(
            "SELECT phone, status FROM sandbox_customer WHERE id = ?", (created.id,)
        ).fetchone()
    assert (phone, status) == ("+1 555 0199", "inactive")

    assert client.delete_customer(created.id) is None
    with pytest.raises(NotFound):
        client.get_customer(created.id)


def test_update_booking_status(client, sandbox):
    with sandbox.db() as db:
        booking_id = db.execute(
            "SELECT id FROM sandbox_booking WHERE status = 'pending' ORDER BY id DESC LIMIT 1"
        ).fetchone()[0]

    updated = client.update_booking(booking_id, {"status": "approved"})

    assert updated.id == booking_id
    assert updated.status is BookingStatus.APPROVED
    assert client.get_booking(booking_id).status is BookingStatus.APPROVED


def test_refused_status_transition(client, sandbox):
    with sandbox.db() as db:
        booking_id = db.execute(
            "SELECT id FROM sandbox_booking WHERE status = 'pending' ORDER BY id LIMIT 1"
        ).fetchone()[0]

    with pytest.raises(InvalidRequest) as caught:
        client.update_booking(booking_id, {"status": "completed"})

    assert caught.value.status == 400
    assert caught.value.code == "invalid_status_transition"
    assert client.get_booking(booking_id).status is BookingStatus.PENDING


# --- each error class -----------------------------------------------------------------------------


def test_not_found(client):
    with pytest.raises(NotFound) as customer:
        client.get_customer(99_999_999)
    with pytest.raises(NotFound) as booking:
        client.get_booking(99_999_999)
    assert customer.value.code == "customer_not_found"
    assert booking.value.code == "booking_not_found"


def test_not_found_for_an_impossible_id_makes_no_call(client, calls):
    with pytest.raises(NotFound):
        client.get_customer("../bookings")
    with pytest.raises(NotFound):
        client.get_booking(0)
    assert calls == []


def test_duplicate_email_on_create_is_a_409(client, new_customer):
    with pytest.raises(Conflict) as caught:
        client.create_customer(
            {"first_name": "Other", "last_name": "Person", "email": new_customer.email.upper()}
        )
    assert caught.value.status == 409
    assert caught.value.is_duplicate_email


def test_duplicate_email_on_update_is_a_400_recognised_as_duplicate(client, new_customer):
    other = client.create_customer(
        {"first_name": "Second", "last_name": "Person", "email": unique_email()}
    )
    with pytest.raises(InvalidRequest) as caught:
        client.update_customer(other.id, {"email": new_customer.email})
    assert caught.value.status == 400
    assert caught.value.code == "customer_update_failed"
    assert caught.value.is_duplicate_email


def test_validation_errors_per_field(client):
    with pytest.raises(InvalidRequest) as caught:
        client.create_customer({"first_name": "A", "last_name": "Valid", "email": "not-an-email"})
    error = caught.value
    assert error.status in (400, 422)
    assert "first_name" in error.field_errors
    assert "email" in error.field_errors
    assert not error.is_duplicate_email


def test_wrong_key_is_unauthorized_in_every_dialect(sandbox, calls):
    client = make_client(sandbox, api_key="lp_live_wrong_key_0000", calls=calls)
    with pytest.raises(Unauthorized) as customers:
        client.list_customers()
    with pytest.raises(Unauthorized) as bookings:
        client.get_booking(1)
    with pytest.raises(Unauthorized) as status:
        client.status()
    assert customers.value.code == "rest_forbidden"  # E3
    assert bookings.value.code == "unauthorized"  # E1
    assert status.value.code == "unauthorized"  # E2
    assert len(calls) == 3  # a 401 is never retried


def test_rate_limited_with_a_long_retry_after_is_not_retried(sandbox, calls):
    headers = {"X-Sandbox-Rate-Limit": "1", "X-Sandbox-Rate-Key": uuid.uuid4().hex}
    client = make_client(sandbox, headers=headers, calls=calls, retry_after_cap=5.0)

    client.status()  # uses the one request this minute allows
    with pytest.raises(RateLimited) as caught:
        client.list_customers()

    assert caught.value.status == 429
    assert caught.value.retry_after is not None and caught.value.retry_after > 5
    assert [c.status for c in calls] == [200, 429]  # asked to wait longer than the cap


def test_unavailable_is_a_503_server_error(sandbox, calls):
    client = make_client(
        sandbox, headers={"X-Sandbox-Unavailable": "1"}, calls=calls, max_retries=0
    )
    with pytest.raises(ServerError) as caught:
        client.list_bookings()
    assert caught.value.status == 503
    assert caught.value.code == "latepoint_not_available"


def test_malformed_answer_is_bad_response(sandbox):
    client = make_client(sandbox, headers={"X-Sandbox-Malformed-Rate": "1"})
    with pytest.raises(BadResponse):
        client.list_customers()


def test_timeout(sandbox, calls):
    client = make_client(
        sandbox, headers={"X-Sandbox-Latency-Ms": "1500"}, calls=calls, timeout=(1.0, 0.3)
    )
    with pytest.raises(APITimeoutError):
        client.get_booking(1)
    assert len(calls) == 3  # a GET: one try and two retries
    assert all(c.status is None for c in calls)


# --- the retry policy -----------------------------------------------------------------------------


def test_get_retried_on_permanent_503_up_to_the_cap(sandbox, calls):
    client = make_client(
        sandbox, headers={"X-Sandbox-Unavailable": "1"}, calls=calls, max_retries=2
    )
    with pytest.raises(ServerError):
        client.get_customer(1)
    assert [(c.method, c.status, c.attempt) for c in calls] == [
        ("GET", 503, 1),
        ("GET", 503, 2),
        ("GET", 503, 3),
    ]


def test_get_that_fails_then_recovers(sandbox, client, calls):
    sandbox.set_faults(unavailable=True)

    def recover_after_first_attempt(record: CallRecord) -> None:
        calls.append(record)
        if record.attempt == 1:
            sandbox.reset_faults()

    client.on_call = recover_after_first_attempt
    page = client.list_customers(per_page=5)

    assert len(page.items) == 5
    assert [(c.status, c.attempt) for c in calls] == [(503, 1), (200, 2)]


def test_put_never_retried(sandbox, calls, new_customer):
    client = make_client(
        sandbox, headers={"X-Sandbox-Unavailable": "1"}, calls=calls, max_retries=5
    )
    with pytest.raises(ServerError):
        client.update_customer(new_customer.id, {"phone": "+1 555 0142"})
    with pytest.raises(ServerError):
        client.update_booking(1, {"status": "cancelled"})
    assert [(c.method, c.status) for c in calls] == [("PUT", 503), ("PUT", 503)]


def test_post_and_delete_never_retried(sandbox, calls, new_customer):
    client = make_client(
        sandbox, headers={"X-Sandbox-Unavailable": "1"}, calls=calls, max_retries=5
    )
    with pytest.raises(ServerError):
        client.create_customer({"first_name": "No", "last_name": "Retry", "email": unique_email()})
    with pytest.raises(ServerError):
        client.delete_customer(new_customer.id)
    assert [(c.method, c.status) for c in calls] == [("POST", 503), ("DELETE", 503)]


def test_write_timeout_is_not_retried(sandbox, calls, new_customer):
    client = make_client(
        sandbox, headers={"X-Sandbox-Latency-Ms": "1500"}, calls=calls, timeout=(1.0, 0.3)
    )
    with pytest.raises(APITimeoutError):
        client.update_customer(new_customer.id, {"phone": "+1 555 0143"})
    assert len(calls) == 1


# --- transport details ----------------------------------------------------------------------------


def test_headers_sent(sandbox):
    seen = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **kw: seen.append(response.request.headers))
    client = LatePointClient(base_url=sandbox.base_url, api_key=sandbox.api_key, session=session)

    client.status()

    (headers,) = seen
    assert headers["X-API-Key"] == sandbox.api_key
    assert headers["Authorization"] == f"Bearer {sandbox.api_key}"
    assert headers["Accept"] == "application/json"


def test_default_session_has_a_sized_pool_and_timeouts(sandbox):
    client = LatePointClient(base_url=sandbox.base_url, api_key=sandbox.api_key, timeout=7.5)
    adapter = client.session.get_adapter(sandbox.base_url)
    assert adapter._pool_maxsize >= 16
    assert client.timeout == (3.05, 7.5)
    assert "lp_" not in repr(client)


def test_log_lines_name_method_path_status_never_the_key_or_query(
    client, sandbox, caplog, new_customer
):
    with caplog.at_level(logging.INFO, logger="latepoint"):
        client.list_customers(search=new_customer.email)
        client.get_customer(new_customer.id)
    lines = [r.getMessage() for r in caplog.records if r.name == "latepoint"]
    assert lines[0].startswith("GET /customers -> 200 in ")
    assert lines[1].startswith(f"GET /customers/{new_customer.id} -> 200 in ")
    text = "\n".join(lines)
    assert sandbox.api_key not in text
    assert new_customer.email not in text
    assert "search=" not in text


def test_booking_times_are_in_the_site_zone_when_the_booking_names_none(client):
    booking = client.list_bookings(per_page=1).items[0]
    zone = booking.timezone or SITE_ZONE
    assert str(booking.start.tzinfo) == zone
    assert isinstance(booking.start, datetime)
