"""Customer statistics, computed live from the bookings (as LatePoint does).

Definitions (also in sandbox/README.md):
- total: every booking; completed/cancelled/no_show/pending: by status (approved is neither).
- future: start >= now and not cancelled. total_spent: sum of completed bookings' prices;
  average_booking_value: total_spent / completed (0.00 when none completed).
- first/last booking: earliest/latest start < now, not cancelled. next: earliest start >= now,
  not cancelled.
- favourites: the agent/service/location with most non-cancelled bookings (ties: lowest id).
- booking_frequency: from the average gap between consecutive non-cancelled bookings:
  <= 10 days weekly, <= 45 monthly, <= 120 quarterly, else occasional; null under 2 bookings.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from sandbox.models import Agent, Booking, Customer, Location, Service

CENTS = Decimal("0.01")


def money(value) -> str:
    return str(Decimal(value or 0).quantize(CENTS))


def iso_z(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).date().isoformat()


def list_stats(customer_ids: list[int], now: datetime) -> dict[int, dict]:
    """The stats block of GET /customers rows, for one page of customers in one query."""
    not_cancelled = ~Q(status="cancelled")
    rows = (
        Booking.objects.filter(customer_id__in=customer_ids)
        .values("customer_id")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status="completed")),
            cancelled=Count("id", filter=Q(status="cancelled")),
            future=Count("id", filter=Q(start_at__gte=now) & not_cancelled),
            spent=Sum("price", filter=Q(status="completed")),
            last=Max("start_at", filter=Q(start_at__lt=now) & not_cancelled),
            next=Min("start_at", filter=Q(start_at__gte=now) & not_cancelled),
        )
    )
    by_id = {row["customer_id"]: row for row in rows}
    result = {}
    for cid in customer_ids:
        row = by_id.get(cid)
        if row is None:
            result[cid] = {
                "total_bookings": "0",
                "completed_bookings": 0,
                "cancelled_bookings": 0,
                "future_bookings": "0",
                "total_spent": "0.00",
                "last_booking_date": None,
                "next_booking_date": None,
            }
            continue
        result[cid] = {
            "total_bookings": str(row["total"]),
            "completed_bookings": row["completed"],
            "cancelled_bookings": row["cancelled"],
            "future_bookings": str(row["future"]),
            "total_spent": money(row["spent"]),
            "last_booking_date": local_date(row["last"]),
            "next_booking_date": local_date(row["next"]),
        }
    return result


def frequency(starts: list[datetime]) -> str | None:
    if len(starts) < 2:
        return None
    ordered = sorted(starts)
    span_days = (ordered[-1] - ordered[0]).total_seconds() / 86400
    gap = span_days / (len(ordered) - 1)
    if gap <= 10:
        return "weekly"
    if gap <= 45:
        return "monthly"
    if gap <= 120:
        return "quarterly"
    return "occasional"


def _favorite(counter: Counter, model, label: str) -> dict | None:
    if not counter:
        return None
    best_id, count = min(counter.items(), key=lambda item: (-item[1], item[0]))
    obj = model.objects.filter(pk=best_id).first()
    if obj is None:
        return None
    name = obj.display_name if model is Agent else obj.name
    return {"id": best_id, label: name, "booking_count": count}


def full_stats(customer: Customer, now: datetime) -> dict:
    """The full stats block of GET /customers/{id}?include=stats (seeds/000)."""
    rows = list(
        Booking.objects.filter(customer=customer).values_list(
            "status", "start_at", "price", "agent_id", "service_id", "location_id"
        )
    )
    statuses = Counter(row[0] for row in rows)
    active = [row for row in rows if row[0] != "cancelled"]
    past = [row[1] for row in active if row[1] < now]
    future = [row[1] for row in active if row[1] >= now]
    spent = sum((row[2] for row in rows if row[0] == "completed"), Decimal("0"))
    completed = statuses["completed"]
    return {
        "total_bookings": len(rows),
        "completed_bookings": completed,
        "cancelled_bookings": statuses["cancelled"],
        "no_show_bookings": statuses["no_show"],
        "pending_bookings": statuses["pending"],
        "future_bookings": len(future),
        "total_spent": money(spent),
        "average_booking_value": money(spent / completed if completed else 0),
        "first_booking_date": iso_z(min(past)) if past else None,
        "last_booking_date": iso_z(max(past)) if past else None,
        "next_booking_date": iso_z(min(future)) if future else None,
        "favorite_agent": _favorite(Counter(row[3] for row in active), Agent, "display_name"),
        "favorite_service": _favorite(Counter(row[4] for row in active), Service, "name"),
        "favorite_location": _favorite(Counter(row[5] for row in active), Location, "name"),
        "booking_frequency": frequency([row[1] for row in active]),
    }
