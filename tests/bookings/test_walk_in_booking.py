"""/bookings/walk-in/: a customer at the desk now, booked into today's first free time with any
agent and checked in, in one step. The sandbox's clock is set to 09:00 today so that the day
has free times whatever the hour the tests run."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from audit.models import AuditEntry
from bookings.models import CheckIn
from tests.booking_slots import SITE_TZ, delete_bookings, site_today, unique_email
from tests.bookings.test_new_booking import _customer


@pytest.fixture
def morning(live_sandbox):
    """09:00 today at the sandbox; the bookings made are deleted afterwards."""
    live_sandbox.set_faults(
        clock=datetime.combine(site_today(), datetime.min.time())
        .replace(hour=9, tzinfo=SITE_TZ)
        .isoformat()
    )
    made: list[int] = []
    yield made
    delete_bookings(live_sandbox, made)


@pytest.fixture
def at_nine(live_sandbox, morning, monkeypatch):
    """The front office's walk-in clock at the sandbox's first free start today (from 09:00),
    so that some agent is free "now"."""
    hours, minutes = (int(part) for part in _first_free(live_sandbox).split(":"))
    now = datetime.combine(site_today(), datetime.min.time()).replace(
        hour=hours, minute=minutes, tzinfo=SITE_TZ
    )
    monkeypatch.setattr("bookings.services.walk_in_times.local_now", lambda: now)
    return now


def _todays(sandbox, customer_id: int) -> list[dict]:
    with sandbox.db() as conn:
        return [
            dict(row)
            for row in conn.execute(
                "SELECT id, agent_id, start_time, status FROM sandbox_booking "
                "WHERE customer_id = ? AND start_date = ? ORDER BY id",
                (customer_id, site_today().isoformat()),
            )
        ]


def _first_free(sandbox) -> str:
    """Today's first free start for service 1 over every agent, as the sandbox says."""
    starts = []
    for agent_id in range(1, 7):
        status, body = sandbox.request(
            "GET",
            f"/wp-json/latepoint-api/v1/availability?service_id=1&agent_id={agent_id}"
            f"&date={site_today()}",
        )
        if status == 200:
            starts += [slot["start_time"] for slot in body["data"]["available_slots"]]
    assert starts, "no agent is free today at the sandbox"
    return min(starts)


def test_a_returning_walk_in_is_booked_now_and_checked_in(
    live_sandbox, reception_client, receptionist, morning, at_nine
):
    customer = _customer(live_sandbox, skip=5)
    already = {row["id"] for row in _todays(live_sandbox, customer["id"])}
    first = _first_free(live_sandbox)

    page = reception_client.get(f"/bookings/walk-in/?customer={customer['id']}&service=1")
    html = page.content.decode()
    [(value, label)] = re.findall(
        r'name="slot" id="[^"]+" value="(\d+@'
        + first
        + r')" checked>\s*<label class="slot slot-now"'
        r' for="[^"]+">([^<]+)</label>',
        html,
    )
    assert label.startswith("Now (") and " with " in label
    response = reception_client.post(
        "/bookings/walk-in/",
        {"customer": customer["id"], "service": 1, "slot": value, "submit_token": "w" * 20},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [booked] = [row for row in _todays(live_sandbox, customer["id"]) if row["id"] not in already]
    morning.append(booked["id"])
    assert (booked["start_time"], booked["status"]) == (first, "approved")
    assert str(booked["agent_id"]) == value.split("@")[0]
    assert response["Location"] == f"/bookings/{booked['id']}/"
    check_in = CheckIn.objects.get(booking_id=booked["id"])
    assert check_in.checked_in_by == receptionist
    shown = reception_client.get(response["Location"]).content.decode()
    assert "and checked in." in shown
    assert '<span class="chip chip-checked-in">Checked in</span>' in shown
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {AuditEntry.Action.BOOKING_CREATE, AuditEntry.Action.CHECK_IN} <= actions


def test_a_new_walk_in_customer_is_created_with_the_booking(
    live_sandbox, reception_client, morning
):
    email = unique_email("walkin")
    first = _first_free(live_sandbox)

    response = reception_client.post(
        "/bookings/walk-in/",
        {
            "service": 1,
            "start_time": first,
            "first_name": "Wally",
            "last_name": "Walkin",
            "email": email,
            "phone": "+1 212 555 0142",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    with live_sandbox.db() as conn:
        customer = conn.execute(
            "SELECT id, first_name FROM sandbox_customer WHERE email = ?", (email,)
        ).fetchone()
    assert customer["first_name"] == "Wally"
    [booked] = _todays(live_sandbox, customer["id"])
    morning.append(booked["id"])
    assert CheckIn.objects.filter(booking_id=booked["id"]).exists()


def test_a_new_walk_ins_details_are_checked_by_the_customer_forms_rules_and_kept(
    live_sandbox, reception_client, morning
):
    with live_sandbox.db() as conn:
        before = conn.execute("SELECT COUNT(*) FROM sandbox_customer").fetchone()[0]

    response = reception_client.post(
        "/bookings/walk-in/",
        {
            "service": 1,
            "slot": "1@09:00",
            "first_name": "W4nda",
            "last_name": "Q",
            "phone": "555 0100",
            "email": "not-an-email",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "First name may contain only letters, spaces, hyphens and apostrophes." in html
    assert "Last name must be at least 2 characters." in html
    assert "This is not a valid phone number." in html
    assert "Enter a valid email address." in html
    assert 'value="W4nda"' in html and 'value="555 0100"' in html and 'value="not-an-email"' in html
    with live_sandbox.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM sandbox_customer").fetchone()[0] == before


def test_a_blocked_customer_cannot_walk_in(live_sandbox, reception_client, morning):
    blocked = _customer(live_sandbox, status="blocked")
    before = _todays(live_sandbox, blocked["id"])

    page = reception_client.get(f"/bookings/walk-in/?customer={blocked['id']}&service=1")
    refused = reception_client.post(
        "/bookings/walk-in/", {"customer": blocked["id"], "service": 1, "start_time": "09:00"}
    )

    assert "This customer is blocked" in page.content.decode()
    assert "Book and check in" not in page.content.decode()
    assert refused.status_code == 403
    assert _todays(live_sandbox, blocked["id"]) == before
