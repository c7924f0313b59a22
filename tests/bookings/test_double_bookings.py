"""The same customer booked twice at once (two agents, one time): the new-booking and reschedule
pages warn before it is made and let staff go on deliberately; the Today board and the booking
page flag one that exists. Against the sandbox, on days of the test's own."""

from __future__ import annotations

import re
import uuid
from datetime import time

from django.utils.html import escape

from bookings.services.free_times import time_label
from tests.booking_slots import delete_bookings, free_day, working_hours
from tests.bookings.conftest import server_timing_calls
from tests.conftest import API_PREFIX


def _day_both_work(sandbox):
    """A day of the test's own on which agents 1 and 2 both work."""
    both = set(working_hours(sandbox, 2))
    for _ in range(40):
        day = free_day(sandbox, 1)
        if day.isoweekday() in both:
            return day
    raise AssertionError("no day on which agents 1 and 2 both work")


def _customer(sandbox) -> dict:
    tag = "".join(chr(ord("a") + int(ch, 16)) for ch in uuid.uuid4().hex[:6])
    body = {"first_name": "Dora", "last_name": f"Twice{tag}", "email": f"dora.{tag}@example.net"}
    status, answer = sandbox.request("POST", API_PREFIX + "/customers", body)
    assert status == 201, answer
    return answer["data"]


def _raw_booking(sandbox, customer_id: int, day, start: str, agent_id: int) -> int:
    """A booking made elsewhere (the website, another desk)."""
    status, body = sandbox.request(
        "POST",
        API_PREFIX + "/bookings",
        {
            "customer_id": customer_id,
            "service_id": 1,
            "agent_id": agent_id,
            "location_id": 1,
            "start_date": day.isoformat(),
            "start_time": start,
            "status": "approved",
        },
    )
    assert status in (200, 201), body
    return int(body.get("data", body)["id"])


def _bookings_of(sandbox, customer_id: int) -> list[dict]:
    with sandbox.db() as conn:
        return [
            dict(row)
            for row in conn.execute(
                "SELECT id, agent_id, start_date, start_time FROM sandbox_booking "
                "WHERE customer_id = ? ORDER BY id",
                (customer_id,),
            )
        ]


def _form(customer_id: int, day, start: str, **extra) -> dict:
    return {
        "customer": customer_id,
        "service": 1,
        "agent": 1,
        "location": 1,
        "date": day.isoformat(),
        "start_time": start,
        "notes": "Second visit?",
        "booking_form": "1",
        "submit_token": f"double-{customer_id}-{uuid.uuid4().hex[:8]}",
        **extra,
    }


def test_a_new_booking_over_the_customers_own_booking_warns_then_books_on_purpose(
    live_sandbox, reception_client, made
):
    customer = _customer(live_sandbox)
    day = _day_both_work(live_sandbox)
    first = _raw_booking(live_sandbox, customer["id"], day, "10:00", agent_id=2)
    made.append(first)
    query = f"customer={customer['id']}&service=1&agent=1&location=1&date={day}"

    page = reception_client.get(f"/bookings/new/?{query}")

    html = page.content.decode()
    # Shown with the free times: the booking that day, and the times that would clash.
    note = re.search(
        r'<p class="alert alert-warning" role="status" data-field="same-day">(.*?)</p>', html, re.S
    )
    assert note, html[:3000]
    assert "Dora already has a booking on" in note.group(1)
    assert time_label(time(10)) in note.group(1)
    assert f'<label class="slot slot-clash" for="slot-1000">{time_label(time(10))}<span' in html
    assert f'<label class="slot" for="slot-1400">{time_label(time(14))}</label>' in html

    warned = reception_client.post("/bookings/new/", _form(customer["id"], day, "10:30"))

    text = warned.content.decode()
    assert warned.status_code == 200
    warning = re.search(
        r'<section class="alert alert-warning overlap-warning".*?</section>', text, re.S
    )
    assert warning, text[:3000]
    assert escape(f"Dora {customer['last_name']} is already booked at that time") in warning.group(
        0
    )
    assert "Nothing was booked yet" in warning.group(0)
    assert f'name="confirm_overlap" value="{first}"' in warning.group(0)
    assert "Book anyway" in warning.group(0)
    assert [b["id"] for b in _bookings_of(live_sandbox, customer["id"])] == [first]
    assert server_timing_calls(warned) == 0  # the page's reads are reused
    assert "Second visit?" in text  # everything typed is kept
    assert 'id="slot-1030" value="10:30" checked' in text

    booked = reception_client.post(
        "/bookings/new/", _form(customer["id"], day, "10:30", confirm_overlap=str(first))
    )

    assert booked.status_code == 302, booked.content.decode()[:2000]
    rows = _bookings_of(live_sandbox, customer["id"])
    made.extend(b["id"] for b in rows if b["id"] != first)
    assert [(b["agent_id"], b["start_time"]) for b in rows] == [(2, "10:00"), (1, "10:30")]


def test_a_time_apart_from_the_customers_booking_books_without_a_word(
    live_sandbox, reception_client, made
):
    customer = _customer(live_sandbox)
    day = _day_both_work(live_sandbox)
    made.append(_raw_booking(live_sandbox, customer["id"], day, "10:00", agent_id=2))

    booked = reception_client.post("/bookings/new/", _form(customer["id"], day, "14:00"))

    assert booked.status_code == 302, booked.content.decode()[:2000]
    made.extend(b["id"] for b in _bookings_of(live_sandbox, customer["id"]))


def test_a_move_onto_the_customers_other_booking_warns_then_moves_on_purpose(
    live_sandbox, reception_client, made
):
    customer = _customer(live_sandbox)
    day = _day_both_work(live_sandbox)
    staying = _raw_booking(live_sandbox, customer["id"], day, "09:00", agent_id=1)
    moving = _raw_booking(live_sandbox, customer["id"], day, "14:00", agent_id=2)
    made.extend([staying, moving])
    form = {
        "date": day.isoformat(),
        "agent": 2,
        "start_time": "09:00",
        "submit_token": "double-move-" + uuid.uuid4().hex[:8],
        "reason": "customer-asked-to-move",
    }

    warned = reception_client.post(f"/bookings/{moving}/reschedule/", form)

    text = warned.content.decode()
    assert warned.status_code == 200, text[:2000]
    warning = re.search(
        r'<section class="alert alert-warning overlap-warning".*?</section>', text, re.S
    )
    assert warning, text[:3000]
    assert "Nothing was moved yet" in warning.group(0)
    assert time_label(time(9)) in warning.group(0)
    assert "Move it anyway" in warning.group(0)
    assert {(b["id"], b["start_time"]) for b in _bookings_of(live_sandbox, customer["id"])} == {
        (staying, "09:00"),
        (moving, "14:00"),
    }

    moved = reception_client.post(
        f"/bookings/{moving}/reschedule/", {**form, "confirm_overlap": str(staying)}
    )

    assert moved.status_code == 302, moved.content.decode()[:2000]
    assert (moving, "09:00") in {
        (b["id"], b["start_time"]) for b in _bookings_of(live_sandbox, customer["id"])
    }


def test_the_board_and_the_booking_page_flag_a_double_booking(live_sandbox, reception_client, made):
    customer = _customer(live_sandbox)
    day = _day_both_work(live_sandbox)
    one = _raw_booking(live_sandbox, customer["id"], day, "11:00", agent_id=1)
    two = _raw_booking(live_sandbox, customer["id"], day, "11:30", agent_id=2)
    apart = _raw_booking(live_sandbox, customer["id"], day, "15:00", agent_id=1)
    made.extend([one, two, apart])

    board = reception_client.get(f"/?date={day}")

    html = board.content.decode()
    for pk in (one, two):
        row = re.search(rf'<tr id="today-row-{pk}".*?</tr>', html, re.S).group(0)
        assert f'<span class="chip chip-double" id="double-{pk}">Booked twice</span>' in row
    row_one = re.search(rf'<tr id="today-row-{one}".*?</tr>', html, re.S).group(0)
    assert re.search(r'<span class="board-double small">Also 11:30 with [^<]+</span>', row_one)
    row_apart = re.search(rf'<tr id="today-row-{apart}".*?</tr>', html, re.S).group(0)
    assert "chip-double" not in row_apart

    detail = reception_client.get(f"/bookings/{one}/")

    text = detail.content.decode()
    flag = re.search(r'data-field="double-booking">(.*?)</div>', text, re.S)
    assert flag, text[:3000]
    assert "Booked twice at once." in flag.group(1)
    assert f'<a href="/bookings/{two}/">{time_label(time(11, 30))}' in flag.group(1)
    assert server_timing_calls(detail) <= 3  # the booking, the customer's summary, payments
    assert "double-booking" not in reception_client.get(f"/bookings/{apart}/").content.decode()


def test_the_booking_page_flags_from_the_booking_history_without_a_call(
    live_sandbox, reception_client, made
):
    """Booked through the front office, both are in the local history at once."""
    customer = _customer(live_sandbox)
    day = _day_both_work(live_sandbox)
    first = reception_client.post("/bookings/new/", _form(customer["id"], day, "09:00"))
    assert first.status_code == 302
    second = reception_client.post("/bookings/new/", _form(customer["id"], day, "09:00", agent=2))
    assert second.status_code == 200  # warned
    forced = reception_client.post(
        "/bookings/new/",
        _form(customer["id"], day, "09:00", agent=2, confirm_overlap=_ids(second)),
    )
    assert forced.status_code == 302
    ids = [b["id"] for b in _bookings_of(live_sandbox, customer["id"])]
    made.extend(ids)

    text = reception_client.get(f"/bookings/{ids[0]}/").content.decode()

    assert "Booked twice at once." in text
    assert f'<a href="/bookings/{ids[1]}/">{time_label(time(9))}' in text
    delete_bookings(live_sandbox, [])


def _ids(response) -> str:
    return re.search(r'name="confirm_overlap" value="([\d,]+)"', response.content.decode()).group(1)
