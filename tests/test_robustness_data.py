"""Odd data from LatePoint: every screen showing it stays up and shows it as text.

LatePoint's database holds whatever its WordPress admin, imports and other plugins put there,
not only what the API validates. These tests give a customer (and a booking) of their own odd
values straight in the sandbox's database, then read them through the front office over HTTP:
the screens answer (200, or a friendly 502 when an answer cannot be read at all), never a 500,
and upstream strings are escaped, never markup.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from contextlib import closing

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

API = "/wp-json/latepoint-api/v1"
HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = '<script>alert("lp")</script>'

texts = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            HOSTILE,
            '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)",
            "{{ request }}",
            "{% csrf_token %}",
            "\x00",
            "\u202e",  # right-to-left override
            "é" * 300,
            "x" * 5000,
            "null",
        ]
    ),
    st.text(max_size=60),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
#: Every column is written in every example, so each example stands on its own.
customer_rows = st.fixed_dictionaries(
    {
        "first_name": texts,
        "last_name": texts,
        "phone": texts,
        "city": texts,
        "country": st.sampled_from(["", "ZZ", "us", "<b"]),
        "gender": texts,
        "status": st.sampled_from(["active", "blocked", "archived", "", "<b>x</b>", "pending"]),
        "notes": texts,
        "admin_notes": texts,
        "avatar_url": st.sampled_from(
            ["", "javascript:alert(1)", "http://example.com/a.png", '"><b>', "data:x"]
        ),
        # LatePoint stores custom fields as an object; its values can be anything.
        "custom_fields": st.dictionaries(
            st.sampled_from(["medical_notes", "referral_source", "x", "<b>"]), json_values
        ),
    }
)

HYPOTHESIS = settings(
    # ROBUSTNESS_EXAMPLES=200 explores further, with fresh random examples each run.
    max_examples=int(os.environ.get("ROBUSTNESS_EXAMPLES", "12")),
    deadline=None,
    derandomize="ROBUSTNESS_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def make_customer(sandbox) -> int:
    body = {
        "first_name": "Odile",
        "last_name": "Quirk",
        "email": f"odile.{uuid.uuid4().hex[:10]}@example.com",
    }
    status, answer = sandbox.request("POST", f"{API}/customers", body)
    assert status in (200, 201), answer
    data = answer.get("data", answer)
    return int(data.get("id") or data["customer"]["id"])


def write(sandbox, sql: str, params) -> int:
    """A write straight into LatePoint's (the sandbox's) database, as another plugin might."""
    with closing(sqlite3.connect(sandbox.db_path, timeout=20)) as conn, conn:
        return conn.execute(sql, params).lastrowid


def update(sandbox, table: str, row_id: int, values: dict, json_columns: set[str]) -> None:
    encoded = {k: json.dumps(v) if k in json_columns else v for k, v in values.items()}
    assignments = ", ".join(f"{name} = ?" for name in encoded)
    write(
        sandbox,
        f"UPDATE {table} SET {assignments} WHERE id = ?",  # noqa: S608
        [*encoded.values(), row_id],
    )


def assert_shown_safely(response, where: str) -> str:
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    status = response.status_code
    assert status < 500 or status == 502, f"{where}: {status}"
    assert "Traceback" not in body
    if status == 502:
        assert "Try again" in body, where  # LatePoint could not serve or explain the data
    if response.get("Content-Type", "").startswith("text/csv"):
        return body  # not HTML: the export has its own tests for spreadsheet formulas
    assert HOSTILE not in body, f"{where}: upstream markup rendered"
    assert "<img src=x" not in body, where
    for attr in ('src="javascript:', 'href="javascript:', "src='javascript:"):
        assert attr not in body.lower(), f"{where}: {attr}"
    return body


@pytest.fixture
def odd_customer(live_sandbox) -> int:
    return make_customer(live_sandbox)


def test_a_customer_with_odd_data(manager_client, live_sandbox, odd_customer):
    customer_id = odd_customer
    with live_sandbox.db() as conn:
        email = conn.execute(
            "SELECT email FROM sandbox_customer WHERE id = ?", (customer_id,)
        ).fetchone()[0]

    @HYPOTHESIS
    @given(changes=customer_rows)
    def check(changes):
        update(live_sandbox, "sandbox_customer", customer_id, changes, {"custom_fields"})
        cache.clear()
        for where, headers in (
            (f"/customers/{customer_id}/", {}),
            (f"/customers/{customer_id}/", HTMX),
            (f"/customers/{customer_id}/?tab=past", {}),
            (f"/customers/{customer_id}/edit/", {}),
            (f"/customers/?q={email}", {}),
            (f"/customers/?q={email}", HTMX),
            (f"/customers/export.csv?q={email}", {}),
            (f"/bookings/search/?q={email}", HTMX),
        ):
            assert_shown_safely(manager_client.get(where, **headers), where)

    check()


BOOKING_COLUMNS = (
    "customer_id, agent_id, service_id, location_id, status, start_at, end_at, start_date, "
    "start_time, end_time, duration, price, payment_status, notes, customer_comment, order_id, "
    "order_code, transactions, service_extras, manage_key_agent, manage_key_customer, "
    "created_at, updated_at"
)

booking_rows = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["approved", "arrived", "", "<i>x</i>", "NO_SHOW"]),
        "payment_status": st.sampled_from(["paid", "", "comped", HOSTILE]),
        "notes": texts,
        "customer_comment": st.one_of(st.none(), texts),
        "start_time": st.sampled_from(["09:00", "", "25:99", "9am"]),
        "duration": st.sampled_from([0, 30, 100000]),
        "price": st.sampled_from(["0", "-5", "99999999.99", "12.5"]),
        "transactions": st.lists(
            st.dictionaries(st.sampled_from(["id", "amount", "status", "processor"]), json_values),
            max_size=2,
        ),
        "service_extras": st.lists(
            st.fixed_dictionaries(
                {"id": st.integers(0, 10), "name": texts},
                optional={"price": st.sampled_from(["0", "12.50", "-3", "1e3"])},
            ),
            max_size=2,
        ),
    }
)


def test_a_booking_with_odd_data(manager_client, live_sandbox, odd_customer):
    customer_id = odd_customer
    code = f"RB{uuid.uuid4().hex[:8].upper()}"
    # A copy of a seeded booking, for this test's own customer.
    booking_id = write(
        live_sandbox,
        f"INSERT INTO sandbox_booking (booking_code, {BOOKING_COLUMNS}) "  # noqa: S608
        f"SELECT ?, ?, {BOOKING_COLUMNS.split(', ', 1)[1]} FROM sandbox_booking "
        "ORDER BY id LIMIT 1",
        (code, customer_id),
    )

    @HYPOTHESIS
    @given(changes=booking_rows)
    def check(changes):
        update(
            live_sandbox, "sandbox_booking", booking_id, changes, {"transactions", "service_extras"}
        )
        cache.clear()
        for where, headers in (
            (f"/bookings/{booking_id}/", {}),
            (f"/bookings/{booking_id}/status/?to_status=cancelled", {}),
            (f"/bookings/?search={code}", {}),
            (f"/bookings/?search={code}", HTMX),
            (f"/customers/{customer_id}/?tab=past", {}),
            (f"/customers/{customer_id}/bookings/?tab=upcoming", HTMX),
            (f"/bookings/search/?q={code}", HTMX),
        ):
            assert_shown_safely(manager_client.get(where, **headers), where)

    check()
