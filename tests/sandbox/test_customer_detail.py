"""GET /customers/{id}: the shape of seeds/000, include, bookings_limit, bookings_status, stats."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from .conftest import call, create_customer, get


def iso_z(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_basic_shape(sandbox):
    body = get(sandbox, "/customers/1")
    assert body["status"] == "success"
    data = body["data"]
    assert data["id"] == 1
    assert data["address"] == {
        "street": "123 Main Street, Apt 4B",
        "city": "New York",
        "state": "NY",
        "postal_code": "10001",
        "country": "US",
    }
    assert data["is_guest"] is False
    assert data["wordpress_user_id"] == 101
    assert data["gender"] == "female"
    assert data["avatar_url"].startswith("http")
    iso_z(data["created_at"])
    iso_z(data["updated_at"])
    datetime.strptime(data["date_of_birth"], "%Y-%m-%d")
    assert data["notes"].startswith("Very punctual")
    assert "admin_notes" in data
    for block in ("stats", "bookings", "custom_fields"):
        assert block not in data


def test_not_found(sandbox):
    reply = call(sandbox, "GET", "/customers/987654")
    assert reply.status == 404
    assert reply.json == {
        "status": "error",
        "error": {"code": "customer_not_found", "message": "Customer with ID 987654 was not found"},
    }


def test_full_stats_block_recomputed_from_the_bookings(sandbox):
    data = get(sandbox, "/customers/1", include="stats")["data"]
    stats = data["stats"]
    db = sandbox.db()
    rows = db.execute(
        "SELECT status, start_at, price, agent_id, service_id, location_id"
        " FROM sandbox_booking WHERE customer_id = 1"
    ).fetchall()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    statuses = Counter(r["status"] for r in rows)
    active = [r for r in rows if r["status"] != "cancelled"]
    spent = sum(Decimal(str(r["price"])) for r in rows if r["status"] == "completed")
    assert stats["total_bookings"] == len(rows)
    assert stats["completed_bookings"] == statuses["completed"]
    assert stats["cancelled_bookings"] == statuses["cancelled"]
    assert stats["no_show_bookings"] == statuses["no_show"]
    assert stats["pending_bookings"] == statuses["pending"]
    assert stats["future_bookings"] == sum(1 for r in active if r["start_at"] >= now)
    assert stats["total_spent"] == f"{spent:.2f}"
    average = (spent / statuses["completed"]).quantize(Decimal("0.01"))
    assert stats["average_booking_value"] == str(average)
    past = sorted(r["start_at"] for r in active if r["start_at"] < now)
    future = sorted(r["start_at"] for r in active if r["start_at"] >= now)
    assert iso_z(stats["first_booking_date"]).strftime("%Y-%m-%d %H:%M:%S") == past[0]
    assert iso_z(stats["last_booking_date"]).strftime("%Y-%m-%d %H:%M:%S") == past[-1]
    assert iso_z(stats["next_booking_date"]).strftime("%Y-%m-%d %H:%M:%S") == future[0]
    agents = Counter(r["agent_id"] for r in active)
    top = max(agents.values())
    assert stats["favorite_agent"]["booking_count"] == top
    assert stats["favorite_agent"]["id"] == min(a for a, n in agents.items() if n == top)
    assert isinstance(stats["favorite_agent"]["display_name"], str)
    assert stats["favorite_service"]["booking_count"] == max(
        Counter(r["service_id"] for r in active).values()
    )
    assert set(stats["favorite_service"]) == {"id", "name", "booking_count"}
    assert stats["favorite_location"]["booking_count"] == max(
        Counter(r["location_id"] for r in active).values()
    )
    assert stats["booking_frequency"] in ("weekly", "monthly")


def test_stats_of_a_customer_without_bookings(sandbox):
    stats = get(sandbox, "/customers/5", include="stats")["data"]["stats"]
    assert stats["total_bookings"] == 0
    assert stats["total_spent"] == "0.00"
    assert stats["average_booking_value"] == "0.00"
    for key in ("first_booking_date", "last_booking_date", "next_booking_date"):
        assert stats[key] is None
    for key in ("favorite_agent", "favorite_service", "favorite_location", "booking_frequency"):
        assert stats[key] is None


def test_bookings_include_shape_and_default_limit(sandbox):
    data = get(sandbox, "/customers/1", include="bookings")["data"]
    assert len(data["bookings"]) == 10
    booking = data["bookings"][0]
    assert isinstance(booking["id"], int)
    assert set(booking) == {
        "id", "booking_code", "status", "start_date", "start_time", "end_time", "service",
        "agent", "location", "price", "payment_status",
    }  # fmt: skip
    assert set(booking["service"]) == {"id", "name", "duration"}
    assert isinstance(booking["service"]["duration"], int)
    assert set(booking["agent"]) == {"id", "display_name", "email"}
    assert set(booking["location"]) == {"id", "name", "address"}
    datetime.strptime(booking["start_date"], "%Y-%m-%d")
    assert len(booking["start_time"]) == 5
    starts = [(b["start_date"], b["start_time"]) for b in data["bookings"]]
    assert starts == sorted(starts, reverse=True)


def test_approved_is_written_confirmed_on_this_page(sandbox):
    data = get(sandbox, "/customers/1", include="bookings", bookings_limit=100)["data"]
    statuses = {b["status"] for b in data["bookings"]}
    assert "confirmed" in statuses
    assert "approved" not in statuses
    confirmed = get(
        sandbox, "/customers/1", include="bookings", bookings_status="confirmed", bookings_limit=100
    )["data"]["bookings"]
    assert confirmed and {b["status"] for b in confirmed} == {"confirmed"}


@pytest.mark.parametrize("status", ["pending", "completed", "cancelled", "no_show"])
def test_bookings_status_filter(sandbox, status):
    bookings = get(
        sandbox, "/customers/1", include="bookings", bookings_status=status, bookings_limit=100
    )["data"]["bookings"]
    assert bookings
    assert {b["status"] for b in bookings} == {status}


def test_bad_bookings_status_or_limit_is_a_400(sandbox):
    for params in ({"bookings_status": "lost"}, {"bookings_limit": "many"}):
        reply = call(sandbox, "GET", "/customers/1", params={"include": "bookings", **params})
        assert reply.status == 400
        assert reply.json["error"]["code"] == "invalid_parameters"


def test_upcoming_and_past_bookings(sandbox):
    now = datetime.now(UTC)
    upcoming = get(sandbox, "/customers/1", include="upcoming_bookings", bookings_limit=3)["data"][
        "bookings"
    ]
    assert len(upcoming) == 3
    days = [(b["start_date"], b["start_time"]) for b in upcoming]
    assert days == sorted(days)
    assert days[0][0] >= now.astimezone(ZoneInfo("America/New_York")).date().isoformat()
    past = get(sandbox, "/customers/1", include="past_bookings", bookings_limit=5)["data"][
        "bookings"
    ]
    assert len(past) == 5
    past_days = [(b["start_date"], b["start_time"]) for b in past]
    assert past_days == sorted(past_days, reverse=True)
    assert max(past_days) < min(days)
    stats = get(sandbox, "/customers/1", include="stats")["data"]["stats"]
    every = get(sandbox, "/customers/1", include="upcoming_bookings", bookings_limit=100)
    assert len(every["data"]["bookings"]) == stats["future_bookings"] + sum(
        1 for b in every["data"]["bookings"] if b["status"] == "cancelled"
    )


def test_custom_fields_and_notes_includes(sandbox):
    data = get(sandbox, "/customers/1", include="stats,custom_fields,notes,avatar")["data"]
    assert data["custom_fields"] == {
        "medical_notes": "Allergic to penicillin",
        "insurance_provider": "Blue Cross Blue Shield",
        "emergency_contact": "Jane O'Brien - +1 212 555 0142",
        "preferred_language": "en",
        "referral_source": "Google",
    }
    assert data["notes"]
    assert "stats" in data


def test_untrusted_text_comes_back_verbatim(sandbox):
    data = get(sandbox, "/customers/4", include="custom_fields")["data"]
    assert data["first_name"] == "<script>alert(1)</script>"
    assert data["last_name"] == "<b>Bold</b> & Co"
    assert "<script>" in data["notes"]
    assert "onerror" in data["admin_notes"]
    assert data["custom_fields"]["medical_notes"] == "<script>alert('medical')</script>"


def test_a_new_customer_reads_back_with_empty_blocks(sandbox):
    created = create_customer(sandbox, first_name="Fresh", last_name="Face")
    data = get(sandbox, f"/customers/{created['id']}", include="stats,bookings,custom_fields")[
        "data"
    ]
    assert data["bookings"] == []
    assert data["custom_fields"] == {}
    assert data["stats"]["total_bookings"] == 0
