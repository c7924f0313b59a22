"""Every word, number and process as a careful person would leave them (issue 28, "On screen"):
statuses in words, one way to write a phone and a time, names in the audit trail, truthful
filters, and actions that make sense for the booking's moment."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEntry
from bookings.services.booking import NewBooking, create_booking
from bookings.services.free_times import time_label
from bookings.services.overdue import overdue_note
from frontoffice.formatting import format_clock, format_phone, zone_words
from latepoint.client import ANY_AGENT
from latepoint.models import Booking, BookingStatus, Customer
from tests.booking_slots import delete_bookings, free_day, unique_email
from tests.conftest import sandbox_status

API = "/wp-json/latepoint-api/v1"

pytestmark = pytest.mark.django_db


# --- raw codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template", ["bookings/includes/customer_card.html", "bookings/includes/customer_matches.html"]
)
def test_a_customer_status_is_written_in_words(template):
    customer = Customer(id=7, first_name="Ida", last_name="Pending", status="pending_verification")
    html = render_to_string(template, {"customer": customer, "matches": [customer]})
    assert "Pending verification" in html
    assert "Pending_verification" not in html


def _book(user, sandbox, **fields) -> tuple[object, list[int]]:
    """A booking made through the front office's service, on a day of this test's own."""
    day = free_day(sandbox, 1)
    new = NewBooking(service_id=1, agent_id=1, day=day, start_time="10:00", **fields)
    outcome = create_booking(user=user, new=new)
    return outcome, [outcome.record.id] if outcome.done else []


def test_the_audit_trail_keeps_the_names_shown_when_a_booking_is_made(
    live_sandbox, receptionist, manager_client
):
    status, body = live_sandbox.request(
        "POST",
        API + "/customers",
        {"first_name": "Odile", "last_name": "Vance", "email": unique_email("words")},
    )
    assert status == 201, body
    customer_id = int(body["data"]["id"])
    outcome, made = _book(receptionist, live_sandbox, customer_id=customer_id)
    try:
        assert outcome.done
        entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_CREATE)
        booking = outcome.record
        assert entry.customer_name == "Odile Vance"
        assert "Odile Vance" in entry.summary and booking.service.name in entry.summary
        assert booking.agent.display_name in entry.summary
        assert entry.changes["service"] == booking.service.name
        assert entry.changes["agent"] == booking.agent.display_name
        assert "service_id" not in entry.changes and "customer_id" not in entry.changes

        html = manager_client.get("/audit/").content.decode()
        assert f">{escape('Odile Vance')}</a>" in html
        assert f"Customer #{customer_id}" not in html
        assert "service id" not in html and "customer id" not in html
    finally:
        delete_bookings(live_sandbox, made)


def test_a_booking_for_any_agent_not_made_says_any_available_agent(live_sandbox, receptionist):
    day = free_day(live_sandbox, 1)
    new = NewBooking(
        service_id=1,
        agent_id=ANY_AGENT,
        day=day,
        start_time="03:00",  # nobody works then: refused
        customer_id=1,
        customer_name="Shown Name",
    )
    outcome = create_booking(user=receptionist, new=new)
    assert not outcome.done
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BOOKING_CREATE)
    assert entry.customer_name == "Shown Name"
    assert entry.changes["agent"] == "any available agent"
    assert "with any available agent" in entry.summary


def test_an_old_entry_without_a_name_falls_back_to_the_customer_number(manager_client, manager):
    AuditEntry.objects.create(
        username="rita", action=AuditEntry.Action.CHECK_IN, customer_id=99194, summary="x"
    )
    html = manager_client.get("/audit/").content.decode()
    assert "Customer #99194" in html


def test_the_export_page_says_what_it_applied(live_sandbox, manager_client):
    from tests.exports import start_export

    page = manager_client.get(
        start_export(manager_client, "bookings", "search=nobodyzzq")["Location"]
    )
    html = page.content.decode()
    today = timezone.localdate()
    assert f"date from: today, {today:%a} {today:%b} {today.day}, {today.year}" in html

    # A status only a past booking has: no "from today" was applied, and none is claimed.
    page = manager_client.get(
        start_export(manager_client, "bookings", "status=completed&search=nobodyzzq")["Location"]
    )
    assert "date from" not in page.content.decode()
    assert "status: Completed" in page.content.decode()  # in words, as the list says it

    html = manager_client.get("/customers/export.csv").content.decode()
    assert "All customers: no filter." in html
    assert "Every customers" not in html


# --- one way to write each thing --------------------------------------------------------------


def test_one_way_to_write_a_phone(settings):
    settings.FRONTOFFICE_PHONE_REGION = "US"
    for typed in ("+12129102773", "(212) 910-2773", "+1 212-910-2773", "212.910.2773"):
        assert format_phone(typed) == "(212) 910-2773"
    assert format_phone("+44 20 7946 0958") == "+44 20 7946 0958"


def test_one_way_to_write_a_time(settings):
    settings.FRONTOFFICE_CLOCK = "24"
    assert format_clock(time(9, 45)) == "09:45"
    assert time_label(time(9, 45)) == "09:45"  # the free times, as the board
    settings.FRONTOFFICE_CLOCK = "12"
    assert format_clock(time(9, 45)) == "9:45 am"
    assert format_clock(time(0, 5)) == "12:05 am"
    assert time_label(time(14, 5)) == "2:05 pm"
    moment = datetime(2026, 3, 4, 14, 45, tzinfo=UTC)
    assert format_clock(moment) == "9:45 am"  # read on the business's clock (New York)


def test_the_time_zone_is_said_in_words(settings):
    assert zone_words("America/New_York") == "New York time"
    assert zone_words("America/Argentina/Buenos_Aires") == "Buenos Aires time"
    settings.TIME_ZONE = "Europe/Madrid"
    assert zone_words() == "Madrid time"


# --- grammar and sense ---------------------------------------------------------------------------


def _at(days: int, status: BookingStatus, *, hours: int = 0) -> Booking:
    start = timezone.now() + timedelta(days=days, hours=hours)
    return Booking(id=1, status=status, start=start, end=start + timedelta(hours=1))


def test_an_approved_booking_of_a_past_day_says_what_to_do():
    assert overdue_note(_at(-60, BookingStatus.APPROVED)) == (
        "Still approved: complete it or mark a no-show"
    )
    assert overdue_note(_at(-3, BookingStatus.PENDING)) == "Still pending: approve or cancel it"
    assert overdue_note(_at(-3, BookingStatus.COMPLETED)) == ""
    assert overdue_note(_at(2, BookingStatus.APPROVED)) == ""


def test_the_booking_page_of_a_weeks_old_approved_booking(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved", "past")
    html = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert "Still approved: complete it or mark a no-show" in html
    assert "Late by" not in html


def test_a_future_booking_offers_no_complete_nor_no_show(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved", "future")
    html = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    assert 'name="to_status" value="completed"' not in html
    assert "to_status=no_show" not in html
    assert "to_status=cancelled" in html  # cancelling it stays offered
    assert "Complete and No-show are offered once the visit has begun." in html

    for target, extra in (("completed", {}), ("no_show", {"reason": "did-not-show"})):
        response = reception_client.post(
            f"/bookings/{booking_id}/status/", {"to_status": target, "confirmed": "yes", **extra}
        )
        text = response.content.decode()
        assert response.status_code >= 400
        assert "has not started yet" in text
        assert sandbox_status(live_sandbox, booking_id) == "approved"


def test_the_bookings_list_does_not_apply_from_today_to_past_only_statuses(
    live_sandbox, reception_client
):
    with live_sandbox.db() as conn:
        (completed,) = conn.execute(
            "SELECT COUNT(*) FROM sandbox_booking WHERE status = 'completed'"
        ).fetchone()
    html = reception_client.get("/bookings/?status=completed").content.decode()
    # Every completed booking (they are all in the past), not none "from today".
    assert f"{completed} bookings of every date, latest first" in html


def _new_customer(sandbox, last_name: str) -> int:
    status, body = sandbox.request(
        "POST",
        API + "/customers",
        {"first_name": "Tess", "last_name": last_name, "email": unique_email("words")},
    )
    assert status == 201, body
    return int(body["data"]["id"])


def _booking(sandbox, customer_id: int, day, start_time: str, agent="any") -> int | None:
    status, body = sandbox.request(
        "POST",
        API + "/bookings",
        {
            "customer_id": customer_id,
            "service_id": 1,
            "agent_id": agent,
            "start_date": day.isoformat(),
            "start_time": start_time,
            "status": "approved",
        },
    )
    return int(body.get("data", body)["id"]) if status in (200, 201) else None


def test_upcoming_leaves_cancelled_bookings_to_their_tab(live_sandbox, reception_client):
    customer_id = _new_customer(live_sandbox, "Upcoming")
    day = free_day(live_sandbox, 1)
    kept = _booking(live_sandbox, customer_id, day, "09:00", agent=1)
    gone = _booking(live_sandbox, customer_id, day, "11:00", agent=1)
    assert kept and gone
    try:
        status, body = live_sandbox.request(
            "PUT", f"{API}/bookings/{gone}", {"status": "cancelled", "force": True}
        )
        assert status == 200, body
        html = reception_client.get(f"/customers/{customer_id}/").content.decode()
        panel = html.split('id="customer-bookings-panel"', 1)[1].split("</section>", 1)[0]
        assert f'data-booking-id="{kept}"' in panel
        assert f'data-booking-id="{gone}"' not in panel
        assert "1 cancelled booking not listed here: see Cancelled." in panel
    finally:
        delete_bookings(live_sandbox, [kept, gone])


def test_the_profile_shows_a_booking_that_began_earlier_today(live_sandbox, reception_client):
    customer_id = _new_customer(live_sandbox, "Today")
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    made: list[int] = []
    # The sandbox's clock at 07:00 today, so that a booking today is not in its past.
    live_sandbox.set_faults(clock=datetime.combine(today, time(7), zone).isoformat())
    try:
        for hour in range(9, 18):
            booked = _booking(live_sandbox, customer_id, today, f"{hour:02d}:00")
            if booked:
                made.append(booked)
                break
        assert made, "no free time today in the sandbox"
        began = datetime.combine(today, time(hour, 5), zone)
        live_sandbox.set_faults(clock=began.isoformat())  # the visit began 5 minutes ago

        html = reception_client.get(f"/customers/{customer_id}/").content.decode()

        strip = html.split('id="customer-today"', 1)[1].split("</section>", 1)[0]
        assert f'data-booking-id="{made[0]}"' in strip
        assert f"<strong>{format_clock(time(hour))}</strong>" in strip
        assert "Check in" in strip  # its check-in state, where the desk acts on it
    finally:
        live_sandbox.reset_faults()
        delete_bookings(live_sandbox, made)
