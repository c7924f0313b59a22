"""The dashboard's figures, computed from bookings already fetched (no upstream call here).

The definitions are those stated on the page; `stats.services` fetches the bookings and puts
the dashboard together.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from frontoffice.formatting import status_label
from latepoint.models import Booking, BookingStatus
from stats.forms import Period

TOP_CUSTOMERS = 10

STATUS_ORDER = (
    BookingStatus.PENDING,
    BookingStatus.APPROVED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
)

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


# --- results --------------------------------------------------------------------------------


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
    new_customers: int
    customers: int  # distinct customers with a booking in the period
    returning: Rate | None  # None: it needs the period before, which is not fetched

    @property
    def average_value(self) -> Decimal | None:
        if not self.completed:
            return None
        return (self.revenue / self.completed).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    """One figure for the period and the previous one, with its change."""

    key: str
    label: str
    kind: str  # "count", "money" or "percent"
    current: Decimal | int | None
    previous: Decimal | int | None
    definition: str = ""
    #: Which way is good news: "up" (revenue, bookings), "down" (no-show and cancellation
    #: rates) or "" (neither: a change is only a change).
    better: str = ""

    @property
    def change(self) -> Decimal | None:
        """Percentage points for rates; percent of the previous value for the rest."""
        if self.current is None or self.previous is None:
            return None
        current, previous = Decimal(self.current), Decimal(self.previous)
        if self.kind == "percent":
            return (current - previous).quantize(TENTH, rounding=ROUND_HALF_UP)
        if not previous:
            return None
        return ((current - previous) * 100 / previous).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def trend(self) -> str:
        change = self.change
        if change is None:
            if self.current and self.previous == 0:
                return "up"
            return "none"
        return "up" if change > 0 else "down" if change < 0 else "flat"

    @property
    def verdict(self) -> str:
        """ "better" or "worse" for a change of a figure that has a good direction, else ""."""
        change = self.change
        if not change or self.better not in ("up", "down"):
            return ""
        return "better" if (change > 0) == (self.better == "up") else "worse"

    @property
    def change_amount(self) -> str:
        """The size of the change without its sign ("3.1 pts", "10.0%"); "" when there is none
        to show (see change_text)."""
        change = self.change
        if not change:
            return ""
        return f"{abs(change)}{' pts' if self.kind == 'percent' else '%'}"

    @property
    def arrow(self) -> str:
        """▲ or ▼ for a change with a size, else "" (the text says "up" or "down" too)."""
        if not self.change_amount:
            return ""
        return (
            "\N{BLACK UP-POINTING TRIANGLE}"
            if self.change > 0
            else "\N{BLACK DOWN-POINTING TRIANGLE}"
        )

    @property
    def change_label(self) -> str:
        """The change as read on the dashboard: "▲ 3.1 pts (worse)", "▼ 10.0% (better)", "▲ 4.0%"
        for a figure with no good direction, and change_text when there is no change to size."""
        if not self.change_amount:
            return "no change" if self.change == 0 else self.change_text
        verdict = f" ({self.verdict})" if self.verdict else ""
        return f"{self.arrow} {self.change_amount}{verdict}"

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            if self.current is None or self.previous is None:
                return "no comparison"
            if self.previous == 0 and self.current:
                return "new (none before)"
            return "no change"
        unit = " pts" if self.kind == "percent" else "%"
        if change == 0:
            return f"0{unit}"
        sign = "+" if change > 0 else "\N{MINUS SIGN}"
        return f"{sign}{abs(change)}{unit}"


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


def booking_day(booking: Booking, zone: tzinfo | None = None) -> date | None:
    """The day a booking starts, in the site's time zone."""
    if booking.start is None:
        return None
    return booking.start.astimezone(zone or timezone.get_current_timezone()).date()


_KNOWN_STATUSES = frozenset(str(s) for s in BookingStatus)


def _status_key(booking: Booking) -> str:
    status = str(booking.status)
    return status if status in _KNOWN_STATUSES else "other"


def _customer_id(booking: Booking) -> int | None:
    """The booking's customer id; None when there is no usable one (profiles need id > 0)."""
    customer = booking.customer
    if customer is None or customer.id is None or customer.id <= 0:
        return None
    return customer.id


def booking_customers(bookings: list[Booking]) -> set[int]:
    """The distinct customers (with a usable id) who have one of the bookings."""
    return {cid for b in bookings if (cid := _customer_id(b)) is not None}


def _customer_name(booking: Booking) -> str:
    customer = booking.customer
    if customer is None:
        return ""
    return customer.full_name or f"{customer.first_name} {customer.last_name}".strip()


def period_figures(
    bookings: list[Booking],
    *,
    period: Period,
    new_customers: int,
    earlier_customers: set[int] | None,
) -> PeriodFigures:
    counts = Counter(_status_key(b) for b in bookings)
    status_counts = {str(s): counts.get(str(s), 0) for s in BookingStatus}
    status_counts["other"] = counts.get("other", 0)
    completed = [b for b in bookings if b.status == BookingStatus.COMPLETED]
    revenue = sum((b.price or Decimal(0) for b in completed), Decimal(0))
    no_shows = status_counts[BookingStatus.NO_SHOW]
    customers = booking_customers(bookings)
    returning = None
    if earlier_customers is not None:
        returning = Rate(len(customers & earlier_customers), len(customers))
    return PeriodFigures(
        period=period,
        status_counts=status_counts,
        total=len(bookings),
        revenue=revenue,
        completed=len(completed),
        no_show_rate=Rate(no_shows, len(completed) + no_shows),
        cancellation_rate=Rate(status_counts[BookingStatus.CANCELLED], len(bookings)),
        new_customers=new_customers,
        customers=len(customers),
        returning=returning,
    )


def comparisons(current: PeriodFigures, previous: PeriodFigures) -> list[Comparison]:
    def pct(rate: Rate | None) -> Decimal | None:
        return rate.percent if rate is not None else None

    return [
        Comparison("bookings", "Bookings", "count", current.total, previous.total, better="up"),
        Comparison(
            "revenue",
            "Revenue",
            "money",
            current.revenue,
            previous.revenue,
            "Prices of completed bookings.",
            better="up",
        ),
        Comparison(
            "average_value",
            "Average booking value",
            "money",
            current.average_value,
            previous.average_value,
            "Revenue ÷ completed bookings.",
            better="up",
        ),
        Comparison(
            "no_show_rate",
            "No-show rate",
            "percent",
            pct(current.no_show_rate),
            pct(previous.no_show_rate),
            "No-shows ÷ bookings that were due (completed + no-show).",
            better="down",
        ),
        Comparison(
            "cancellation_rate",
            "Cancellation rate",
            "percent",
            pct(current.cancellation_rate),
            pct(previous.cancellation_rate),
            "Cancellations ÷ all bookings.",
            better="down",
        ),
        Comparison(
            "new_customers",
            "New customers",
            "count",
            current.new_customers,
            previous.new_customers,
            "Customer accounts created in the period.",
            better="up",
        ),
        Comparison(
            "returning",
            "Returning customers",
            "percent",
            pct(current.returning),
            pct(previous.returning),
            "Customers with a booking in the period who also booked in the previous period.",
            better="up",
        ),
    ]


#: More completed bookings is good news; more cancellations or no-shows is bad news; the other
#: statuses are stages a booking passes through.
_STATUS_BETTER = {"completed": "up", "cancelled": "down", "no_show": "down"}


def status_comparisons(current: PeriodFigures, previous: PeriodFigures) -> list[Comparison]:
    keys = [str(s) for s in STATUS_ORDER]
    if current.status_counts["other"] or previous.status_counts["other"]:
        keys.append("other")
    return [
        Comparison(
            f"status_{key}",
            "Other status" if key == "other" else status_label(key),
            "count",
            current.status_counts[key],
            previous.status_counts[key],
            better=_STATUS_BETTER.get(key, ""),
        )
        for key in keys
    ]


def daily_counts(bookings: list[Booking], *, period: Period) -> list[DayCount]:
    zone = timezone.get_current_timezone()
    totals: Counter[date] = Counter()
    completed: Counter[date] = Counter()
    for booking in bookings:
        day = booking_day(booking, zone)
        totals[day] += 1
        if booking.status == BookingStatus.COMPLETED:
            completed[day] += 1
    return [DayCount(day, totals[day], completed[day]) for day in period.dates()]


def revenue_by_service(bookings: list[Booking]) -> list[ServiceRevenue]:
    revenue: dict[int | None, Decimal] = defaultdict(Decimal)
    count: Counter[int | None] = Counter()
    names: dict[int | None, str] = {}
    for booking in bookings:
        if booking.status != BookingStatus.COMPLETED:
            continue
        service = booking.service
        key = service.id if service is not None else None
        revenue[key] += booking.price or Decimal(0)
        count[key] += 1
        if service is not None and service.name:
            names[key] = service.name
    rows = [
        ServiceRevenue(
            service_id=key,
            name=names.get(key) or ("Unknown service" if key is None else f"Service #{key}"),
            revenue=total,
            completed=count[key],
        )
        for key, total in revenue.items()
    ]
    rows.sort(key=lambda row: (-row.revenue, row.name.lower(), row.service_id or 0))
    return rows


def top_customers_by_spend(bookings: list[Booking], *, limit: int = TOP_CUSTOMERS):
    spend: dict[int, Decimal] = defaultdict(Decimal)
    count: Counter[int] = Counter()
    names: dict[int, str] = {}
    for booking in bookings:
        cid = _customer_id(booking)
        if cid is None or booking.status != BookingStatus.COMPLETED:
            continue
        spend[cid] += booking.price or Decimal(0)
        count[cid] += 1
        names[cid] = names.get(cid) or _customer_name(booking)
    rows = [
        CustomerSpend(
            customer_id=cid,
            name=names[cid] or f"Customer #{cid}",
            spend=total,
            completed=count[cid],
        )
        for cid, total in spend.items()
    ]
    rows.sort(key=lambda row: (-row.spend, row.customer_id))
    return rows[:limit]


def risk_candidates(bookings: list[Booking]) -> list[tuple[int, int, str]]:
    """(customer id, no-shows in the period, name), most no-shows first."""
    no_shows: Counter[int] = Counter()
    names: dict[int, str] = {}
    for booking in bookings:
        cid = _customer_id(booking)
        if cid is not None and booking.status == BookingStatus.NO_SHOW:
            no_shows[cid] += 1
            names[cid] = names.get(cid) or _customer_name(booking)
    ranked = sorted(no_shows.items(), key=lambda item: (-item[1], item[0]))
    return [(cid, n, names[cid]) for cid, n in ranked]
