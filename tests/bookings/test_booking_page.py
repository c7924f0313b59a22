"""The booking page as a receptionist reads it: phone numbers written as on every other screen,
and one primary button, the action the booking is waiting for."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.conftest import _taken

pytestmark = pytest.mark.django_db


def booking_with_e164_phone(sandbox, status: str, when: str) -> tuple[int, str]:
    """A booking of this test's own whose customer's phone LatePoint holds as "+15125442223"."""
    today = timezone.localdate().isoformat()
    day = {"today": "b.start_date = ?", "future": "b.start_date > ?", "past": "b.start_date < ?"}[
        when
    ]
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT b.id, c.phone FROM sandbox_booking b JOIN sandbox_customer c "  # noqa: S608
            "ON c.id = b.customer_id WHERE b.status = ? AND c.phone GLOB '+1[0-9]*' "
            f"AND length(c.phone) = 12 AND {day} ORDER BY b.id DESC LIMIT 200",
            (status, today),
        ).fetchall()
    for row in rows:
        if row["id"] not in _taken:
            _taken.add(row["id"])
            return row["id"], row["phone"]
    raise AssertionError(f"the sandbox has no spare {when} {status} booking with such a phone")


def primary_buttons(html: str) -> list[str]:
    main = html.split('<main id="main"', 1)[1]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(
            r'<(?:button|a)\b[^>]*class="(?:button )?primary[^"]*"[^>]*>(.*?)</(?:button|a)>',
            main,
            re.S,
        )
    ]


def test_the_customers_phone_is_formatted_as_on_the_profile(live_sandbox, reception_client):
    booking_id, raw = booking_with_e164_phone(live_sandbox, "approved", "future")
    html = reception_client.get(f"/bookings/{booking_id}/").content.decode()

    # As the profile shows it: "+15125442223" -> "(512) 544-2223" (the business's own region).
    shown = f"({raw[2:5]}) {raw[5:8]}-{raw[8:]}"
    assert f'<a href="tel:{raw}">{shown}</a>' in html
    assert f">{raw}<" not in html  # never the raw "+15125442223"


def test_one_primary_button_the_action_the_booking_waits_for(live_sandbox, reception_client):
    booking_id, _ = booking_with_e164_phone(live_sandbox, "approved", "today")
    with live_sandbox.db() as conn:
        (begins,) = conn.execute(
            "SELECT start_time FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()
    started = begins <= timezone.localtime().strftime("%H:%M")
    html = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    # On the day: the arrival first; Complete only once the visit has begun.
    assert primary_buttons(html) == ["Check in"]
    complete = re.search(r'<button type="submit" class="">Complete</button>', html)
    assert bool(complete) is started

    # Once checked in, completing the booking is what it waits for (and taking its payment in
    # the same step, when some is due: the status action Complete then steps back).
    reception_client.post(f"/bookings/{booking_id}/check-in/", {"next": ""})
    html = reception_client.get(f"/bookings/{booking_id}/").content.decode()
    due = 'id="take-payment-form"' in html
    assert primary_buttons(html) == ["Complete and take payment" if due else "Complete"]

    # On a past day there is no check-in: the status change is the main action.
    other_day, _ = booking_with_e164_phone(live_sandbox, "approved", "past")
    html = reception_client.get(f"/bookings/{other_day}/").content.decode()
    assert primary_buttons(html) == ["Complete"]
