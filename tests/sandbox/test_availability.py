"""GET /availability and GET /agents/availability: working hours, bookings, buffers, the clock.

Days come from `free_day()` (beyond the seeded bookings, one per test); bookings made here are
deleted after each test (`made`).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from tests.booking_slots import SITE_TZ, free_day, new_customer_fields, site_today

from .conftest import book, call, get

MONDAY, SATURDAY, SUNDAY = 1, 6, 7


def quarter_hours(first: str, last: str) -> list[str]:
    """Every quarter hour from `first` to `last`, both included."""
    start = datetime.strptime(first, "%H:%M")
    stop = datetime.strptime(last, "%H:%M")
    times = []
    while start <= stop:
        times.append(start.strftime("%H:%M"))
        start += timedelta(minutes=15)
    return times


def starts(box, **params) -> list[str]:
    data = get(box, "/availability", **params)["data"]
    return [slot["start_time"] for slot in data["available_slots"]]


def free_agents(box, **params) -> list[str]:
    return [agent["id"] for agent in get(box, "/agents/availability", **params)["data"]["agents"]]


# --- GET /availability ---------------------------------------------------------------------


def test_slots_follow_the_working_hours_and_the_lunch_break(sandbox):
    day = free_day(sandbox, 1)
    body = get(sandbox, "/availability", service_id=1, agent_id=1, date=day.isoformat())
    assert body["success"] is True
    data = body["data"]
    assert {k: v for k, v in data.items() if k != "available_slots"} == {
        "date": day.isoformat(),
        "service_id": 1,
        "agent_id": 1,
        "duration": 60,
        "interval": 15,
        "timezone": "America/New_York",
    }
    # Dr. Johnson: 08:00-12:00 and 13:00-17:00; General Consultation: 60 minutes.
    expected = quarter_hours("08:00", "11:00") + quarter_hours("13:00", "16:00")
    assert [slot["start_time"] for slot in data["available_slots"]] == expected
    first = data["available_slots"][0]
    assert first == {"start_time": "08:00", "end_time": "09:00"}


def test_a_day_off_has_no_slots(sandbox):
    for week_day in (SATURDAY, SUNDAY):
        day = free_day(sandbox, None, week_day=week_day)
        assert starts(sandbox, service_id=1, agent_id=1, date=day.isoformat()) == []


def test_the_service_interval_sets_the_step_and_duration_shortens_the_slot(sandbox):
    day = free_day(sandbox, 4)
    # Deep Tissue Massage: 90 minutes every 30; Liam: 10:00-14:00 and 14:30-19:00.
    data = get(sandbox, "/availability", service_id=3, agent_id=4, date=day.isoformat())["data"]
    assert data["interval"] == 30
    assert [s["start_time"] for s in data["available_slots"]] == [
        "10:00", "10:30", "11:00", "11:30", "12:00", "12:30",
        "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30",
    ]  # fmt: skip
    short = get(
        sandbox, "/availability", service_id=3, agent_id=4, date=day.isoformat(), duration="30"
    )["data"]
    assert short["duration"] == 30
    assert short["available_slots"][-1] == {"start_time": "18:30", "end_time": "19:00"}


def test_pending_and_approved_bookings_block_with_their_buffers(sandbox, made):
    day = free_day(sandbox, 1).isoformat()
    for time_, status in (("10:00", "pending"), ("14:00", "approved"), ("15:30", "cancelled")):
        reply = book(
            sandbox,
            made,
            service_id=1,
            agent_id=1,
            start_date=day,
            start_time=time_,
            status=status,
            customer=new_customer_fields(),
        )
        assert reply.status == 201, reply.json
    # A consultation holds 10 minutes after it: 10:00-11:10 and 14:00-15:10 are taken, and
    # a new one needs its own 10 minutes before the next booking.
    free = starts(sandbox, service_id=1, agent_id=1, date=day)
    assert free == quarter_hours("08:00", "08:45") + quarter_hours("15:15", "16:00")
    # A 15-minute check-up (no buffers of its own) fits right up to the consultation...
    express = starts(sandbox, service_id=10, agent_id=1, date=day)
    assert "09:45" in express and "10:00" not in express and "11:00" not in express
    assert "11:15" in express
    # ...and the cancelled booking at 15:30 holds nothing.
    assert "15:30" in express


def test_no_slots_in_the_past(sandbox):
    now = datetime.now(SITE_TZ)
    for agent_id in range(1, 7):
        for start in starts(sandbox, service_id=2, agent_id=agent_id, date=now.date().isoformat()):
            assert start >= now.strftime("%H:%M")
    yesterday = (site_today() - timedelta(days=1)).isoformat()
    assert starts(sandbox, service_id=2, agent_id=1, date=yesterday) == []


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({}, {"service_id", "agent_id", "date"}),
        ({"service_id": "x", "agent_id": "1", "date": "2030-01-07"}, {"service_id"}),
        ({"service_id": "999", "agent_id": "1", "date": "2030-01-07"}, {"service_id"}),
        ({"service_id": "1", "agent_id": "77", "date": "2030-01-07"}, {"agent_id"}),
        ({"service_id": "1", "agent_id": "any", "date": "2030-01-07"}, {"agent_id"}),
        ({"service_id": "1", "agent_id": "1", "date": "07/01/2030"}, {"date"}),
        ({"service_id": "1", "agent_id": "1", "date": "2030-02-30"}, {"date"}),
        ({"service_id": "1", "agent_id": "1", "date": "2030-01-07", "duration": "0"}, {"duration"}),
        ({"service_id": "1", "agent_id": "1", "date": "2030-01-07", "duration": "x"}, {"duration"}),
    ],
)
def test_availability_validation_errors(sandbox, params, details):
    reply = call(sandbox, "GET", "/availability", params=params)
    assert reply.status == 400
    assert reply.json["status"] == "error"
    error = reply.json["error"]
    assert (error["code"], error["message"]) == ("invalid_parameters", "Invalid query parameters")
    assert set(error["details"]) == details


# --- GET /agents/availability --------------------------------------------------------------


def test_without_a_date_and_time_every_active_agent_is_listed(sandbox):
    body = get(sandbox, "/agents/availability")
    assert body["success"] is True
    data = body["data"]
    assert [agent["id"] for agent in data["agents"]] == ["1", "2", "3", "4", "5", "6"]
    assert data["total"] == 6
    assert (data["date"], data["start_time"], data["duration"]) == (None, None, 60)
    first = data["agents"][0]
    assert first["display_name"] == "Dr. Sarah Johnson"
    assert {"id", "first_name", "last_name", "display_name", "email", "status"} <= set(first)
    assert free_agents(sandbox, limit=2) == ["1", "2"]


def test_agents_free_at_a_time_honour_hours_lunch_and_bookings(sandbox, made):
    day = free_day(sandbox, None, week_day=MONDAY).isoformat()
    # Monday 09:00-10:00: Liam (4) has Mondays off.
    assert free_agents(sandbox, date=day, start_time="09:00", service_id=1) == [
        "1", "2", "3", "5", "6",
    ]  # fmt: skip
    # Minutes since midnight are read as a time.
    data = get(sandbox, "/agents/availability", date=day, start_time="540", service_id=1)["data"]
    assert (data["start_time"], data["end_time"], data["duration"]) == ("09:00", "10:00", 60)
    # Noon: only Miguel (09:00-13:00) works through everyone else's lunch.
    assert free_agents(sandbox, date=day, start_time="12:00", duration="60") == ["2"]
    reply = book(
        sandbox,
        made,
        service_id=1,
        agent_id=1,
        start_date=day,
        start_time="09:30",
        customer=new_customer_fields(),
    )
    assert reply.status == 201, reply.json
    assert free_agents(sandbox, date=day, start_time="09:00", service_id=1) == [
        "2", "3", "5", "6",
    ]  # fmt: skip
    assert free_agents(sandbox, date=day, start_time="09:00", limit=1) == ["2"]


def test_a_time_already_passed_has_no_free_agents(sandbox):
    yesterday = (site_today() - timedelta(days=1)).isoformat()
    assert free_agents(sandbox, date=yesterday, start_time="10:00") == []


@pytest.mark.parametrize(
    ("params", "missing"),
    [({"date": "2030-01-07"}, "start_time"), ({"start_time": "10:00"}, "date")],
)
def test_a_date_without_a_time_or_back_is_missing_parameters(sandbox, params, missing):
    reply = call(sandbox, "GET", "/agents/availability", params=params)
    assert reply.status == 400
    body = reply.json
    assert body["code"] == "missing_parameters"
    assert body["message"].startswith("Required parameters:")
    assert body["data"]["status"] == 400
    assert set(body["data"]["details"]) == {missing}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2030-13-01", "start_time": "10:00"}, "date"),
        ({"date": "2030-01-07", "start_time": "25:00"}, "start_time"),
        ({"date": "2030-01-07", "start_time": "1440"}, "start_time"),
        ({"service_id": "999"}, "service_id"),
        ({"location_id": "abc"}, "location_id"),
        ({"duration": "9999"}, "duration"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_agents_availability_invalid_values_are_wordpress_errors(sandbox, params, field):
    reply = call(sandbox, "GET", "/agents/availability", params=params)
    assert reply.status == 400
    body = reply.json
    assert body["code"] == "invalid_parameters"
    assert body["data"]["status"] == 400
    assert field in body["data"]["details"]


# --- faults, authentication and the request log ------------------------------------------------


def test_the_fault_knobs_and_the_request_log_cover_availability(sandbox):
    day = free_day(sandbox, 1).isoformat()
    params = {"service_id": 1, "agent_id": 1, "date": day}
    started = time.time()
    unavailable = call(
        sandbox, "GET", "/availability", params=params, headers={"X-Sandbox-Unavailable": "1"}
    )
    assert unavailable.status == 503
    assert unavailable.json["error"]["code"] == "latepoint_not_available"
    failing = call(sandbox, "GET", "/agents/availability", headers={"X-Sandbox-Error-Rate": "1"})
    assert failing.status == 500
    limited = call(
        sandbox,
        "GET",
        "/availability",
        params=params,
        headers={"X-Sandbox-Rate-Limit": "1", "X-Sandbox-Rate-Key": f"availability-{day}"},
    )
    assert limited.status == 200 and limited.headers["X-RateLimit-Limit"] == "1"
    over = call(
        sandbox,
        "GET",
        "/availability",
        params=params,
        headers={"X-Sandbox-Rate-Limit": "1", "X-Sandbox-Rate-Key": f"availability-{day}"},
    )
    assert over.status == 429 and "Retry-After" in over.headers
    assert call(sandbox, "GET", "/availability", params=params, key=None).json == {
        "error": {"code": "unauthorized", "message": "Invalid or missing API key"}
    }
    seen = [
        (method, path, status)
        for _at, method, path, status in sandbox.requests_since(started)
        if path.endswith("availability")
    ]
    assert seen[-5:] == [
        ("GET", "/availability", 503),
        ("GET", "/agents/availability", 500),
        ("GET", "/availability", 200),
        ("GET", "/availability", 429),
        ("GET", "/availability", 401),
    ]
