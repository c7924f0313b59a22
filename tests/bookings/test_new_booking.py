"""/bookings/new/: booking a caller through the plain form and with HTMX, against the sandbox.

Each test books on a day of its own (`free_day`) and deletes what it made.
"""

from __future__ import annotations

import re

from django.utils.html import escape

from audit.models import AuditEntry
from history.models import BookingRecord
from tests.booking_slots import free_day
from tests.bookings.conftest import server_timing_calls

HTMX = {"HTTP_HX_REQUEST": "true"}


def _customer(sandbox, status: str = "active", skip: int = 0) -> dict:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT id, first_name, last_name FROM sandbox_customer WHERE status = ? "
            "AND email NOT LIKE '%script%' ORDER BY id LIMIT 1 OFFSET ?",
            (status, skip),
        ).fetchone()
    assert row, f"the sandbox has no {status} customer"
    return dict(row)


def _bookings_on(sandbox, day, agent_id: int = 1) -> list[dict]:
    with sandbox.db() as conn:
        return [
            dict(row)
            for row in conn.execute(
                "SELECT id, customer_id, service_id, agent_id, location_id, start_date, "
                "start_time, status, notes FROM sandbox_booking WHERE start_date = ? "
                "AND agent_id = ? ORDER BY id",
                (day.isoformat(), agent_id),
            )
        ]


def _times(html: str) -> list[str]:
    return re.findall(r'name="start_time" id="slot-\d+" value="(\d\d:\d\d)"', html)


def _form(customer_id: int, day, start_time: str, **extra) -> dict:
    return {
        "customer": customer_id,
        "service": 1,
        "agent": 1,
        "location": 1,
        "date": day.isoformat(),
        "start_time": start_time,
        "notes": "Prefers the window seat",
        "send_confirmation": "on",
        "booking_form": "1",
        "submit_token": f"token-{customer_id}-{day:%Y%m%d}-{start_time.replace(':', '')}x",
        **extra,
    }


def test_the_plain_form_lists_the_free_times_as_a_start_time_choice(live_sandbox, reception_client):
    customer = _customer(live_sandbox)
    day = free_day(live_sandbox, 1)

    response = reception_client.get(
        f"/bookings/new/?customer={customer['id']}&service=1&agent=1&location=1&date={day}"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert escape(f"{customer['first_name']} {customer['last_name']}") in html
    times = _times(html)
    assert times[0] == "08:00"
    assert "12:00" not in times  # the agent's lunch break
    assert '<p class="slot-part">Morning</p>' in html
    assert '<p class="slot-part">Afternoon</p>' in html
    assert '<label class="slot" for="slot-0800">08:00</label>' in html


def test_a_booking_made_through_the_plain_form_is_in_latepoint(
    live_sandbox, reception_client, receptionist, made
):
    customer = _customer(live_sandbox)
    day = free_day(live_sandbox, 1)

    response = reception_client.post("/bookings/new/", _form(customer["id"], day, "09:30"))

    assert response.status_code == 302, response.content.decode()[:2000]
    [stored] = _bookings_on(live_sandbox, day)
    made.append(stored["id"])
    assert response["Location"] == f"/bookings/{stored['id']}/"
    assert stored["customer_id"] == customer["id"]
    assert (stored["service_id"], stored["agent_id"], stored["location_id"]) == (1, 1, 1)
    assert (stored["start_date"], stored["start_time"]) == (day.isoformat(), "09:30")
    assert stored["status"] == "approved"
    assert stored["notes"] == "Prefers the window seat"
    page = reception_client.get(response["Location"]).content.decode()
    assert f"Booked {day:%a} {day.day} {day:%b} at 09:30 with" in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_CREATE)
    assert entry.user == receptionist
    assert entry.object_id == str(stored["id"])
    assert entry.customer_id == customer["id"]
    assert entry.result == AuditEntry.Result.OK
    assert entry.changes["start_time"] == "09:30"
    # The local booking history (stats) has it at once, not at the next sync.
    record = BookingRecord.objects.get(id=stored["id"])
    assert (record.customer_id, record.agent_id, record.start_date) == (customer["id"], 1, day)


def test_the_same_slot_again_is_refused_and_nothing_is_created(
    live_sandbox, reception_client, made
):
    first, second = _customer(live_sandbox), _customer(live_sandbox, skip=1)
    day = free_day(live_sandbox, 1)
    booked = reception_client.post("/bookings/new/", _form(first["id"], day, "10:00"))
    assert booked.status_code == 302
    made.extend(b["id"] for b in _bookings_on(live_sandbox, day))

    refused = reception_client.post(
        "/bookings/new/", _form(second["id"], day, "10:00", notes="Second caller's note")
    )

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "10:00 was taken meanwhile: nothing was booked." in html
    assert "Second caller&#x27;s note" in html  # everything typed is kept
    assert escape(f"{second['first_name']} {second['last_name']}") in html
    times = _times(html)
    assert times and "10:00" not in times and "09:00" not in times  # fresh times: 60 min
    assert [b["customer_id"] for b in _bookings_on(live_sandbox, day)] == [first["id"]]
    failed = AuditEntry.objects.filter(
        action=AuditEntry.Action.BOOKING_CREATE, result=AuditEntry.Result.FAILED
    )
    assert failed.count() == 1


def test_a_blocked_customer_cannot_be_booked(live_sandbox, reception_client):
    blocked = _customer(live_sandbox, status="blocked")
    day = free_day(live_sandbox, 1)

    page = reception_client.get(f"/bookings/new/?customer={blocked['id']}&service=1&agent=1")
    refused = reception_client.post("/bookings/new/", _form(blocked["id"], day, "09:00"))

    html = page.content.decode()
    assert "This customer is blocked: they cannot book." in html
    assert 'name="start_time"' not in html and ">Book</button>" not in html
    assert refused.status_code == 403
    assert "This customer is blocked" in refused.content.decode()
    assert _bookings_on(live_sandbox, day) == []


def test_an_inactive_customer_gets_the_profiles_warning_first(live_sandbox, reception_client):
    inactive = _customer(live_sandbox, status="inactive")

    html = reception_client.get(f"/bookings/new/?customer={inactive['id']}").content.decode()

    assert "Inactive customer: verify their details before booking." in html
    assert ">Book</button>" in html


def test_a_double_click_books_once(live_sandbox, reception_client, made):
    customer = _customer(live_sandbox)
    day = free_day(live_sandbox, 1)
    form = _form(customer["id"], day, "11:00")

    first = reception_client.post("/bookings/new/", form)
    again = reception_client.post("/bookings/new/", form)

    made.extend(b["id"] for b in _bookings_on(live_sandbox, day))
    assert len(made) == 1
    assert again.status_code == 302
    assert again["Location"] == first["Location"]


def test_a_changed_choice_fetches_the_free_times_alone_with_one_call(
    live_sandbox, reception_client
):
    customer = _customer(live_sandbox)
    day = free_day(live_sandbox, 2)
    query = f"customer={customer['id']}&service=1&agent=2&date={day}"
    reception_client.get(f"/bookings/new/?customer={customer['id']}")  # customer, reference

    response = reception_client.get(f"/bookings/new/?{query}", HTTP_HX_TARGET="free-times", **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="free-times"')
    assert "<h1>" not in html
    assert _times(html)
    assert response["HX-Push-Url"] == f"/bookings/new/?{query}"
    assert server_timing_calls(response) == 1


def test_the_customer_search_answers_as_you_type(live_sandbox, reception_client):
    customer = _customer(live_sandbox)

    response = reception_client.get(
        f"/bookings/new/?q={customer['last_name']}&service=1",
        HTTP_HX_TARGET="customer-matches",
        **HTMX,
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="customer-matches"')
    # Choosing keeps what was picked: the service, any available agent (the page's default
    # when the address names none), the day.
    assert 'href="/bookings/new/?service=1&amp;agent=any&amp;date=' in html
    assert f"customer={customer['id']}" in html


def test_bad_choices_in_the_address_are_ignored_with_a_message(live_sandbox, reception_client):
    response = reception_client.get(
        "/bookings/new/?customer=abc&service=999&agent=x&location=-1&date=2024-99-01&time=25:00"
    )

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Customer: that is not a customer number",
        "Service: that choice is not available",
        "Agent: that choice is not available",
        "Location: that choice is not available",
        "Date: use the format YYYY-MM-DD",
        "Time: use the format HH:MM",
    ):
        assert text in html


def test_a_time_clicked_on_the_calendar_stays_chosen_once_the_customer_is(
    live_sandbox, reception_client
):
    """The calendar's free gap opens the page with the agent, day and time; finding and
    choosing the customer keeps the time, so the booking goes in when the desk clicked."""
    customer = _customer(live_sandbox)
    day = free_day(live_sandbox, 1)
    opened = reception_client.get(f"/bookings/new/?agent=1&date={day}&time=14:00&service=1")
    found = reception_client.get(
        f"/bookings/new/?agent=1&date={day}&time=14:00&service=1&q={customer['last_name']}",
        HTTP_HX_TARGET="customer-matches",
        **HTMX,
    )
    choose = re.search(rf'href="([^"]*customer={customer["id"]})"', found.content.decode()).group(1)
    chosen = reception_client.get(choose.replace("&amp;", "&"))

    assert opened.status_code == found.status_code == chosen.status_code == 200
    assert "time=14%3A00" in choose
    assert "14:00" in _times(chosen.content.decode())
    assert 'value="14:00" checked' in chosen.content.decode()


def test_a_new_booking_offers_any_available_agent_and_its_free_times_at_first(
    live_sandbox, reception_client
):
    customer = _customer(live_sandbox)
    day = free_day(live_sandbox, 1)

    response = reception_client.get(
        f"/bookings/new/?customer={customer['id']}&service=1&date={day}"
    )

    html = response.content.decode()
    assert re.search(r'<option value="any" selected>Any available agent</option>', html), html
    assert _times(html)
    # An agent field sent empty (the desk chose "Choose an agent") still asks for one.
    chosen_none = reception_client.get(
        f"/bookings/new/?customer={customer['id']}&service=1&date={day}&agent="
    )
    assert not _times(chosen_none.content.decode())


def test_a_clicked_time_stays_chosen_through_a_service_change_and_a_validation_error(
    live_sandbox, reception_client
):
    """The free times asked again for another service (as the page's form sends them, the
    chosen time included) keep the time checked; so does the page answering a refused form,
    and nothing is booked."""
    customer = _customer(live_sandbox)
    day = free_day(live_sandbox, 1)
    base = f"customer={customer['id']}&agent=1&date={day}&start_time=14:00"

    changed = reception_client.get(
        f"/bookings/new/?{base}&service=2", HTTP_HX_TARGET="free-times", **HTMX
    )
    refused = reception_client.post(
        "/bookings/new/",
        {
            "booking_form": "1",
            "customer": customer["id"],
            "service": "1",
            "agent": "1",
            "date": str(day),
            "start_time": "14:00",
            "notes": "x" * 1001,
        },
    )

    assert "14:00" in _times(changed.content.decode())
    assert 'value="14:00" checked' in changed.content.decode()
    html = refused.content.decode()
    assert refused.status_code in (200, 400, 422)
    assert "Keep the notes under 1000 characters." in html
    assert 'value="14:00" checked' in html
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.BOOKING_CREATE).exists()
