"""Helpers for booking tests: bookings taken from the sandbox's own database, one per test.

The sandbox is shared by the whole session, so each test takes bookings nobody else in this
package has taken, and moves them into the state it needs with raw API calls.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

_taken: set[int] = set()


def business_today() -> date:
    return timezone.localdate()


def server_timing_calls(response) -> int:
    match = re.search(r'desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


@pytest.fixture
def take_booking(sandbox):
    """take_booking(status, when="future"|"today"|"past") -> a booking id only this test uses."""

    def take(status: str, when: str = "future") -> int:
        today = business_today().isoformat()
        condition = {
            "future": "start_date > ?",
            "today": "start_date = ?",
            "past": "start_date < ?",
        }
        with sandbox.db() as conn:
            rows = conn.execute(
                "SELECT id FROM sandbox_booking WHERE status = ? AND "  # noqa: S608
                + condition[when]
                + " ORDER BY id DESC LIMIT 400",
                (status, today),
            ).fetchall()
        for row in rows:
            if row["id"] not in _taken:
                _taken.add(row["id"])
                return row["id"]
        raise AssertionError(f"the sandbox has no spare {when} {status} booking")

    return take


@pytest.fixture
def move(sandbox):
    """move(booking_id, *statuses): walk a booking through allowed transitions, raw."""

    def walk(booking_id: int, *statuses: str) -> None:
        for status in statuses:
            body = {"status": status}
            if status == "cancelled":
                body["force"] = True
            code, answer = sandbox.request(
                "PUT", f"/wp-json/latepoint-api/v1/bookings/{booking_id}", body
            )
            assert code == 200, answer

    return walk


def sandbox_status(sandbox, booking_id: int) -> str:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT status FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()["status"]
