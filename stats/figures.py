"""Every figure of the dashboard, defined once, over booking records.

Each figure is written here once, as conditions and measures (`stats.aggregation`) over
records with the local history's columns, and computed by whichever records hold the bookings:
the local history's, in the database (`stats.history_figures.history_bookings`: a few
COUNT / SUM / GROUP BY queries; the dashboard's only source), or records in a list, in Python
(`stats.aggregation.ListRecords`, as tests make them from bookings: `stats.live.live_records`).
So a figure cannot mean one thing in one place and another elsewhere.

The definitions, as the page states them (and `tests/stats/recompute.py` recomputes them from
the sandbox's database):

- A booking belongs to the day it starts, in the site's time zone (`start_date`).
- Revenue: the sum of the prices of COMPLETED bookings. Average booking value: revenue divided
  by the number of completed bookings.
- Collected revenue: succeeded payments less succeeded refunds made during the period, from the
  history's copy of LatePoint's payments (`stats.collected`; None while it does not hold them).
- No-show rate: no-shows ÷ bookings that were due (completed + no-show).
- Cancellation rate: cancellations ÷ all bookings of the period.
- New customers: customers whose account was created during the period (counted apart:
  `stats.live.new_customers_counts`, from the history's copy of the customers when it has one).
- Returning customers: of the customers with a booking (any status) in the period, the share
  who also had a booking in the previous period. The previous period's own share would need
  the period before it, which is not read, so it has no comparison.
- A customer is one with an id above 0 (profiles need one): a booking without one counts as a
  booking, but as no customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from frontoffice.formatting import status_label
from latepoint.models import BookingStatus
from stats.aggregation import Cond, Records, count, distinct, largest, total
from stats.comparison import Comparison
from stats.forms import Period
from stats.results import (
    BookingFigures,
    CustomerSpend,
    DayCount,
    PeriodFigures,
    Rate,
    RiskCandidate,
    ServiceRevenue,
    money,
)

TOP_CUSTOMERS = 10

COMPLETED = str(BookingStatus.COMPLETED)
NO_SHOW = str(BookingStatus.NO_SHOW)
CANCELLED = str(BookingStatus.CANCELLED)
#: The statuses LatePoint documents: a booking with any other counts as "other".
STATUSES = tuple(str(s) for s in BookingStatus)
#: The order the dashboard lists them in.
STATUS_ORDER = (
    str(BookingStatus.PENDING),
    str(BookingStatus.APPROVED),
    COMPLETED,
    NO_SHOW,
    CANCELLED,
)


def status_is(status: str) -> Cond:
    return Cond("status", "eq", status)


def during(period: Period) -> Cond:
    """Bookings that start on a day of the period."""
    return Cond("start_date", "range", (period.start, period.end))


IS_COMPLETED = status_is(COMPLETED)
#: Profiles need an id above 0: a booking with another counts as a booking, not a customer.
HAS_CUSTOMER = Cond("customer_id", "gt", 0)

# --- the measures ---------------------------------------------------------------------------------

#: A period's counts, as one aggregate: its bookings, its revenue, its distinct customers, and
#: its bookings of each status.
PERIOD_COUNTS = {
    "total": count(),
    "revenue_cents": total("price_cents", IS_COMPLETED),
    "customers": distinct("customer_id", HAS_CUSTOMER),
    **{f"status_{status}": count(status_is(status)) for status in STATUSES},
}
#: A day's bookings, and those of them completed.
DAY_COUNTS = {"total": count(), "completed": count(IS_COMPLETED)}
#: What bookings (completed ones, where this is used) brought in, and how many there were.
EARNED = {"cents": total("price_cents"), "completed": count()}


# --- the figures ----------------------------------------------------------------------------------


def booking_figures(
    current: Records, previous: Records | None, *, period: Period, named: int | None = None
) -> BookingFigures:
    """Every booking figure of the dashboard for `period` (`current`: its bookings) and the
    period before it (`previous`), however the records are held. New customers are left at
    0 (they are not counted from bookings); `named`: see `risk_candidates`. Without
    `previous` (not held yet) there is nothing to compare with: no previous figures, and no
    returning customers (they need it)."""
    return BookingFigures(
        current=period_figures(current, period=period, new_customers=0, earlier=previous),
        previous=None
        if previous is None
        else period_figures(previous, period=period.previous(), new_customers=0, earlier=None),
        daily=daily_counts(current, period=period),
        revenue_by_service=revenue_by_service(current),
        top_customers=top_customers_by_spend(current),
        candidates=risk_candidates(current, named=named),
    )


def period_figures(
    records: Records, *, period: Period, new_customers: int | None, earlier: Records | None
) -> PeriodFigures:
    """A period's figures from its bookings: one aggregate, and one more with `earlier` (the
    previous period's bookings) for the returning customers."""
    counts = records.totals(PERIOD_COUNTS)
    status_counts = {status: counts[f"status_{status}"] for status in STATUSES}
    status_counts["other"] = counts["total"] - sum(status_counts.values())
    completed, no_shows = status_counts[COMPLETED], status_counts[NO_SHOW]
    returning = None
    if earlier is not None:
        returning = Rate(returning_customers(records, earlier=earlier), counts["customers"])
    return PeriodFigures(
        period=period,
        status_counts=status_counts,
        total=counts["total"],
        revenue=money(counts["revenue_cents"]),
        completed=completed,
        no_show_rate=Rate(no_shows, completed + no_shows),
        cancellation_rate=Rate(status_counts[CANCELLED], counts["total"]),
        new_customers=new_customers,
        customers=counts["customers"],
        returning=returning,
    )


def returning_customers(records: Records, *, earlier: Records) -> int:
    """How many of the customers with one of `records` also have one of `earlier`."""
    also_earlier = Cond("customer_id", "in", earlier.where(HAS_CUSTOMER).values("customer_id"))
    both = records.where(HAS_CUSTOMER, also_earlier)
    return both.totals({"customers": distinct("customer_id")})["customers"]


def daily_counts(records: Records, *, period: Period) -> list[DayCount]:
    """Every day of the period, with its bookings and those completed."""
    per_day = {row["start_date"]: row for row in records.groups("start_date", DAY_COUNTS)}
    empty = {"total": 0, "completed": 0}
    return [
        DayCount(day, per_day.get(day, empty)["total"], per_day.get(day, empty)["completed"])
        for day in period.dates()
    ]


def revenue_by_service(records: Records) -> list[ServiceRevenue]:
    """Revenue per service, largest first."""
    grouped = records.where(IS_COMPLETED).groups(
        "service_id", {**EARNED, "name": largest("service_name")}
    )
    rows = [
        ServiceRevenue(
            service_id=(sid := row["service_id"]),
            name=row["name"] or ("Unknown service" if sid is None else f"Service #{sid}"),
            revenue=money(row["cents"]),
            completed=row["completed"],
        )
        for row in grouped
    ]
    rows.sort(key=lambda row: (-row.revenue, row.name.lower(), row.service_id or 0))
    return rows


def top_customers_by_spend(records: Records, *, limit: int = TOP_CUSTOMERS) -> list[CustomerSpend]:
    """The customers who spent most (revenue of their completed bookings; ties by id)."""
    completed = records.where(HAS_CUSTOMER, IS_COMPLETED)
    grouped = completed.groups("customer_id", EARNED, order=("-cents", "customer_id"), limit=limit)
    names = customer_names(completed, [row["customer_id"] for row in grouped])
    return [
        CustomerSpend(
            customer_id=(cid := row["customer_id"]),
            name=names.get(cid) or f"Customer #{cid}",
            spend=money(row["cents"]),
            completed=row["completed"],
        )
        for row in grouped
    ]


def risk_candidates(records: Records, *, named: int | None = None) -> list[RiskCandidate]:
    """The customers with a no-show, most no-shows first (ties by id); with `named`, only the
    first that many have their name read."""
    no_shows = records.where(HAS_CUSTOMER, status_is(NO_SHOW))
    grouped = no_shows.groups(
        "customer_id", {"no_shows": count()}, order=("-no_shows", "customer_id")
    )
    first = grouped if named is None else grouped[:named]
    names = customer_names(no_shows, [row["customer_id"] for row in first])
    return [
        RiskCandidate(row["customer_id"], row["no_shows"], names.get(row["customer_id"], ""))
        for row in grouped
    ]


def customer_names(records: Records, customer_ids: list[int]) -> dict[int, str]:
    """The customers' names on these records: read for the few shown only, the name not being
    in the history's stats index (by the customer index instead: a few rows each)."""
    if not customer_ids:
        return {}
    theirs = records.where(Cond("customer_id", "in", customer_ids))
    grouped = theirs.groups("customer_id", {"name": largest("customer_name")})
    return {row["customer_id"]: row["name"] for row in grouped}


# --- the comparisons ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    """A key figure as the dashboard shows it, beside its value for the previous period."""

    key: str
    label: str
    kind: str  # "count", "money" or "percent" (then the PeriodFigures attribute is a Rate)
    definition: str = ""
    better: str = "up"  # which way is good news
    attribute: str = ""  # of PeriodFigures, when not `key`

    def value(self, figures: PeriodFigures) -> Decimal | int | None:
        found = getattr(figures, self.attribute or self.key)
        if self.kind == "percent":
            return found.percent if found is not None else None
        return found


KEY_FIGURES = (
    KeyFigure("bookings", "Bookings", "count", attribute="total"),
    KeyFigure("revenue", "Revenue", "money", "Prices of completed bookings."),
    KeyFigure(
        "collected",
        "Collected revenue",
        "money",
        "Payments taken less refunds, on the day each was made.",
    ),
    KeyFigure("average_value", "Average booking value", "money", "Revenue ÷ completed bookings."),
    KeyFigure(
        "no_show_rate",
        "No-show rate",
        "percent",
        "No-shows ÷ bookings that were due (completed + no-show).",
        better="down",
    ),
    KeyFigure(
        "cancellation_rate",
        "Cancellation rate",
        "percent",
        "Cancellations ÷ all bookings.",
        better="down",
    ),
    KeyFigure(
        "new_customers", "New customers", "count", "Customer accounts created in the period."
    ),
    KeyFigure(
        "returning",
        "Returning customers",
        "percent",
        "Customers with a booking in the period who also booked in the previous period.",
    ),
)


def comparisons(current: PeriodFigures, previous: PeriodFigures | None) -> list[Comparison]:
    """Each key figure beside the previous period's (None, "no comparison", without one)."""
    return [
        Comparison(
            figure.key,
            figure.label,
            figure.kind,
            figure.value(current),
            None if previous is None else figure.value(previous),
            figure.definition,
            better=figure.better,
        )
        for figure in KEY_FIGURES
    ]


#: More completed bookings is good news; more cancellations or no-shows is bad news; the other
#: statuses are stages a booking passes through.
_STATUS_BETTER = {COMPLETED: "up", CANCELLED: "down", NO_SHOW: "down"}


def status_comparisons(current: PeriodFigures, previous: PeriodFigures | None) -> list[Comparison]:
    before = previous.status_counts if previous is not None else {}
    keys = list(STATUS_ORDER)
    if current.status_counts["other"] or before.get("other"):
        keys.append("other")
    return [
        Comparison(
            f"status_{key}",
            "Other status" if key == "other" else status_label(key),
            "count",
            current.status_counts[key],
            before.get(key),
            better=_STATUS_BETTER.get(key, ""),
        )
        for key in keys
    ]
