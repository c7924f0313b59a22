"""The dashboard's figures recomputed straight from the sandbox's database.

This follows the definitions stated on the page (stats/figures.py) with plain SQL over the
sandbox's tables, sharing no code with the front office.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

SITE_ZONE = ZoneInfo("America/New_York")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
STATUSES = ("pending", "approved", "cancelled", "completed", "no_show")


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class Figures:
    start: date
    end: date
    statuses: Counter = field(default_factory=Counter)
    total: int = 0
    revenue: Decimal = Decimal(0)
    customers: set[int] = field(default_factory=set)
    per_day: Counter = field(default_factory=Counter)
    completed_per_day: Counter = field(default_factory=Counter)
    service_revenue: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    service_completed: Counter = field(default_factory=Counter)
    spend: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    completed_by_customer: Counter = field(default_factory=Counter)
    no_shows_by_customer: Counter = field(default_factory=Counter)
    new_customers: int = 0

    @property
    def completed(self) -> int:
        return self.statuses["completed"]

    @property
    def average_value(self) -> Decimal | None:
        if not self.completed:
            return None
        return (self.revenue / self.completed).quantize(CENT, ROUND_HALF_UP)

    @property
    def no_show_due(self) -> tuple[int, int]:
        return self.statuses["no_show"], self.statuses["completed"] + self.statuses["no_show"]

    @property
    def cancellation(self) -> tuple[int, int]:
        return self.statuses["cancelled"], self.total


def booking_rows(
    conn: sqlite3.Connection,
    start: date,
    end: date,
    *,
    agent_id: int | None = None,
    service_id: int | None = None,
    location_id: int | None = None,
) -> list[sqlite3.Row]:
    sql = (
        "SELECT id, customer_id, service_id, status, start_date, price FROM sandbox_booking "
        "WHERE start_date BETWEEN ? AND ?"
    )
    args: list = [start.isoformat(), end.isoformat()]
    for column, value in (
        ("agent_id", agent_id),
        ("service_id", service_id),
        ("location_id", location_id),
    ):
        if value is not None:
            sql += f" AND {column} = ?"  # column names are fixed above
            args.append(value)
    return conn.execute(sql, args).fetchall()


def new_customers(conn: sqlite3.Connection, start: date, end: date) -> int:
    """Customers whose account was created on a day of the period (site time)."""
    (count,) = conn.execute(
        "SELECT COUNT(*) FROM sandbox_customer "
        "WHERE substr(created_at_local, 1, 10) BETWEEN ? AND ?",
        [start.isoformat(), end.isoformat()],
    ).fetchone()
    return count


def figures(conn: sqlite3.Connection, start: date, end: date, **filters) -> Figures:
    result = Figures(start=start, end=end)
    for row in booking_rows(conn, start, end, **filters):
        status, cid, day = row["status"], row["customer_id"], date.fromisoformat(row["start_date"])
        result.statuses[status] += 1
        result.total += 1
        result.customers.add(cid)
        result.per_day[day] += 1
        if status == "completed":
            price = money(row["price"])
            result.revenue += price
            result.completed_per_day[day] += 1
            result.service_revenue[row["service_id"]] += price
            result.service_completed[row["service_id"]] += 1
            result.spend[cid] += price
            result.completed_by_customer[cid] += 1
        elif status == "no_show":
            result.no_shows_by_customer[cid] += 1
    result.new_customers = new_customers(conn, start, end)
    return result


def previous_range(start: date, end: date) -> tuple[date, date]:
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def pages(conn: sqlite3.Connection, start: date, end: date, **filters) -> int:
    """GET /bookings pages (100 a page) the front office reads for the range.

    A range from the past into today or later is read as two walks (the days before today,
    then the rest: see CachedLatePoint.list_all_bookings); an empty walk still costs one page.
    """
    today = timezone.localdate()
    if start < today <= end:
        return pages(conn, start, today - timedelta(days=1), **filters) + pages(
            conn, today, end, **filters
        )
    return max(1, math.ceil(len(booking_rows(conn, start, end, **filters)) / 100))


def risk_candidates(current: Figures, limit: int = 10) -> list[int]:
    ranked = sorted(current.no_shows_by_customer.items(), key=lambda item: (-item[1], item[0]))
    return [cid for cid, _ in ranked[:limit]]


def high_risk(
    conn: sqlite3.Connection, customer_ids: list[int], *, today: date
) -> dict[int, int | None]:
    """The profile's rule on lifetime figures: > 180 days since the last past, not cancelled
    booking (never booked counts as 999), or no-shows above 20% of all bookings.

    Returns the flagged customers with their days since that last booking (None: never)."""
    now = datetime.now(tz=ZoneInfo("UTC"))
    flagged: dict[int, int | None] = {}
    for cid in customer_ids:
        rows = conn.execute(
            "SELECT status, start_at FROM sandbox_booking WHERE customer_id = ?", [cid]
        ).fetchall()
        total = len(rows)
        no_shows = sum(1 for r in rows if r["status"] == "no_show")
        past = [
            datetime.fromisoformat(r["start_at"]).replace(tzinfo=ZoneInfo("UTC"))
            for r in rows
            if r["status"] != "cancelled"
        ]
        past = [moment for moment in past if moment < now]
        days = (today - max(past).astimezone(SITE_ZONE).date()).days if past else 999
        rate = Decimal(no_shows) * 100 / Decimal(total) if total else Decimal(0)
        if days > 180 or rate > 20:
            flagged[cid] = days if past else None
    return flagged
