"""Refunds on the booking page: managers only (enforced by the view), with a reason, at most
what was paid less what was refunded, sent once and shown on the booking."""

from __future__ import annotations

import html
import re
import time
from decimal import Decimal

import pytest
from django.test import Client

from audit.models import AuditEntry
from checkout.services import REFUND_ACTION
from tests.checkout.conftest import (
    booking_payment_status,
    form_token,
    order_payments,
    posts_to_payments,
)


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def desk(receptionist) -> Client:
    client = Client()
    client.force_login(receptionist)
    return client


@pytest.fixture
def office(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def paid_visit(live_sandbox, desk, unpaid_visit):
    """The visit, paid in full by card at the desk."""
    page = desk.get(f"/bookings/{unpaid_visit.id}/").content.decode()
    form = {"amount": f"{unpaid_visit.due:.2f}", "method": "card", "submit_token": form_token(page)}
    assert desk.post(f"/bookings/{unpaid_visit.id}/payments/", form).status_code == 302
    assert booking_payment_status(live_sandbox, unpaid_visit.id) == "paid"
    return unpaid_visit


def _refund_form(client, visit, **values) -> dict:
    page = client.get(f"/bookings/{visit.id}/?refund=1")
    content = page.content.decode()
    assert re.search(r'id="refund-amount"[^>]*autofocus', content, re.S)
    form = {"amount": "10.00", "method": "card", "reason": "Treatment cut short"}
    form["submit_token"] = form_token(content, "refund")
    form.update(values)
    return form


def test_a_managers_refund_is_in_latepoint_and_on_the_booking(live_sandbox, office, paid_visit):
    form = _refund_form(office, paid_visit)
    started = time.time()

    response = office.post(f"/bookings/{paid_visit.id}/refunds/", form)

    assert response.status_code == 302
    refunds = [
        p for p in order_payments(live_sandbox, paid_visit.order_id) if p["kind"] == "refund"
    ]
    assert len(refunds) == 1
    assert Decimal(str(refunds[0]["amount"])) == Decimal("10.00")
    assert refunds[0]["notes"] == "Treatment cut short"
    assert refunds[0]["payment_method"] == "credit_card"
    assert len(posts_to_payments(live_sandbox, started)) == 1
    assert booking_payment_status(live_sandbox, paid_visit.id) == "partially_refunded"

    page = office.get(response["Location"])
    text = _text(page)
    assert "Refunded $10.00 by card." in text
    assert 'id="payment-state">Partly refunded<' in page.content.decode()
    assert re.search(r"Refunded</dt>\s*<dd>\$10\.00</dd>", page.content.decode())
    table = html.unescape(
        re.search(r'<table class="payments-table">.*?</table>', page.content.decode(), re.S).group(
            0
        )
    )
    assert "Refund" in table and "Treatment cut short" in table and "\u2212$10.00" in table
    assert "Max" in table  # who gave it
    entry = AuditEntry.objects.get(action=REFUND_ACTION)
    assert entry.result == AuditEntry.Result.OK
    assert entry.changes["reason"] == "Treatment cut short"
    assert entry.changes["amount"] == "10.00"


def test_the_refund_form_offers_what_can_be_refunded(office, paid_visit):
    page = office.get(f"/bookings/{paid_visit.id}/").content.decode()
    assert f'href="/bookings/{paid_visit.id}/?refund=1#refund-amount">Refund' in page
    assert 'id="refund"' not in page  # opened on demand
    page = office.get(f"/bookings/{paid_visit.id}/?refund=1").content.decode()

    form = page[page.index('id="refund"') :]
    assert f'value="{paid_visit.due:.2f}"' in form
    assert f"At most ${paid_visit.due:,.2f}" in html.unescape(form)
    assert re.search(r'id="refund-method-card"[^>]*checked', form)


def test_a_receptionist_cannot_refund(live_sandbox, desk, paid_visit):
    page = desk.get(f"/bookings/{paid_visit.id}/").content.decode()
    assert "/refunds/" not in page
    started = time.time()

    response = desk.post(
        f"/bookings/{paid_visit.id}/refunds/",
        {"amount": "5", "method": "cash", "reason": "x", "submit_token": "a" * 24},
    )

    assert response.status_code == 403
    assert posts_to_payments(live_sandbox, started) == []
    assert desk.get(f"/bookings/{paid_visit.id}/refunds/").status_code == 403
    assert 'id="refund"' not in desk.get(f"/bookings/{paid_visit.id}/?refund=1").content.decode()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": "1000"}, "amount", "can be refunded: what was paid, less what was already"),
        ({"amount": "-1"}, "amount", "Enter an amount more than zero."),
        ({"amount": "abc"}, "amount", "Enter an amount in numbers"),
        ({"amount": "1.001"}, "amount", "Use at most two decimals"),
        ({"reason": "  "}, "reason", "Say why the money is refunded."),
    ],
)
def test_a_bad_refund_gets_a_field_message_and_nothing_is_sent(
    live_sandbox, office, paid_visit, values, field, message
):
    form = _refund_form(office, paid_visit, **values)
    started = time.time()

    response = office.post(f"/bookings/{paid_visit.id}/refunds/", form)

    assert response.status_code == 400
    content = response.content.decode()
    error = re.search(rf'<p class="errorlist" id="refund-{field}-error">([^<]+)</p>', content)
    assert error and message in html.unescape(error.group(1))
    assert f'id="refund-{field}"' in content and 'id="refund"' in content  # the form stays open
    assert re.search(rf'id="refund-{field}"[^>]*autofocus', content, re.S)
    assert posts_to_payments(live_sandbox, started) == []


def test_a_refund_whose_answer_is_lost_is_read_back_and_sent_once(live_sandbox, office, paid_visit):
    form = _refund_form(office, paid_visit, amount="5.00")
    live_sandbox.set_faults(write_then_fail=502)

    response = office.post(f"/bookings/{paid_visit.id}/refunds/", form)
    again = office.post(f"/bookings/{paid_visit.id}/refunds/", form)

    live_sandbox.reset_faults()
    refunds = [
        p for p in order_payments(live_sandbox, paid_visit.order_id) if p["kind"] == "refund"
    ]
    assert len(refunds) == 1
    assert response.status_code == again.status_code == 302
    text = _text(office.get(response["Location"]))
    assert "Refunded $5.00 by card." in text
    assert "reading the payments back shows it" in text
    assert "This refund was already sent." in text
    entry = AuditEntry.objects.get(action=REFUND_ACTION)
    assert "confirmed by reading it back" in entry.summary


def test_refunding_needs_the_csrf_token(live_sandbox, manager, paid_visit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    form = _refund_form(client, paid_visit)
    started = time.time()

    response = client.post(f"/bookings/{paid_visit.id}/refunds/", form)

    assert response.status_code == 403
    assert posts_to_payments(live_sandbox, started) == []


def test_nothing_paid_nothing_to_refund(live_sandbox, office, unpaid_visit):
    page = office.get(f"/bookings/{unpaid_visit.id}/?refund=1").content.decode()
    assert 'id="refund"' not in page and "Refund…" not in page
    started = time.time()

    response = office.post(
        f"/bookings/{unpaid_visit.id}/refunds/",
        {"amount": "5", "method": "cash", "reason": "x", "submit_token": "b" * 24},
    )

    assert response.status_code == 409
    assert "there is nothing to refund" in _text(response)
    assert posts_to_payments(live_sandbox, started) == []
