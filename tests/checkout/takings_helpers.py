"""What the takings should show, recomputed from the sandbox's own database (never from the
front office's code), and payments made in LatePoint the way another till would make them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from tests.conftest import API_PREFIX

#: LatePoint's payment methods as the desk names them (the documented mapping).
DESK_METHOD = {"cash": "cash", "credit_card": "card", "card": "card"}


@dataclass
class Expected:
    """A day's sums by desk method, as the sandbox holds its payments."""

    taken: dict[str, Decimal] = field(default_factory=dict)
    refunded: dict[str, Decimal] = field(default_factory=dict)
    ids: set[int] = field(default_factory=set)
    not_counted: set[int] = field(default_factory=set)

    def total_taken(self) -> Decimal:
        return sum(self.taken.values(), Decimal("0.00"))

    def total_refunded(self) -> Decimal:
        return sum(self.refunded.values(), Decimal("0.00"))

    @property
    def net(self) -> Decimal:
        return self.total_taken() - self.total_refunded()

    @property
    def drawer(self) -> Decimal:
        return self.taken.get("cash", Decimal("0.00")) - self.refunded.get("cash", Decimal("0.00"))


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def expected_day(sandbox, day: date) -> Expected:
    """The day's payments in the sandbox's database (created_at is naive UTC there)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT id, kind, status, payment_method, amount FROM sandbox_payment "
            "WHERE created_at >= ? AND created_at < ?",
            (_utc_text(start), _utc_text(end)),
        ).fetchall()
    found = Expected()
    for row in rows:
        if row["status"] != "succeeded":
            found.not_counted.add(row["id"])
            continue
        found.ids.add(row["id"])
        method = DESK_METHOD.get(row["payment_method"], "other")
        amount = Decimal(str(row["amount"])).quantize(Decimal("0.01"))
        sums = found.refunded if row["kind"] == "refund" else found.taken
        sums[method] = sums.get(method, Decimal("0.00")) + amount
    return found


def day_payment_ids(sandbox, day: date) -> set[int]:
    """Every payment of the day in the sandbox's database, whatever its status."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT id FROM sandbox_payment WHERE created_at >= ? AND created_at < ?",
            (_utc_text(start), _utc_text(end)),
        ).fetchall()
    return {row["id"] for row in rows}


def make_payment(sandbox, order_id: int, amount: str, method: str, **extra) -> dict:
    """A payment made straight in LatePoint (not through the front office)."""
    body = {"order_id": order_id, "amount": amount, "payment_method": method, **extra}
    status, answer = sandbox.request("POST", f"{API_PREFIX}/payments", body)
    assert status == 200, answer
    return answer["data"]


def agent_of_booking(sandbox, booking_id: int) -> str:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT a.display_name FROM sandbox_booking b JOIN sandbox_agent a "
            "ON a.id = b.agent_id WHERE b.id = ?",
            (booking_id,),
        ).fetchone()["display_name"]


def money_text(value: Decimal) -> str:
    """As the screen writes an amount: "$1,234.50", "-$5.00"."""
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


def row_html(html: str, element_id: str) -> str:
    """The markup of one table row, by its id."""
    match = re.search(rf'<tr id="{element_id}"[^>]*>.*?</tr>', html, re.S)
    assert match, f"no row {element_id}"
    return match.group(0)


def upstream_calls(response) -> int:
    match = re.search(r'desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))
