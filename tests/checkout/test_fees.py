"""No-show and late-cancellation fees against the sandbox: recorded in LatePoint as one order
for the customer, never twice; none without the setting; shown on the profile and at the
customer's next check-in; paid from the profile with one payment; a lost answer read back."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from audit.models import AuditEntry
from bookings.services.status import booking_change_status
from checkout.fees import FEE_ACTION, owing_note
from checkout.models import Fee
from checkout.services import PAYMENT_ACTION
from tests.booking_slots import backdate, delete_bookings
from tests.checkout.conftest import form_token, order_payments
from tests.checkout.fee_bookings import customer_id_of, later_booking, spare_open_today
from tests.conftest import _taken, sandbox_status
from upstream import budget

API = "/wp-json/latepoint-api/v1"


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _change(client, booking_id: int, to_status: str, **extra):
    data = {"to_status": to_status, "confirmed": "yes", **extra}
    # A cancellation and a no-show ask why: a reason from the list (bookings.reasons).
    if to_status == "cancelled":
        data.setdefault("reason", "customer-cancelled")
        data.setdefault("reason_text", "Phoned too late to cancel")
    if to_status == "no_show":
        data.setdefault("reason", "did-not-show")
    return client.post(f"/bookings/{booking_id}/status/", data)


def _booking(sandbox, booking_id: int) -> dict:
    with sandbox.db() as conn:
        return dict(
            conn.execute(
                "SELECT id, customer_id, booking_code, start_date, start_time, status "
                "FROM sandbox_booking WHERE id = ?",
                (booking_id,),
            ).fetchone()
        )


def fee_orders(sandbox, customer_id: int, prefix: str = "") -> list[dict]:
    """The customer's orders without a booking (fees), as the sandbox's database holds them."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT o.id, o.confirmation_code, o.total, o.subtotal, o.status, o.payment_status, "
            "o.notes FROM sandbox_order o WHERE o.customer_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM sandbox_orderitem i WHERE i.order_id = o.id) ORDER BY o.id",
            (customer_id,),
        ).fetchall()
    return [dict(r) for r in rows if r["confirmation_code"].startswith(prefix)]


def posts_to_orders(sandbox, since: float) -> list:
    return [r for r in sandbox.requests_since(since) if r[1] == "POST" and r[2].endswith("/orders")]


def _spare(sandbox, where: str, *args) -> int:
    """An approved booking matching `where` that no other test of the session uses."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT b.id FROM sandbox_booking b JOIN sandbox_customer c ON c.id = b.customer_id "  # noqa: S608
            "WHERE b.status = 'approved' AND c.status != 'blocked' AND "
            + where
            + " ORDER BY b.id DESC LIMIT 400",
            args,
        ).fetchall()
    for row in rows:
        if row["id"] not in _taken:
            _taken.add(row["id"])
            return row["id"]
    raise AssertionError("the sandbox has no spare booking for this test")


@pytest.fixture
def no_show_fee(settings):
    settings.FRONTOFFICE_NO_SHOW_FEE = Decimal("25")
    return Decimal("25.00")


@pytest.fixture
def pair(live_sandbox):
    """(an earlier booking to mark no-show, an open booking of today of the same customer):
    the first made for the test on a day of its own, then moved a week back (a no-show is
    for a visit that has begun), deleted afterwards (its fee order stays)."""
    today_id = spare_open_today(live_sandbox)
    later = later_booking(live_sandbox, customer_id_of(live_sandbox, today_id))
    backdate(live_sandbox, later)
    yield later, today_id
    delete_bookings(live_sandbox, [later])


def test_a_no_show_records_one_fee_order_even_when_the_form_is_sent_twice(
    live_sandbox, reception_client, take_booking, no_show_fee
):
    booking_id = take_booking("approved", "past")
    booking = _booking(live_sandbox, booking_id)
    started = time.time()

    first = _change(reception_client, booking_id, "no_show", seen_status="approved")
    shown = reception_client.get(first["Location"]).content.decode()
    second = _change(reception_client, booking_id, "no_show", seen_status="approved")

    assert first.status_code == 302
    assert second.status_code == 409  # already a no-show: nothing sent again
    # The desk is told the fee was recorded, with the status change.
    assert "is now a no-show. No-show fee of $25.00 recorded in LatePoint" in unescape(shown)
    assert sandbox_status(live_sandbox, booking_id) == "no_show"
    orders = fee_orders(live_sandbox, booking["customer_id"], f"NSF-{booking_id}")
    assert len(orders) == 1
    order = orders[0]
    assert Decimal(str(order["total"])) == Decimal("25.00")
    assert Decimal(str(order["subtotal"])) == Decimal("25.00")
    assert (order["status"], order["payment_status"]) == ("open", "not_paid")
    day = date_format(timezone.datetime.fromisoformat(booking["start_date"]), "j M Y")
    assert order["notes"] == f"No-show fee for booking {booking['booking_code']} on {day}"
    assert len(posts_to_orders(live_sandbox, started)) == 1
    fee = Fee.objects.get(booking_id=booking_id)
    assert (fee.state, fee.order_id, fee.amount) == ("recorded", order["id"], Decimal("25.00"))
    entry = AuditEntry.objects.get(action=FEE_ACTION, object_id=str(booking_id))
    assert entry.result == AuditEntry.Result.OK
    assert entry.customer_id == booking["customer_id"]
    assert "No-show fee of $25.00" in entry.summary


def test_marked_no_show_again_after_being_reinstated_is_not_charged_again(
    live_sandbox, manager, take_booking, no_show_fee
):
    booking_id = take_booking("approved", "past")
    customer_id = _booking(live_sandbox, booking_id)["customer_id"]
    first = booking_change_status(user=manager, booking_id=booking_id, to_status="no_show")
    assert first.done
    assert first.message.startswith(
        f"No-show fee of $25.00 recorded in LatePoint (order NSF-{booking_id})"
    )
    assert "owes it until it is paid" in first.message
    back = booking_change_status(user=manager, booking_id=booking_id, to_status="approved")
    assert back.done and back.message == ""
    started = time.time()

    again = booking_change_status(user=manager, booking_id=booking_id, to_status="no_show")

    assert again.done
    assert again.message == (
        f"A no-show fee was already recorded for this booking (order NSF-{booking_id}): "
        "not charged again."
    )
    assert posts_to_orders(live_sandbox, started) == []
    assert len(fee_orders(live_sandbox, customer_id, f"NSF-{booking_id}")) == 1


def test_without_the_setting_a_no_show_records_no_fee(
    live_sandbox, reception_client, take_booking, settings
):
    settings.FRONTOFFICE_NO_SHOW_FEE = None
    booking_id = take_booking("approved", "past")
    customer_id = _booking(live_sandbox, booking_id)["customer_id"]
    started = time.time()

    response = _change(reception_client, booking_id, "no_show")

    assert response.status_code == 302
    assert sandbox_status(live_sandbox, booking_id) == "no_show"
    assert posts_to_orders(live_sandbox, started) == []
    assert fee_orders(live_sandbox, customer_id, f"NSF-{booking_id}") == []
    assert not Fee.objects.filter(booking_id=booking_id).exists()
    assert not AuditEntry.objects.filter(action=FEE_ACTION).exists()


def test_a_late_cancellation_inside_the_window_is_charged_and_outside_is_not(
    live_sandbox, reception_client, settings
):
    settings.FRONTOFFICE_LATE_CANCEL_FEE = Decimal("15.50")
    settings.FRONTOFFICE_LATE_CANCEL_HOURS = 24
    today = timezone.localdate()
    inside = _spare(live_sandbox, "b.start_date = ?", today.isoformat())
    outside = _spare(live_sandbox, "b.start_date >= ?", (today + timedelta(days=3)).isoformat())
    started = time.time()

    for booking_id in (inside, outside):
        response = _change(reception_client, booking_id, "cancelled", seen_status="approved")
        assert response.status_code == 302
        assert sandbox_status(live_sandbox, booking_id) == "cancelled"

    charged = fee_orders(live_sandbox, _booking(live_sandbox, inside)["customer_id"], "LCF-")
    charged = [o for o in charged if o["confirmation_code"] == f"LCF-{inside}"]
    assert len(charged) == 1
    assert Decimal(str(charged[0]["total"])) == Decimal("15.50")
    assert charged[0]["notes"].startswith("Late cancellation fee for booking ")
    customer = _booking(live_sandbox, outside)["customer_id"]
    assert fee_orders(live_sandbox, customer, f"LCF-{outside}") == []
    assert len(posts_to_orders(live_sandbox, started)) == 1
    assert not Fee.objects.filter(booking_id=outside).exists()


def test_the_fee_shows_on_the_profile_and_at_the_next_check_in(
    live_sandbox, reception_client, pair, no_show_fee
):
    later, today_id = pair
    booking = _booking(live_sandbox, later)
    customer_id = booking["customer_id"]
    assert _change(reception_client, later, "no_show").status_code == 302
    order = fee_orders(live_sandbox, customer_id, f"NSF-{later}")[0]

    panel = reception_client.get(f"/customers/{customer_id}/money/", HTTP_HX_REQUEST="true")

    assert panel.status_code == 200
    row = re.search(
        rf'<tr data-order-id="{order["id"]}">.*?</tr>', panel.content.decode(), re.S
    ).group(0)
    assert "No-show fee" in row
    assert f"Booking {booking['booking_code']}" in row
    assert re.search(r'data-field="due"><strong>\$25\.00</strong>', row)
    assert f'href="/customers/{customer_id}/fees/{order["id"]}/pay/"' in row

    checked = reception_client.post(f"/bookings/{today_id}/check-in/", follow=True)

    text = _text(checked)
    assert "Checked in." in text
    day = date_format(timezone.datetime.fromisoformat(booking["start_date"]), "j M")
    assert f"Owes $25.00 (no-show fee, {day})." in text
    assert 'class="message message-warning"' in checked.content.decode()


def test_the_check_in_slot_says_what_the_customer_owes(
    live_sandbox, reception_client, pair, no_show_fee
):
    later, today_id = pair
    assert _change(reception_client, later, "no_show").status_code == 302

    slot = reception_client.post(
        f"/bookings/{today_id}/check-in/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"arrival-action-{today_id}",
    )

    assert slot.status_code == 200
    assert "Owes $25.00 (no-show fee," in _text(slot)


def test_paying_the_fee_leaves_one_payment_on_the_fee_order(
    live_sandbox, reception_client, pair, no_show_fee
):
    later, today_id = pair
    customer_id = _booking(live_sandbox, later)["customer_id"]
    assert _change(reception_client, later, "no_show").status_code == 302
    order = fee_orders(live_sandbox, customer_id, f"NSF-{later}")[0]
    url = f"/customers/{customer_id}/fees/{order['id']}/pay/"
    page = reception_client.get(url)
    assert page.status_code == 200
    assert 'value="25.00"' in page.content.decode()
    form = {
        "amount": "25.00",
        "method": "card",
        "note": "Paid by phone",
        "submit_token": form_token(page.content.decode(), "take-payment"),
    }

    first = reception_client.post(url, form)
    second = reception_client.post(url, form)  # a double click: lands on the first

    assert first.status_code == 302
    assert first["Location"] == f"/customers/{customer_id}/?money=1#customer-money"
    assert second.status_code == 302
    stored = order_payments(live_sandbox, order["id"])
    assert len(stored) == 1
    assert Decimal(str(stored[0]["amount"])) == Decimal("25.00")
    assert (stored[0]["payment_method"], stored[0]["status"]) == ("credit_card", "succeeded")
    assert stored[0]["token"] == form["submit_token"]
    assert fee_orders(live_sandbox, customer_id, f"NSF-{later}")[0]["payment_status"] == (
        "fully_paid"
    )
    profile = reception_client.get(first["Location"])
    text = _text(profile)
    assert "Took $25.00 by card for the no-show fee. Paid in full." in text
    assert f'<tr data-order-id="{order["id"]}">' not in profile.content.decode()
    assert owing_note(customer_id) == ""
    entry = AuditEntry.objects.get(action=PAYMENT_ACTION, object_id=str(order["id"]))
    assert entry.result == AuditEntry.Result.OK
    assert entry.changes["payment_id"] == stored[0]["id"]

    checked = reception_client.post(f"/bookings/{today_id}/check-in/", follow=True)
    assert "Owes" not in _text(checked)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter the amount."),
        ("abc", "Enter an amount in numbers, like 75 or 75.50."),
        ("-5", "Enter an amount more than zero."),
        ("0", "Enter an amount more than zero."),
        ("10.005", "Use at most two decimals (cents), like 75.50."),
        ("30", "That is more than the $25.00 due. Enter at most $25.00."),
    ],
)
def test_a_bad_amount_gets_a_field_message_and_nothing_is_sent(
    live_sandbox, reception_client, take_booking, no_show_fee, amount, message
):
    booking_id = take_booking("approved", "past")
    customer_id = _booking(live_sandbox, booking_id)["customer_id"]
    assert _change(reception_client, booking_id, "no_show").status_code == 302
    order = fee_orders(live_sandbox, customer_id, f"NSF-{booking_id}")[0]
    url = f"/customers/{customer_id}/fees/{order['id']}/pay/"
    token = form_token(reception_client.get(url).content.decode(), "take-payment")
    started = time.time()

    response = reception_client.post(
        url, {"amount": amount, "method": "cash", "note": "kept", "submit_token": token}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in html.unescape(page)
    assert 'aria-invalid="true"' in page
    assert f'value="{amount}"' in page and 'value="kept"' in page  # what was typed is kept
    assert [r for r in live_sandbox.requests_since(started) if r[1] == "POST"] == []
    assert order_payments(live_sandbox, order["id"]) == []


def test_a_lost_answer_on_the_fee_write_is_found_by_reading_back(
    live_sandbox, manager, take_booking, no_show_fee
):
    booking_id = take_booking("approved", "past")
    customer_id = _booking(live_sandbox, booking_id)["customer_id"]
    live_sandbox.set_faults(write_then_fail=503)  # every write is applied, its answer lost

    outcome = booking_change_status(user=manager, booking_id=booking_id, to_status="no_show")

    live_sandbox.reset_faults()
    assert outcome.done and outcome.confirmed_after_failure
    assert f"No-show fee of $25.00 recorded in LatePoint (order NSF-{booking_id})" in (
        outcome.message
    )
    assert "reading the customer's orders back shows it" in outcome.message
    orders = fee_orders(live_sandbox, customer_id, f"NSF-{booking_id}")
    assert len(orders) == 1
    fee = Fee.objects.get(booking_id=booking_id)
    assert (fee.state, fee.order_id) == ("recorded", orders[0]["id"])
    entry = AuditEntry.objects.get(action=FEE_ACTION, object_id=str(booking_id))
    assert entry.result == AuditEntry.Result.OK
    assert "confirmed by reading it back" in entry.summary


def test_a_fee_latepoint_refuses_is_said_shown_and_sent_again_next_time(
    live_sandbox, manager, reception_client, take_booking, no_show_fee
):
    booking_id = take_booking("approved", "past")
    customer_id = _booking(live_sandbox, booking_id)["customer_id"]
    started = time.time()
    # The key's minute allows the change (its fresh read and its write), not the fee.
    live_sandbox.set_faults(rate_limit=2)

    outcome = booking_change_status(user=manager, booking_id=booking_id, to_status="no_show")

    live_sandbox.reset_faults()
    budget.reset()  # the front office waits out LatePoint's 429 before its next call
    assert outcome.done
    assert sandbox_status(live_sandbox, booking_id) == "no_show"
    assert outcome.message == (
        "No-show fee of $25.00 not recorded (LatePoint is busy). The customer owes nothing "
        "for it in LatePoint: add it there if it is due."
    )
    assert fee_orders(live_sandbox, customer_id, f"NSF-{booking_id}") == []
    assert [r[3] for r in posts_to_orders(live_sandbox, started)] == [429]
    fee = Fee.objects.get(booking_id=booking_id)
    assert fee.state == "not_recorded"
    assert owing_note(customer_id) == ""
    entry = AuditEntry.objects.get(action=FEE_ACTION, object_id=str(booking_id))
    assert entry.result == AuditEntry.Result.FAILED
    panel = reception_client.get(f"/customers/{customer_id}/money/", HTTP_HX_REQUEST="true")
    assert "not recorded in LatePoint" in _text(panel)

    # Reinstated, then a no-show again: this time the fee is sent, once.
    assert booking_change_status(user=manager, booking_id=booking_id, to_status="approved").done
    again = booking_change_status(user=manager, booking_id=booking_id, to_status="no_show")

    assert again.message.startswith(
        f"No-show fee of $25.00 recorded in LatePoint (order NSF-{booking_id})"
    )
    assert len(fee_orders(live_sandbox, customer_id, f"NSF-{booking_id}")) == 1


def test_a_no_show_of_unknown_outcome_charges_no_fee(
    live_sandbox, manager, take_booking, no_show_fee
):
    booking_id = take_booking("approved", "past")
    started = time.time()
    # The change is saved, then LatePoint stops answering: nobody can say it landed.
    live_sandbox.set_faults(write_then_fail=503, down_after_write=True)

    outcome = booking_change_status(user=manager, booking_id=booking_id, to_status="no_show")

    live_sandbox.reset_faults()
    assert outcome.unknown
    assert posts_to_orders(live_sandbox, started) == []
    assert not Fee.objects.filter(booking_id=booking_id).exists()


def test_a_check_in_on_the_board_says_who_owes_what_beside_the_row(
    live_sandbox, reception_client, pair, no_show_fee
):
    later, today_id = pair
    assert _change(reception_client, later, "no_show").status_code == 302

    row = reception_client.post(
        f"/bookings/{today_id}/check-in/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"today-row-{today_id}",
    )

    assert row.status_code == 200
    page = row.content.decode()
    assert page.lstrip().startswith("<tr")  # the row first, then the message out of band
    assert '<div id="messages" hx-swap-oob="innerHTML">' in page
    assert re.search(r"checked in\. Owes \$25\.00 \(no-show fee, \d+ \w+\)\.", _text(row))
