"""/bookings/<id>/reschedule/ and "Book again", against the sandbox."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from audit.models import AuditEntry
from history.models import BookingRecord
from tests.booking_slots import free_day
from tests.bookings.test_new_booking import _bookings_on, _customer, _form, _times

API = "/wp-json/latepoint-api/v1"


def _book(client, sandbox, day, start_time: str) -> int:
    customer = _customer(sandbox, skip=3)
    response = client.post("/bookings/new/", _form(customer["id"], day, start_time))
    assert response.status_code == 302, response.content.decode()[:1000]
    return int(re.search(r"/bookings/(\d+)/", response["Location"]).group(1))


def _free_starts(sandbox, day, agent_id: int = 1) -> list[str]:
    status, body = sandbox.request(
        "GET", f"{API}/availability?service_id=1&agent_id={agent_id}&date={day}"
    )
    assert status == 200, body
    return [slot["start_time"] for slot in body["data"]["available_slots"]]


def test_a_reschedule_moves_the_booking_and_frees_the_old_slot(
    live_sandbox, reception_client, receptionist, made
):
    day = free_day(live_sandbox, 1)
    booking_id = _book(reception_client, live_sandbox, day, "09:00")
    made.append(booking_id)
    assert "09:00" not in _free_starts(live_sandbox, day)

    page = reception_client.get(f"/bookings/{booking_id}/reschedule/").content.decode()
    assert "09:00 (its time now)" in page  # its own slot counts as free
    moved = reception_client.post(
        f"/bookings/{booking_id}/reschedule/",
        {
            "date": day.isoformat(),
            "agent": 1,
            "start_time": "14:00",
            "submit_token": "m" * 20,
            "reason": "customer-asked-to-move",
        },
    )

    assert moved.status_code == 302, moved.content.decode()[:2000]
    assert moved["Location"] == f"/bookings/{booking_id}/"
    [stored] = _bookings_on(live_sandbox, day)
    assert (stored["id"], stored["start_time"]) == (booking_id, "14:00")
    assert "09:00" in _free_starts(live_sandbox, day)
    assert "14:00" not in _free_starts(live_sandbox, day)
    shown = reception_client.get(moved["Location"]).content.decode()
    assert f"Moved to {day:%a} {day.day} {day:%b} at 14:00 with" in shown
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_RESCHEDULE)
    assert entry.user == receptionist
    assert entry.changes == {
        "time": {"before": "09:00", "after": "14:00"},
        "reason": "Customer asked to move",
    }
    # The local booking history sees the move at once.
    assert (
        BookingRecord.objects.get(id=booking_id)
        .start.astimezone(timezone.get_current_timezone())
        .strftime("%H:%M")
        == "14:00"
    )


def test_a_reschedule_to_another_agent_and_day(live_sandbox, reception_client, made):
    day = free_day(live_sandbox, 1)
    booking_id = _book(reception_client, live_sandbox, day, "10:00")
    made.append(booking_id)
    later = free_day(live_sandbox, 2)

    response = reception_client.get(f"/bookings/{booking_id}/reschedule/?date={later}&agent=2")
    times = _times(response.content.decode())
    assert times
    moved = reception_client.post(
        f"/bookings/{booking_id}/reschedule/",
        {
            "date": later.isoformat(),
            "agent": 2,
            "start_time": times[0],
            "notify": "on",
            "reason": "agent-unavailable",
        },
    )

    assert moved.status_code == 302
    assert _bookings_on(live_sandbox, day) == []
    [stored] = _bookings_on(live_sandbox, later, agent_id=2)
    assert stored["id"] == booking_id
    changes = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_RESCHEDULE).changes
    assert set(changes) == {"date", "time", "agent", "reason"}


def test_a_completed_booking_cannot_be_moved(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("completed", "past")
    with live_sandbox.db() as conn:
        before = dict(
            conn.execute(
                "SELECT start_date, start_time FROM sandbox_booking WHERE id = ?", (booking_id,)
            ).fetchone()
        )

    page = reception_client.get(f"/bookings/{booking_id}/reschedule/")
    refused = reception_client.post(
        f"/bookings/{booking_id}/reschedule/",
        {"date": (timezone.localdate() + timedelta(days=90)).isoformat(), "start_time": "10:00"},
    )

    reason = "This booking is completed: only a pending or approved booking can be moved."
    assert reason in page.content.decode()
    assert refused.status_code == 409
    assert reason in refused.content.decode()
    with live_sandbox.db() as conn:
        after = dict(
            conn.execute(
                "SELECT start_date, start_time FROM sandbox_booking WHERE id = ?", (booking_id,)
            ).fetchone()
        )
    assert after == before
    detail = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert f'href="/bookings/{booking_id}/reschedule/"' not in detail


def test_book_again_prefills_the_same_service_agent_and_location(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("completed", "past")
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT customer_id, service_id, agent_id, location_id, start_date "
            "FROM sandbox_booking WHERE id = ?",
            (booking_id,),
        ).fetchone()

    detail = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    link = re.search(r'<a class="button" href="([^"]+)">Book again</a>', detail).group(1)
    page = reception_client.get(link.replace("&amp;", "&")).content.decode()

    assert link.replace("&amp;", "&") == (
        f"/bookings/new/?customer={row['customer_id']}&service={row['service_id']}"
        f"&agent={row['agent_id']}&location={row['location_id']}&after={row['start_date']}"
    )
    assert f'<option value="{row["service_id"]}" selected>' in page
    assert f'<option value="{row["agent_id"]}" selected>' in page
    assert f'<option value="{row["location_id"]}" selected>' in page


def test_book_again_suggests_the_customers_usual_interval(live_sandbox, reception_client):
    found = None
    for customer_id in range(1, 60):
        status, body = live_sandbox.request("GET", f"{API}/customers/{customer_id}?include=stats")
        if status == 200 and (body["data"].get("stats") or {}).get("booking_frequency") == (
            "monthly"
        ):
            found = customer_id
            break
    assert found, "no customer of the sandbox books monthly"
    after = timezone.localdate() + timedelta(days=10)

    html = reception_client.get(
        f"/bookings/new/?customer={found}&service=1&agent=1&after={after}"
    ).content.decode()

    suggested = after + timedelta(days=28)
    assert f"Suggested date: 4 weeks after the visit of {after:%a} {after.day} {after:%b}" in html
    assert f'name="date" value="{suggested.isoformat()}"' in html
