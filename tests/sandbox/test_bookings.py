"""GET /bookings, GET and PUT /bookings/{id}: seeds/004's shape, filters, sort, transitions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.booking_slots import free_day

from .conftest import call, get

SITE_TZ = ZoneInfo("America/New_York")


def today() -> date:
    return datetime.now(SITE_TZ).date()


def bookings(box, **params) -> dict:
    return get(box, "/bookings", **params)


def us_date(text: str) -> date:
    return datetime.strptime(text, "%m/%d/%Y").date()


# --- GET one ---------------------------------------------------------------------------------


def test_get_one_in_the_shape_of_seeds_004_plus_the_table_fields(sandbox):
    body = get(sandbox, "/bookings/1")
    assert body["success"] is True
    data = body["data"]
    for key in (
        "id", "booking_code", "start_datetime", "end_datetime", "service_name", "duration",
        "customer_comment", "status", "start_date", "start_time", "timezone", "agent",
        "created_datetime", "manage_booking_for_agent", "manage_booking_for_customer",
        "customer", "transactions", "order", "location", "service_extras",
        "end_time", "price", "payment_status", "service", "notes", "created_at", "updated_at",
    ):  # fmt: skip
        assert key in data, key
    assert data["id"] == "1"
    assert isinstance(data["duration"], str) and data["duration"].isdigit()
    assert data["timezone"] == "America/New_York"
    start = datetime.fromisoformat(data["start_datetime"])
    assert start.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))
    assert us_date(data["start_date"]) == start.date()
    assert data["start_time"] == start.strftime("%H:%M")
    end = datetime.fromisoformat(data["end_datetime"])
    assert end - start == timedelta(minutes=int(data["duration"]))
    assert data["end_time"] == end.strftime("%H:%M")
    assert set(data["agent"]) == {"id", "full_name", "display_name", "email", "phone"}
    assert isinstance(data["agent"]["id"], str)
    assert data["service"] == {"id": data["service"]["id"], "name": data["service_name"]}
    assert set(data["customer"]) == {"id", "first_name", "last_name", "full_name", "email", "phone"}
    assert data["customer"]["id"] == "1"
    assert data["location"]["category"] == []
    assert set(data["location"]) == {"id", "name", "full_address", "category"}
    order = data["order"]
    assert order["total"].startswith("$") and order["subtotal"].startswith("$")
    assert order["id"].isdigit() and order["confirmation_code"]
    assert data["price"].count(".") == 1
    assert data["payment_status"] in ("not_paid", "partially_paid", "paid", "refunded")
    assert datetime.fromisoformat(data["created_datetime"]).utcoffset() == timedelta(0)
    assert "manage_booking_by_key__show&key=" in data["manage_booking_for_agent"]


def test_get_one_not_found(sandbox):
    reply = call(sandbox, "GET", "/bookings/99999999")
    assert reply.status == 404
    assert reply.json == {
        "status": "error",
        "error": {"code": "booking_not_found", "message": "Booking with ID 99999999 was not found"},
    }


def test_some_bookings_carry_transactions_and_service_extras(sandbox):
    db = sandbox.db()
    tx_id = db.execute(
        "SELECT b.id FROM sandbox_booking b WHERE b.status = 'completed' AND (SELECT COUNT(*) "
        "FROM sandbox_payment p WHERE p.order_id = b.order_id) = 1 LIMIT 1"
    ).fetchone()[0]
    data = get(sandbox, f"/bookings/{tx_id}")["data"]
    assert data["status"] == "completed"
    (tx,) = data["transactions"]
    assert set(tx) >= {
        "id",
        "amount",
        "status",
        "payment_method",
        "processor",
        "kind",
        "created_at",
    }
    assert (tx["status"], tx["kind"]) == ("succeeded", "capture")
    extra_id = db.execute(
        "SELECT id FROM sandbox_booking WHERE service_extras != '[]' LIMIT 1"
    ).fetchone()[0]
    extra = get(sandbox, f"/bookings/{extra_id}")["data"]
    (item,) = extra["service_extras"]
    assert set(item) == {"id", "name", "quantity", "price"}
    total = float(extra["price"]) + float(item["price"])
    assert extra["order"]["total"] == (f"${total:g}" if total == int(total) else f"${total:.2f}")


# --- GET list --------------------------------------------------------------------------------


def test_list_envelope_and_items(sandbox):
    body = bookings(sandbox)
    assert body["success"] is True
    assert len(body["data"]) == 20
    assert body["pagination"]["total"] > 7000
    first = body["data"][0]
    assert first == get(sandbox, f"/bookings/{first['id']}")["data"]


def test_default_sort_is_start_date_ascending(sandbox):
    body = bookings(sandbox, per_page=100)
    starts = [b["start_datetime"] for b in body["data"]]
    assert [datetime.fromisoformat(s) for s in starts] == sorted(
        datetime.fromisoformat(s) for s in starts
    )


@pytest.mark.parametrize("order", ["desc", "DESC"])
def test_order_desc_either_case(sandbox, order):
    body = bookings(sandbox, per_page=50, order=order)
    starts = [datetime.fromisoformat(b["start_datetime"]) for b in body["data"]]
    assert starts == sorted(starts, reverse=True)


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("created_at", lambda b: datetime.fromisoformat(b["created_at"])),
        ("id", lambda b: int(b["id"])),
        ("status", lambda b: b["status"]),
        ("customer_name", lambda b: (b["customer"]["first_name"], b["customer"]["last_name"])),
    ],
)
def test_sort_fields(sandbox, sort, key):
    asc = bookings(sandbox, per_page=100, sort=sort, order="asc")["data"]
    assert [key(b) for b in asc] == sorted(key(b) for b in asc)
    desc = bookings(sandbox, per_page=100, sort=sort, order="desc")["data"]
    assert [key(b) for b in desc] == sorted((key(b) for b in desc), reverse=True)


@pytest.mark.parametrize(
    "params",
    [{"sort": "price"}, {"order": "sideways"}, {"status": "lost"}, {"per_page": "x"},
     {"date_from": "2024/01/01"}, {"customer_id": "abc"}, {"payment_status": "free"}],
)  # fmt: skip
def test_bad_list_parameters_are_400(sandbox, params):
    reply = call(sandbox, "GET", "/bookings", params=params)
    assert reply.status == 400
    assert reply.json["status"] == "error"
    assert reply.json["error"]["code"] == "invalid_parameters"


def test_per_page_is_clamped_to_100(sandbox):
    body = bookings(sandbox, per_page=1000)
    assert len(body["data"]) == 100
    assert body["pagination"]["per_page"] == 100


@pytest.mark.parametrize("status", ["pending", "approved", "cancelled", "completed", "no_show"])
def test_status_filter(sandbox, status):
    body = bookings(sandbox, status=status, per_page=100)
    assert body["data"]
    assert {b["status"] for b in body["data"]} == {status}
    expected = (
        sandbox.db()
        .execute("SELECT COUNT(*) FROM sandbox_booking WHERE status = ?", (status,))
        .fetchone()[0]
    )
    assert body["pagination"]["total"] == expected


def test_confirmed_means_approved(sandbox):
    assert (
        bookings(sandbox, status="confirmed")["pagination"]["total"]
        == bookings(sandbox, status="approved")["pagination"]["total"]
    )


@pytest.mark.parametrize(
    ("param", "value", "path"),
    [
        ("customer_id", 1, ("customer", "id")),
        ("agent_id", 2, ("agent", "id")),
        ("service_id", 3, ("service", "id")),
        ("location_id", 2, ("location", "id")),
    ],
)
def test_id_filters(sandbox, param, value, path):
    body = bookings(sandbox, per_page=100, **{param: value})
    assert body["data"]
    assert {b[path[0]][path[1]] for b in body["data"]} == {str(value)}


def test_date_range_is_inclusive_in_the_site_timezone(sandbox):
    day = today()
    body = bookings(sandbox, date_from=day.isoformat(), date_to=day.isoformat(), per_page=100)
    assert body["pagination"]["total"] >= 10
    assert {us_date(b["start_date"]) for b in body["data"]} == {day}
    week = bookings(
        sandbox,
        date_from=(day - timedelta(days=3)).isoformat(),
        date_to=(day + timedelta(days=3)).isoformat(),
        per_page=100,
    )
    days = {us_date(b["start_date"]) for b in week["data"]}
    assert min(days) >= day - timedelta(days=3)
    assert max(days) <= day + timedelta(days=3)
    only_from = bookings(sandbox, date_from=(day + timedelta(days=30)).isoformat(), per_page=100)
    assert all(us_date(b["start_date"]) >= day + timedelta(days=30) for b in only_from["data"])


def test_created_date_range(sandbox):
    day = (today() - timedelta(days=100)).isoformat()
    body = bookings(sandbox, created_date_from=day, created_date_to=day, per_page=100)
    assert body["data"]
    for b in body["data"]:
        created = datetime.fromisoformat(b["created_at"]).astimezone(SITE_TZ).date().isoformat()
        assert created == day


def test_booking_code_partial(sandbox):
    body = bookings(sandbox, booking_code="lp-20", per_page=100)
    assert body["data"]
    assert all("LP-20" in b["booking_code"] for b in body["data"])
    code = get(sandbox, "/bookings/5")["data"]["booking_code"]
    assert [b["id"] for b in bookings(sandbox, booking_code=code)["data"]] == ["5"]


@pytest.mark.parametrize("payment", ["not_paid", "partially_paid", "paid", "refunded"])
def test_payment_status_filter(sandbox, payment):
    body = bookings(sandbox, payment_status=payment, per_page=100)
    assert body["data"]
    assert {b["payment_status"] for b in body["data"]} == {payment}


@pytest.mark.parametrize("term", ["anne-marie", "O'BRIEN", "anne-marie.obrien@example.com"])
def test_search_by_customer_name_or_email(sandbox, term):
    body = bookings(sandbox, search=term, per_page=100)
    assert body["data"]
    assert {b["customer"]["id"] for b in body["data"]} == {"1"}


def test_search_by_booking_code(sandbox):
    code = get(sandbox, "/bookings/7")["data"]["booking_code"]
    body = bookings(sandbox, search=code.lower())
    assert "7" in [b["id"] for b in body["data"]]


def test_filters_combine_with_paging(sandbox):
    body = bookings(sandbox, customer_id=1, status="completed", per_page=5, page=2, order="desc")
    assert len(body["data"]) == 5
    assert body["pagination"]["page"] == 2
    assert {(b["customer"]["id"], b["status"]) for b in body["data"]} == {("1", "completed")}


# --- PUT (on a private sandbox: these change seeded bookings) ---------------------------------

TABLE = {
    "pending": {"approved", "cancelled"},
    "approved": {"completed", "cancelled", "no_show"},
    "cancelled": {"pending", "approved"},
    "completed": {"cancelled"},
    "no_show": {"approved", "cancelled"},
}
ALL = ("pending", "approved", "cancelled", "completed", "no_show")


def booking_with_status(box, status: str, taken: set[str]) -> str:
    for row in bookings(box, status=status, per_page=100)["data"]:
        if row["id"] not in taken:
            taken.add(row["id"])
            return row["id"]
    raise AssertionError(f"no spare {status} booking")


@pytest.fixture(scope="module")
def taken() -> set[str]:
    return set()


@pytest.mark.parametrize(("source", "target"), [(s, t) for s in ALL for t in ALL if s != t])
def test_status_transition_table(private_sandbox, taken, source, target):
    bid = booking_with_status(private_sandbox, source, taken)
    body = {"status": target}
    if (source, target) == ("completed", "cancelled"):
        body["force"] = True
    reply = call(private_sandbox, "PUT", f"/bookings/{bid}", body=body)
    if target in TABLE[source]:
        assert reply.status == 200, reply.json
        assert reply.json["status"] == "success"
        assert reply.json["data"]["status"] == target
        assert get(private_sandbox, f"/bookings/{bid}")["data"]["status"] == target
    else:
        assert reply.status == 400
        error = reply.json["error"]
        assert error["code"] == "invalid_status_transition"
        assert source in error["message"] and target in error["message"]
        for allowed in TABLE[source]:
            assert allowed in error["message"]
        assert get(private_sandbox, f"/bookings/{bid}")["data"]["status"] == source


def test_completed_to_cancelled_needs_force(private_sandbox, taken):
    bid = booking_with_status(private_sandbox, "completed", taken)
    refused = call(private_sandbox, "PUT", f"/bookings/{bid}", body={"status": "cancelled"})
    assert refused.status == 400
    assert refused.json["error"]["code"] == "invalid_status_transition"
    assert "completed" in refused.json["error"]["message"]
    forced = call(
        private_sandbox, "PUT", f"/bookings/{bid}", body={"status": "cancelled", "force": True}
    )
    assert forced.status == 200
    assert forced.json["data"]["status"] == "cancelled"


def test_confirmed_is_accepted_as_approved(private_sandbox, taken):
    bid = booking_with_status(private_sandbox, "pending", taken)
    reply = call(private_sandbox, "PUT", f"/bookings/{bid}", body={"status": "confirmed"})
    assert reply.status == 200
    assert reply.json["data"]["status"] == "approved"


def test_same_status_and_other_fields(private_sandbox, taken):
    bid = booking_with_status(private_sandbox, "approved", taken)
    before = get(private_sandbox, f"/bookings/{bid}")["data"]
    reply = call(
        private_sandbox,
        "PUT",
        f"/bookings/{bid}",
        body={"status": "approved", "notes": "Bring <b>forms</b>", "price": "99.5"},
    )
    assert reply.status == 200
    data = reply.json["data"]
    assert data["status"] == "approved"
    assert data["notes"] == "Bring <b>forms</b>"
    assert data["price"] == "99.50"
    assert data["updated_at"] >= before["updated_at"]
    assert data == get(private_sandbox, f"/bookings/{bid}")["data"]


def test_move_to_a_future_date_time_and_change_agent_service_location(private_sandbox, taken):
    bid = booking_with_status(private_sandbox, "pending", taken)
    # A day Liam (4) works, with nothing booked yet: the move is availability-checked.
    when = free_day(private_sandbox, 4)
    reply = call(
        private_sandbox,
        "PUT",
        f"/bookings/{bid}",
        body={
            "start_date": when.isoformat(),
            "start_time": "14:30",
            "agent_id": 4,
            "service_id": "3",
            "location_id": 2,
        },
    )
    assert reply.status == 200, reply.json
    data = reply.json["data"]
    assert us_date(data["start_date"]) == when
    assert data["start_time"] == "14:30"
    assert data["service"] == {"id": "3", "name": "Deep Tissue Massage"}
    assert data["duration"] == "90"
    assert data["end_time"] == "16:00"
    assert data["agent"]["id"] == "4" and data["location"]["id"] == "2"
    start = datetime.fromisoformat(data["start_datetime"])
    assert start.date() == when and start.strftime("%H:%M") == "14:30"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": "2001-01-01"}, "start_date"),
        ({"start_date": "tomorrow"}, "start_date"),
        ({"start_time": "2pm"}, "start_time"),
        ({"agent_id": 999}, "agent_id"),
        ({"service_id": "x"}, "service_id"),
        ({"location_id": 0}, "location_id"),
        ({"price": "-5"}, "price"),
        ({"price": "lots"}, "price"),
        ({"status": "arrived"}, "status"),
        ({"notes": 12}, "notes"),
    ],
)
def test_invalid_updates_are_400_invalid_request(private_sandbox, taken, body, field):
    bid = booking_with_status(private_sandbox, "approved", taken)
    before = get(private_sandbox, f"/bookings/{bid}")["data"]
    reply = call(private_sandbox, "PUT", f"/bookings/{bid}", body=body)
    assert reply.status == 400
    assert reply.json["error"]["code"] == "invalid_request"
    assert field in reply.json["error"]["details"]
    assert get(private_sandbox, f"/bookings/{bid}")["data"] == before


def test_update_unknown_booking_is_404(private_sandbox):
    reply = call(private_sandbox, "PUT", "/bookings/99999999", body={"status": "approved"})
    assert reply.status == 404
    assert reply.json["error"]["code"] == "booking_not_found"


def test_a_status_change_shows_in_the_customer_stats(private_sandbox, taken):
    bid = booking_with_status(private_sandbox, "approved", taken)
    cid = get(private_sandbox, f"/bookings/{bid}")["data"]["customer"]["id"]
    before = get(private_sandbox, f"/customers/{cid}", include="stats")["data"]["stats"]
    call(private_sandbox, "PUT", f"/bookings/{bid}", body={"status": "no_show"})
    after = get(private_sandbox, f"/customers/{cid}", include="stats")["data"]["stats"]
    assert after["no_show_bookings"] == before["no_show_bookings"] + 1
