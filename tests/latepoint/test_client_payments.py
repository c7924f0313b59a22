"""Orders, invoices, transactions and payments through the client: every documented variant
from canned answers (latepoint-api.md §1.7, §1.8, §1.10, §2.7, §2.8), then the same methods
against a sandbox of this module's own (it pays seeded bookings)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from latepoint import InvalidRequest, Invoice, NotFound, Order, Payment, ServerError
from latepoint.convert import to_decimal
from tests.conftest import start_sandbox, stop_sandbox
from tests.latepoint.canned import canned_client
from tests.latepoint.test_client_sandbox import make_client

SITE = ZoneInfo("America/New_York")

ORDER_NEWER_ROW = {
    "id": "74",
    "confirmation_code": "ZX81QW",
    "subtotal": "23.0000",
    "total": "23.0000",
    "status": "open",
    "fulfillment_status": "not_fulfilled",
    "payment_status": "not_paid",
    "customer_id": "30",
    "customer_comment": "",
    "coupon_code": "",
    "coupon_discount": "0.0000",
    "tax_total": "0.0000",
    "ip_address": "",
    "source_id": None,
    "source_url": "",
    "created_at": "2025-09-24 06:10:34",
    "updated_at": "2025-09-24 06:10:34",
}
ORDER_BARE = {
    "id": 38,
    "confirmation_code": "LP38CONF",
    "subtotal": "45.00",
    "total": "50.00",
    "status": "open",
    "fulfillment_status": "not_fulfilled",
    "payment_status": "partially_paid",
    "customer_id": 8,
    "coupon_code": None,
    "tax_total": "5.00",
    "customer_comment": None,
    "created_at": "2025-09-24 06:10:34",
    "updated_at": "2025-09-24 06:10:34",
    "items": [
        {
            "id": 1,
            "variant": "booking",
            "item_data": '{"booking_id":38}',
            "quantity": 1,
            "subtotal": "45.00",
            "total": "45.00",
        }
    ],
}
PAYMENT_STRINGS = {
    "id": "12",
    "token": "ch_3Nabc",
    "invoice_id": "7",
    "order_id": "74",
    "customer_id": "30",
    "processor": "stripe",
    "payment_method": "credit_card",
    "payment_portion": "deposit",
    "kind": "capture",
    "amount": "467.0000",
    "status": "succeeded",
    "notes": "",
    "receipt_number": "R-0012",
    "access_key": "abc",
    "created_at": "2025-09-24 06:10:34",
    "updated_at": "2025-09-24 06:10:34",
}


# --- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50", Decimal("50")),
        ("467.0000", Decimal("467")),
        ("$75", Decimal("75")),
        ("$1,250.50", Decimal("1250.50")),
        (150, Decimal("150")),
        (12.5, Decimal("12.5")),
        (None, None),
        ("", None),
    ],
)
def test_money_in_every_spelling(raw, expected):
    assert to_decimal(raw) == expected


# --- orders, canned -----------------------------------------------------------------------------


def test_list_orders_newer_page():
    body = {
        "success": True,
        "data": [ORDER_NEWER_ROW],
        "pagination": {
            "page": 1,
            "per_page": 10,
            "total": 29,
            "total_pages": 3,
            "has_next_page": True,
            "has_previous_page": False,
        },
    }
    client, adapter, _calls = canned_client((200, body), site_timezone="America/New_York")
    page = client.list_orders(customer_id=30, payment_status="not_paid", per_page=10)
    assert (page.total, page.has_next, page.page) == (29, True, 1)
    (order,) = page.items
    assert order == Order(
        id=74,
        confirmation_code="ZX81QW",
        status="open",
        fulfillment_status="not_fulfilled",
        payment_status="not_paid",
        total=Decimal("23.0000"),
        subtotal=Decimal("23.0000"),
        customer_comment="",
        created_at=datetime(2025, 9, 24, 6, 10, 34, tzinfo=SITE),
        customer_id=30,
        tax_total=Decimal("0.0000"),
        notes="",
        booking_ids=(),
        updated_at=datetime(2025, 9, 24, 6, 10, 34, tzinfo=SITE),
    )
    assert "customer_id=30" in adapter.requests[0].url
    assert "payment_status=not_paid" in adapter.requests[0].url


def test_list_orders_older_page():
    older = {**ORDER_BARE, "items": None}
    body = {"data": [older], "pagination": {"page": 1, "per_page": 5, "total": 1, "total_pages": 1}}
    client, _adapter, _calls = canned_client((200, body))
    page = client.list_orders(per_page=5)
    assert (page.total, page.has_next) == (1, False)
    assert page.items[0].total == Decimal("50.00")


def test_get_order_bare_with_items():
    client, adapter, _calls = canned_client((200, ORDER_BARE))
    order = client.get_order(38)
    assert adapter.requests[0].url.endswith("/orders/38")
    assert (order.id, order.customer_id, order.booking_ids) == (38, 8, (38,))
    assert (order.subtotal, order.total, order.tax_total) == (
        Decimal("45.00"),
        Decimal("50.00"),
        Decimal("5.00"),
    )


@pytest.mark.parametrize(
    "items",
    [
        [{"variant": "booking", "item_data": {"booking_id": "5"}}],
        [{"variant": "booking", "booking_id": 5}],
        [{"variant": "booking", "item_data": '{"booking_id":5}'}, {"variant": "bundle"}],
        {"0": {"variant": "booking", "item_data": '{"booking_id":"5"}'}},
    ],
)
def test_an_orders_bookings_from_its_items(items):
    client, _adapter, _calls = canned_client((200, {**ORDER_BARE, "items": items}))
    assert client.get_order(38).booking_ids == (5,)


def test_create_order_sends_the_fields_and_reads_the_bare_answer():
    client, adapter, _calls = canned_client((201, {**ORDER_BARE, "notes": "No-show fee"}))
    order = client.create_order(8, Decimal("25"), notes="No-show fee", tax_total=0)
    sent = json.loads(adapter.requests[0].body)
    assert sent == {
        "customer_id": 8,
        "total": "25",
        "subtotal": "25",
        "status": "open",
        "payment_status": "not_paid",
        "notes": "No-show fee",
        "tax_total": 0,
    }
    assert adapter.requests[0].method == "POST"
    assert order.notes == "No-show fee"


def test_update_order_and_its_errors():
    client, adapter, _calls = canned_client(
        (200, {**ORDER_BARE, "status": "completed"}),
        (404, {"code": "order_not_found", "message": "Order not found", "data": {"status": 404}}),
    )
    assert client.update_order(38, status="completed").status == "completed"
    assert json.loads(adapter.requests[0].body) == {"status": "completed"}
    with pytest.raises(NotFound):
        client.update_order(39, status="completed")


def test_invoices_and_transactions_as_bare_lists_or_envelopes():
    invoice = {"id": 3, "order_id": 38, "status": "open", "charge_amount": "45.00"}
    client, _adapter, _calls = canned_client(
        (200, [invoice]),
        (200, {"success": True, "data": [{**invoice, "id": "4", "charge_amount": "$55"}]}),
        (200, {**invoice, "status": "paid", "charge_amount": 55.0}),
        (200, [{**PAYMENT_STRINGS, "amount": "45.00", "order_id": 38}]),
    )
    assert client.list_order_invoices(38) == [
        Invoice(id=3, order_id=38, status="open", charge_amount=Decimal("45.00"))
    ]
    assert client.list_order_invoices(38)[0].charge_amount == Decimal("55")
    updated = client.update_invoice(38, 3, status="paid", charge_amount=Decimal("55.00"))
    assert (updated.status, updated.charge_amount) == ("paid", Decimal("55.0"))
    (tx,) = client.list_order_transactions(38)
    assert (tx.order_id, tx.amount) == (38, Decimal("45.00"))


# --- payments, canned ---------------------------------------------------------------------------


def test_list_payments_p4_strings():
    body = {
        "success": True,
        "data": [PAYMENT_STRINGS],
        "pagination": {
            "current_page": "2",
            "per_page": "1",
            "total_pages": "3",
            "total_records": "3",
        },
    }
    client, adapter, _calls = canned_client((200, body), site_timezone="America/New_York")
    page = client.list_payments(
        page=2,
        per_page=1,
        date_from=date(2025, 9, 1),
        date_to=date(2025, 9, 30),
        status="succeeded",
    )
    assert (page.page, page.total, page.total_pages, page.has_next, page.has_previous) == (
        2,
        3,
        3,
        True,
        True,
    )
    assert page.items[0] == Payment(
        id=12,
        order_id=74,
        customer_id=30,
        invoice_id=7,
        amount=Decimal("467.0000"),
        kind="capture",
        status="succeeded",
        payment_method="credit_card",
        processor="stripe",
        portion="deposit",
        notes="",
        receipt_number="R-0012",
        token="ch_3Nabc",
        created_at=datetime(2025, 9, 24, 6, 10, 34, tzinfo=SITE),
        updated_at=datetime(2025, 9, 24, 6, 10, 34, tzinfo=SITE),
    )
    url = adapter.requests[0].url
    assert "date_from=2025-09-01" in url and "date_to=2025-09-30" in url


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "completed"}, ("succeeded", "capture", Decimal("467.0000"))),
        ({"status": "pending"}, ("processing", "capture", Decimal("467.0000"))),
        ({"amount": "-20.00", "kind": ""}, ("succeeded", "refund", Decimal("20.00"))),
        ({"amount": "$75", "kind": "refund"}, ("succeeded", "refund", Decimal("75"))),
        ({"amount": 150, "id": 12}, ("succeeded", "capture", Decimal("150"))),
        ({"amount": "150.00", "created_at": "2025-09-24T10:10:34Z"}, None),
    ],
)
def test_one_payment_in_every_variant(changes, expected):
    client, _adapter, _calls = canned_client(
        (200, {"success": True, "data": {**PAYMENT_STRINGS, **changes}}),
        site_timezone="America/New_York",
    )
    found = client.get_payment(12)
    if expected is not None:
        assert (found.status, found.kind, found.amount) == expected
    else:
        assert found.created_at == datetime(2025, 9, 24, 10, 10, 34, tzinfo=UTC)


def test_create_payment_s4_answer():
    answer = {
        "success": True,
        "message": "Payment created successfully",
        "data": {
            "id": 41,
            "booking_id": None,
            "order_id": 74,
            "customer_id": 30,
            "amount": "50",
            "kind": "capture",
            "status": "succeeded",
            "payment_method": "cash",
            "processor": "manual",
            "payment_portion": "full",
            "token": "fo_1",
            "created_at": "2025-09-24 06:10:34",
        },
    }
    client, adapter, calls = canned_client((200, answer))
    paid = client.create_payment(
        order_id=74, amount=Decimal("50"), payment_method="cash", token="fo_1", notes="Tip incl."
    )
    assert (paid.id, paid.amount, paid.booking_id, paid.token) == (41, Decimal("50"), None, "fo_1")
    assert json.loads(adapter.requests[0].body) == {
        "order_id": 74,
        "amount": "50",
        "payment_method": "cash",
        "processor": "manual",
        "payment_portion": "full",
        "kind": "capture",
        "status": "succeeded",
        "notes": "Tip incl.",
        "token": "fo_1",
    }
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("status", "text", "error"),
    [
        (400, "Missing required fields: booking_id, amount", InvalidRequest),
        (400, "Invalid booking ID provided", InvalidRequest),
        (404, "Invalid booking ID provided", NotFound),
        (400, "Payment not found", NotFound),
        (404, "Payment not found", NotFound),
        (200, "Invalid payment status provided", InvalidRequest),
        (500, "Failed to update payment", ServerError),
    ],
)
def test_e4_errors_map_to_the_error_classes(status, text, error):
    client, _adapter, calls = canned_client((status, {"success": False, "error": text}))
    with pytest.raises(error) as caught:
        client.update_payment(12, status="failed", portion="deposit")
    assert caught.value.message == text
    assert len(calls) == 1  # a write is never retried


def test_update_payment_spells_fields_as_latepoint():
    answer = {"success": True, "message": "Payment updated successfully", "data": {"amount": "60"}}
    client, adapter, _calls = canned_client((200, answer))
    updated = client.update_payment(12, portion="balance", method="cash", amount=60)
    assert json.loads(adapter.requests[0].body) == {
        "payment_portion": "balance",
        "payment_method": "cash",
        "amount": 60,
    }
    assert (updated.id, updated.amount) == (12, Decimal("60"))


def test_a_bad_id_is_not_found_without_a_call():
    client, _adapter, calls = canned_client()
    for call in (
        lambda: client.get_payment(0),
        lambda: client.get_order("x"),
        lambda: client.create_payment(order_id=-1, amount=5),
    ):
        with pytest.raises(NotFound):
            call()
    assert calls == []


# --- against the sandbox ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_sandbox(sandbox_template_db, tmp_path_factory):
    box = start_sandbox(sandbox_template_db, tmp_path_factory.mktemp("payments-client"))
    yield box
    stop_sandbox(box)


@pytest.fixture
def client(own_sandbox):
    return make_client(own_sandbox)


def unpaid_visit(box, skip: int = 0) -> tuple[int, int]:
    """(booking id, order id) of a completed visit with no payment at all."""
    with box.db() as db:
        row = db.execute(
            "SELECT b.id, b.order_id FROM sandbox_booking b WHERE b.status = 'completed' "
            "AND NOT EXISTS (SELECT 1 FROM sandbox_payment p WHERE p.order_id = b.order_id) "
            "ORDER BY b.id LIMIT 1 OFFSET ?",
            (skip,),
        ).fetchone()
    return row[0], row[1]


def test_sandbox_pay_a_visit_then_refund(client, own_sandbox):
    booking_id, order_id = unpaid_visit(own_sandbox)
    order = client.get_order(order_id)
    assert order.booking_ids == (booking_id,)
    assert order.payment_status == "not_paid"
    token = f"fo_{uuid.uuid4().hex}"
    paid = client.create_payment(
        order_id=order_id, amount=order.total, payment_method="cash", token=token
    )
    assert (paid.amount, paid.kind, paid.status, paid.token) == (
        order.total,
        "capture",
        "succeeded",
        token,
    )
    assert paid.receipt_number
    booking = client.get_booking(booking_id)
    assert booking.payment_status == "paid"
    assert booking.order is not None and booking.order.id == order_id
    assert booking.order.payment_status == "fully_paid"
    assert [t.id for t in booking.transactions] == [paid.id]
    refund = client.create_payment(order_id=order_id, amount=Decimal("10"), kind="refund")
    assert refund.kind == "refund"
    assert client.get_order(order_id).payment_status == "partially_refunded"
    with pytest.raises(InvalidRequest, match="Refund amount exceeds"):
        client.create_payment(order_id=order_id, amount=order.total, kind="refund")
    found = client.list_payments(search=token)
    assert [p.id for p in found.items] == [paid.id]
    assert [p.id for p in client.list_order_transactions(order_id)] == [paid.id, refund.id]
    assert client.get_payment(paid.id) == found.items[0]


def test_sandbox_payment_errors(client, own_sandbox):
    _booking_id, order_id = unpaid_visit(own_sandbox, skip=1)
    with pytest.raises(NotFound, match="Payment not found"):
        client.get_payment(99999999)
    with pytest.raises(NotFound, match="Payment not found"):
        client.update_payment(99999999, status="failed")
    with pytest.raises(NotFound, match="Invalid order ID provided"):
        client.create_payment(order_id=99999999, amount=5)
    with pytest.raises(InvalidRequest, match="Invalid amount"):
        client.create_payment(order_id=order_id, amount=0)
    paid = client.create_payment(order_id=order_id, amount=5)
    with pytest.raises(InvalidRequest, match="Invalid payment status provided"):
        client.update_payment(paid.id, status="done")
    failed = client.update_payment(paid.id, status="failed", notes="Declined")
    assert (failed.status, failed.notes) == ("failed", "Declined")


def test_sandbox_fee_order_and_invoice(client):
    customer = client.create_customer(
        {"first_name": "Fee", "last_name": "Payer", "email": f"fee.{uuid.uuid4().hex}@ex.org"}
    )
    order = client.create_order(customer.id, Decimal("25.00"), notes="No-show fee")
    assert (order.customer_id, order.total, order.booking_ids, order.notes) == (
        customer.id,
        Decimal("25.00"),
        (),
        "No-show fee",
    )
    (invoice,) = client.list_order_invoices(order.id)
    assert (invoice.order_id, invoice.status) == (order.id, "open")
    client.create_payment(order_id=order.id, amount="25")
    assert client.list_order_invoices(order.id)[0].status == "paid"
    void = client.update_invoice(order.id, invoice.id, status="void")
    assert void.status == "void"
    updated = client.update_order(order.id, total=Decimal("40"), subtotal=Decimal("40"))
    assert (updated.total, updated.payment_status) == (Decimal("40.00"), "partially_paid")
    page = client.list_orders(customer_id=customer.id)
    assert [o.id for o in page.items] == [order.id]
    assert client.list_payments(customer_id=customer.id).total == 1


def test_sandbox_day_of_payments(client, own_sandbox):
    with own_sandbox.db() as db:
        (created,) = db.execute(
            "SELECT created_at FROM sandbox_payment WHERE kind = 'capture' ORDER BY id LIMIT 1"
        ).fetchone()
    day = datetime.fromisoformat(created).replace(tzinfo=UTC).astimezone(SITE).date()
    page = client.list_payments(date_from=day, date_to=day)
    assert page.items
    assert {p.created_at.astimezone(SITE).date() for p in page.items} == {day}
    assert all(p.created_at.tzinfo is not None for p in page.items)
