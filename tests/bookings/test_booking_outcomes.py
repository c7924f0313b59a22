"""What the desk is told about a booking write is true: done is in LatePoint, not done is not,
and an unknown outcome says what was checked. Against the sandbox's write knobs:
`write_error` (refused, not applied), `write_then_fail` (applied, then the answer is a 500)
and `down_after_write` (applied, then LatePoint is gone)."""

from __future__ import annotations

import html
import re
import time

from django.utils.html import escape

from audit.models import AuditEntry
from bookings.models import CheckIn
from tests.booking_slots import free_day, unique_email
from tests.bookings.test_new_booking import _bookings_on, _customer, _form
from tests.bookings.test_reschedule_and_book_again import API, _book
from tests.bookings.test_walk_in_booking import _first_free, _todays, morning  # noqa: F401

LOST = "(LatePoint&#x27;s answer was lost; reading the bookings back shows it.)"
UNKNOWN = "so it may or may not have gone through. Check the customer&#x27;s bookings"


def _landed(client, response) -> str:
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response["Location"]).content.decode()


# --- a new booking ----------------------------------------------------------------------------


def test_a_booking_whose_answer_is_lost_is_found_and_reported_booked(
    live_sandbox, reception_client, made
):
    customer = _customer(live_sandbox, skip=20)
    day = free_day(live_sandbox, 1)
    live_sandbox.set_faults(write_then_fail=500)

    response = reception_client.post("/bookings/new/", _form(customer["id"], day, "09:45"))

    live_sandbox.reset_faults()
    stored = _bookings_on(live_sandbox, day)
    made.extend(b["id"] for b in stored)
    assert len(stored) == 1
    assert response["Location"] == f"/bookings/{stored[0]['id']}/"
    page = _landed(reception_client, response)
    assert "Booked" in page and LOST in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_CREATE)
    assert entry.result == AuditEntry.Result.OK
    assert "confirmed by reading it back" in entry.summary


def test_a_booking_refused_by_a_failing_site_is_checked_and_said_not_made(
    live_sandbox, reception_client, made
):
    customer = _customer(live_sandbox, skip=21)
    day = free_day(live_sandbox, 1)
    form = _form(customer["id"], day, "10:15")
    live_sandbox.set_faults(write_error=500)

    refused = reception_client.post("/bookings/new/", form)

    live_sandbox.reset_faults()
    html = refused.content.decode()
    assert refused.status_code == 502
    assert "Reading LatePoint back shows no such booking among the customer" in html
    assert "nothing was booked" in html
    assert _bookings_on(live_sandbox, day) == []
    # Known not made: the same form may be sent again, and books.
    again = reception_client.post("/bookings/new/", form)
    made.extend(b["id"] for b in _bookings_on(live_sandbox, day))
    assert again.status_code == 302
    assert len(made) == 1


def test_a_lost_booking_is_never_booked_twice_nor_called_taken(
    live_sandbox, reception_client, made
):
    """Saved, then LatePoint went down: the outcome is unknown. Sent again while it is down,
    nothing is sent; sent again once it is back, the form lands on the booking it made."""
    customer = _customer(live_sandbox, skip=22)
    day = free_day(live_sandbox, 1)
    form = _form(customer["id"], day, "09:45")
    live_sandbox.set_faults(write_then_fail=500, down_after_write=True)

    first = reception_client.post("/bookings/new/", form)
    still_down = reception_client.post("/bookings/new/", form)
    live_sandbox.reset_faults()
    back = reception_client.post("/bookings/new/", form)

    stored = _bookings_on(live_sandbox, day)
    made.extend(b["id"] for b in stored)
    assert len(stored) == 1
    for answer in (first, still_down):
        html = answer.content.decode()
        assert answer.status_code in (502, 503), answer.status_code
        assert "Nothing was booked" not in html and "nothing was booked" not in html
        assert "Check the customer&#x27;s bookings" in html
        assert "Prefers the window seat" in html  # everything typed is kept
    assert UNKNOWN in first.content.decode()
    page = _landed(reception_client, back)
    assert back["Location"] == f"/bookings/{stored[0]['id']}/"
    assert "taken meanwhile" not in page
    results = list(
        AuditEntry.objects.filter(action=AuditEntry.Action.BOOKING_CREATE)
        .order_by("id")
        .values_list("result", flat=True)
    )
    assert results[0] == AuditEntry.Result.UNKNOWN and results[-1] == AuditEntry.Result.OK


def test_a_new_form_for_the_time_the_desk_already_booked_lands_on_that_booking(
    live_sandbox, reception_client, made
):
    """The form was opened again after a lost answer (a new token): LatePoint refuses the
    time as taken, by this customer's own booking, which the page says rather than "taken"."""
    customer = _customer(live_sandbox, skip=23)
    day = free_day(live_sandbox, 1)
    live_sandbox.set_faults(write_then_fail=500, down_after_write=True)
    reception_client.post("/bookings/new/", _form(customer["id"], day, "10:30"))
    live_sandbox.reset_faults()

    again = reception_client.post(
        "/bookings/new/", _form(customer["id"], day, "10:30", submit_token="another-token-1234")
    )

    stored = _bookings_on(live_sandbox, day)
    made.extend(b["id"] for b in stored)
    assert len(stored) == 1
    page = _landed(reception_client, again)
    assert again["Location"] == f"/bookings/{stored[0]['id']}/"
    assert "taken meanwhile" not in page


# --- a walk-in ---------------------------------------------------------------------------------


def test_a_lost_walk_in_is_found_and_checked_in_once(live_sandbox, reception_client, morning):  # noqa: F811
    customer = _customer(live_sandbox, skip=24)
    first = _first_free(live_sandbox)
    live_sandbox.set_faults(write_then_fail=500)

    response = reception_client.post(
        "/bookings/walk-in/",
        {"customer": customer["id"], "service": 1, "start_time": first, "submit_token": "l" * 20},
    )

    live_sandbox.set_faults(write_then_fail=0)
    booked = _todays(live_sandbox, customer["id"])
    morning.extend(b["id"] for b in booked)
    assert len(booked) == 1
    page = _landed(reception_client, response)
    assert "and checked in." in page and LOST in page
    assert CheckIn.objects.filter(booking_id=booked[0]["id"]).count() == 1


def test_a_walk_in_name_latepoint_refuses_is_marked_on_its_field(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
):
    first = _first_free(live_sandbox)
    typed = {
        "service": 1,
        "start_time": first,
        "first_name": "Wally",
        "last_name": "\u0928\u092e\u0938\u094d\u0924\u0947",  # fine here, refused by LatePoint
        "email": unique_email("walkin"),
        "submit_token": "n" * 20,
    }

    response = reception_client.post("/bookings/walk-in/", typed)

    html = response.content.decode()
    assert response.status_code == 400
    field = html[html.index('id="walk-in-last_name"') - 400 :]
    assert 'aria-invalid="true"' in field[:800]
    assert (
        '<p class="errorlist" id="walk-in-last_name-error">Last name may contain only letters, '
        "spaces, hyphens and apostrophes</p>"
    ) in html
    assert 'value="Wally"' in html and escape(typed["email"]) in html


# --- a move ------------------------------------------------------------------------------------


def _move_form(client, booking_id: int, day, start_time: str) -> dict:
    page = client.get(f"/bookings/{booking_id}/reschedule/").content.decode()
    hidden = dict(
        re.findall(r'<input type="hidden" name="(submit_token|seen)" value="([^"]*)"', page)
    )
    return {
        **{name: html.unescape(value) for name, value in hidden.items()},
        "date": day.isoformat(),
        "agent": 1,
        "start_time": start_time,
        "reason": "customer-asked-to-move",  # the page asks why
    }


def test_a_move_of_a_booking_moved_meanwhile_shows_both_and_can_go_ahead(
    live_sandbox, reception_client, made
):
    day = free_day(live_sandbox, 1)
    booking_id = _book(reception_client, live_sandbox, day, "09:00")
    made.append(booking_id)
    form = _move_form(reception_client, booking_id, day, "14:00")
    # Another desk (or the website) moves it to 10:00 meanwhile.
    code, _ = live_sandbox.request(
        "PUT",
        f"{API}/bookings/{booking_id}",
        {"start_date": day.isoformat(), "start_time": "10:00"},
    )
    assert code == 200

    conflict = reception_client.post(f"/bookings/{booking_id}/reschedule/", form)

    text = conflict.content.decode()
    assert conflict.status_code == 409
    assert "Changed since you opened it" in text
    assert "When you opened this page the booking was on" in text and "at 09:00" in text
    assert f"{day:%A} {day.day} {day:%B} {day.year} at 10:00" in text  # "Now": as it is
    assert "Move it anyway</button>" in text
    assert [b["start_time"] for b in _bookings_on(live_sandbox, day)] == ["10:00"]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.BOOKING_RESCHEDULE).exists()

    anyway = dict(form, **dict(re.findall(r'name="(submit_token|seen)" value="([^"]*)"', text)))
    anyway["seen"] = html.unescape(anyway["seen"])
    moved = reception_client.post(f"/bookings/{booking_id}/reschedule/", anyway)

    assert moved.status_code == 302, moved.content.decode()[:2000]
    assert [b["start_time"] for b in _bookings_on(live_sandbox, day)] == ["14:00"]


def test_a_move_whose_answer_is_lost_is_read_back(live_sandbox, reception_client, made):
    day = free_day(live_sandbox, 1)
    booking_id = _book(reception_client, live_sandbox, day, "09:00")
    made.append(booking_id)
    form = _move_form(reception_client, booking_id, day, "14:00")
    live_sandbox.set_faults(write_then_fail=500)

    moved = reception_client.post(f"/bookings/{booking_id}/reschedule/", form)

    live_sandbox.reset_faults()
    page = _landed(reception_client, moved)
    assert "Moved to" in page and LOST in page
    assert [b["start_time"] for b in _bookings_on(live_sandbox, day)] == ["14:00"]


def test_a_move_lost_while_latepoint_goes_down_is_unknown_then_found(
    live_sandbox, reception_client, made
):
    day = free_day(live_sandbox, 1)
    booking_id = _book(reception_client, live_sandbox, day, "09:00")
    made.append(booking_id)
    form = _move_form(reception_client, booking_id, day, "14:00")
    live_sandbox.set_faults(write_then_fail=500, down_after_write=True)

    lost = reception_client.post(f"/bookings/{booking_id}/reschedule/", form)
    live_sandbox.reset_faults()
    again = reception_client.post(f"/bookings/{booking_id}/reschedule/", form)

    text = lost.content.decode()
    assert lost.status_code == 502
    assert "may or may not have gone through. Check the booking" in text
    assert "not moved" not in text
    # Sent again once LatePoint is back: the booking is already there, so no conflict.
    assert again.status_code == 302, again.content.decode()[:2000]
    assert [b["start_time"] for b in _bookings_on(live_sandbox, day)] == ["14:00"]
    results = list(
        AuditEntry.objects.filter(action=AuditEntry.Action.BOOKING_RESCHEDULE)
        .order_by("id")
        .values_list("result", flat=True)
    )
    assert results == [AuditEntry.Result.UNKNOWN, AuditEntry.Result.OK]


def test_a_move_while_another_desk_holds_the_booking_sends_nothing(
    live_sandbox, reception_client, made, settings
):
    from django.core.cache import caches

    settings.LATEPOINT_DEADLINE = 1
    day = free_day(live_sandbox, 1)
    booking_id = _book(reception_client, live_sandbox, day, "09:00")
    made.append(booking_id)
    form = _move_form(reception_client, booking_id, day, "14:00")
    caches["state"].set(f"frontoffice:lock:booking:{booking_id}", "another desk", 30)

    busy = reception_client.post(f"/bookings/{booking_id}/reschedule/", form)

    assert busy.status_code == 409
    assert "Someone else is saving this record right now" in busy.content.decode()
    assert [b["start_time"] for b in _bookings_on(live_sandbox, day)] == ["09:00"]
    caches["state"].delete(f"frontoffice:lock:booking:{booking_id}")
    moved = reception_client.post(f"/bookings/{booking_id}/reschedule/", form)
    assert moved.status_code == 302
    assert [b["start_time"] for b in _bookings_on(live_sandbox, day)] == ["14:00"]


def test_a_booking_that_timed_out_is_looked_for_before_anything_is_said(
    live_sandbox, reception_client, made, settings
):
    """LatePoint is slow: the booking's answer times out (the sandbox saves it a moment
    later), and so does the look for it. Nothing is said to be booked or not; once LatePoint
    answers, the same form lands on the booking instead of making another."""
    customer = _customer(live_sandbox, skip=25)
    day = free_day(live_sandbox, 1)
    form = _form(customer["id"], day, "13:00")
    reception_client.get(f"/bookings/new/?customer={customer['id']}")  # customer cached
    settings.LATEPOINT_TIMEOUT = 0.25
    live_sandbox.set_faults(latency_ms=1000)

    slow = reception_client.post("/bookings/new/", form)

    live_sandbox.reset_faults()
    html = slow.content.decode()
    assert slow.status_code == 504
    assert "LatePoint took too long to answer and could not be asked again" in html
    assert "nothing was booked" not in html.lower()
    settings.LATEPOINT_TIMEOUT = 10
    deadline = time.monotonic() + 10
    while not _bookings_on(live_sandbox, day) and time.monotonic() < deadline:
        time.sleep(0.1)  # the sandbox finishes the booking it was sent
    again = reception_client.post("/bookings/new/", form)
    stored = _bookings_on(live_sandbox, day)
    made.extend(b["id"] for b in stored)
    assert len(stored) == 1
    assert again.status_code == 302
    assert again["Location"] == f"/bookings/{stored[0]['id']}/"
