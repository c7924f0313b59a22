"""Stats services: the manager's dashboard, computed from LatePoint's bookings and customers.

Definitions (also stated on the page, and recomputed by the tests from the sandbox's data):

- A booking belongs to the day it starts, in the site's time zone.
- Revenue: the sum of the prices of COMPLETED bookings. Average booking value: revenue divided
  by the number of completed bookings.
- No-show rate: no-shows ÷ bookings that were due (completed + no-show).
- Cancellation rate: cancellations ÷ all bookings of the period.
- New customers: customers whose account was created during the period.
- Returning customers: of the customers with a booking (any status) in the period, the share
  who also had a booking in the previous period. The previous period's own share would need
  the period before it, which is not fetched, so it has no comparison.
- Customers at high risk: the profile's rule (customers.risk.assess_risk, on the customer's
  lifetime stats) applied to the customers with the most no-shows in the period.

Upstream cost of one dashboard (every read is cached by api()):
  3 reference lists (agents, services, locations)
  + ceil(bookings in both periods / 100) pages of GET /bookings
  + 2 GET /customers (new customers, current and previous period; per_page=1, `total` only)
  + one GET /customers/{id}?include=stats per risk candidate (at most RISK_CANDIDATES).
"""

from __future__ import annotations

import contextvars
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.utils import timezone

from bookings.services import ReferenceData
from customers.risk import RiskLevel, assess_risk
from frontoffice.formatting import status_label
from frontoffice.upstream import api
from latepoint.errors import NotFound
from latepoint.models import Agent, Booking, BookingStatus, CustomerStats, Location, Service
from stats.forms import Period, StatsQuery

BOOKINGS_PER_PAGE = 100
FETCH_WORKERS = 4  # concurrent upstream calls from one dashboard render
RISK_CANDIDATES = 10  # each costs one GET /customers/{id} on a cold cache
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

T = TypeVar("T")
R = TypeVar("R")


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


@dataclass(frozen=True)
class RiskRow:
    customer_id: int
    name: str
    no_shows_in_period: int
    no_show_rate: Decimal | None  # lifetime, percent
    days_since_last_booking: int | None  # None: no past booking
    total_bookings: int


@dataclass(frozen=True)
class Dashboard:
    query: StatsQuery
    current: PeriodFigures
    previous: PeriodFigures
    figures: list[Comparison]
    statuses: list[Comparison]
    daily: list[DayCount]
    revenue_by_service: list[ServiceRevenue]
    top_customers: list[CustomerSpend]
    at_risk: list[RiskRow]
    risk_checked: int  # customers whose stats were fetched
    risk_candidates: int  # customers with a no-show in the period
    bookings_fetched: int
    agent: Agent | None = None
    service: Service | None = None
    location: Location | None = None


# --- upstream reads ------------------------------------------------------------------------


def _run_bounded(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """func over items with at most FETCH_WORKERS calls in flight, results in input order.

    Each task runs in a copy of the request's context so its upstream calls are counted in
    the request's Server-Timing.
    """
    items = list(items)
    if len(items) <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(FETCH_WORKERS, len(items))) as pool:
        futures = [pool.submit(contextvars.copy_context().run, func, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def bookings_list_all(
    *,
    date_from: date,
    date_to: date,
    agent_id: int | None = None,
    service_id: int | None = None,
    location_id: int | None = None,
) -> list[Booking]:
    """Every booking starting in the range (page 1, then the rest with bounded concurrency)."""
    # Sorted by id so that pages do not overlap when many bookings share a start time.
    return api().list_all_bookings(
        date_from=date_from,
        date_to=date_to,
        agent_id=agent_id,
        service_id=service_id,
        location_id=location_id,
        sort="id",
        order="asc",
        per_page=BOOKINGS_PER_PAGE,
    )


def new_customers_count(*, period: Period) -> int:
    """Customers created during the period: one call, reading only the list's total."""
    page = api().list_customers(created_after=period.start, created_before=period.end, per_page=1)
    return page.total


# --- figures -------------------------------------------------------------------------------


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
    customers = {cid for b in bookings if (cid := _customer_id(b)) is not None}
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


def _comparisons(current: PeriodFigures, previous: PeriodFigures) -> list[Comparison]:
    def pct(rate: Rate | None) -> Decimal | None:
        return rate.percent if rate is not None else None

    return [
        Comparison("bookings", "Bookings", "count", current.total, previous.total),
        Comparison(
            "revenue",
            "Revenue",
            "money",
            current.revenue,
            previous.revenue,
            "Prices of completed bookings.",
        ),
        Comparison(
            "average_value",
            "Average booking value",
            "money",
            current.average_value,
            previous.average_value,
            "Revenue ÷ completed bookings.",
        ),
        Comparison(
            "no_show_rate",
            "No-show rate",
            "percent",
            pct(current.no_show_rate),
            pct(previous.no_show_rate),
            "No-shows ÷ bookings that were due (completed + no-show).",
        ),
        Comparison(
            "cancellation_rate",
            "Cancellation rate",
            "percent",
            pct(current.cancellation_rate),
            pct(previous.cancellation_rate),
            "Cancellations ÷ all bookings.",
        ),
        Comparison(
            "new_customers",
            "New customers",
            "count",
            current.new_customers,
            previous.new_customers,
            "Customer accounts created in the period.",
        ),
        Comparison(
            "returning",
            "Returning customers",
            "percent",
            pct(current.returning),
            pct(previous.returning),
            "Customers with a booking in the period who also booked in the previous period.",
        ),
    ]


def _status_comparisons(current: PeriodFigures, previous: PeriodFigures) -> list[Comparison]:
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


def customers_at_high_risk(candidates: list[tuple[int, int, str]], *, today: date) -> list[RiskRow]:
    """The profile's risk rule on each candidate's lifetime stats (one cached call each)."""

    def fetch(cid: int):
        try:
            return api().get_customer(cid, include=("stats",))
        except NotFound:
            return None  # deleted since it was booked

    customers = _run_bounded(fetch, [cid for cid, _, _ in candidates])
    rows = []
    for (cid, no_shows, name), customer in zip(candidates, customers, strict=True):
        if customer is None:
            continue
        stats = customer.stats or CustomerStats()
        risk = assess_risk(stats, today=today, customer=customer)
        if risk.level != RiskLevel.HIGH:
            continue
        rows.append(
            RiskRow(
                customer_id=cid,
                name=customer.full_name or name or f"Customer #{cid}",
                no_shows_in_period=no_shows,
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


def dashboard_get(
    *, query: StatsQuery, today: date, reference: ReferenceData | None = None
) -> Dashboard:
    """Every figure of the dashboard for the query's period and the one before it."""
    current_period = query.period
    previous_period = current_period.previous()
    bookings = bookings_list_all(
        date_from=previous_period.start,
        date_to=current_period.end,
        agent_id=query.agent_id,
        service_id=query.service_id,
        location_id=query.location_id,
    )
    current_bookings: list[Booking] = []
    previous_bookings: list[Booking] = []
    zone = timezone.get_current_timezone()
    for booking in bookings:
        day = booking_day(booking, zone)
        if day in current_period:
            current_bookings.append(booking)
        elif day in previous_period:
            previous_bookings.append(booking)

    new_current, new_previous = _run_bounded(
        lambda period: new_customers_count(period=period), [current_period, previous_period]
    )
    previous = period_figures(
        previous_bookings,
        period=previous_period,
        new_customers=new_previous,
        earlier_customers=None,
    )
    earlier = {cid for b in previous_bookings if (cid := _customer_id(b)) is not None}
    current = period_figures(
        current_bookings,
        period=current_period,
        new_customers=new_current,
        earlier_customers=earlier,
    )

    candidates = risk_candidates(current_bookings)
    checked = candidates[:RISK_CANDIDATES]
    at_risk = customers_at_high_risk(checked, today=today)

    def pick(items, wanted):
        return next((item for item in items if item.id == wanted), None) if wanted else None

    reference = reference or ReferenceData([], [], [])
    return Dashboard(
        query=query,
        current=current,
        previous=previous,
        figures=_comparisons(current, previous),
        statuses=_status_comparisons(current, previous),
        daily=daily_counts(current_bookings, period=current_period),
        revenue_by_service=revenue_by_service(current_bookings),
        top_customers=top_customers_by_spend(current_bookings),
        at_risk=at_risk,
        risk_checked=len(checked),
        risk_candidates=len(candidates),
        bookings_fetched=len(bookings),
        agent=pick(reference.agents, query.agent_id),
        service=pick(reference.services, query.service_id),
        location=pick(reference.locations, query.location_id),
    )
