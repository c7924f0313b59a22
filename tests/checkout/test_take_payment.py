"""Taking a payment on the booking page, against the sandbox: what the desk sees is what
LatePoint holds. One payment per form, never two; a lost answer is read back before anything
is said; bad amounts are refused before anything is sent."""

from __future__ import annotations

import html
import re
import time
from decimal import Decimal

import pytest
from django.test import Client

from audit.models import AuditEntry
from checkout.services import PAYMENT_ACTION
from tests.checkout.conftest import (
    booking_payment_status,
    form_token,
    order_payments,
    posts_to_payments,
)


def _form(client, visit, **values) -> dict:
    page = client.get(f"/bookings/{visit.id}/")
    assert page.status_code == 200
    form = {"amount": f"{visit.due:.2f}", "method": "cash", "note": "", "tip": ""}
    form["submit_token"] = form_token(page.content.decode())
    form.update(values)
    return form


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_the_booking_page_shows_the_balance_and_the_take_payment_form(
    live_sandbox, reception_client, unpaid_visit
):
    page = reception_client.get(f"/bookings/{unpaid_visit.id}/?pay=1")

    text = _text(page)
    assert page.status_code == 200
    assert "Price and payment" in text
    assert re.search(
        r"Balance due</dt>\s*<dd[^>]*><strong>\$[\d,]+\.\d\d</strong>", page.content.decode()
    )
    assert f"Balance due: ${unpaid_visit.due:,.2f}." in text
    assert 'id="payment-state">Not paid<' in page.content.decode()
    assert "Nothing paid yet." in text
    assert f'value="{unpaid_visit.due:.2f}"' in page.content.decode()
    assert re.search(r'id="take-payment"[^>]*autofocus', page.content.decode(), re.S)
    for method in ("cash", "card", "other"):
        assert f'name="method" value="{method}"' in page.content.decode()
    # A receptionist does not see the refund form.
    assert "/refunds/" not in page.content.decode()


def test_paying_the_balance_leaves_one_payment_and_the_booking_paid(
    live_sandbox, reception_client, unpaid_visit
):
    form = _form(reception_client, unpaid_visit, note="Paid at the desk")
    started = time.time()

    response = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    assert response.status_code == 302
    assert response["Location"] == f"/bookings/{unpaid_visit.id}/"
    stored = order_payments(live_sandbox, unpaid_visit.order_id)
    assert len(stored) == 1
    assert Decimal(str(stored[0]["amount"])) == unpaid_visit.due
    assert (stored[0]["kind"], stored[0]["status"]) == ("capture", "succeeded")
    assert stored[0]["payment_method"] == "cash"
    assert stored[0]["token"] == form["submit_token"]
    assert stored[0]["notes"] == "Paid at the desk"
    assert booking_payment_status(live_sandbox, unpaid_visit.id) == "paid"
    assert len(posts_to_payments(live_sandbox, started)) == 1

    page = reception_client.get(response["Location"])
    text = _text(page)
    assert f"Took ${unpaid_visit.due:,.2f} in cash. Paid in full." in text
    assert 'id="payment-state">Paid<' in page.content.decode()
    assert "Nothing paid yet." not in text
    # The payment is listed: its method, who took it, its receipt and its note.
    row = re.search(r'<table class="payments-table">.*?</table>', page.content.decode(), re.S)
    table = html.unescape(row.group(0))
    assert "Cash" in table and "Rita" in table and "Paid at the desk" in table
    assert stored[0]["receipt_number"] and stored[0]["receipt_number"] in table
    assert f"${unpaid_visit.due:,.2f}" in table
    assert 'id="take-payment-form"' not in page.content.decode()
    entry = AuditEntry.objects.get(action=PAYMENT_ACTION)
    assert entry.result == AuditEntry.Result.OK
    assert entry.object_id == str(unpaid_visit.id)
    assert entry.changes["payment_id"] == stored[0]["id"]
    assert entry.changes["method"] == "cash"
    assert entry.changes["amount"] == f"{unpaid_visit.due:.2f}"
    assert entry.customer_id == unpaid_visit.customer_id


def test_the_same_form_sent_twice_takes_one_payment(live_sandbox, reception_client, unpaid_visit):
    form = _form(reception_client, unpaid_visit, amount="10.00", method="card")

    first = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)
    second = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    stored = order_payments(live_sandbox, unpaid_visit.order_id)
    assert len(stored) == 1
    assert stored[0]["payment_method"] == "credit_card"
    assert first.status_code == second.status_code == 302
    assert second["Location"] == f"/bookings/{unpaid_visit.id}/"
    page = _text(reception_client.get(second["Location"]))
    assert "This payment was already sent." in page
    assert f"${unpaid_visit.due - Decimal('10'):,.2f} still due" in page
    assert (
        'id="payment-state">Partly paid<'
        in reception_client.get(f"/bookings/{unpaid_visit.id}/").content.decode()
    )
    assert booking_payment_status(live_sandbox, unpaid_visit.id) == "partially_paid"


def test_a_payment_whose_answer_is_lost_is_read_back_and_reported_taken(
    live_sandbox, reception_client, unpaid_visit
):
    form = _form(reception_client, unpaid_visit)
    live_sandbox.set_faults(write_then_fail=500)

    response = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    live_sandbox.reset_faults()
    stored = order_payments(live_sandbox, unpaid_visit.order_id)
    assert len(stored) == 1
    assert response.status_code == 302
    page = _text(reception_client.get(response["Location"]))
    assert f"Took ${unpaid_visit.due:,.2f} in cash. Paid in full." in page
    assert "LatePoint's answer was lost; reading the payments back shows it." in page
    entry = AuditEntry.objects.get(action=PAYMENT_ACTION)
    assert entry.result == AuditEntry.Result.OK
    assert "confirmed by reading it back" in entry.summary


def test_a_lost_answer_with_latepoint_gone_is_unknown_and_never_sent_again(
    live_sandbox, reception_client, unpaid_visit
):
    """Saved, then LatePoint went down: the desk is told it may or may not have gone through,
    and what to check. Sent again while it is down, nothing is sent; once it is back, the form
    lands on the payment it made."""
    form = _form(reception_client, unpaid_visit, note="Keep this note")
    url = f"/bookings/{unpaid_visit.id}/payments/"
    live_sandbox.set_faults(write_then_fail=500, down_after_write=True)
    started = time.time()

    first = reception_client.post(url, form)
    still_down = reception_client.post(url, form)

    sent = posts_to_payments(live_sandbox, started)
    live_sandbox.reset_faults()
    assert len(sent) == 1  # the resend while LatePoint was down sent nothing
    for answer in (first, still_down):
        text = _text(answer)
        assert answer.status_code in (502, 503), answer.status_code
        assert "may or may not have gone through" in text or "may have made the payment" in text
        assert "Check the booking's payments before trying again." in text
        assert "No payment was taken" not in text and "no payment was taken" not in text
        assert 'value="Keep this note"' in answer.content.decode()  # what was typed is kept
    assert "The payment was sent, but" in _text(first)
    back = reception_client.post(url, form)
    assert back.status_code == 302
    assert len(order_payments(live_sandbox, unpaid_visit.order_id)) == 1
    page = _text(reception_client.get(back["Location"]))
    assert "Paid in full." in page
    results = list(
        AuditEntry.objects.filter(action=PAYMENT_ACTION)
        .order_by("id")
        .values_list("result", flat=True)
    )
    assert results[0] == AuditEntry.Result.UNKNOWN and results[-1] == AuditEntry.Result.OK


def test_a_payment_latepoint_refuses_is_said_not_taken_and_keeps_what_was_typed(
    live_sandbox, reception_client, unpaid_visit
):
    form = _form(reception_client, unpaid_visit, note="Second visit", method="other")
    live_sandbox.set_faults(write_error=500)

    refused = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    live_sandbox.reset_faults()
    text = _text(refused)
    assert refused.status_code == 502
    assert "no payment was taken" in text
    assert order_payments(live_sandbox, unpaid_visit.order_id) == []
    assert 'value="Second visit"' in refused.content.decode()
    assert re.search(r'value="other"\s+required checked', refused.content.decode())
    assert AuditEntry.objects.get(action=PAYMENT_ACTION).result == AuditEntry.Result.FAILED
    # Known not taken: the same form may be sent again, and takes it.
    again = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)
    assert again.status_code == 302
    assert len(order_payments(live_sandbox, unpaid_visit.order_id)) == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "Enter an amount more than zero."),
        ("0", "Enter an amount more than zero."),
        ("0.00", "Enter an amount more than zero."),
        ("ten", "Enter an amount in numbers, like 75 or 75.50."),
        ("12.345", "Use at most two decimals (cents), like 75.50."),
        ("", "Enter the amount."),
        ("1e3", "Enter an amount in numbers, like 75 or 75.50."),
    ],
)
def test_a_bad_amount_gets_a_field_message_and_nothing_is_sent(
    live_sandbox, reception_client, unpaid_visit, amount, message
):
    form = _form(reception_client, unpaid_visit, amount=amount, note="kept")
    started = time.time()

    response = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    assert response.status_code == 400
    content = response.content.decode()
    assert f'<p class="errorlist" id="pay-amount-error">{html.escape(message)}</p>' in content
    assert re.search(r'id="take-payment"[^>]*aria-invalid="true"[^>]*autofocus', content, re.S)
    assert 'value="kept"' in content
    assert posts_to_payments(live_sandbox, started) == []
    assert order_payments(live_sandbox, unpaid_visit.order_id) == []


def test_more_than_the_balance_is_refused_unless_entered_as_a_tip(
    live_sandbox, reception_client, unpaid_visit
):
    over = f"{unpaid_visit.due + Decimal('5'):.2f}"
    form = _form(reception_client, unpaid_visit, amount=over)
    started = time.time()

    refused = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    assert refused.status_code == 400
    assert f"That is more than the ${unpaid_visit.due:,.2f} due." in _text(refused)
    assert "put anything extra in Tip" in _text(refused)
    assert posts_to_payments(live_sandbox, started) == []
    # A tip on a part payment is refused too: it comes on top of the whole balance.
    partial = reception_client.post(
        f"/bookings/{unpaid_visit.id}/payments/", {**form, "amount": "1.00", "tip": "5"}
    )
    assert partial.status_code == 400
    assert "A tip comes on top of the whole balance" in _text(partial)
    assert posts_to_payments(live_sandbox, started) == []

    tipped = reception_client.post(
        f"/bookings/{unpaid_visit.id}/payments/",
        {**form, "amount": f"{unpaid_visit.due:.2f}", "tip": "5"},
    )

    assert tipped.status_code == 302
    stored = order_payments(live_sandbox, unpaid_visit.order_id)
    assert [Decimal(str(p["amount"])) for p in stored] == [unpaid_visit.due + Decimal("5")]
    assert "Includes a tip of $5.00" in stored[0]["notes"]
    page = _text(reception_client.get(tipped["Location"]))
    assert f"Took ${unpaid_visit.due + Decimal('5'):,.2f} in cash (including a $5.00 tip)." in page
    entry = AuditEntry.objects.get(action=PAYMENT_ACTION)
    assert (entry.changes["tip"], entry.changes["toward_balance"]) == (
        "5.00",
        f"{unpaid_visit.due:.2f}",
    )


def test_a_method_must_be_chosen(live_sandbox, reception_client, unpaid_visit):
    form = _form(reception_client, unpaid_visit)
    del form["method"]
    started = time.time()

    response = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    assert response.status_code == 400
    assert "Choose how the money was paid." in _text(response)
    assert re.search(r'id="pay-method-cash"[^>]*autofocus', response.content.decode())
    assert posts_to_payments(live_sandbox, started) == []


def test_taking_a_payment_needs_the_csrf_token(live_sandbox, receptionist, unpaid_visit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(receptionist)
    form = _form(client, unpaid_visit)
    started = time.time()

    response = client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    assert response.status_code == 403
    assert posts_to_payments(live_sandbox, started) == []
    assert order_payments(live_sandbox, unpaid_visit.order_id) == []


def test_a_form_without_its_token_is_not_sent(live_sandbox, reception_client, unpaid_visit):
    form = _form(reception_client, unpaid_visit)
    form["submit_token"] = ""
    started = time.time()

    response = reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    assert response.status_code == 400
    assert "reload the page" in _text(response)
    assert posts_to_payments(live_sandbox, started) == []


def test_the_payments_address_opened_in_a_browser_leads_to_the_form(
    live_sandbox, reception_client, unpaid_visit
):
    response = reception_client.get(f"/bookings/{unpaid_visit.id}/payments/")

    assert response.status_code == 302
    assert response["Location"] == f"/bookings/{unpaid_visit.id}/?pay=1#take-payment"


def test_the_booking_page_costs_one_call_for_its_payments_at_most(
    live_sandbox, reception_client, unpaid_visit
):
    from tests.bookings.conftest import server_timing_calls

    unpaid = reception_client.get(f"/bookings/{unpaid_visit.id}/")
    # Nothing paid and no transactions: the booking is all there is to read.
    assert server_timing_calls(unpaid) <= 2  # the booking, and the customer's summary
    form = _form(reception_client, unpaid_visit, amount="10")
    reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)

    paid = reception_client.get(f"/bookings/{unpaid_visit.id}/")
    again = reception_client.get(f"/bookings/{unpaid_visit.id}/")

    assert server_timing_calls(paid) <= server_timing_calls(unpaid) + 1
    assert server_timing_calls(again) == 0


def test_a_paid_booking_page_shows_its_payments_from_the_booking_alone(
    live_sandbox, reception_client, unpaid_visit
):
    from tests.bookings.conftest import server_timing_calls

    form = _form(reception_client, unpaid_visit, amount="10", note="Deposit at the desk")
    reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)
    receipt = order_payments(live_sandbox, unpaid_visit.order_id)[0]["receipt_number"]
    assert receipt
    started = time.time()

    page = reception_client.get(f"/bookings/{unpaid_visit.id}/")

    text = _text(page)
    assert "Deposit at the desk" in text
    assert receipt in text
    assert "$10.00" in text
    # The booking's own `transactions` carry the receipt and the note: no read of the order.
    # (The payment changed the customer's totals, so their summary is read again.)
    sent = sorted(r[2] for r in live_sandbox.requests_since(started))
    assert sent == sorted(
        [f"/bookings/{unpaid_visit.id}", f"/customers/{unpaid_visit.customer_id}"]
    )
    assert server_timing_calls(page) == 2


def test_transactions_that_leave_out_receipts_send_for_the_orders_payments(
    live_sandbox, reception_client, unpaid_visit
):
    """A LatePoint whose booking answer lists transactions without receipts or notes (the
    documentation's example shows none): the order's payments are read for them."""
    from dataclasses import replace

    from checkout.services import order_payments as payments_of
    from upstream.gateway import api

    form = _form(reception_client, unpaid_visit, amount="10", note="At the desk")
    reception_client.post(f"/bookings/{unpaid_visit.id}/payments/", form)
    booking = api().get_booking(unpaid_visit.id)
    assert [t.notes for t in booking.transactions] == ["At the desk"]
    bare = replace(
        booking,
        transactions=tuple(
            replace(t, receipt_number=None, notes=None) for t in booking.transactions
        ),
    )
    started = time.time()

    found = payments_of(bare)

    orders = [r[2] for r in live_sandbox.requests_since(started) if "/orders/" in r[2]]
    assert orders == [f"/orders/{unpaid_visit.order_id}/transactions"]
    assert [(p.notes, p.amount) for p in found] == [("At the desk", Decimal("10.00"))]
    assert found[0].receipt_number
