"""Orders, invoices, transactions and payments (latepoint-api.md §2.7, §2.8): each endpoint in
its page's dialect, the seeded payment history, the payment statuses that follow the payments,
bad input, and the write faults.

Reads use the shared sandbox; writes use this module's own sandbox (`private_sandbox`), so
that the seeded bookings other tests rely on stay as seeded.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.booking_slots import SITE_TZ, site_today

from .conftest import call, create_customer, get

MYSQL = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
AMOUNT4 = re.compile(r"^\d+\.\d{4}$")
AMOUNT2 = re.compile(r"^\d+\.\d{2}$")


def one(db, sql: str, *args) -> tuple:
    return tuple(db.execute(sql, args).fetchone())


def unpaid_completed_booking(box) -> tuple[int, int, Decimal]:
    """(booking id, order id, order total) of a completed visit with nothing paid, not yet used
    by another test of this module."""
    with box.db() as db:
        row = one(
            db,
            "SELECT b.id, o.id, o.total FROM sandbox_booking b JOIN sandbox_order o "
            "ON o.id = b.order_id WHERE b.status = 'completed' AND b.payment_status = 'not_paid' "
            "AND NOT EXISTS (SELECT 1 FROM sandbox_payment p WHERE p.order_id = o.id) "
            "AND b.id NOT IN (SELECT value FROM json_each(?)) ORDER BY b.id LIMIT 1",
            "[" + ",".join(str(i) for i in USED) + "]",
        )
    USED.add(row[0])
    return row[0], row[1], Decimal(str(row[2]))


USED: set[int] = set()


def pay(box, **body):
    return call(box, "POST", "/payments", body=body)


def statuses(box, booking_id: int, order_id: int) -> tuple[str, str, str]:
    """(booking, order, invoice) payment statuses as the sandbox's database holds them."""
    with box.db() as db:
        booking = one(db, "SELECT payment_status FROM sandbox_booking WHERE id = ?", booking_id)
        order = one(db, "SELECT payment_status FROM sandbox_order WHERE id = ?", order_id)
        invoice = one(db, "SELECT status FROM sandbox_invoice WHERE order_id = ?", order_id)
    return booking[0], order[0], invoice[0]


# --- the seed ---------------------------------------------------------------------------------


@pytest.fixture
def seed(sandbox_template_db):
    """The seeded database as seeding left it (the shared sandbox's is changed by the tests that
    take payments and write rows), read-only."""
    from tests.conftest import Sandbox

    return Sandbox(url="", api_key="", db_path=sandbox_template_db)


def test_every_seeded_booking_has_its_order_line_and_invoice(seed):
    with seed.db() as db:
        assert one(
            db,
            "SELECT COUNT(*) FROM sandbox_booking b LEFT JOIN sandbox_order o "
            "ON o.id = b.order_id WHERE o.id IS NULL",
        ) == (0,)
        assert one(
            db,
            "SELECT COUNT(*) FROM sandbox_booking b LEFT JOIN sandbox_orderitem i "
            "ON i.booking_id = b.id AND i.order_id = b.order_id WHERE i.id IS NULL",
        ) == (0,)
        assert one(
            db,
            "SELECT COUNT(*) FROM sandbox_order o WHERE NOT EXISTS "
            "(SELECT 1 FROM sandbox_invoice v WHERE v.order_id = o.id)",
        ) == (0,)


def _expected(total: Decimal, captured: Decimal, refunded: Decimal) -> str:
    if refunded > 0:
        return "refunded" if refunded >= captured else "partially_refunded"
    if captured <= 0:
        return "not_paid"
    return "fully_paid" if captured >= total else "partially_paid"


def test_seeded_payment_statuses_follow_the_payments(seed):
    with seed.db() as db:
        rows = db.execute(
            "SELECT o.id, o.total, o.payment_status, b.payment_status, "
            "COALESCE(SUM(CASE WHEN p.kind = 'capture' AND p.status = 'succeeded' "
            "THEN p.amount END), 0), "
            "COALESCE(SUM(CASE WHEN p.kind = 'refund' AND p.status = 'succeeded' "
            "THEN p.amount END), 0) "
            "FROM sandbox_order o JOIN sandbox_booking b ON b.order_id = o.id "
            "LEFT JOIN sandbox_payment p ON p.order_id = o.id GROUP BY o.id"
        ).fetchall()
    assert len(rows) > 1000
    for _id, total, order_status, booking_status, captured, refunded in rows:
        expected = _expected(Decimal(str(total)), Decimal(str(captured)), Decimal(str(refunded)))
        assert order_status == expected
        assert booking_status == {"fully_paid": "paid"}.get(expected, expected)


def test_the_seeded_history_is_realistic(seed):
    today = site_today().isoformat()
    with seed.db() as db:
        past = dict(
            db.execute(
                "SELECT payment_status, COUNT(*) FROM sandbox_booking WHERE status = 'completed' "
                "GROUP BY payment_status"
            ).fetchall()
        )
        future = dict(
            db.execute(
                "SELECT payment_status, COUNT(*) FROM sandbox_booking WHERE start_date > ? "
                "GROUP BY payment_status",
                (today,),
            ).fetchall()
        )
        methods = {
            tuple(row)
            for row in db.execute(
                "SELECT DISTINCT payment_method, processor FROM sandbox_payment "
                "WHERE kind = 'capture'"
            )
        }
        missing_receipts = one(
            db,
            "SELECT COUNT(*) FROM sandbox_payment WHERE kind = 'capture' "
            "AND status = 'succeeded' AND receipt_number = ''",
        )[0]
        portions = {
            r[0] for r in db.execute("SELECT DISTINCT payment_portion FROM sandbox_payment")
        }
    assert past["paid"] > sum(past.values()) * 0.6
    assert {"partially_paid", "not_paid", "refunded", "partially_refunded"} <= past.keys()
    assert future["not_paid"] > sum(future.values()) / 2
    assert future.get("partially_paid", 0) > 0
    assert {("cash", "manual"), ("credit_card", "stripe"), ("credit_card", "square")} <= methods
    assert missing_receipts == 0
    assert portions == {"full", "deposit", "balance"}


def test_a_visit_is_paid_at_the_visit(seed):
    with seed.db() as db:
        rows = db.execute(
            "SELECT p.created_at, b.end_at FROM sandbox_payment p "
            "JOIN sandbox_booking b ON b.order_id = p.order_id "
            "WHERE p.kind = 'capture' AND p.status = 'succeeded' AND p.payment_portion = 'full' "
            "AND b.status = 'completed' LIMIT 200"
        ).fetchall()
    assert rows
    assert all(created == end for created, end in rows)


# --- orders -----------------------------------------------------------------------------------


def test_order_list_is_the_newer_page(sandbox):
    body = get(sandbox, "/orders", per_page=5)
    assert body["success"] is True
    assert set(body["pagination"]) == {
        "page",
        "per_page",
        "total",
        "total_pages",
        "has_next_page",
        "has_previous_page",
    }
    assert body["pagination"]["per_page"] == 5
    row = body["data"][0]
    assert isinstance(row["id"], str) and isinstance(row["customer_id"], str)
    assert AMOUNT4.match(row["total"]) and AMOUNT4.match(row["subtotal"])
    assert MYSQL.match(row["created_at"])
    created = [r["created_at"] for r in body["data"]]
    assert created == sorted(created, reverse=True)
    assert get(sandbox, "/orders")["pagination"]["per_page"] == 10
    assert get(sandbox, "/orders", per_page=500)["pagination"]["per_page"] == 100


def test_order_list_filters(sandbox):
    body = get(sandbox, "/orders", customer_id=1, per_page=100)
    assert body["data"] and {r["customer_id"] for r in body["data"]} == {"1"}
    for status in ("open", "completed", "cancelled"):
        rows = get(sandbox, "/orders", status=status, per_page=20)["data"]
        assert rows and {r["status"] for r in rows} == {status}
    rows = get(sandbox, "/orders", payment_status="partially_refunded", per_page=20)["data"]
    assert rows and {r["payment_status"] for r in rows} == {"partially_refunded"}
    day = get(sandbox, "/orders", per_page=1)["data"][0]["created_at"][:10]
    rows = get(sandbox, "/orders", created_after=day, created_before=day, per_page=100)["data"]
    assert rows and {r["created_at"][:10] for r in rows} == {day}


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"status": "paid"}, {"created_after": "12/01/2025"}]
)
def test_order_list_refuses_bad_parameters(sandbox, params):
    reply = call(sandbox, "GET", "/orders", params=params)
    assert reply.status == 400
    assert reply.json["code"] == "invalid_parameters"
    assert reply.json["data"]["status"] == 400


def test_one_order_is_a_bare_object_with_its_items(sandbox):
    booking = get(sandbox, "/bookings/5")["data"]
    order = get(sandbox, f"/orders/{booking['order']['id']}")
    assert "success" not in order and "data" not in order
    assert order["id"] == int(booking["order"]["id"])
    assert isinstance(order["customer_id"], int)
    assert AMOUNT2.match(order["total"])
    (item,) = order["items"]
    assert item["variant"] == "booking"
    assert item["item_data"] == '{"booking_id":5}'


def test_an_unknown_order_is_404(sandbox):
    reply = call(sandbox, "GET", "/orders/99999999")
    assert reply.status == 404
    assert reply.json["code"] == "order_not_found"


def test_a_booking_shows_its_real_order_and_payments(sandbox):
    with sandbox.db() as db:
        booking_id, order_id = one(
            db,
            "SELECT b.id, b.order_id FROM sandbox_booking b WHERE b.payment_status = "
            "'partially_refunded' LIMIT 1",
        )
        count = one(db, "SELECT COUNT(*) FROM sandbox_payment WHERE order_id = ?", order_id)[0]
    data = get(sandbox, f"/bookings/{booking_id}")["data"]
    assert data["order"]["id"] == str(order_id)
    assert data["order"]["payment_status"] == "partially_refunded"
    assert data["order"]["total"].startswith("$")
    assert len(data["transactions"]) == count
    kinds = {t["kind"] for t in data["transactions"]}
    assert kinds == {"capture", "refund"}
    assert all(isinstance(t["id"], str) for t in data["transactions"])


def test_order_invoices_and_transactions(sandbox):
    with sandbox.db() as db:
        (order_id,) = one(
            db, "SELECT id FROM sandbox_order WHERE payment_status = 'fully_paid' LIMIT 1"
        )
    invoices = get(sandbox, f"/orders/{order_id}/invoices")
    assert isinstance(invoices, list)
    assert invoices[0]["status"] == "paid"
    assert invoices[0]["order_id"] == order_id
    transactions = get(sandbox, f"/orders/{order_id}/transactions")
    assert transactions and {t["order_id"] for t in transactions} == {order_id}
    assert all(AMOUNT2.match(t["amount"]) for t in transactions)
    first = get(sandbox, f"/orders/{order_id}/transactions/{transactions[0]['id']}")
    assert first["id"] == transactions[0]["id"]


# --- payments: reads --------------------------------------------------------------------------


def test_payment_list_is_s3_with_p4_paging_and_strings(sandbox):
    body = get(sandbox, "/payments", per_page=3)
    assert body["success"] is True
    assert body["pagination"]["current_page"] == "1"
    assert body["pagination"]["per_page"] == "3"
    assert set(body["pagination"]) == {"current_page", "per_page", "total_pages", "total_records"}
    assert int(body["pagination"]["total_records"]) > 1000
    row = body["data"][0]
    assert all(isinstance(value, str) for value in row.values())
    assert AMOUNT4.match(row["amount"])
    assert get(sandbox, "/payments")["pagination"]["per_page"] == "10"


def test_payment_list_filters(sandbox):
    rows = get(sandbox, "/payments", customer_id=1, per_page=100)["data"]
    assert rows and {r["customer_id"] for r in rows} == {"1"}
    order_id = rows[0]["order_id"]
    rows = get(sandbox, "/payments", order_id=order_id)["data"]
    assert rows and {r["order_id"] for r in rows} == {order_id}
    rows = get(sandbox, "/payments", payment_method="cash", per_page=50)["data"]
    assert rows and {r["payment_method"] for r in rows} == {"cash"}
    rows = get(sandbox, "/payments", kind="refund", per_page=50)["data"]
    assert rows and {r["kind"] for r in rows} == {"refund"}
    rows = get(sandbox, "/payments", status="failed", per_page=50)["data"]
    assert rows and {r["status"] for r in rows} == {"failed"}
    rows = get(sandbox, "/payments", status="completed", per_page=5)["data"]
    assert {r["status"] for r in rows} == {"succeeded"}


def test_payment_days_are_site_days_inclusive(sandbox):
    day = site_today() - timedelta(days=3)
    body = get(sandbox, "/payments", date_from=day, date_to=day, per_page=100)
    with sandbox.db() as db:
        expected = one(
            db,
            "SELECT COUNT(*) FROM sandbox_payment WHERE created_at >= ? AND created_at < ?",
            _utc_text(day),
            _utc_text(day + timedelta(days=1)),
        )[0]
    assert int(body["pagination"]["total_records"]) == expected
    for row in body["data"]:
        assert row["created_at"][:10] == day.isoformat()


def _utc_text(day) -> str:
    """Midnight of a site-local day as the sandbox stores datetimes (naive UTC text)."""
    moment = datetime.combine(day, datetime.min.time(), SITE_TZ).astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(" ")


def test_payment_search_finds_a_token(sandbox):
    with sandbox.db() as db:
        pid, token = one(db, "SELECT id, token FROM sandbox_payment WHERE token != '' LIMIT 1")
    rows = get(sandbox, "/payments", search=token)["data"]
    assert [r["id"] for r in rows] == [str(pid)]


def test_one_payment_and_not_found(sandbox):
    row = get(sandbox, "/payments", per_page=1)["data"][0]
    body = get(sandbox, f"/payments/{row['id']}")
    assert body == {"success": True, "data": row}
    reply = call(sandbox, "GET", "/payments/99999999")
    assert reply.status == 404
    assert reply.json == {"success": False, "error": "Payment not found"}


@pytest.mark.parametrize("params", [{"date_from": "2025/01/01"}, {"order_id": "x"}])
def test_payment_list_bad_parameters_are_e4(sandbox, params):
    reply = call(sandbox, "GET", "/payments", params=params)
    assert reply.status == 400
    assert reply.json["success"] is False
    assert isinstance(reply.json["error"], str)


def test_payments_without_the_key(sandbox):
    reply = call(sandbox, "GET", "/payments", key=None)
    assert reply.status == 401
    assert reply.json["error"]["code"] == "unauthorized"


# --- payments: writes -------------------------------------------------------------------------


def test_paying_a_visit_in_full(private_sandbox):
    box = private_sandbox
    booking_id, order_id, total = unpaid_completed_booking(box)
    reply = pay(box, order_id=order_id, amount=str(total), payment_method="cash")
    assert reply.status == 200, reply.raw
    body = reply.json
    assert body["success"] is True
    assert body["message"] == "Payment created successfully"
    data = body["data"]
    assert data["booking_id"] is None
    assert data["order_id"] == order_id
    assert data["amount"] == format(total.normalize(), "f")
    assert (data["kind"], data["status"], data["processor"]) == ("capture", "succeeded", "manual")
    assert data["receipt_number"]
    assert statuses(box, booking_id, order_id) == ("paid", "fully_paid", "paid")
    booking = get(box, f"/bookings/{booking_id}")["data"]
    assert booking["payment_status"] == "paid"
    assert booking["order"]["payment_status"] == "fully_paid"
    assert [t["id"] for t in booking["transactions"]] == [str(data["id"])]


def test_deposit_balance_and_refunds(private_sandbox):
    box = private_sandbox
    booking_id, order_id, total = unpaid_completed_booking(box)
    assert pay(box, order_id=order_id, amount=10, payment_portion="deposit").status == 200
    assert statuses(box, booking_id, order_id) == (
        "partially_paid",
        "partially_paid",
        "partially_paid",
    )
    balance = total - 10
    assert (
        pay(box, order_id=order_id, amount=float(balance), payment_portion="balance").status == 200
    )
    assert statuses(box, booking_id, order_id)[:2] == ("paid", "fully_paid")
    refund = pay(box, order_id=order_id, amount=5, kind="refund", notes="Late start")
    assert refund.status == 200
    assert statuses(box, booking_id, order_id)[:2] == ("partially_refunded", "partially_refunded")
    too_much = pay(box, order_id=order_id, amount=str(total), kind="refund")
    assert too_much.status == 400
    assert too_much.json["success"] is False
    assert "Refund amount exceeds" in too_much.json["error"]
    rest = pay(box, order_id=order_id, amount=str(total - 5), kind="refund")
    assert rest.status == 200
    assert statuses(box, booking_id, order_id)[:2] == ("refunded", "refunded")


def test_paying_by_booking_id(private_sandbox):
    box = private_sandbox
    booking_id, order_id, _total = unpaid_completed_booking(box)
    reply = pay(box, booking_id=booking_id, amount=20)
    assert reply.status == 200
    assert reply.json["data"]["booking_id"] == booking_id
    assert reply.json["data"]["order_id"] == order_id


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({}, 400, "Missing required fields: booking_id, amount"),
        ({"order_id": 1001}, 400, "Missing required fields: amount"),
        ({"amount": 5}, 400, "Missing required fields: booking_id"),
        ({"order_id": 99999999, "amount": 5}, 404, "Invalid order ID provided"),
        ({"booking_id": 99999999, "amount": 5}, 404, "Invalid booking ID provided"),
        ({"order_id": 1001, "amount": 5, "status": "paid"}, 400, "Invalid payment status provided"),
        ({"order_id": 1001, "amount": 5, "kind": "gift"}, 400, "Invalid payment kind provided"),
    ],
)
def test_bad_payment_writes_are_e4(private_sandbox, body, status, error):
    reply = pay(private_sandbox, **body)
    assert reply.status == status
    assert reply.json == {"success": False, "error": error}


@pytest.mark.parametrize("amount", [0, -5, "abc", "12.345", True, "1e9"])
def test_bad_amounts_are_refused(private_sandbox, amount):
    reply = pay(private_sandbox, order_id=1001, amount=amount)
    assert reply.status == 400
    assert reply.json["error"].startswith("Invalid amount provided")


def test_updating_a_payment(private_sandbox):
    box = private_sandbox
    booking_id, order_id, total = unpaid_completed_booking(box)
    pid = pay(box, order_id=order_id, amount=str(total)).json["data"]["id"]
    reply = call(box, "PUT", f"/payments/{pid}", body={"status": "failed", "notes": "Declined"})
    assert reply.status == 200
    assert reply.json["message"] == "Payment updated successfully"
    assert reply.json["data"]["status"] == "failed"
    assert statuses(box, booking_id, order_id)[:2] == ("not_paid", "not_paid")
    bad = call(box, "PUT", f"/payments/{pid}", body={"status": "done"})
    assert (bad.status, bad.json) == (
        400,
        {"success": False, "error": "Invalid payment status provided"},
    )
    missing = call(box, "PUT", "/payments/99999999", body={"status": "failed"})
    assert (missing.status, missing.json) == (404, {"success": False, "error": "Payment not found"})


def test_a_capture_cannot_shrink_below_its_refunds(private_sandbox):
    box = private_sandbox
    _booking_id, order_id, total = unpaid_completed_booking(box)
    pid = pay(box, order_id=order_id, amount=str(total)).json["data"]["id"]
    assert pay(box, order_id=order_id, amount=10, kind="refund").status == 200
    reply = call(box, "PUT", f"/payments/{pid}", body={"amount": 5})
    assert reply.status == 400
    assert reply.json["success"] is False


def test_an_answer_lost_after_the_write_still_recorded_it(private_sandbox):
    box = private_sandbox
    booking_id, order_id, total = unpaid_completed_booking(box)
    token = f"fo_{uuid.uuid4().hex}"
    reply = call(
        box,
        "POST",
        "/payments",
        body={"order_id": order_id, "amount": str(total), "token": token},
        headers={"X-Sandbox-Write-Then-Fail": "503"},
    )
    assert reply.status == 503
    rows = get(box, "/payments", search=token)["data"]
    assert len(rows) == 1 and rows[0]["order_id"] == str(order_id)
    assert statuses(box, booking_id, order_id)[0] == "paid"


def test_a_refused_write_records_nothing(private_sandbox):
    box = private_sandbox
    _booking_id, order_id, _total = unpaid_completed_booking(box)
    token = f"fo_{uuid.uuid4().hex}"
    reply = call(
        box,
        "POST",
        "/payments",
        body={"order_id": order_id, "amount": 5, "token": token},
        headers={"X-Sandbox-Write-Error": "500"},
    )
    assert reply.status == 500
    assert get(box, "/payments", search=token)["data"] == []


# --- orders: writes ---------------------------------------------------------------------------


def test_a_fee_order_created_paid_and_updated(private_sandbox):
    box = private_sandbox
    customer = create_customer(box)
    reply = call(
        box,
        "POST",
        "/orders",
        body={"customer_id": customer["id"], "total": 25, "subtotal": 25, "notes": "No-show fee"},
    )
    assert reply.status == 201, reply.raw
    order = reply.json
    assert "success" not in order
    assert (order["customer_id"], order["total"], order["items"]) == (customer["id"], "25.00", [])
    assert (order["status"], order["payment_status"], order["notes"]) == (
        "open",
        "not_paid",
        "No-show fee",
    )
    assert len(get(box, f"/orders/{order['id']}/invoices")) == 1
    paid = pay(box, order_id=order["id"], amount=25, payment_method="credit_card")
    assert paid.json["data"]["customer_id"] == customer["id"]
    assert get(box, f"/orders/{order['id']}")["payment_status"] == "fully_paid"
    raised = call(box, "PUT", f"/orders/{order['id']}", body={"total": 40, "subtotal": 40})
    assert raised.status == 200
    assert (raised.json["total"], raised.json["payment_status"]) == ("40.00", "partially_paid")
    rows = get(box, "/orders", customer_id=customer["id"])["data"]
    assert [r["id"] for r in rows] == [str(order["id"])]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"total": 5, "subtotal": 5}, "rest_missing_callback_param"),
        ({"customer_id": 1, "total": "x", "subtotal": 5}, "rest_invalid_param"),
        ({"customer_id": 99999999, "total": 5, "subtotal": 5}, "rest_invalid_param"),
        ({"customer_id": 1, "total": 5, "subtotal": 5, "status": "paid"}, "rest_invalid_param"),
    ],
)
def test_bad_orders_are_refused(private_sandbox, body, code):
    reply = call(private_sandbox, "POST", "/orders", body=body)
    assert reply.status == 400
    assert reply.json["code"] == code
    assert reply.json["data"]["status"] == 400


def test_invoice_update(private_sandbox):
    box = private_sandbox
    customer = create_customer(box)
    order = call(
        box, "POST", "/orders", body={"customer_id": customer["id"], "total": 30, "subtotal": 30}
    ).json
    (invoice,) = get(box, f"/orders/{order['id']}/invoices")
    reply = call(
        box,
        "PUT",
        f"/orders/{order['id']}/invoices/{invoice['id']}",
        body={"status": "void", "charge_amount": 55.00},
    )
    assert reply.status == 200
    assert (reply.json["status"], reply.json["charge_amount"]) == ("void", "55.00")
    bad = call(box, "PUT", f"/orders/{order['id']}/invoices/{invoice['id']}", body={"status": "x"})
    assert bad.status == 400
    gone = call(box, "PUT", f"/orders/{order['id']}/invoices/99999999", body={"status": "paid"})
    assert gone.status == 404


def test_a_new_booking_gets_its_order_and_a_price_change_follows(private_sandbox):
    from tests.booking_slots import free_day, new_customer_fields

    box = private_sandbox
    day = free_day(box)
    reply = call(
        box,
        "POST",
        "/bookings",
        body={
            "service_id": 1,
            "agent_id": 1,
            "start_date": day.isoformat(),
            "start_time": "09:00",
            "customer": new_customer_fields(),
        },
    )
    assert reply.status == 201, reply.raw
    booking = reply.json["data"]
    order = get(box, f"/orders/{booking['order']['id']}")
    assert order["items"][0]["item_data"] == f'{{"booking_id":{booking["id"]}}}'
    assert order["total"] == "75.00"
    assert pay(box, booking_id=int(booking["id"]), amount=75).status == 200
    moved = call(box, "PUT", f"/bookings/{booking['id']}", body={"price": "100"})
    assert moved.status == 200
    assert moved.json["data"]["payment_status"] == "partially_paid"
    assert moved.json["data"]["order"]["total"] == "$100"
