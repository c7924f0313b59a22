"""POST /bookings, POST /bookings/bulk, availability on PUT, DELETE /bookings/{id}, the race.

Days come from `free_day()` (beyond the seeded bookings, one per test); bookings made here are
force-deleted after each test (`made`), customers are new and unique.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta

import pytest

from tests.booking_slots import SITE_TZ, free_day, new_customer_fields, site_today, unique_email

from .conftest import book, call, create_customer, get

MONDAY = 1
CODE = re.compile(r"^LP-\d{4}-\d{3,}$")


def count_bookings(box, **where) -> int:
    clause = " AND ".join(f"{column} = ?" for column in where) or "1"
    with box.db() as conn:
        return conn.execute(
            f"SELECT COUNT(*) FROM sandbox_booking WHERE {clause}",  # noqa: S608
            tuple(where.values()),
        ).fetchone()[0]


def consultation(day, time_: str = "09:00", agent_id=1, **extra) -> dict:
    """A General Consultation (60 minutes, 10 after) for a new customer."""
    body = {
        "service_id": 1,
        "agent_id": agent_id,
        "start_date": day.isoformat(),
        "start_time": time_,
        "customer": new_customer_fields(),
    }
    body.update(extra)
    return body


def person(**fields) -> dict:
    return {"first_name": "Ab", "last_name": "Bc", "email": unique_email("person"), **fields}


def assert_e1(reply, status: int, code: str) -> dict:
    assert reply.status == status, (reply.status, reply.raw[:400])
    body = reply.json
    assert body["status"] == "error"
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


# --- POST /bookings --------------------------------------------------------------------------


def test_create_with_a_new_customer(sandbox, made):
    day = free_day(sandbox, 1)
    customer = {**new_customer_fields(), "phone": "+1 212 555 0199"}
    reply = book(
        sandbox,
        made,
        service_id=1,
        agent_id=1,
        start_date=day.isoformat(),
        start_time="09:00",
        customer=customer,
    )
    assert reply.status == 201, reply.json
    assert reply.json["status"] == "success"
    data = reply.json["data"]
    assert data.pop("customer_created") is True
    assert data == get(sandbox, f"/bookings/{data['id']}")["data"]
    assert CODE.match(data["booking_code"])
    assert data["booking_code"].startswith(f"LP-{datetime.now(SITE_TZ).year}-")
    assert (data["status"], data["duration"], data["price"]) == ("pending", "60", "75.00")
    assert (data["start_date"], data["start_time"], data["end_time"]) == (
        day.strftime("%m/%d/%Y"),
        "09:00",
        "10:00",
    )
    assert data["location"]["id"] == "1" and data["agent"]["id"] == "1"
    assert data["service"] == {"id": "1", "name": "General Consultation"}
    assert {k: data["customer"][k] for k in customer} == customer
    created = datetime.fromisoformat(data["created_at"])
    assert abs(created.timestamp() - time.time()) < 60
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT status, payment_status FROM sandbox_booking WHERE id = ?", (data["id"],)
        ).fetchone()
    assert tuple(row) == ("pending", "not_paid")


def test_booking_codes_count_up(sandbox, made):
    day = free_day(sandbox, 1)
    codes = []
    for time_ in ("09:00", "11:00"):
        reply = book(sandbox, made, **consultation(day, time_))
        assert reply.status == 201, reply.json
        codes.append(int(reply.json["data"]["booking_code"].rsplit("-", 1)[1]))
    assert codes[1] == codes[0] + 1


def test_create_for_an_existing_customer_by_id_ignores_customer_fields(sandbox, made):
    existing = create_customer(sandbox, first_name="Kept", last_name="Asis")
    day = free_day(sandbox, 2)
    reply = book(
        sandbox,
        made,
        **consultation(day, agent_id=2, customer={"first_name": "Other", "email": "x@y.z"}),
        customer_id=str(existing["id"]),
    )
    assert reply.status == 201, reply.json
    data = reply.json["data"]
    assert data["customer"]["id"] == str(existing["id"])
    assert data["customer"]["first_name"] == "Kept"
    assert data["customer_created"] is False


def test_an_email_already_on_file_books_for_that_customer(sandbox, made):
    existing = create_customer(sandbox, first_name="Found", last_name="Byemail")
    day = free_day(sandbox, 3)
    with sandbox.db() as conn:
        customers_before = conn.execute("SELECT COUNT(*) FROM sandbox_customer").fetchone()[0]
    reply = book(
        sandbox,
        made,
        **consultation(
            day,
            agent_id=3,
            customer={
                "first_name": "Someone",
                "last_name": "Else",
                "email": existing["email"].upper(),
            },
        ),
    )
    assert reply.status == 201, reply.json
    data = reply.json["data"]
    assert data["customer"]["id"] == str(existing["id"])
    assert (data["customer"]["first_name"], data["customer"]["last_name"]) == ("Found", "Byemail")
    assert data["customer_created"] is False
    with sandbox.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM sandbox_customer").fetchone()[0] == (
            customers_before
        )


def test_explicit_location_duration_price_status_and_notes(sandbox, made):
    day = free_day(sandbox, 1)
    reply = book(
        sandbox,
        made,
        **consultation(
            day,
            "13:00",
            location_id="2",
            duration="45",
            price="99.5",
            status="confirmed",
            notes="Bring <b>forms</b>",
            send_confirmation=False,
        ),
    )
    assert reply.status == 201, reply.json
    data = reply.json["data"]
    assert (data["location"]["id"], data["duration"], data["end_time"]) == ("2", "45", "13:45")
    assert (data["price"], data["status"], data["notes"]) == (
        "99.50",
        "approved",
        "Bring <b>forms</b>",
    )


@pytest.mark.parametrize("agent", ["any", "-1", -1])
def test_any_agent_is_the_first_free_one(sandbox, made, agent):
    day = free_day(sandbox, None, week_day=MONDAY)
    assigned = []
    for _ in range(3):
        reply = book(sandbox, made, **consultation(day, "09:00", agent_id=agent))
        assert reply.status == 201, reply.json
        assigned.append(reply.json["data"]["agent"]["id"])
    # Monday 09:00: agents 1, 2, 3, 5 and 6 work (4 has Mondays off), in id order.
    assert assigned == ["1", "2", "3"]


def test_any_agent_when_nobody_is_free_is_slot_unavailable(sandbox, made):
    sunday = free_day(sandbox, None, week_day=7)
    error = assert_e1(
        book(sandbox, made, **consultation(sunday, "10:00", agent_id="any")),
        409,
        "slot_unavailable",
    )
    assert "agent_id" in error["details"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"service_id": None}, "service_id", None),
        ({"service_id": "999"}, "service_id", None),
        ({"service_id": "one"}, "service_id", None),
        ({"agent_id": None}, "agent_id", None),
        ({"agent_id": 77}, "agent_id", None),
        ({"start_date": None}, "start_date", None),
        ({"start_date": "01/05/2031"}, "start_date", None),
        ({"start_date": "2001-01-01"}, "start_date", None),
        ({"start_time": None}, "start_time", None),
        ({"start_time": "9:00"}, "start_time", "Invalid time format, use HH:MM"),
        ({"start_time": "2pm"}, "start_time", "Invalid time format, use HH:MM"),
        ({"start_time": "25:00"}, "start_time", "Invalid time format, use HH:MM"),
        ({"customer": None}, "customer.email", None),
        ({"customer": person(email="x")}, "customer.email", None),
        ({"customer": person(first_name="A")}, "customer.first_name", None),
        ({"customer": person(last_name="B4")}, "customer.last_name", None),
        ({"customer": person(phone="12")}, "customer.phone", None),
        ({"customer_id": 99999999}, "customer_id", None),
        ({"location_id": 9}, "location_id", None),
        ({"duration": 0}, "duration", None),
        ({"duration": "long"}, "duration", None),
        ({"price": "-5"}, "price", None),
        ({"status": "completed"}, "status", None),
        ({"notes": 12}, "notes", None),
        ({"send_confirmation": "maybe"}, "send_confirmation", None),
    ],
)  # fmt: skip
def test_invalid_input_is_invalid_request_with_details(sandbox, made, change, field, message):
    day = free_day(sandbox, 1)
    body = consultation(day)
    body.update(change)
    reply = book(sandbox, made, **body)
    error = assert_e1(reply, 400, "invalid_request")
    assert error["message"] == "Invalid input data"
    assert field in error["details"], error
    if message:
        assert error["details"][field] == message
    assert count_bookings(sandbox, start_date=day.isoformat()) == 0


def test_a_start_time_already_passed_today_is_refused(sandbox, made):
    error = assert_e1(
        book(sandbox, made, **consultation(site_today(), "00:00")), 400, "invalid_request"
    )
    assert set(error["details"]) == {"start_time"}


def test_a_body_that_is_not_json_is_refused(sandbox):
    reply = call(sandbox, "POST", "/bookings", raw_body=b"{not json")
    assert_e1(reply, 400, "invalid_json")


@pytest.mark.parametrize(
    ("first", "second", "free"),
    [
        # (service id, start): 1 is 60 minutes with 10 after, 2 is 30, 10 is 15, no buffers.
        ((1, "10:00"), (1, "10:00"), False),  # the same start
        ((1, "10:00"), (2, "10:45"), False),  # overlapping
        ((1, "10:00"), (2, "11:05"), False),  # inside the first one's 10 minutes after
        ((1, "10:00"), (2, "11:10"), True),  # right after them
        ((1, "09:00"), (2, "12:00"), False),  # lunch
        ((1, "09:00"), (1, "16:30"), False),  # past the end of the day
        ((1, "09:00"), (10, "16:45"), True),  # up to the end of the day
    ],
)
def test_slot_conflicts_are_409_slot_unavailable(sandbox, made, first, second, free):
    day = free_day(sandbox, 1)
    reply = book(sandbox, made, **consultation(day, first[1], service_id=first[0]))
    assert reply.status == 201, reply.json
    again = book(sandbox, made, **consultation(day, second[1], service_id=second[0]))
    if free:
        assert again.status == 201, again.json
    else:
        error = assert_e1(again, 409, "slot_unavailable")
        assert error["message"] == "The selected time slot is not available"
        assert error["details"]["start_time"]
        assert count_bookings(sandbox, start_date=day.isoformat()) == 1


def test_a_cancelled_booking_holds_no_time_and_is_not_checked(sandbox, made):
    day = free_day(sandbox, 1)
    assert book(sandbox, made, **consultation(day, "10:00")).status == 201
    cancelled = book(sandbox, made, **consultation(day, "10:00", status="cancelled"))
    assert cancelled.status == 201, cancelled.json
    assert book(sandbox, made, **consultation(day, "12:30", status="cancelled")).status == 201
    assert book(sandbox, made, **consultation(day, "14:00", status="cancelled")).status == 201
    assert book(sandbox, made, **consultation(day, "14:00")).status == 201


# --- the race --------------------------------------------------------------------------------


def test_clients_racing_for_one_slot_exactly_one_wins(sandbox, made):
    day = free_day(sandbox, 1)
    racers = 4
    barrier = threading.Barrier(racers)
    replies = []
    lock = threading.Lock()

    def race():
        body = consultation(day, "10:00")
        barrier.wait()
        reply = call(sandbox, "POST", "/bookings", body=body)
        with lock:
            replies.append(reply)

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    made.extend(r.json["data"]["id"] for r in replies if r.status == 201)
    assert sorted(r.status for r in replies) == [201] + [409] * (racers - 1)
    for reply in replies:
        if reply.status == 409:
            assert reply.json["error"]["code"] == "slot_unavailable"
    assert count_bookings(sandbox, start_date=day.isoformat(), agent_id=1) == 1


# --- PUT /bookings/{id} re-checks availability -------------------------------------------------


def test_rescheduling_checks_the_new_slot_but_not_against_itself(sandbox, made):
    day = free_day(sandbox, 1)
    mine = book(sandbox, made, **consultation(day, "09:00")).json["data"]["id"]
    other = book(sandbox, made, **consultation(day, "14:00")).json["data"]["id"]
    # Overlapping its own old time is fine.
    moved = call(sandbox, "PUT", f"/bookings/{mine}", body={"start_time": "09:30"})
    assert moved.status == 200, moved.json
    assert moved.json["data"]["start_time"] == "09:30"
    before = get(sandbox, f"/bookings/{mine}")["data"]
    for change in (
        {"start_time": "13:30"},  # onto the other booking
        {"start_time": "12:00"},  # lunch
        {"duration": "300"},  # through lunch
        {"start_date": (day + timedelta(days=(6 - day.isoweekday()) % 7 or 7)).isoformat()},
        {"agent_id": 4},  # Liam does not work before 10:00
        {"service_id": 3, "start_time": "13:00"},  # 90 minutes and buffers: into 14:00
    ):
        error = assert_e1(
            call(sandbox, "PUT", f"/bookings/{mine}", body=change), 409, "slot_unavailable"
        )
        assert error["details"]["start_time"], change
    assert get(sandbox, f"/bookings/{mine}")["data"] == before
    # Special permissions (force) skip the check; a status change alone needs none.
    forced = call(sandbox, "PUT", f"/bookings/{mine}", body={"start_time": "14:00", "force": True})
    assert forced.status == 200
    assert call(sandbox, "PUT", f"/bookings/{other}", body={"status": "approved"}).status == 200


def test_rescheduling_into_the_past_is_refused(sandbox, made):
    day = free_day(sandbox, 1)
    mine = book(sandbox, made, **consultation(day, "09:00")).json["data"]["id"]
    yesterday = (site_today() - timedelta(days=1)).isoformat()
    error = assert_e1(
        call(sandbox, "PUT", f"/bookings/{mine}", body={"start_date": yesterday}),
        400,
        "invalid_request",
    )
    assert "start_date" in error["details"]
    today = site_today().isoformat()
    error = assert_e1(
        call(
            sandbox,
            "PUT",
            f"/bookings/{mine}",
            body={"start_date": today, "start_time": "00:00"},
        ),
        400,
        "invalid_request",
    )
    assert "start_time" in error["details"]


# --- POST /bookings/bulk ---------------------------------------------------------------------


def test_bulk_creates_what_it_can_and_reports_the_rest(sandbox, made):
    day = free_day(sandbox, 1)
    items = [
        consultation(day, "09:00"),
        consultation(day, "09:30"),  # clashes with item 0
        consultation(day, "9am"),
        "not an object",
        consultation(day, "11:00", status="pending"),
        consultation(day, "13:00", agent_id="any"),
    ]
    reply = call(sandbox, "POST", "/bookings/bulk", body={"bookings": items})
    assert reply.status == 200, reply.json
    body = reply.json
    assert body["success"] is True
    data = body["data"]
    made.extend(item["id"] for item in data["created"])
    assert [item["start_time"] for item in data["created"]] == ["09:00", "11:00", "13:00"]
    assert [item["status"] for item in data["created"]] == ["approved", "pending", "approved"]
    assert data["created"][0] == get(sandbox, f"/bookings/{data['created'][0]['id']}")["data"]
    assert [f["index"] for f in data["failed"]] == [1, 2, 3]
    assert data["failed"][0]["error"]["code"] == "slot_unavailable"
    assert data["failed"][1]["error"]["code"] == "invalid_request"
    assert data["failed"][1]["error"]["details"] == {"start_time": "Invalid time format, use HH:MM"}
    assert data["failed"][2]["error"]["code"] == "invalid_request"
    assert data["summary"] == {"total": 6, "created": 3, "failed": 3}


@pytest.mark.parametrize(
    "body",
    [{}, {"bookings": []}, {"bookings": {"0": {}}}, {"bookings": [{}] * 51}],
)
def test_bulk_needs_a_list_of_one_to_fifty(sandbox, body):
    error = assert_e1(call(sandbox, "POST", "/bookings/bulk", body=body), 400, "invalid_request")
    assert "bookings" in error["details"]


# --- DELETE /bookings/{id} -------------------------------------------------------------------


def test_delete_pending_and_cancelled_directly_others_with_force(sandbox, made):
    day = free_day(sandbox, 1)
    ids = {
        status: book(sandbox, made, **consultation(day, start, status=status)).json["data"]["id"]
        for status, start in (("pending", "09:00"), ("cancelled", "09:00"), ("approved", "11:00"))
    }
    for status in ("pending", "cancelled"):
        reply = call(sandbox, "DELETE", f"/bookings/{ids[status]}")
        assert reply.status == 200
        assert reply.json == {"success": True, "message": "Booking deleted successfully"}
        assert call(sandbox, "GET", f"/bookings/{ids[status]}").status == 404
    error = assert_e1(
        call(sandbox, "DELETE", f"/bookings/{ids['approved']}"), 400, "force_required"
    )
    assert "force" in error["details"]
    assert_e1(
        call(sandbox, "DELETE", f"/bookings/{ids['approved']}", params={"force": "false"}),
        400,
        "force_required",
    )
    assert_e1(
        call(sandbox, "DELETE", f"/bookings/{ids['approved']}", params={"force": "yes-ish"}),
        400,
        "invalid_parameters",
    )
    assert (
        call(sandbox, "PUT", f"/bookings/{ids['approved']}", body={"status": "completed"}).status
        == 200
    )
    assert_e1(call(sandbox, "DELETE", f"/bookings/{ids['approved']}"), 400, "force_required")
    forced = call(sandbox, "DELETE", f"/bookings/{ids['approved']}", params={"force": "true"})
    assert forced.status == 200
    assert_e1(call(sandbox, "DELETE", f"/bookings/{ids['approved']}"), 404, "booking_not_found")
    # The slot is free again.
    assert book(sandbox, made, **consultation(day, "11:00")).status == 201


# --- faults, authentication and the request log ------------------------------------------------


def test_write_faults_apply_to_booking_writes(sandbox, made):
    day = free_day(sandbox, 1)
    refused = call(
        sandbox,
        "POST",
        "/bookings",
        body=consultation(day, "09:00"),
        headers={"X-Sandbox-Write-Error": "503"},
    )
    assert_e1(refused, 503, "server_error")
    assert count_bookings(sandbox, start_date=day.isoformat()) == 0
    body = consultation(day, "09:00")
    lost = call(
        sandbox, "POST", "/bookings", body=body, headers={"X-Sandbox-Write-Then-Fail": "502"}
    )
    assert_e1(lost, 502, "server_error")
    (written,) = get(sandbox, "/bookings", search=body["customer"]["email"])["data"]
    made.append(written["id"])
    assert written["start_time"] == "09:00"
    # Answered as taken, now that it is.
    assert_e1(book(sandbox, made, **consultation(day, "09:00")), 409, "slot_unavailable")
    for method, path in (("DELETE", f"/bookings/{written['id']}"), ("POST", "/bookings/bulk")):
        reply = call(
            sandbox,
            method,
            path,
            body={"bookings": [consultation(day, "15:00")]} if method == "POST" else None,
            headers={"X-Sandbox-Unavailable": "1"},
        )
        assert_e1(reply, 503, "latepoint_not_available")
    assert call(sandbox, "GET", f"/bookings/{written['id']}").status == 200
    assert count_bookings(sandbox, start_date=day.isoformat()) == 1


def test_booking_writes_need_the_key_and_are_logged(sandbox, made):
    started = time.time()
    day = free_day(sandbox, 1)
    for method, path in (
        ("POST", "/bookings"),
        ("POST", "/bookings/bulk"),
        ("DELETE", "/bookings/1"),
    ):
        reply = call(sandbox, method, path, body={} if method == "POST" else None, key=None)
        assert reply.status == 401
        assert reply.json["error"]["code"] == "unauthorized"
    assert book(sandbox, made, **consultation(day, "09:00")).status == 201
    seen = [
        (method, path, status)
        for _at, method, path, status in sandbox.requests_since(started)
        if path.startswith("/bookings")
    ]
    assert seen == [
        ("POST", "/bookings", 401),
        ("POST", "/bookings/bulk", 401),
        ("DELETE", "/bookings/1", 401),
        ("POST", "/bookings", 201),
    ]
