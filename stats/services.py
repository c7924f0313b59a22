"""Stats services: the manager's dashboard, from the local booking history only.

What each figure means is defined once, in `stats.figures`, over booking records; the records
are the local history's (the background sync, history/): every booking figure is a database
aggregate (`stats.history_figures`), kept in the cache under the history's version, so that a
view seen again before the history changes is not computed again. No view ever walks
LatePoint's bookings.

- When the history holds both periods (the chosen one and the one before it), the dashboard
  shows everything, compared.
- When it does not yet, the dashboard shows the latest run of the period's days it holds,
  labelled as such, with no comparison; says which days are still being copied and when they
  are expected (`history.progress`); and asks the sync to read those weeks first
  (`history.progress.request_days`). It makes no call but, on a fresh install, the reference
  lists (below): no new-customer count unless the history has the customers, no risk check.

Upstream cost of one dashboard (every read is cached by api()):
  0 GET /bookings, ever
  + the 3 reference lists (agents, services, locations) when the sync has not read them
    (the view)
  and, when the history holds both periods,
  + 2 GET /customers (new customers, current and previous period; per_page=1, `total` only)
    until the history has every customer's creation day
  + one GET /customers/{id}?include=stats per risk candidate (at most RISK_CANDIDATES) until
    it holds every booking LatePoint has (lifetime figures).
With all of it, a dashboard makes no call.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from frontoffice.reference import ReferenceData
from history.progress import CopyProgress, copy_progress, request_days
from history.services import Coverage, history_coverage, history_version, whole_history_covered
from latepoint.models import Agent, CustomerStats, Location, Service
from stats.collected import collected_coverage, collected_revenue
from stats.comparison import Comparison
from stats.figures import booking_figures, comparisons, status_comparisons
from stats.forms import Period, StatsQuery
from stats.history_figures import history_bookings, history_customer_stats
from stats.live import new_customers_counts
from stats.results import BookingFigures, CustomerSpend, DayCount, PeriodFigures, ServiceRevenue
from stats.risk import RISK_CANDIDATES, Lifetime, RiskRow, customers_at_high_risk

__all__ = ["RISK_CANDIDATES", "Dashboard", "RiskRow", "dashboard_get"]

#: How long a view's figures computed from the history are kept (under the history's version,
#: so never past a change of the history).
HISTORY_FIGURES_TTL = 3600


@dataclass(frozen=True)
class Dashboard:
    query: StatsQuery
    current: PeriodFigures | None  # None: the history holds none of the period's days yet
    previous: PeriodFigures | None  # None: not held yet, so no comparison
    figures: list[Comparison]
    statuses: list[Comparison]
    daily: list[DayCount]
    revenue_by_service: list[ServiceRevenue]
    top_customers: list[CustomerSpend]
    at_risk: list[RiskRow]
    risk_checked: int  # customers whose lifetime figures were read
    risk_candidates: int  # customers with a no-show in the period
    bookings_fetched: int  # bookings counted, from the history
    agent: Agent | None = None
    service: Service | None = None
    location: Location | None = None
    # "history": both periods from the local history; "partial": the history does not hold
    # them all yet, and the figures are those of `part` only.
    source: str = "history"
    history: Coverage | None = None  # how much of both periods the history holds, how fresh
    part: Period | None = None  # the days the figures are of, when partial (None: no day held)
    progress: CopyProgress | None = None  # when the rest is expected, when partial
    #: How much of both periods' payments the copy holds (collected revenue).
    payments: Coverage | None = None

    @property
    def partial(self) -> bool:
        return self.source == "partial"


def dashboard_get(
    *, query: StatsQuery, today: date, reference: ReferenceData | None = None
) -> Dashboard:
    """Every figure of the dashboard for the query's period and the one before it, from the
    local booking history; while it does not hold them all, those of the days it holds
    (`_partial_dashboard`). The new-customer counts and the risk checks come from the history
    too when it holds what they need (every customer's creation day; every booking), else
    from (cached) calls."""
    period = query.period
    reference = reference or ReferenceData([], [], [])
    coverage = history_coverage(start=period.previous().start, end=period.end)
    if not coverage.complete:
        return _partial_dashboard(query=query, today=today, reference=reference, coverage=coverage)
    figures = _history_figures(query, period=period, compare=True)
    new_current, new_previous = new_customers_counts([period, period.previous()])
    figures = dataclasses.replace(
        figures,
        current=dataclasses.replace(
            figures.current, new_customers=new_current, collected=_collected(query, period)
        ),
        previous=dataclasses.replace(
            figures.previous,
            new_customers=new_previous,
            collected=_collected(query, period.previous()),
        ),
    )
    return _assemble(
        query=query,
        reference=reference,
        today=today,
        figures=figures,
        lifetime=_history_lifetime() if whole_history_covered() else None,
        bookings_fetched=figures.current.total + figures.previous.total,
        history=coverage,
    )


def _partial_dashboard(
    *, query: StatsQuery, today: date, reference: ReferenceData, coverage: Coverage
) -> Dashboard:
    """The days of the period the history holds (its latest run of them), labelled, with no
    comparison and no risk check (no call); and the sync asked to read the rest first."""
    period = query.period
    request_days(start=coverage.start, end=coverage.end)
    held = coverage.latest_run(start=period.start, end=period.end)
    parts = {
        "source": "partial",
        "history": coverage,
        "progress": copy_progress(missing=coverage.missing),
    }
    if held is None:
        return _assemble(query=query, reference=reference, today=today, figures=None, **parts)
    part = Period(*held)
    figures = _history_figures(query, period=part, compare=False)
    (new,) = new_customers_counts([part], calls=False)
    figures = dataclasses.replace(
        figures,
        current=dataclasses.replace(
            figures.current, new_customers=new, collected=_collected(query, part)
        ),
    )
    return _assemble(
        query=query,
        reference=reference,
        today=today,
        figures=figures,
        bookings_fetched=figures.current.total,
        part=part,
        **parts,
    )


def _assemble(
    *,
    query: StatsQuery,
    reference: ReferenceData,
    today: date,
    figures: BookingFigures | None,
    lifetime: Lifetime | None = None,
    **parts,
) -> Dashboard:
    """The dashboard from its figures (None: no day of the period held yet): the comparisons,
    the risk checks of the top candidates (not while partial: they would cost calls) and the
    filters' names."""
    parts["payments"] = _payments_held(query.period)

    def pick(items, wanted):
        return next((item for item in items if item.id == wanted), None) if wanted else None

    names = {
        "agent": pick(reference.agents, query.agent_id),
        "service": pick(reference.services, query.service_id),
        "location": pick(reference.locations, query.location_id),
    }
    if figures is None:
        empty = {"figures": [], "statuses": [], "daily": [], "revenue_by_service": []}
        return Dashboard(
            query=query,
            current=None,
            previous=None,
            **empty,
            top_customers=[],
            at_risk=[],
            risk_checked=0,
            risk_candidates=0,
            bookings_fetched=0,
            **names,
            **parts,
        )
    checked = [] if parts.get("source") == "partial" else figures.candidates[:RISK_CANDIDATES]
    current, previous = figures.current, figures.previous
    return Dashboard(
        query=query,
        current=current,
        previous=previous,
        figures=comparisons(current, previous),
        statuses=status_comparisons(current, previous),
        daily=figures.daily,
        revenue_by_service=figures.revenue_by_service,
        top_customers=figures.top_customers,
        at_risk=customers_at_high_risk(checked, today=today, lifetime=lifetime),
        risk_checked=len(checked),
        risk_candidates=len(figures.candidates),
        **names,
        **parts,
    )


def _history_figures(query: StatsQuery, *, period: Period, compare: bool) -> BookingFigures:
    """The booking figures of `period` (with the query's filters) from the history, and with
    `compare` those of the period before it (new-customer counts left at 0), from the cache
    when computed since the history last changed."""
    filters = {
        "agent_id": query.agent_id,
        "service_id": query.service_id,
        "location_id": query.location_id,
    }
    raw = repr((history_version(), period, compare, *filters.values()))
    key = "stats:history:v4:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    figures = cache.get(key)
    if figures is not None:
        return figures
    figures = booking_figures(
        history_bookings(period=period, **filters),
        history_bookings(period=period.previous(), **filters) if compare else None,
        period=period,
        named=RISK_CANDIDATES,
    )
    cache.set(key, figures, HISTORY_FIGURES_TTL)
    return figures


def _collected(query: StatsQuery, period: Period):
    """The period's collected revenue with the query's filters (None: not held yet)."""
    return collected_revenue(
        period=period,
        agent_id=query.agent_id,
        service_id=query.service_id,
        location_id=query.location_id,
    )


def _payments_held(period: Period) -> Coverage:
    """How much of both periods' payments the copy holds; the sync is asked to read the rest
    first (a manager is looking at them)."""
    coverage = collected_coverage(Period(period.previous().start, period.end))
    if not coverage.complete:
        request_days(start=coverage.start, end=coverage.end)
    return coverage


def _history_lifetime() -> Lifetime:
    """Each customer's lifetime stats from the history (it holds every booking)."""
    now = timezone.now()

    def lifetime(ids: list[int]) -> dict[int, CustomerStats]:
        return history_customer_stats(ids, now=now)

    return lifetime
