"""Availability and booking writes through the client (and its cached wrapper).

Against the shared sandbox: days come from `free_day()` (beyond the seeded bookings, one per
test) and the bookings made here are deleted afterwards. The documented variants the sandbox
does not speak are read from canned answers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from latepoint import (
    ANY_AGENT,
    Agent,
    Booking,
    BookingStatus,
    Conflict,
    InvalidRequest,
    NotFound,
    ServerError,
    Slot,
    SlotUnavailable,
)
from tests.booking_slots import delete_bookings, free_day, new_customer_fields
from tests.latepoint.canned import canned_client
from tests.latepoint.test_client_sandbox import make_client

SITE = ZoneInfo("America/New_York")
MONDAY = 1


@pytest.fixture
def made(sandbox):
    ids: list[int] = []
    yield ids
    delete_bookings(sandbox, ids)


@pytest.fixture
def client(sandbox):
    return make_client(sandbox)


def book(client, made, day: date, start: str = "09:00", **fields) -> Booking:
    fields.setdefault("customer", new_customer_fields("client"))
    booking = client.create_booking(
        service_id=fields.pop("service_id", 1),
        agent_id=fields.pop("agent_id", 1),
        start_date=day,
        start_time=start,
        **fields,
    )
    made.append(booking.id)
    return booking


# --- against the sandbox ------------------------------------------------------------------------


def test_availability_and_free_agents(client, sandbox):
    day = free_day(sandbox, None, week_day=MONDAY)
    slots = client.get_availability(1, 1, day)
    assert all(isinstance(slot, Slot) for slot in slots)
    assert slots[0] == Slot(
        start=datetime(day.year, day.month, day.day, 8, 0, tzinfo=SITE),
        end=datetime(day.year, day.month, day.day, 9, 0, tzinfo=SITE),
    )
    assert slots[0].start_time == time(8, 0) and slots[-1].start_time == time(16, 0)
    assert len(client.get_availability(1, 1, day, duration=30)) == len(slots) + 4
    assert [a.id for a in client.find_available_agents()] == [1, 2, 3, 4, 5, 6]
    noon = client.find_available_agents(service_id=1, date=day, start_time=time(12, 0))
    assert [(a.id, a.display_name) for a in noon] == [(2, "Miguel Ángel Torres")]
    assert all(isinstance(agent, Agent) for agent in noon)


def test_create_reschedule_and_delete(client, sandbox, made):
    day = free_day(sandbox, 1)
    created = book(client, made, day, "09:00", notes="First visit")
    assert isinstance(created.id, int) and created.booking_code.startswith("LP-")
    assert created.status is BookingStatus.PENDING
    assert created.start == datetime(day.year, day.month, day.day, 9, 0, tzinfo=SITE)
    assert (created.duration, created.agent.id, created.service.id) == (60, 1, 1)
    assert created.customer.email.endswith("@example.org") and created.notes == "First visit"

    other = book(client, made, day, "11:00", agent_id=ANY_AGENT, status="approved")
    assert other.agent.id == 1 and other.status is BookingStatus.APPROVED

    moved = client.reschedule_booking(created.id, start_time=time(9, 30))
    assert moved.start.time() == time(9, 30) and moved.id == created.id
    with pytest.raises(SlotUnavailable) as taken:
        client.reschedule_booking(created.id, start_time="10:30")
    assert isinstance(taken.value, Conflict) and taken.value.status == 409
    assert taken.value.field_errors["start_time"]
    with pytest.raises(InvalidRequest):
        client.reschedule_booking(created.id, start_date=date.today() - timedelta(days=2))
    with pytest.raises(ValueError):
        client.reschedule_booking(created.id, send_notification=True)

    client.delete_booking(created.id)
    with pytest.raises(NotFound):
        client.get_booking(created.id)
    with pytest.raises(InvalidRequest) as refused:
        client.delete_booking(other.id)
    assert refused.value.code == "force_required"
    client.delete_booking(other.id, force=True)
    with pytest.raises(NotFound):
        client.delete_booking(other.id, force=True)


def test_a_taken_slot_and_invalid_fields(client, sandbox, made):
    day = free_day(sandbox, 1)
    book(client, made, day, "10:00")
    with pytest.raises(SlotUnavailable) as taken:
        book(client, made, day, "10:30")
    assert taken.value.code == "slot_unavailable"
    assert taken.value.is_duplicate_email is False
    with pytest.raises(InvalidRequest) as invalid:
        book(client, made, day, "10.30", customer={"email": "nope"})
    assert invalid.value.field_errors["start_time"] == "Invalid time format, use HH:MM"
    assert "customer.email" in invalid.value.field_errors


def test_writes_are_sent_once_and_reads_retried(sandbox, calls):
    client = make_client(
        sandbox, headers={"X-Sandbox-Unavailable": "1"}, calls=calls, max_retries=2
    )
    day = free_day(sandbox, 1)
    with pytest.raises(ServerError):
        client.create_booking(
            service_id=1,
            agent_id=1,
            start_date=day,
            start_time="09:00",
            customer=new_customer_fields("client"),
        )
    with pytest.raises(ServerError):
        client.reschedule_booking(1, start_time="09:00")
    with pytest.raises(ServerError):
        client.delete_booking(1, force=True)
    assert [(c.method, c.status) for c in calls] == [("POST", 503), ("PUT", 503), ("DELETE", 503)]
    calls.clear()
    with pytest.raises(ServerError):
        client.get_availability(1, 1, day)
    assert [(c.method, c.attempt) for c in calls] == [("GET", 1), ("GET", 2), ("GET", 3)]


@pytest.fixture
def calls():
    return []


# --- the documented variants, canned -------------------------------------------------------------

DAY = date(2030, 1, 7)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, 7, hour, minute, tzinfo=SITE)


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": {"available_slots": ["09:00", "09:30"], "duration": 30}},
        {"status": "success", "data": ["09:30", "09:00", "09:00"]},
        {"data": {"slots": [{"start": "9:00 am", "end": "9:30 am"}, {"start_time": 570}]}},
        {"data": {"09:00": True, "09:30": {"available": True}, "10:00": False}},
        {"data": {"2030-01-07": ["09:00-09:30", "09:30 - 10:00"]}},
        {"data": [{"start": "2030-01-07T14:00:00Z"}, "09:30", {"time": "10", "available": 0}]},
        ["09:00", "09:30", "not a time"],
    ],
)  # fmt: skip
def test_availability_variants(body):
    client, _adapter, _calls = canned_client((200, body), site_timezone="America/New_York")
    slots = client.get_availability(1, 1, DAY, duration=30)
    assert slots == [Slot(at(9), at(9, 30)), Slot(at(9, 30), at(10))]


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": {"agents": [{"id": "2", "display_name": "B"}, {"id": 5}]}},
        {"success": True, "data": [{"id": 2, "first_name": "B"}, {"id": "5"}, {"id": 2}]},
        {"success": True, "data": {"2": {"display_name": "B"}, "5": {"first_name": "E"}}},
        {"success": True, "data": {"agents": {"2": True, "5": "1", "6": False}}},
        {"success": True, "data": {"available_agents": [2, "5"]}},
        {"data": [{"id": 2}, {"id": 3, "available": False}, {"id": 5, "is_available": True}]},
    ],
)
def test_agents_availability_variants(body):
    client, _adapter, _calls = canned_client((200, body))
    assert [agent.id for agent in client.find_available_agents()] == [2, 5]


BOOKING = {
    "id": "71",
    "booking_code": "LP-2030-001",
    "start_date": "2030-01-07",
    "start_time": "09:00",
}


@pytest.mark.parametrize(
    "body",
    [
        {"status": "success", "data": BOOKING},
        {"success": True, "message": "Booking created", "data": {"booking": BOOKING}},
        BOOKING,
    ],
)
def test_a_created_booking_with_or_without_its_wrapper(body):
    client, adapter, _calls = canned_client((201, body), site_timezone="America/New_York")
    booking = client.create_booking(
        service_id=1, agent_id="-1", start_date=DAY, start_time=time(9, 0), customer_id=7
    )
    assert (booking.id, booking.booking_code, booking.start) == (71, "LP-2030-001", at(9))
    sent = adapter.requests[0]
    assert sent.method == "POST" and sent.url.endswith("/bookings")
    assert b'"start_time": "09:00"' in sent.body and b'"customer_id": 7' in sent.body
    assert b'"customer"' not in sent.body


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (409, {"status": "error", "error": {"code": "slot_unavailable", "message": "Taken"}}),
        (409, {"code": "booking_exists", "message": "Time slot is not available"}),
        (400, {"code": "time_slot_not_available", "message": "Not available", "data": {}}),
        (422, {"status": "error", "error": {"code": "booking_conflict", "message": "Conflict"}}),
    ],
)
def test_slot_conflicts_in_any_dialect_are_slot_unavailable(status, body):
    client, _adapter, _calls = canned_client((status, body))
    with pytest.raises(SlotUnavailable):
        client.create_booking(
            service_id=1, agent_id=1, start_date=DAY, start_time="09:00", customer_id=7
        )


def test_a_409_about_an_email_stays_a_plain_conflict():
    body = {"status": "error", "error": {"code": "email_exists", "message": "Email exists"}}
    client, _adapter, _calls = canned_client((409, body))
    with pytest.raises(Conflict) as caught:
        client.create_booking(
            service_id=1,
            agent_id=1,
            start_date=DAY,
            start_time="09:00",
            customer={"first_name": "A", "last_name": "B", "email": "a@b.co"},
        )
    assert not isinstance(caught.value, SlotUnavailable)


# --- the cached wrapper ---------------------------------------------------------------------------


def test_cached_availability_is_refreshed_by_a_booking_write(live_sandbox, made):
    from upstream.gateway import api

    day = free_day(live_sandbox, None, week_day=MONDAY)

    def availability_calls() -> int:
        return sum(
            1 for row in live_sandbox.requests_since(started) if row[2].endswith("availability")
        )

    started = datetime.now().timestamp()
    first = api().get_availability(1, 1, day)
    assert api().get_availability(1, 1, day) == first
    assert api().find_available_agents(service_id=1, date=day, start_time="08:00")[0].id == 1
    assert api().find_available_agents(service_id=1, date=day, start_time="08:00")[0].id == 1
    assert availability_calls() == 2

    booking = api().create_booking(
        service_id=1,
        agent_id=1,
        start_date=day,
        start_time="08:00",
        customer=new_customer_fields("cached"),
    )
    made.append(booking.id)
    after = api().get_availability(1, 1, day)
    assert after[0].start.time() == time(9, 15)  # 08:00-09:00 and its 10 minutes after
    # Monday 08:00: only Kwame (6) starts that early besides Dr. Johnson.
    assert api().find_available_agents(service_id=1, date=day, start_time="08:00")[0].id == 6
    assert availability_calls() == 4

    api().reschedule_booking(booking.id, start_time="10:00")
    assert api().get_availability(1, 1, day)[0].start.time() == time(8, 0)
    api().delete_booking(booking.id)
    assert api().get_availability(1, 1, day) == first
    assert availability_calls() == 6
