"""Checkout from Today: a completed visit with something to pay shows Pay on its row, and a
visit checked in is completed and paid in one step, each write said as it landed."""

from __future__ import annotations

import html
import re
import time

import pytest

from audit.models import AuditEntry
from bookings.models import StatusChange
from checkout.services import PAYMENT_ACTION
from tests.checkout.conftest import (
    booking_payment_status,
    form_token,
    order_payments,
    posts_to_payments,
    unpaid_booking,
)
from tests.conftest import sandbox_status

API = "/wp-json/latepoint-api/v1"


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _row(board: str, booking_id: int) -> str:
    found = re.search(rf'<tr id="today-row-{booking_id}".*?</tr>', board, re.S)
    assert found, f"booking {booking_id} is not on the board"
    return found.group(0)


@pytest.fixture
def arrived(live_sandbox, reception_client):
    """One of today's approved visits with nothing paid, checked in at the desk."""
    visit = unpaid_booking(live_sandbox, "approved", "today")
    response = reception_client.post(f"/bookings/{visit.id}/check-in/")
    assert response.status_code == 302, response.content.decode()[:500]
    return visit


def test_a_completed_visit_with_a_balance_shows_pay_on_its_row(
    live_sandbox, reception_client, move
):
    visit = unpaid_booking(live_sandbox, "approved", "today")
    move(visit.id, "completed")

    board = reception_client.get("/").content.decode()

    row = _row(board, visit.id)
    link = re.search(r'<a class="button primary small" href="([^"]+)" id="pay-\d+">Pay<', row)
    assert link, row
    assert html.unescape(link.group(1)) == f"/bookings/{visit.id}/?pay=1#take-payment"
    page = reception_client.get(f"/bookings/{visit.id}/?pay=1")
    assert re.search(r'id="take-payment"[^>]*autofocus', page.content.decode(), re.S)
    assert f'value="{visit.due:.2f}"' in page.content.decode()


def test_a_paid_or_open_visit_shows_no_pay_button(live_sandbox, reception_client, move):
    paid = unpaid_booking(live_sandbox, "approved", "today")
    move(paid.id, "completed")
    status, body = live_sandbox.request(
        "POST", f"{API}/payments", {"order_id": paid.order_id, "amount": str(paid.due)}
    )
    assert status == 200, body
    waiting = unpaid_booking(live_sandbox, "approved", "today")

    board = reception_client.get("/").content.decode()

    assert f'id="pay-{paid.id}"' not in _row(board, paid.id)
    assert f'id="pay-{waiting.id}"' not in _row(board, waiting.id)  # not arrived yet


def test_an_arrived_visit_offers_complete_and_pay(live_sandbox, reception_client, arrived):
    board = reception_client.get("/").content.decode()
    row = _row(board, arrived.id)
    assert f'id="pay-{arrived.id}">Complete and pay<' in row

    page = reception_client.get(f"/bookings/{arrived.id}/?pay=1").content.decode()

    form = page[page.index('id="take-payment-form"') :]
    buttons = re.findall(r"<button[^>]*>([^<]+)</button>", form)
    assert buttons[:2] == ["Complete and take payment", "Take payment only"]
    assert 'name="complete" value="1" class="primary"' in form
    # One primary button: the status action Complete steps back.
    assert len(re.findall(r'class="primary"', page)) == 1


def test_complete_and_take_payment_is_one_step(live_sandbox, reception_client, arrived):
    page = reception_client.get(f"/bookings/{arrived.id}/").content.decode()
    form = {
        "amount": f"{arrived.due:.2f}",
        "method": "card",
        "complete": "1",
        "submit_token": form_token(page),
    }

    response = reception_client.post(f"/bookings/{arrived.id}/payments/", form)

    assert response.status_code == 302
    assert sandbox_status(live_sandbox, arrived.id) == "completed"
    assert len(order_payments(live_sandbox, arrived.order_id)) == 1
    assert booking_payment_status(live_sandbox, arrived.id) == "paid"
    text = _text(reception_client.get(response["Location"]))
    assert (
        f"Booking {arrived.code} is now completed. Took ${arrived.due:,.2f} by card. Paid in full."
        in text
    )
    assert StatusChange.objects.get(booking_id=arrived.id).to_status == "completed"
    assert AuditEntry.objects.get(action=PAYMENT_ACTION).result == AuditEntry.Result.OK


def test_a_completion_refused_takes_no_payment(live_sandbox, reception_client, arrived):
    page = reception_client.get(f"/bookings/{arrived.id}/").content.decode()
    form = {
        "amount": f"{arrived.due:.2f}",
        "method": "cash",
        "complete": "1",
        "note": "typed",
        "submit_token": form_token(page),
    }
    live_sandbox.set_faults(write_error=500)
    started = time.time()

    response = reception_client.post(f"/bookings/{arrived.id}/payments/", form)

    live_sandbox.reset_faults()
    text = _text(response)
    assert response.status_code == 502
    assert "Not completed:" in text and "No payment was taken." in text
    assert posts_to_payments(live_sandbox, started) == []
    assert sandbox_status(live_sandbox, arrived.id) == "approved"
    assert 'value="typed"' in response.content.decode()


def test_both_lost_answers_are_read_back_and_said(live_sandbox, reception_client, arrived):
    """LatePoint saves the completion and the payment but loses both answers: reading back
    finds each, and the page says both landed."""
    page = reception_client.get(f"/bookings/{arrived.id}/").content.decode()
    form = {
        "amount": f"{arrived.due:.2f}",
        "method": "cash",
        "complete": "1",
        "submit_token": form_token(page),
    }
    live_sandbox.set_faults(write_then_fail=500)

    response = reception_client.post(f"/bookings/{arrived.id}/payments/", form)

    live_sandbox.reset_faults()
    assert response.status_code == 302
    assert sandbox_status(live_sandbox, arrived.id) == "completed"
    assert len(order_payments(live_sandbox, arrived.order_id)) == 1
    text = _text(reception_client.get(response["Location"]))
    assert f"Booking {arrived.code} is now completed." in text
    assert "reading the booking back shows it" in text
    assert "reading the payments back shows it" in text


def test_a_visit_completed_meanwhile_is_paid_without_completing_again(
    live_sandbox, reception_client, arrived, move
):
    page = reception_client.get(f"/bookings/{arrived.id}/").content.decode()
    form = {
        "amount": f"{arrived.due:.2f}",
        "method": "cash",
        "complete": "1",
        "submit_token": form_token(page),
    }
    move(arrived.id, "completed")  # a colleague completed it from another desk

    response = reception_client.post(f"/bookings/{arrived.id}/payments/", form)

    assert response.status_code == 302
    assert len(order_payments(live_sandbox, arrived.order_id)) == 1
    text = _text(reception_client.get(response["Location"]))
    assert f"Took ${arrived.due:,.2f} in cash. Paid in full." in text
    assert "is now completed" not in text
