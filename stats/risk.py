"""Customers at high risk: the profile's rule (frontoffice.risk.assess_risk, on the customer's
lifetime stats) applied to the customers with the most no-shows in the period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from frontoffice.risk import RiskLevel, assess_risk
from latepoint.errors import NotFound
from latepoint.models import Customer, CustomerStats
from stats.live import run_bounded
from stats.results import TENTH, RiskCandidate
from upstream.gateway import api

RISK_CANDIDATES = 10  # each costs one GET /customers/{id} on a cold cache

#: Each customer's lifetime stats, all at once (from the local history, when it holds them).
Lifetime = Callable[[list[int]], dict[int, CustomerStats]]


@dataclass(frozen=True)
class RiskRow:
    customer_id: int
    name: str
    no_shows_in_period: int
    no_show_rate: Decimal | None  # lifetime, percent
    days_since_last_booking: int | None  # None: no past booking
    total_bookings: int


def _customer_get(customer_id: int) -> Customer | None:
    try:
        return api().get_customer(customer_id, include=("stats",))
    except NotFound:
        return None  # deleted since it was booked


def customers_at_high_risk(
    candidates: list[RiskCandidate], *, today: date, lifetime: Lifetime | None = None
) -> list[RiskRow]:
    """The profile's risk rule on each candidate's lifetime stats: one cached call each, or
    all of them at once from `lifetime` (the local history, when it holds every booking)."""
    ids = [candidate.customer_id for candidate in candidates]
    if lifetime is not None:
        known = lifetime(ids)
        found = [(known[cid], None) for cid in ids]
    else:
        found = [
            None if customer is None else (customer.stats or CustomerStats(), customer)
            for customer in run_bounded(_customer_get, ids)
        ]
    rows = []
    for candidate, one in zip(candidates, found, strict=True):
        if one is None:
            continue
        stats, customer = one
        risk = assess_risk(stats, today=today, customer=customer)
        if risk.level != RiskLevel.HIGH:
            continue
        cid = candidate.customer_id
        rows.append(
            RiskRow(
                customer_id=cid,
                name=(customer.full_name if customer else "")
                or candidate.name
                or f"Customer #{cid}",
                no_shows_in_period=candidate.no_shows,
                no_show_rate=risk.no_show_rate.quantize(TENTH, rounding=ROUND_HALF_UP)
                if risk.no_show_rate is not None
                else None,
                days_since_last_booking=None
                if stats.last_booking_date is None
                else risk.days_since_last_booking,
                total_bookings=stats.total_bookings,
            )
        )
    return rows
