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
- Customers at high risk: the profile's rule (frontoffice.risk.assess_risk, on the customer's
  lifetime stats) applied to the customers with the most no-shows in the period.

Upstream cost of one dashboard (every read is cached by api()):
  3 reference lists (agents, services, locations)
  + ceil(bookings in both periods / 100) pages of GET /bookings
  + 2 GET /customers (new customers, current and previous period; per_page=1, `total` only)
  + one GET /customers/{id}?include=stats per risk candidate (at most RISK_CANDIDATES).

Each of these is read from the local history instead once it holds what it needs (the
background sync, history/): the bookings of both periods, the reference lists, every customer's
creation day, and, for the risk checks, every booking LatePoint has (lifetime figures). With
all of it, a dashboard makes no call; its booking figures are kept in the cache under the
history's version, so that a view seen again before the history changes is not computed again.
"""

from __future__ import annotations

import contextvars
import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone

from frontoffice.reference import ReferenceData
from frontoffice.risk import RiskLevel, assess_risk
from frontoffice.upstream import api
from history.services import (
    Coverage,
    customers_copied,
    history_coverage,
    history_version,
    new_customers,
    whole_history_covered,
)
from latepoint.errors import NotFound
from latepoint.models import Agent, Booking, CustomerStats, Location, Service
from stats.figures import (
    TENTH,
    TOP_CUSTOMERS,
    Comparison,
    CustomerSpend,
    DayCount,
    PeriodFigures,
    ServiceRevenue,
    booking_customers,
    booking_day,
    comparisons,
    daily_counts,
    period_figures,
    revenue_by_service,
    risk_candidates,
    status_comparisons,
    top_customers_by_spend,
)
from stats.forms import Period, StatsQuery

BOOKINGS_PER_PAGE = 100
FETCH_WORKERS = 4  # concurrent upstream calls from one dashboard render
RISK_CANDIDATES = 10  # each costs one GET /customers/{id} on a cold cache
#: How long a view's figures computed from the history are kept (under the history's version,
#: so never past a change of the history).
HISTORY_FIGURES_TTL = 3600

T = TypeVar("T")
R = TypeVar("R")


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
    # "history": computed in the database from the local booking history; "live": from
    # LatePoint's pages, while the history does not yet cover both periods.
    source: str = "live"
    history: Coverage | None = None  # how much of both periods the history holds, how fresh


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


def new_customers_counts(periods: list[Period]) -> list[int]:
    """`new_customers_count` of each period: from the history's copy of every customer's
    creation day once it has one (no call), else the calls side by side."""
    if customers_copied():
        return [new_customers(start=period.start, end=period.end) for period in periods]
    return _run_bounded(lambda period: new_customers_count(period=period), periods)


def customers_at_high_risk(
    candidates: list[tuple[int, int, str]],
    *,
    today: date,
    lifetime: Callable[[list[int]], dict[int, CustomerStats]] | None = None,
) -> list[RiskRow]:
    """The profile's risk rule on each candidate's lifetime stats: one cached call each, or
    all of them at once from `lifetime` (the local history, when it holds every booking)."""

    def fetch(cid: int):
        try:
            return api().get_customer(cid, include=("stats",))
        except NotFound:
            return None  # deleted since it was booked

    ids = [cid for cid, _, _ in candidates]
    if lifetime is not None:
        known = lifetime(ids)
        found = [(known[cid], None) for cid in ids]
    else:
        found = [
            None if customer is None else (customer.stats or CustomerStats(), customer)
            for customer in _run_bounded(fetch, ids)
        ]
    rows = []
    for (cid, no_shows, name), one in zip(candidates, found, strict=True):
        if one is None:
            continue
        stats, customer = one
        risk = assess_risk(stats, today=today, customer=customer)
        if risk.level != RiskLevel.HIGH:
            continue
        rows.append(
            RiskRow(
                customer_id=cid,
                name=(customer.full_name if customer else "") or name or f"Customer #{cid}",
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
    """Every figure of the dashboard for the query's period and the one before it.

    From the local booking history when it covers both periods (no call for bookings), else
    from LatePoint's pages, with how much of the periods the history holds so far.
    """
    current_period = query.period
    previous_period = current_period.previous()
    coverage = history_coverage(start=previous_period.start, end=current_period.end)
    if coverage.complete:
        return dashboard_from_history(
            query=query, today=today, reference=reference, coverage=coverage
        )
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

    new_current, new_previous = new_customers_counts([current_period, previous_period])
    previous = period_figures(
        previous_bookings,
        period=previous_period,
        new_customers=new_previous,
        earlier_customers=None,
    )
    earlier = booking_customers(previous_bookings)
    current = period_figures(
        current_bookings,
        period=current_period,
        new_customers=new_current,
        earlier_customers=earlier,
    )

    return _assemble(
        query=query,
        reference=reference,
        today=today,
        current=current,
        previous=previous,
        candidates=risk_candidates(current_bookings),
        daily=daily_counts(current_bookings, period=current_period),
        revenue_by_service=revenue_by_service(current_bookings),
        top_customers=top_customers_by_spend(current_bookings),
        bookings_fetched=len(bookings),
        history=coverage,
    )


def _assemble(
    *,
    query: StatsQuery,
    reference: ReferenceData | None,
    today: date,
    current,
    previous,
    candidates: list[int],
    bookings_fetched: int,
    lifetime: Callable[[list[int]], dict[int, CustomerStats]] | None = None,
    **parts,
) -> Dashboard:
    """The dashboard from its figures, however they were computed (live or from history):
    the comparisons, the risk checks of the top candidates and the filters' names."""
    checked = candidates[:RISK_CANDIDATES]

    def pick(items, wanted):
        return next((item for item in items if item.id == wanted), None) if wanted else None

    reference = reference or ReferenceData([], [], [])
    return Dashboard(
        query=query,
        current=current,
        previous=previous,
        figures=comparisons(current, previous),
        statuses=status_comparisons(current, previous),
        at_risk=customers_at_high_risk(checked, today=today, lifetime=lifetime),
        risk_checked=len(checked),
        risk_candidates=len(candidates),
        bookings_fetched=bookings_fetched,
        agent=pick(reference.agents, query.agent_id),
        service=pick(reference.services, query.service_id),
        location=pick(reference.locations, query.location_id),
        **parts,
    )


def dashboard_from_history(
    *, query: StatsQuery, today: date, reference: ReferenceData | None, coverage: Coverage
) -> Dashboard:
    """The dashboard with every booking figure aggregated in the database (stats.figures'
    definitions, as queries: stats.history_figures), kept in the cache until the history
    changes. New-customer counts and risk checks come from the history too when it holds what
    they need (every customer's creation day; every booking), else from (cached) calls."""
    from stats import history_figures as hf

    parts = _history_parts(query)
    new_current, new_previous = new_customers_counts([query.period, query.period.previous()])
    lifetime = None
    if whole_history_covered():
        now = timezone.now()

        def lifetime(ids: list[int]) -> dict[int, CustomerStats]:
            return hf.history_customer_stats(ids, now=now)

    current = dataclasses.replace(parts["current"], new_customers=new_current)
    previous = dataclasses.replace(parts["previous"], new_customers=new_previous)
    return _assemble(
        query=query,
        reference=reference,
        today=today,
        current=current,
        previous=previous,
        candidates=parts["candidates"],
        daily=parts["daily"],
        revenue_by_service=parts["revenue_by_service"],
        top_customers=parts["top_customers"],
        bookings_fetched=current.total + previous.total,
        lifetime=lifetime,
        source="history",
        history=coverage,
    )


def _history_parts(query: StatsQuery) -> dict:
    """The booking figures of the query's periods from the history (new-customer counts left
    at 0), from the cache when computed since the history last changed."""
    from stats import history_figures as hf

    current_period = query.period
    previous_period = current_period.previous()
    raw = repr(
        (history_version(), current_period, query.agent_id, query.service_id, query.location_id)
    )
    key = "stats:history:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    parts = cache.get(key)
    if parts is not None:
        return parts
    filters = {
        "agent_id": query.agent_id,
        "service_id": query.service_id,
        "location_id": query.location_id,
    }
    current_rows = hf.history_bookings(
        start=current_period.start, end=current_period.end, **filters
    )
    previous_rows = hf.history_bookings(
        start=previous_period.start, end=previous_period.end, **filters
    )
    parts = {
        "previous": hf.history_period_figures(
            previous_rows, period=previous_period, new_customers=0, earlier=None
        ),
        "current": hf.history_period_figures(
            current_rows, period=current_period, new_customers=0, earlier=previous_rows
        ),
        "candidates": hf.history_risk_candidates(current_rows, named=RISK_CANDIDATES),
        "daily": hf.history_daily_counts(current_rows, period=current_period),
        "revenue_by_service": hf.history_revenue_by_service(current_rows),
        "top_customers": hf.history_top_customers(current_rows, limit=TOP_CUSTOMERS),
    }
    cache.set(key, parts, HISTORY_FIGURES_TTL)
    return parts
