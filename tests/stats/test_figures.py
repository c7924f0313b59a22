"""The figures' arithmetic on hand-made bookings, including odd upstream data; and the same
figures from the local history's database as from the bookings read live."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from history.records import store_page
from latepoint.models import Booking, BookingCustomer, Service
from stats.comparison import Comparison
from stats.figures import (
    booking_figures,
    comparisons,
    daily_counts,
    during,
    period_figures,
    revenue_by_service,
    status_comparisons,
    top_customers_by_spend,
)
from stats.forms import Period
from stats.history_figures import history_bookings
from stats.live import live_records
from stats.results import Rate

NY = ZoneInfo("America/New_York")
PERIOD = Period(start=date(2026, 11, 1), end=date(2026, 11, 3))


def booking(n, status, *, customer=1, price="10.00", service=1, day=1, hour=10, zone=NY):
    return Booking(
        id=n,
        status=status,
        start=datetime(2026, 11, day, hour, tzinfo=zone),
        customer=BookingCustomer(id=customer, full_name=f"Customer {customer}")
        if customer is not None
        else None,
        service=Service(id=service, name=f"Service {service}") if service is not None else None,
        price=Decimal(price) if price is not None else None,
    )


def test_rates_and_averages():
    bookings = [
        booking(1, "completed", price="10.00"),
        booking(2, "completed", price="20.05", customer=2),
        booking(3, "no_show", customer=2),
        booking(4, "cancelled", customer=3),
        booking(5, "approved", customer=None),
        booking(6, "waitlisted", customer=4),  # a status LatePoint may add: counted as other
        booking(7, "completed", price=None, customer=0),  # no price, no usable customer
    ]
    earlier = [booking(8, "approved", customer=2), booking(9, "cancelled", customer=9)]
    figures = period_figures(
        live_records(bookings), period=PERIOD, new_customers=5, earlier=live_records(earlier)
    )
    assert figures.total == 7
    assert figures.status_counts["other"] == 1
    assert figures.completed == 3
    assert figures.revenue == Decimal("30.05")
    assert figures.average_value == Decimal("10.02")  # 30.05 / 3 = 10.0166...
    assert (figures.no_show_rate.numerator, figures.no_show_rate.denominator) == (1, 4)
    assert figures.no_show_rate.percent == Decimal("25.0")
    assert (figures.cancellation_rate.numerator, figures.cancellation_rate.denominator) == (1, 7)
    assert figures.cancellation_rate.percent == Decimal("14.3")
    assert figures.customers == 4  # 1, 2, 3, 4: none for the missing or zero id
    assert (figures.returning.numerator, figures.returning.denominator) == (1, 4)


def test_rate_rounds_half_up_and_has_no_value_without_a_denominator():
    assert Rate(1, 8).percent == Decimal("12.5")
    assert Rate(1, 16).percent == Decimal("6.3")  # 6.25 rounds up
    assert Rate(0, 0).percent is None


def test_changes():
    assert Comparison("r", "Revenue", "money", Decimal(110), Decimal(100)).change_text == "+10.0%"
    assert (
        Comparison("r", "Revenue", "money", Decimal(90), Decimal(100)).change_text
        == "\N{MINUS SIGN}10.0%"
    )
    assert Comparison("n", "No-shows", "percent", Decimal("7.5"), Decimal("9.0")).change_text == (
        "\N{MINUS SIGN}1.5 pts"
    )
    assert Comparison("b", "Bookings", "count", 5, 0).change_text == "new (none before)"
    assert Comparison("b", "Bookings", "count", 0, 0).change_text == "no change"
    assert Comparison("x", "Returning", "percent", Decimal(50), None).change_text == (
        "no comparison"
    )


def test_days_are_counted_in_the_site_time_zone():
    utc = ZoneInfo("UTC")
    bookings = [
        booking(1, "completed", day=2, hour=3, zone=utc),  # 22:00 on Nov 1 in New York
        booking(2, "approved", day=2, hour=15),
    ]
    counts = daily_counts(live_records(bookings), period=PERIOD)
    assert [(d.day.day, d.total, d.completed) for d in counts] == [(1, 1, 1), (2, 1, 0), (3, 0, 0)]


def test_revenue_by_service_and_top_customers():
    bookings = [
        booking(1, "completed", service=1, customer=1, price="50.00"),
        booking(2, "completed", service=2, customer=2, price="80.00"),
        booking(3, "completed", service=None, customer=1, price="40.00"),
        booking(4, "no_show", service=2, customer=3, price="999.00"),
    ]
    rows = revenue_by_service(live_records(bookings))
    assert [(r.name, r.revenue, r.completed) for r in rows] == [
        ("Service 2", Decimal("80.00"), 1),
        ("Service 1", Decimal("50.00"), 1),
        ("Unknown service", Decimal("40.00"), 1),
    ]
    top = top_customers_by_spend(live_records(bookings))
    assert [(c.customer_id, c.spend, c.completed) for c in top] == [
        (1, Decimal("90.00"), 2),
        (2, Decimal("80.00"), 1),
    ]


def test_a_change_says_whether_it_is_good_news():
    no_shows_up = Comparison(
        "n", "No-show rate", "percent", Decimal("12.1"), Decimal("9.0"), better="down"
    )
    assert (no_shows_up.verdict, no_shows_up.change_label) == ("worse", "▲ 3.1 pts (worse)")
    cancellations_down = Comparison(
        "c", "Cancellation rate", "percent", Decimal("8.0"), Decimal("9.5"), better="down"
    )
    assert cancellations_down.change_label == "▼ 1.5 pts (better)"
    revenue_up = Comparison("r", "Revenue", "money", Decimal(110), Decimal(100), better="up")
    assert (revenue_up.verdict, revenue_up.change_label) == ("better", "▲ 10.0% (better)")
    bookings_down = Comparison("b", "Bookings", "count", 90, 100, better="up")
    assert bookings_down.change_label == "▼ 10.0% (worse)"
    # A figure with no good direction, and changes with nothing to size, say no verdict.
    assert Comparison("p", "Pending", "count", 5, 4).change_label == "▲ 25.0%"
    assert Comparison("p", "Pending", "count", 5, 4).verdict == ""
    assert Comparison("b", "Bookings", "count", 3, 3, better="up").change_label == "no change"
    assert Comparison("b", "Bookings", "count", 5, 0, better="up").verdict == ""
    assert Comparison("x", "Returning", "percent", Decimal(5), None, better="up").verdict == ""


def test_every_key_figure_and_status_knows_its_good_direction():
    none = live_records([])
    empty = period_figures(none, period=PERIOD, new_customers=0, earlier=none)
    better = {c.key: c.better for c in comparisons(empty, empty)}
    assert better == {
        "bookings": "up",
        "revenue": "up",
        "collected": "up",
        "average_value": "up",
        "no_show_rate": "down",
        "cancellation_rate": "down",
        "new_customers": "up",
        "returning": "up",
    }
    statuses = {c.key: c.better for c in status_comparisons(empty, empty)}
    assert statuses["status_completed"] == "up"
    assert statuses["status_no_show"] == "down"
    assert statuses["status_cancelled"] == "down"
    assert statuses["status_pending"] == statuses["status_approved"] == ""


#: Odd upstream data across a period and the one before it: statuses LatePoint may add, no
#: price, no customer or an unusable id, no service, a day boundary in another zone, ties.
ODD_BOOKINGS = [
    booking(1, "completed", price="10.00"),
    booking(2, "completed", price="20.05", customer=2, service=2),
    booking(3, "no_show", customer=2),
    booking(4, "cancelled", customer=3, day=2),
    booking(5, "approved", customer=None, day=2),
    booking(6, "waitlisted", customer=4, day=3),
    booking(7, "completed", price=None, customer=0, service=None, day=3),
    booking(8, "no_show", customer=5, day=2, hour=3, zone=ZoneInfo("UTC")),
    booking(9, "no_show", customer=5, day=3),
    booking(10, "completed", price="20.05", customer=6, service=2, day=3),
    # The period before (Oct 29-31): customers 2 and 9 booked then.
    booking(11, "approved", customer=2, day=1, hour=1, zone=ZoneInfo("UTC")),
    booking(12, "completed", price="5.00", customer=9, day=1, hour=2, zone=ZoneInfo("UTC")),
]


@pytest.mark.django_db
def test_the_history_and_live_bookings_give_the_same_figures():
    """One definition of each figure: aggregated by the database over the history's records,
    or in Python over the records of the same bookings read live, the figures are equal."""
    store_page(ODD_BOOKINGS, read_at=timezone.now())
    from_history = booking_figures(
        history_bookings(period=PERIOD),
        history_bookings(period=PERIOD.previous()),
        period=PERIOD,
        named=2,
    )
    records = live_records(ODD_BOOKINGS)
    live = booking_figures(
        records.where(during(PERIOD)),
        records.where(during(PERIOD.previous())),
        period=PERIOD,
        named=2,
    )
    assert live == from_history
    assert live.current.total == 10 and live.previous.total == 2
    assert live.current.status_counts["other"] == 1
    assert live.current.revenue == Decimal("50.10")
    assert (live.current.returning.numerator, live.current.returning.denominator) == (1, 6)
    assert [(c.customer_id, c.no_shows, c.name) for c in live.candidates] == [
        (5, 2, "Customer 5"),
        (2, 1, "Customer 2"),
    ]
    assert [(c.customer_id, c.spend) for c in live.top_customers] == [
        (2, Decimal("20.05")),
        (6, Decimal("20.05")),
        (1, Decimal("10.00")),
    ]
