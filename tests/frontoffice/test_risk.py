"""The seeds/000 risk rule, on each side of every boundary it draws."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from frontoffice.risk import NEVER_BOOKED_DAYS, RiskLevel, assess_risk
from latepoint.models import Booking, BookingStatus, Customer, CustomerStats, CustomerStatus

TODAY = date(2026, 11, 22)


def stats_for(*, days_ago: int | None = 10, total: int = 10, no_shows: int = 0, **extra):
    last = None if days_ago is None else TODAY - timedelta(days=days_ago)
    return CustomerStats(
        total_bookings=total,
        completed_bookings=total - no_shows,
        no_show_bookings=no_shows,
        last_booking_date=last,
        **extra,
    )


def customer(**fields) -> Customer:
    base = {"id": 1, "first_name": "Ana", "email": "ana@example.com", "phone": "+15551234567"}
    return Customer(**{**base, **fields})


@pytest.mark.parametrize(
    ("days_ago", "level"),
    [
        (0, RiskLevel.LOW),
        (90, RiskLevel.LOW),
        (91, RiskLevel.MEDIUM),
        (180, RiskLevel.MEDIUM),
        (181, RiskLevel.HIGH),
        (365, RiskLevel.HIGH),
    ],
)
def test_days_since_last_booking_boundaries(days_ago, level):
    risk = assess_risk(stats_for(days_ago=days_ago), today=TODAY)
    assert risk.level == level
    assert risk.days_since_last_booking == days_ago


@pytest.mark.parametrize(
    ("no_shows", "level", "rate"),
    [
        (0, RiskLevel.LOW, Decimal("0")),
        (100, RiskLevel.LOW, Decimal("10")),  # exactly 10%: not above
        (101, RiskLevel.MEDIUM, Decimal("10.1")),
        (200, RiskLevel.MEDIUM, Decimal("20")),  # exactly 20%: not above
        (201, RiskLevel.HIGH, Decimal("20.1")),
    ],
)
def test_no_show_rate_boundaries(no_shows, level, rate):
    risk = assess_risk(stats_for(total=1000, no_shows=no_shows), today=TODAY)
    assert risk.level == level
    assert risk.no_show_rate == rate


def test_small_counts_just_over_the_line():
    # 1 of 9 is 11.1%: medium; 1 of 10 is 10%: low; 2 of 9 is 22.2%: high.
    assert assess_risk(stats_for(total=9, no_shows=1), today=TODAY).level == RiskLevel.MEDIUM
    assert assess_risk(stats_for(total=10, no_shows=1), today=TODAY).level == RiskLevel.LOW
    assert assess_risk(stats_for(total=9, no_shows=2), today=TODAY).level == RiskLevel.HIGH


def test_never_booked_is_a_new_customer_not_a_lapsed_one():
    risk = assess_risk(stats_for(days_ago=None, total=0), today=TODAY)
    assert risk.days_since_last_booking == NEVER_BOOKED_DAYS
    assert risk.level == RiskLevel.NEW
    assert risk.label == "New customer"
    assert risk.no_show_rate is None  # no division by zero
    assert "Send reactivation campaign" not in risk.recommendations


def test_first_booking_still_ahead_is_new():
    # Booked for today or later, nothing in the past yet: a first-time arrival.
    risk = assess_risk(stats_for(days_ago=None, total=1), today=TODAY)
    assert risk.level == RiskLevel.NEW


def test_never_booked_with_high_no_show_rate_is_still_high():
    # No past booking that counts, but the no-show thresholds still apply to what there is.
    stats = CustomerStats(total_bookings=4, no_show_bookings=1)
    assert assess_risk(stats, today=TODAY).level == RiskLevel.HIGH
    stats = CustomerStats(total_bookings=9, no_show_bookings=1)
    assert assess_risk(stats, today=TODAY).level == RiskLevel.MEDIUM


def test_one_day_past_the_line_is_not_new():
    risk = assess_risk(stats_for(days_ago=1, total=1), today=TODAY)
    assert risk.level == RiskLevel.LOW
    assert risk.label == "Low risk"


def test_no_bookings_and_no_counts_never_divides_by_zero():
    risk = assess_risk(CustomerStats(), today=TODAY)
    assert risk.no_show_rate is None
    assert risk.level == RiskLevel.NEW


def test_unknown_no_show_count_gives_no_rate():
    stats = CustomerStats(total_bookings=5, last_booking_date=TODAY, no_show_bookings=None)
    risk = assess_risk(stats, today=TODAY)
    assert risk.no_show_rate is None
    assert risk.level == RiskLevel.LOW


def test_a_future_last_booking_counts_as_zero_days():
    risk = assess_risk(stats_for(days_ago=-5), today=TODAY)
    assert risk.days_since_last_booking == 0


@pytest.mark.parametrize(("days_ago", "expected"), [(90, False), (91, True)])
def test_reactivation_recommended_after_90_days(days_ago, expected):
    risk = assess_risk(stats_for(days_ago=days_ago), today=TODAY)
    assert ("Send reactivation campaign" in risk.recommendations) is expected


@pytest.mark.parametrize(
    ("total", "no_shows", "expected"),
    [
        (10, 2, False),  # 20%, but only two
        (20, 3, True),  # 15%: medium risk
        (10, 3, True),  # 30%: high risk
        (100, 3, False),  # 3%: a low-risk customer needs no extra reminders
    ],
)
def test_extra_reminders_only_for_a_no_show_habit(total, no_shows, expected):
    risk = assess_risk(stats_for(total=total, no_shows=no_shows), today=TODAY)
    assert ("Implement additional reminders" in risk.recommendations) is expected
    if expected:
        assert risk.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)


@pytest.mark.parametrize(
    ("total", "spent", "expected"),
    [
        (10, "5000.00", False),  # needs more than 10 bookings
        (11, "500.00", False),  # needs more than 500 spent
        (11, "500.01", True),
    ],
)
def test_loyalty_candidate(total, spent, expected):
    risk = assess_risk(stats_for(total=total, total_spent=Decimal(spent)), today=TODAY)
    assert ("Candidate for loyalty program" in risk.recommendations) is expected


def test_blocked_customer_cannot_book():
    risk = assess_risk(stats_for(), today=TODAY, customer=customer(status=CustomerStatus.BLOCKED))
    assert risk.can_book is False
    assert "Customer blocked - cannot make bookings" in risk.warnings


def test_inactive_customer_gets_a_verify_warning_but_can_book():
    risk = assess_risk(stats_for(), today=TODAY, customer=customer(status=CustomerStatus.INACTIVE))
    assert risk.can_book is True
    assert "Customer inactive - verify information" in risk.warnings


def test_active_complete_customer_has_no_warnings():
    risk = assess_risk(stats_for(), today=TODAY, customer=customer())
    assert risk.warnings == ()
    assert risk.can_book is True


@pytest.mark.parametrize(("no_shows", "warned"), [(200, False), (201, True)])
def test_high_no_show_warning_above_20_percent(no_shows, warned):
    risk = assess_risk(stats_for(total=1000, no_shows=no_shows), today=TODAY)
    assert any(w.startswith("High no-show rate") for w in risk.warnings) is warned
    if warned:
        assert "High no-show rate (20.1%)" in risk.warnings


@pytest.mark.parametrize(("pending", "warned"), [(2, False), (3, True)])
def test_more_than_two_pending_bookings(pending, warned):
    risk = assess_risk(stats_for(pending_bookings=pending), today=TODAY)
    assert (f"Has {pending} pending bookings" in risk.warnings) is warned


def test_pending_counted_from_bookings_when_stats_have_no_count():
    bookings = tuple(Booking(id=i, status=BookingStatus.PENDING) for i in range(3))
    risk = assess_risk(stats_for(pending_bookings=None), today=TODAY, bookings=bookings)
    assert "Has 3 pending bookings" in risk.warnings
    risk = assess_risk(stats_for(pending_bookings=None), today=TODAY, bookings=bookings[:2])
    assert not any(w.startswith("Has ") for w in risk.warnings)


@pytest.mark.parametrize(
    ("fields", "warned"),
    [
        ({}, False),
        ({"phone": ""}, True),
        ({"email": ""}, True),
        ({"phone": "", "email": ""}, True),
    ],
)
def test_incomplete_contact_details(fields, warned):
    risk = assess_risk(stats_for(), today=TODAY, customer=customer(**fields))
    assert ("Incomplete contact information" in risk.warnings) is warned
