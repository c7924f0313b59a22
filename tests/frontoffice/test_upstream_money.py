"""Orders and payments through the gateway: cached reads, and writes that refresh what they
change (the order, the payments lists, the booking and its customer), even when the answer is
lost. Against the shared sandbox: each test pays a pending booking no other test uses, or a
fee order of its own customer."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache

from latepoint import ServerError
from tests.frontoffice.test_upstream import Counter, pending_booking_id
from upstream import budget
from upstream.gateway import api, get_client, walk
from upstream.policies import READS


@pytest.fixture
def fee_order(live_sandbox):
    """An unpaid 30.00 order of a customer of this test's own (made past the cache)."""
    customer = get_client().create_customer(
        {"first_name": "Fee", "last_name": "Owed", "email": f"fee.{uuid.uuid4().hex}@ex.org"}
    )
    return get_client().create_order(customer.id, Decimal("30"), notes="Late cancellation fee")


def test_the_new_reads_have_policies():
    assert {
        "list_payments",
        "get_payment",
        "list_orders",
        "get_order",
        "list_order_transactions",
    } <= READS.keys()


def test_each_money_read_is_cached(live_sandbox, fee_order):
    payment = get_client().create_payment(order_id=fee_order.id, amount=5)
    reads = [
        lambda: api().list_payments(customer_id=fee_order.customer_id),
        lambda: api().get_payment(payment.id),
        lambda: api().list_orders(customer_id=fee_order.customer_id),
        lambda: api().get_order(fee_order.id),
        lambda: api().list_order_transactions(fee_order.id),
    ]
    for read in reads:
        with Counter() as metrics:
            first = read()
            second = read()
        assert metrics.calls == 1
        assert second == first
    with Counter() as metrics:
        assert api().get_payment(str(payment.id)) == api().get_payment(payment.id)
    assert metrics.calls == 0


def test_a_payment_refreshes_its_booking_order_and_the_payment_lists(live_sandbox):
    booking_id, customer_id = pending_booking_id(live_sandbox)
    cached = api()
    booking = cached.get_booking(booking_id)
    order_id = booking.order.id
    before = cached.get_order(order_id)
    listed = cached.list_payments(order_id=order_id)
    transactions = cached.list_order_transactions(order_id)
    profile = cached.get_customer(customer_id, include=("stats", "bookings"), bookings_limit=100)
    cached.list_bookings(customer_id=customer_id, per_page=100)

    paid = cached.create_payment(order_id=order_id, amount=Decimal("1.00"), payment_method="cash")

    with Counter() as metrics:
        again = api().get_booking(booking_id)
        assert paid.id in [t.id for t in again.transactions]
        after = api().get_order(order_id)
        assert [p.id for p in api().list_payments(order_id=order_id).items] == [
            paid.id,
            *[p.id for p in listed.items],
        ]
        assert len(api().list_order_transactions(order_id)) == len(transactions) + 1
        assert (
            api().get_customer(customer_id, include=("stats", "bookings"), bookings_limit=100)
            is not profile
        )
        api().list_bookings(customer_id=customer_id, per_page=100)
    assert metrics.calls == 6
    with live_sandbox.db() as db:
        (status,) = db.execute(
            "SELECT payment_status FROM sandbox_order WHERE id = ?", (order_id,)
        ).fetchone()
    assert after.payment_status == status
    assert before.payment_status in ("not_paid", "partially_paid", "fully_paid")


def test_a_payment_for_a_booking_read_elsewhere_still_refreshes_it(live_sandbox):
    """The caller names the booking: its cached copy is not served after the payment."""
    booking_id, _customer_id = pending_booking_id(live_sandbox)
    booking = api().get_booking(booking_id)
    cache.delete(api()._order_key(booking.order.id))  # nothing remembered about the order
    api().create_payment(order_id=booking.order.id, amount=Decimal("1"), booking_id=booking_id)
    with Counter() as metrics:
        api().get_booking(booking_id)
    assert metrics.calls == 1


def test_a_lost_answer_still_invalidates(live_sandbox, fee_order):
    cached = api()
    cached.get_order(fee_order.id)
    cached.list_payments(customer_id=fee_order.customer_id)
    token = f"fo_{uuid.uuid4().hex}"
    live_sandbox.set_faults(write_then_fail=503)
    with pytest.raises(ServerError):
        cached.create_payment(order_id=fee_order.id, amount=Decimal("30"), token=token)
    live_sandbox.reset_faults()
    assert api().get_order(fee_order.id).payment_status == "fully_paid"
    found = api().list_payments(customer_id=fee_order.customer_id).items
    assert [p.token for p in found] == [token]


def test_order_and_invoice_writes_invalidate(live_sandbox, fee_order):
    cached = api()
    assert cached.get_order(fee_order.id).total == Decimal("30.00")
    cached.list_orders(customer_id=fee_order.customer_id)
    cached.update_order(fee_order.id, total=Decimal("45"), subtotal=Decimal("45"))
    assert api().get_order(fee_order.id).total == Decimal("45.00")
    assert api().list_orders(customer_id=fee_order.customer_id).items[0].total == Decimal("45")

    paid = cached.create_payment(order_id=fee_order.id, amount=Decimal("45"))
    assert api().get_payment(paid.id).status == "succeeded"
    cached.update_payment(paid.id, status="failed")
    assert api().get_payment(paid.id).status == "failed"
    assert api().get_order(fee_order.id).payment_status == "not_paid"

    (invoice,) = get_client().list_order_invoices(fee_order.id)
    cached.update_invoice(fee_order.id, invoice.id, status="void")
    with Counter() as metrics:
        api().get_order(fee_order.id)
        api().list_orders(customer_id=fee_order.customer_id)
    assert metrics.calls == 2

    created = cached.create_order(fee_order.customer_id, Decimal("10"), notes="Second fee")
    ids = [o.id for o in api().list_orders(customer_id=fee_order.customer_id).items]
    assert ids == [created.id, fee_order.id]


def test_a_walk_reads_payments_past_the_cache(live_sandbox, fee_order):
    get_client().create_payment(order_id=fee_order.id, amount=5)
    with Counter() as metrics:
        first = walk(priority=budget.BULK).list_payments(customer_id=fee_order.customer_id)
        again = walk(priority=budget.BULK).list_payments(customer_id=fee_order.customer_id)
    assert metrics.calls == 2
    assert first == again
