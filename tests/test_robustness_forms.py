"""Garbage in the forms: every write answers a form with messages (or a refusal), never a 500.

Hypothesis fills the customer form, the per-field validation, the status change, the
check-in and the booking forms (new, walk-in, reschedule) with text, huge numbers, unicode,
NUL bytes and very long strings, as a browser would post them (repeated keys included), with
and without HTMX.
"""

from __future__ import annotations

import os
import re
import uuid
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.forms import CustomerForm
from latepoint.models import BookingStatus
from tests.customers.form_html import form_values
from tests.test_robustness import NASTY, values

API = "/wp-json/latepoint-api/v1"
HTMX = {"HTTP_HX_REQUEST": "true"}
CUSTOMER_FIELDS = (
    *CustomerForm.VALIDATED_FIELDS,
    "confirm_block",
    "custom_referral_source",
    "custom_medical_notes",
    "snapshot",
    "updated_at",
)

HYPOTHESIS = settings(
    # ROBUSTNESS_EXAMPLES=200 explores further, with fresh random examples each run.
    max_examples=int(os.environ.get("ROBUSTNESS_EXAMPLES", "15")),
    deadline=None,
    derandomize="ROBUSTNESS_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def posted(names: tuple[str, ...]):
    """Form data as (name, value) pairs: some fields repeated, some missing."""
    return st.lists(st.tuples(st.sampled_from(names), values), max_size=10)


def as_data(pairs) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def assert_answered(response, where: str) -> str:
    status = response.status_code
    body = response.content.decode()
    assert status < 500, f"{where}: {status}"
    assert "Traceback" not in body
    if status in (301, 302):
        target = urlsplit(response["Location"])
        assert target.netloc in ("", "testserver"), f"{where}: redirected off-site to {target}"
    return body


def make_customer(sandbox) -> int:
    body = {
        "first_name": "Fern",
        "last_name": "Garbage",
        "email": f"fern.{uuid.uuid4().hex[:10]}@example.com",
    }
    status, answer = sandbox.request("POST", f"{API}/customers", body)
    assert status in (200, 201), answer
    data = answer.get("data", answer)
    return int(data.get("id") or data["customer"]["id"])


def test_the_new_customer_form(manager_client, live_sandbox):
    @HYPOTHESIS
    @given(pairs=posted(CUSTOMER_FIELDS))
    def check(pairs):
        for headers in ({}, HTMX):
            response = manager_client.post("/customers/new/", as_data(pairs), **headers)
            body = assert_answered(response, "new customer")
            if response.status_code == 200:
                assert "errorlist" in body  # refused, and it says why

    check()


def test_the_edit_form(manager_client, live_sandbox):
    customer_id = make_customer(live_sandbox)
    opened = form_values(manager_client.get(f"/customers/{customer_id}/edit/").content)

    @HYPOTHESIS
    @given(pairs=posted(CUSTOMER_FIELDS), keep_snapshot=st.booleans())
    def check(pairs, keep_snapshot):
        data = as_data(pairs)
        if keep_snapshot:
            data["snapshot"] = [opened["snapshot"]]
        for headers in ({}, HTMX):
            response = manager_client.post(f"/customers/{customer_id}/edit/", data, **headers)
            assert_answered(response, "edit customer")

    check()


def test_per_field_validation(manager_client, live_sandbox):
    @HYPOTHESIS
    @given(field=st.sampled_from(CUSTOMER_FIELDS), pairs=posted(CUSTOMER_FIELDS))
    def check(field, pairs):
        response = manager_client.post(f"/customers/validate/{field}/", as_data(pairs), **HTMX)
        assert_answered(response, f"validate {field}")

    check()


#: A value that names a real transition would really change the (shared) booking.
not_a_status = values.filter(lambda v: v.strip() not in {s.value for s in BookingStatus})


def test_the_status_change(manager_client, live_sandbox):
    with live_sandbox.db() as conn:
        booking_id = conn.execute(
            "SELECT id FROM sandbox_booking WHERE status = 'approved' ORDER BY id LIMIT 1"
        ).fetchone()["id"]

    @HYPOTHESIS
    @given(
        to_status=not_a_status,
        pairs=posted(("seen_status", "reason", "confirmed", "next")),
    )
    def check(to_status, pairs):
        data = {**as_data(pairs), "to_status": [to_status]}
        for headers in ({}, HTMX):
            response = manager_client.post(f"/bookings/{booking_id}/status/", data, **headers)
            assert_answered(response, "status change")
            assert response.status_code != 302  # nothing was changed

    check()
    with live_sandbox.db() as conn:
        status = conn.execute(
            "SELECT status FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()["status"]
    assert status == "approved"


@pytest.mark.parametrize("action", ["check-in", "check-in/undo"])
def test_check_in_with_any_next(manager_client, live_sandbox, action):
    with live_sandbox.db() as conn:
        booking_id = conn.execute(
            "SELECT id FROM sandbox_booking WHERE status = 'cancelled' ORDER BY id LIMIT 1"
        ).fetchone()["id"]

    @HYPOTHESIS
    @given(next_url=st.one_of(st.sampled_from(NASTY), st.text(max_size=40)))
    def check(next_url):
        for headers in ({}, HTMX):
            response = manager_client.post(
                f"/bookings/{booking_id}/{action}/", {"next": next_url}, **headers
            )
            assert_answered(response, action)

    check()


#: Never a time LatePoint would book: the other fields are fuzzed, nothing is ever booked.
not_a_time = values.filter(lambda v: not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v.strip()))
BOOKING_FIELDS = (
    "customer",
    "service",
    "agent",
    "location",
    "date",
    "notes",
    "send_confirmation",
    "booking_form",
    "submit_token",
    "first_name",
    "last_name",
    "email",
    "phone",
    "notify",
)


@pytest.mark.parametrize("form", ["new", "walk-in", "reschedule"])
def test_the_booking_forms(form, manager_client, live_sandbox):
    with live_sandbox.db() as conn:
        booking_id = conn.execute(
            "SELECT id FROM sandbox_booking WHERE status = 'approved' ORDER BY id LIMIT 1"
        ).fetchone()["id"]
        before = conn.execute("SELECT COUNT(*), MAX(updated_at) FROM sandbox_booking").fetchone()
    path = {
        "new": "/bookings/new/",
        "walk-in": "/bookings/walk-in/",
        "reschedule": f"/bookings/{booking_id}/reschedule/",
    }[form]

    @HYPOTHESIS
    @given(start_time=not_a_time, pairs=posted(BOOKING_FIELDS))
    def check(start_time, pairs):
        data = {**as_data(pairs), "start_time": [start_time]}
        for headers in ({}, HTMX):
            response = manager_client.post(path, data, **headers)
            assert_answered(response, form)
            assert response.status_code != 302  # nothing was booked or moved

    check()
    with live_sandbox.db() as conn:
        after = conn.execute("SELECT COUNT(*), MAX(updated_at) FROM sandbox_booking").fetchone()
    assert tuple(after) == tuple(before)
