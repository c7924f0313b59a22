"""Helpers for booking tests (`take_booking`, `move` and `sandbox_status` are in tests/conftest.py,
shared with the browser tests)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone


def business_today() -> date:
    return timezone.localdate()


def server_timing_calls(response) -> int:
    match = re.search(r'desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


@pytest.fixture
def made(live_sandbox):
    """Ids of the bookings a test makes: deleted afterwards."""
    from tests.booking_slots import delete_bookings

    ids: list[int] = []
    yield ids
    delete_bookings(live_sandbox, ids)
