"""What the dashboard's figures are, as values: the results `stats.figures` computes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from stats.forms import Period

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def money(cents: int | None) -> Decimal:
    """An amount kept in cents (exact on every database), as money."""
    return (Decimal(cents or 0) / 100).quantize(CENT)


@dataclass(frozen=True)
class Rate:
    """A share, kept as its two counts so that nothing is lost to rounding."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        """Percentage to one decimal place (half up); None when there is nothing to divide."""
        if not self.denominator:
            return None
        value = Decimal(self.numerator) * 100 / Decimal(self.denominator)
        return value.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    status_counts: dict[str, int]  # every BookingStatus value, plus "other"
    total: int
    revenue: Decimal
    completed: int
    no_show_rate: Rate
    cancellation_rate: Rate
    new_customers: int | None  # None: not known yet (the customers are still being copied)
    customers: int  # distinct customers with a booking in the period
    returning: Rate | None  # None: it needs the period before, which is not read
    #: Payments less refunds made in the period (stats.collected); None: not held yet.
    collected: Decimal | None = None

    @property
    def average_value(self) -> Decimal | None:
        if not self.completed:
            return None
        return (self.revenue / self.completed).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DayCount:
    day: date
    total: int
    completed: int


@dataclass(frozen=True)
class ServiceRevenue:
    service_id: int | None
    name: str
    revenue: Decimal
    completed: int


@dataclass(frozen=True)
class CustomerSpend:
    customer_id: int
    name: str
    spend: Decimal
    completed: int


@dataclass(frozen=True)
class RiskCandidate:
    """A customer with a no-show in the period (the risk checks read the first few)."""

    customer_id: int
    no_shows: int
    name: str  # "" when not read (past the first few)


@dataclass(frozen=True)
class BookingFigures:
    """Every figure the dashboard computes from bookings, for a period and the one before it."""

    current: PeriodFigures
    previous: PeriodFigures | None  # None: the period before is not held, no comparison
    daily: list[DayCount]
    revenue_by_service: list[ServiceRevenue]
    top_customers: list[CustomerSpend]
    candidates: list[RiskCandidate]  # every customer with a no-show in the period
