"""Bookings for checkout tests: visits of a test's own with nothing paid, read from the shared
sandbox's database (each handed out once a session, as `take_booking` does), and what their
orders hold afterwards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import _taken


@dataclass(frozen=True)
class Visit:
    """A booking with nothing paid on its order."""

    id: int
    order_id: int
    #: What its order asks for: the booking's price and its extras.
    due: Decimal
    code: str
    customer_id: int


def unpaid_booking(sandbox, status: str = "completed", when: str = "past") -> Visit:
    """A booking of `status` with no payment at all on its order, that no other test of the
    session uses (`when`: "past", "today" or "future")."""
    condition = {
        "past": "b.start_date < ?",
        "today": "b.start_date = ?",
        "future": "b.start_date > ?",
    }
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT b.id, b.order_id, o.total, b.booking_code, b.customer_id "  # noqa: S608
            "FROM sandbox_booking b JOIN sandbox_customer c ON c.id = b.customer_id "
            "JOIN sandbox_order o ON o.id = b.order_id "
            "WHERE b.status = ? AND o.total > 0 AND c.status != 'blocked' AND "
            + condition[when]
            + " AND NOT EXISTS (SELECT 1 FROM sandbox_payment p WHERE p.order_id = b.order_id)"
            " AND (SELECT COUNT(*) FROM sandbox_orderitem i WHERE i.order_id = b.order_id) = 1"
            " ORDER BY b.id DESC LIMIT 400",
            (status, timezone.localdate().isoformat()),
        ).fetchall()
    for row in rows:
        if row["id"] not in _taken:
            _taken.add(row["id"])
            return Visit(
                id=row["id"],
                order_id=row["order_id"],
                due=Decimal(str(row["total"])).quantize(Decimal("0.01")),
                code=row["booking_code"],
                customer_id=row["customer_id"],
            )
    raise AssertionError(f"the sandbox has no spare unpaid {when} {status} booking")


def order_payments(sandbox, order_id: int) -> list[dict]:
    """The payments on an order, as the sandbox's database holds them."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT id, kind, amount, status, payment_method, token, notes, receipt_number "
            "FROM sandbox_payment WHERE order_id = ? ORDER BY id",
            (order_id,),
        ).fetchall()
    return [dict(row) for row in rows]


def booking_payment_status(sandbox, booking_id: int) -> str:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT payment_status FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()["payment_status"]


def posts_to_payments(sandbox, since: float) -> list:
    """The POST /payments requests the sandbox received since `since`."""
    return [r for r in sandbox.requests_since(since) if r[1] == "POST" and "/payments" in r[2]]


def form_token(html: str, form_id: str = "take-payment-form") -> str:
    """The one-time token of a form on the page: the first after the element with that id
    (or, with no such id, after the first mention of `form_id`)."""
    marker = f'id="{form_id}"'
    start = html.index(marker) if marker in html else html.index(form_id)
    return re.search(r'name="submit_token" value="([^"]+)"', html[start:]).group(1)


@pytest.fixture
def unpaid_visit(live_sandbox) -> Visit:
    """A completed visit of the test's own with nothing paid."""
    return unpaid_booking(live_sandbox)
