"""Checking a customer in from their profile: a Check in button on their open booking of today,
"Checked in at HH:MM" once done; and the history's times on the business's clock."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from bookings.models import CheckIn

HTMX = {"HTTP_HX_REQUEST": "true"}


def _owner(sandbox, booking_id: int) -> int:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT customer_id FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()["customer_id"]


def _row(client, customer_id: int, booking_id: int) -> tuple[str, str]:
    """The booking's row on the profile, from the tab that lists it (upcoming, else past), and
    the address of that page."""
    for url in (f"/customers/{customer_id}/", f"/customers/{customer_id}/?tab=past"):
        page = client.get(url).content.decode()
        match = re.search(rf'<tr data-booking-id="{booking_id}">.*?</tr>', page, re.S)
        if match:
            return match.group(0), page
    raise AssertionError(f"booking {booking_id} is on neither tab of customer {customer_id}")


def _strip_item(client, customer_id: int, booking_id: int) -> tuple[str, str]:
    """The booking's line in the profile's Today strip, and the whole page."""
    page = client.get(f"/customers/{customer_id}/").content.decode()
    match = re.search(rf'<li data-booking-id="{booking_id}">.*?</li>', page, re.S)
    assert match, f"booking {booking_id} is not in the Today strip of customer {customer_id}"
    return match.group(0), page


def _only_open_booking_today(sandbox, take_booking) -> tuple[int, int]:
    """An approved booking of today whose customer has no other open booking today."""
    today = timezone.localdate().isoformat()
    for _ in range(20):
        booking_id = take_booking("approved", "today")
        customer_id = _owner(sandbox, booking_id)
        with sandbox.db() as conn:
            open_today = conn.execute(
                "SELECT COUNT(*) FROM sandbox_booking WHERE customer_id = ? AND start_date = ? "
                "AND status IN ('pending', 'approved')",
                (customer_id, today),
            ).fetchone()[0]
        if open_today == 1:
            return booking_id, customer_id
    raise AssertionError("no customer of the sandbox has exactly one open booking today")


def test_an_open_booking_of_today_is_checked_in_from_the_profile(
    live_sandbox, reception_client, take_booking
):
    booking_id, customer_id = _only_open_booking_today(live_sandbox, take_booking)

    item, page = _strip_item(reception_client, customer_id, booking_id)

    assert f'hx-post="/bookings/{booking_id}/check-in/"' in item
    assert f'hx-target="#arrival-action-{booking_id}"' in item
    assert f'name="next" value="/customers/{customer_id}/"' in item
    assert 'role="option"' not in item  # a plain button here, not the quick search's list
    # One Check in for today's open booking (the strip's, not the tab's row too), and none
    # for the customer's other bookings.
    assert len(re.findall(r'hx-post="/bookings/\d+/check-in/"', page)) == 1
    assert page.count(f'id="arrival-action-{booking_id}"') == 1
    row, _page = _row(reception_client, customer_id, booking_id)
    assert "check-in/" not in row

    response = reception_client.post(
        f"/bookings/{booking_id}/check-in/",
        {"next": f"/customers/{customer_id}/"},
        **HTMX,
        HTTP_HX_TARGET=f"arrival-action-{booking_id}",
    )

    assert response.status_code == 200
    checkin = CheckIn.objects.get(booking_id=booking_id)
    when = timezone.localtime(checkin.checked_in_at).strftime("%H:%M")
    slot = response.content.decode()
    assert slot.lstrip().startswith(f'<span id="arrival-action-{booking_id}"')
    chip = '<span class="chip chip-checked-in" data-field="checked-in">'
    assert f"{chip}Checked in at {when} by Rita</span>" in slot
    assert "<tr" not in slot and "<form" not in slot
    assert "board-changed" in json.loads(response["HX-Trigger"])

    item, _page = _strip_item(reception_client, customer_id, booking_id)
    assert f"Checked in at {when} by Rita" in item
    assert "check-in/" not in item
    row, _page = _row(reception_client, customer_id, booking_id)
    assert f"Checked in at {when} by Rita" in row
    assert "check-in/" not in row


def test_without_javascript_the_check_in_comes_back_to_the_profile(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("pending", "today")
    customer_id = _owner(live_sandbox, booking_id)
    item, _page = _strip_item(reception_client, customer_id, booking_id)
    assert f'action="/bookings/{booking_id}/check-in/"' in item

    response = reception_client.post(
        f"/bookings/{booking_id}/check-in/", {"next": f"/customers/{customer_id}/"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer_id}/"
    assert CheckIn.objects.filter(booking_id=booking_id, undone_at__isnull=True).exists()


def test_history_shows_a_check_in_time_on_the_business_clock(
    live_sandbox, reception_client, receptionist
):
    moment = datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
    with live_sandbox.db() as conn:
        customer_id = conn.execute("SELECT id FROM sandbox_customer LIMIT 1").fetchone()["id"]
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CHECK_IN,
        object_type="booking",
        object_id=9004,
        customer_id=customer_id,
        summary="Checked in for booking 9004",
        changes={"checked_in_at": moment.isoformat()},
    )
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    history = page.split('data-field="history"', 1)[1]
    local = timezone.localtime(moment)
    assert f"Checked in at: {local.day} Mar 2026 {local:%H:%M}" in history
    assert moment.isoformat() not in history
