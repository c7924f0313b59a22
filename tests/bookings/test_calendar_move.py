"""/calendar/move/<id>/: a booking moved on the day calendar (drag and drop or the keys), by the
reschedule page's rules, against the sandbox. Each test books its own day (`free_day`)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from audit.models import AuditEntry
from tests.booking_slots import free_day, new_booking, working_hours
from tests.bookings.conftest import server_timing_calls
from tests.conftest import API_PREFIX

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "calendar-move"}


def _row(sandbox, booking_id: int) -> dict:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT start_date, start_time, agent_id, status FROM sandbox_booking WHERE id = ?",
            (booking_id,),
        ).fetchone()
    return dict(row)


def _free(sandbox, day, agent_id: int) -> list[str]:
    status, body = sandbox.request(
        "GET", f"{API_PREFIX}/availability?service_id=1&agent_id={agent_id}&date={day}"
    )
    assert status == 200, body
    return [slot["start_time"] for slot in body["data"]["available_slots"]]


def _shown(client, day, booking_id: int) -> dict[str, str]:
    """What the calendar's block of the booking carries for a move."""
    page = client.get(f"/calendar/?date={day}&every=1").content.decode()
    block = re.search(rf'<a id="cal-booking-{booking_id}"[^>]*>', page)
    assert block, f"no block of {booking_id}"
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', block.group(0)))
    return {k: unescape(v) for k, v in attrs.items()}


def _agent_name(sandbox, agent_id: int) -> str:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT display_name FROM sandbox_agent WHERE id = ?", (agent_id,)
        ).fetchone()
    return row["display_name"]


@pytest.fixture
def booked(live_sandbox, reception_client, made):
    """A booking of its own at 09:00 with agent 1 on a day of its own on which agent 2 works
    too (some tests move it to agent 2), and what its block shows."""
    both = set(working_hours(live_sandbox, 2))
    day = free_day(live_sandbox, 1)
    while day.isoweekday() not in both:
        day = free_day(live_sandbox, 1)
    booking_id = new_booking(live_sandbox, day, "09:00", tag="calendar-move")
    made.append(booking_id)
    shown = _shown(reception_client, day, booking_id)
    return day, booking_id, shown


def _target(day, time: str, agent: int, seen: str, **extra) -> dict:
    return {"date": day.isoformat(), "time": time, "agent": agent, "seen": seen, **extra}


def test_a_block_carries_what_a_move_needs(live_sandbox, booked):
    day, booking_id, shown = booked
    assert shown["data-move"] == str(booking_id)
    assert shown["data-agent"] == "1"
    assert shown["data-time"] == "09:00"
    assert shown["data-move-seen"].startswith(f"approved|{day.isoformat()}|09:00|1|")


def test_the_confirmation_says_from_and_to(live_sandbox, reception_client, booked):
    day, booking_id, shown = booked
    to = next(t for t in _free(live_sandbox, day, 1) if t > "10:00")
    response = reception_client.get(
        f"/calendar/move/{booking_id}/", _target(day, to, 1, shown["data-move-seen"]), **HX
    )
    page = unescape(response.content.decode())
    assert response.status_code == 200, page
    agent = _agent_name(live_sandbox, 1)
    assert f"09:00 with {agent}" in page
    assert f"{to} with {agent}" in page
    assert "Move Bea Booker?" in page
    assert "Tell the customer about the new time" in page
    assert "Confirm the move" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "<html" not in page  # the box alone, for #calendar-move


def test_a_time_latepoint_does_not_offer_is_not_allowed(live_sandbox, reception_client, booked):
    day, booking_id, shown = booked
    other = new_booking(live_sandbox, day, "13:00", tag="calendar-move")
    try:
        response = reception_client.get(
            f"/calendar/move/{booking_id}/",
            _target(day, "13:00", 1, shown["data-move-seen"]),
            **HX,
        )
        page = unescape(response.content.decode())
        assert response.status_code == 409
        assert "Not allowed: Bea Booker" in page
        assert "is not a free time for" in page
        assert "Confirm the move" not in page
    finally:
        live_sandbox.request("DELETE", f"{API_PREFIX}/bookings/{other}?force=true")


def test_a_move_moves_the_booking_in_latepoint(
    live_sandbox, reception_client, receptionist, booked
):
    day, booking_id, shown = booked
    to = next(t for t in _free(live_sandbox, day, 2) if t >= "11:00")
    response = reception_client.post(
        f"/calendar/move/{booking_id}/",
        _target(day, to, 2, shown["data-move-seen"], submit_token="c" * 24),
        **HX,
    )
    page = unescape(response.content.decode())
    assert response.status_code == 200, page
    ana, ben = _agent_name(live_sandbox, 1), _agent_name(live_sandbox, 2)
    assert f"Moved Bea Booker from 09:00 with {ana} to {to} with {ben}." in page
    assert "board-changed" in response["HX-Trigger"]
    assert _row(live_sandbox, booking_id) == {
        "start_date": day.isoformat(),
        "start_time": to,
        "agent_id": 2,
        "status": "approved",
    }
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_RESCHEDULE)
    assert entry.user == receptionist
    # The calendar shows it at its new place.
    again = _shown(reception_client, day, booking_id)
    assert (again["data-time"], again["data-agent"]) == (to, "2")
    # The same form sent again moves nothing more.
    repeat = reception_client.post(
        f"/calendar/move/{booking_id}/",
        _target(day, to, 2, shown["data-move-seen"], submit_token="c" * 24),
        **HX,
    )
    assert "This move was already sent." in unescape(repeat.content.decode())


def test_a_slot_taken_meanwhile_keeps_the_booking_where_it_was(
    live_sandbox, reception_client, booked
):
    day, booking_id, shown = booked
    to = next(t for t in _free(live_sandbox, day, 1) if t >= "11:00")
    other = new_booking(live_sandbox, day, to, tag="calendar-move")  # the website books it
    try:
        response = reception_client.post(
            f"/calendar/move/{booking_id}/",
            _target(day, to, 1, shown["data-move-seen"], submit_token="t" * 24),
            **HX,
        )
        page = unescape(response.content.decode())
        assert response.status_code == 409, page
        agent = _agent_name(live_sandbox, 1)
        assert f"{to} with {agent} was taken meanwhile: someone else booked it." in page
        assert f"Bea Booker is still at 09:00 with {agent}; nothing was moved." in page
        assert _row(live_sandbox, booking_id)["start_time"] == "09:00"
    finally:
        live_sandbox.request("DELETE", f"{API_PREFIX}/bookings/{other}?force=true")


def test_a_booking_changed_since_the_calendar_showed_it_is_not_moved(
    live_sandbox, reception_client, booked
):
    day, booking_id, shown = booked
    status, body = live_sandbox.request(
        "PUT", f"{API_PREFIX}/bookings/{booking_id}", {"start_time": "10:00"}
    )
    assert status == 200, body
    response = reception_client.post(
        f"/calendar/move/{booking_id}/",
        _target(day, "14:00", 1, shown["data-move-seen"], submit_token="x" * 24),
        **HX,
    )
    page = unescape(response.content.decode())
    assert response.status_code == 409
    assert "booking changed since the calendar showed it: it is now at 10:00 with" in page
    assert _row(live_sandbox, booking_id)["start_time"] == "10:00"


def test_a_booking_another_desk_is_saving_is_not_moved(
    live_sandbox, reception_client, booked, settings
):
    from django.core.cache import caches

    settings.LATEPOINT_DEADLINE = 1
    day, booking_id, shown = booked
    caches["state"].set(f"frontoffice:lock:booking:{booking_id}", "another desk", 30)
    try:
        response = reception_client.post(
            f"/calendar/move/{booking_id}/",
            _target(day, "14:00", 1, shown["data-move-seen"], submit_token="l" * 24),
            **HX,
        )
    finally:
        caches["state"].delete(f"frontoffice:lock:booking:{booking_id}")
    assert response.status_code == 409
    assert "Someone else is saving this record right now" in unescape(response.content.decode())
    assert _row(live_sandbox, booking_id)["start_time"] == "09:00"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"date": "5 May"}, "no usable date"),
        ({"time": "25:61"}, "no usable time"),
        ({"time": "<b>"}, "no usable time"),
        ({"agent": "999"}, "no agent LatePoint has"),
        ({"agent": "x"}, "no agent LatePoint has"),
        ({"seen": ""}, "does not say where the calendar showed the booking"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_params_get_a_clear_400(live_sandbox, reception_client, booked, change, said, method):
    day, booking_id, shown = booked
    form = {**_target(day, "14:00", 1, shown["data-move-seen"]), **change}
    response = getattr(reception_client, method)(f"/calendar/move/{booking_id}/", form, **HX)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert said in page
    assert "Nothing was moved." in page
    assert _row(live_sandbox, booking_id)["start_time"] == "09:00"


def test_a_booking_latepoint_does_not_have_is_404(live_sandbox, reception_client, booked):
    day, _, shown = booked
    response = reception_client.get(
        "/calendar/move/99999999/", _target(day, "14:00", 1, shown["data-move-seen"]), **HX
    )
    assert response.status_code == 404


def test_a_move_needs_the_csrf_token(live_sandbox, receptionist, booked):
    day, booking_id, shown = booked
    client = Client(enforce_csrf_checks=True)
    client.force_login(receptionist)
    response = client.post(
        f"/calendar/move/{booking_id}/", _target(day, "14:00", 1, shown["data-move-seen"]), **HX
    )
    assert response.status_code == 403
    assert _row(live_sandbox, booking_id)["start_time"] == "09:00"


def test_a_move_needs_a_front_office_role(live_sandbox, client, django_user_model, booked):
    day, booking_id, shown = booked
    client.force_login(django_user_model.objects.create_user("norole", password="x" * 12))
    response = client.post(
        f"/calendar/move/{booking_id}/", _target(day, "14:00", 1, shown["data-move-seen"]), **HX
    )
    assert response.status_code == 403
    assert _row(live_sandbox, booking_id)["start_time"] == "09:00"


def _undo_form(page: str) -> dict:
    form = re.search(r"<form[^>]*data-move-undo>(.*?)</form>", page, re.S)
    assert form, page
    return {
        name: unescape(value)
        for name, value in re.findall(r'name="([a-z_]+)" value="([^"]*)"', form.group(1))
    }


def _moved(client, sandbox, day, booking_id, shown, to: str) -> str:
    response = client.post(
        f"/calendar/move/{booking_id}/",
        _target(day, to, 1, shown["data-move-seen"], submit_token="u" * 24),
        **HX,
    )
    assert response.status_code == 200, response.content.decode()
    assert _row(sandbox, booking_id)["start_time"] == to
    return response.content.decode()


def test_undo_moves_it_back(live_sandbox, reception_client, booked):
    day, booking_id, shown = booked
    page = _moved(reception_client, live_sandbox, day, booking_id, shown, "14:00")
    undo = reception_client.post(f"/calendar/move/{booking_id}/", _undo_form(page), **HX)
    said = unescape(undo.content.decode())
    assert undo.status_code == 200, said
    assert f"Move undone: Bea Booker is back at 09:00 with {_agent_name(live_sandbox, 1)}." in said
    assert "data-move-undo" not in said
    assert _row(live_sandbox, booking_id)["start_time"] == "09:00"


def test_undo_is_refused_when_the_old_slot_was_taken_meanwhile(
    live_sandbox, reception_client, booked
):
    day, booking_id, shown = booked
    page = _moved(reception_client, live_sandbox, day, booking_id, shown, "14:00")
    other = new_booking(live_sandbox, day, "09:00", tag="calendar-move")
    _shown(reception_client, day, booking_id)  # the grid redraws after the move
    try:
        undo = reception_client.post(f"/calendar/move/{booking_id}/", _undo_form(page), **HX)
        said = unescape(undo.content.decode())
        assert undo.status_code == 409
        assert "was taken meanwhile (someone else booked it), so the move cannot be undone" in said
        assert "Bea Booker stays at 14:00 with" in said
        assert _row(live_sandbox, booking_id)["start_time"] == "14:00"
    finally:
        live_sandbox.request("DELETE", f"{API_PREFIX}/bookings/{other}?force=true")


def test_undo_runs_out(live_sandbox, reception_client, booked, settings):
    day, booking_id, shown = booked
    page = _moved(reception_client, live_sandbox, day, booking_id, shown, "14:00")
    settings.CALENDAR_UNDO_SECONDS = 0
    undo = reception_client.post(f"/calendar/move/{booking_id}/", _undo_form(page), **HX)
    assert undo.status_code == 400
    assert "this one has run out" in unescape(undo.content.decode())
    assert _row(live_sandbox, booking_id)["start_time"] == "14:00"
    forged = {**_undo_form(page), "undo": "forged"}
    assert "not one the calendar gave" in unescape(
        reception_client.post(f"/calendar/move/{booking_id}/", forged, **HX).content.decode()
    )


def test_undo_is_for_the_user_who_moved_it(live_sandbox, reception_client, manager, booked):
    day, booking_id, shown = booked
    page = _moved(reception_client, live_sandbox, day, booking_id, shown, "14:00")
    other = Client()
    other.force_login(manager)
    undo = other.post(f"/calendar/move/{booking_id}/", _undo_form(page), **HX)
    assert undo.status_code == 400
    assert "Only the person who made this move can undo it" in unescape(undo.content.decode())
    assert _row(live_sandbox, booking_id)["start_time"] == "14:00"


def test_without_javascript_the_move_is_a_page_and_a_redirect(
    live_sandbox, reception_client, booked
):
    day, booking_id, shown = booked
    page = reception_client.get(
        f"/calendar/move/{booking_id}/", _target(day, "14:00", 1, shown["data-move-seen"])
    )
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert "<h1>Move a booking</h1>" in html
    assert f'action="/calendar/move/{booking_id}/"' in html
    moved = reception_client.post(
        f"/calendar/move/{booking_id}/",
        _target(day, "14:00", 1, shown["data-move-seen"], submit_token="n" * 24),
    )
    assert moved.status_code == 302
    assert moved["Location"] == f"/calendar/?date={day.isoformat()}"
    calendar = unescape(reception_client.get(moved["Location"]).content.decode())
    assert "Moved Bea Booker from 09:00 with" in calendar
    assert _row(live_sandbox, booking_id)["start_time"] == "14:00"


def test_the_confirmation_reads_only_the_agents_free_times(live_sandbox, reception_client, booked):
    day, booking_id, shown = booked  # the calendar of the day was just drawn
    response = reception_client.get(
        f"/calendar/move/{booking_id}/", _target(day, "14:00", 2, shown["data-move-seen"]), **HX
    )
    assert response.status_code == 200
    assert server_timing_calls(response) == 1  # GET /availability: agent 2, that day
