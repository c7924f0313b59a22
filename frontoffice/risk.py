"""The risk rule of the customer API page (seeds/000), applied to typed stats.

High: more than 180 days since the last booking, or a no-show rate above 20%.
Medium: more than 90 days, or above 10%. Low otherwise.

A customer with no past booking has no "days since": the documentation's sample code counts
that as 999 days, which would flag every walk-in and every first-time arrival as a lapsed,
high-risk customer at the desk. Such customers are assessed as NEW instead (the no-show
thresholds still apply), and get no reactivation recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from latepoint.models import Booking, BookingStatus, Customer, CustomerStats, CustomerStatus

NEVER_BOOKED_DAYS = 999


class RiskLevel(StrEnum):
    NEW = "new"  # no past booking yet: nothing to judge lapsing by
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


LEVEL_LABELS = {
    RiskLevel.NEW: "New customer",
    RiskLevel.LOW: "Low risk",
    RiskLevel.MEDIUM: "Medium risk",
    RiskLevel.HIGH: "High risk",
}


@dataclass(frozen=True)
class RiskAssessment:
    level: RiskLevel
    days_since_last_booking: int  # NEVER_BOOKED_DAYS when there is no last booking
    no_show_rate: Decimal | None  # percent, None when there are no bookings or no count
    recommendations: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    can_book: bool = True

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


def no_show_rate(stats: CustomerStats) -> Decimal | None:
    """No-shows as a percentage of all bookings; None when it cannot be computed."""
    if not stats.total_bookings or stats.no_show_bookings is None:
        return None
    return Decimal(stats.no_show_bookings) * 100 / Decimal(stats.total_bookings)


def completion_rate(stats: CustomerStats) -> Decimal | None:
    if not stats.total_bookings:
        return None
    return Decimal(stats.completed_bookings) * 100 / Decimal(stats.total_bookings)


def days_since(last: date | None, *, today: date) -> int:
    if last is None:
        return NEVER_BOOKED_DAYS
    return max((today - last).days, 0)


def assess_risk(
    stats: CustomerStats,
    *,
    today: date,
    customer: Customer | None = None,
    bookings: tuple[Booking, ...] = (),
) -> RiskAssessment:
    """Level, recommendations and booking-eligibility warnings, as seeds/000 documents them.

    `customer` adds the status and contact checks; `bookings` (e.g. upcoming ones) adds the
    pending-bookings check when the stats carry no pending count.
    """
    days = days_since(stats.last_booking_date, today=today)
    rate = no_show_rate(stats)
    rate_value = rate if rate is not None else Decimal(0)
    never_booked = stats.last_booking_date is None
    if (not never_booked and days > 180) or rate_value > 20:
        level = RiskLevel.HIGH
    elif (not never_booked and days > 90) or rate_value > 10:
        level = RiskLevel.MEDIUM
    else:
        level = RiskLevel.NEW if never_booked else RiskLevel.LOW

    recommendations = []
    if not never_booked and days > 90:
        recommendations.append("Send reactivation campaign")
    # Reminders answer a no-show habit: more than two, and a rate that raised the risk level.
    if (stats.no_show_bookings or 0) > 2 and rate_value > 10:
        recommendations.append("Implement additional reminders")
    if stats.total_bookings > 10 and stats.total_spent > 500:
        recommendations.append("Candidate for loyalty program")

    warnings = []
    can_book = True
    if customer is not None:
        if customer.status == CustomerStatus.BLOCKED:
            can_book = False
            warnings.append("Customer blocked - cannot make bookings")
        elif customer.status == CustomerStatus.INACTIVE:
            warnings.append("Customer inactive - verify information")
    if rate is not None and rate > 20:
        warnings.append(f"High no-show rate ({rate:.1f}%)")
    pending = stats.pending_bookings
    if pending is None and bookings:
        pending = sum(1 for b in bookings if b.status == BookingStatus.PENDING)
    if pending is not None and pending > 2:
        warnings.append(f"Has {pending} pending bookings")
    if customer is not None and (not customer.phone or not customer.email):
        warnings.append("Incomplete contact information")

    return RiskAssessment(
        level=level,
        days_since_last_booking=days,
        no_show_rate=rate,
        recommendations=tuple(recommendations),
        warnings=tuple(warnings),
        can_book=can_book,
    )
