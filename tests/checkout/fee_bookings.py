"""Bookings for fee tests: one of today to check in, and a later one of the same customer,
made for the test on a day of its own (to be marked no-show, then deleted)."""

from __future__ import annotations

from django.utils import timezone

from tests.booking_slots import free_day, working_hours
from tests.conftest import API_PREFIX, _taken


def spare_open_today(sandbox) -> int:
    """An open booking of today, of a customer who is not blocked, that no other test took.

    It is not taken from the others in turn: a check-in is the front office's own record
    (gone after the test), and the booking itself is never changed in the sandbox, so the few
    bookings of today stay for the tests that do change them."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT b.id FROM sandbox_booking b JOIN sandbox_customer c ON c.id = b.customer_id "
            "WHERE b.start_date = ? AND b.status IN ('approved', 'pending') "
            "AND c.status != 'blocked' ORDER BY b.id DESC",
            (timezone.localdate().isoformat(),),
        ).fetchall()
    for row in rows:
        if row["id"] not in _taken:
            return row["id"]
    raise AssertionError("the sandbox has no spare open booking today")


def later_booking(sandbox, customer_id: int) -> int:
    """An approved booking of the customer's on a day no other test of the session uses."""
    day = free_day(sandbox, 1)
    start = working_hours(sandbox, 1)[day.isoweekday()][0][0]
    status, body = sandbox.request(
        "POST",
        f"{API_PREFIX}/bookings",
        {
            "customer_id": customer_id,
            "service_id": 1,
            "agent_id": 1,
            "start_date": day.isoformat(),
            "start_time": start,
            "status": "approved",
        },
    )
    assert status in (200, 201), body
    return int(body.get("data", body)["id"])


def customer_id_of(sandbox, booking_id: int) -> int:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT customer_id FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()["customer_id"]
