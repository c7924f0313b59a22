"""The dashboard's figures from the local booking history, with database aggregates.

The same definitions as `stats.figures` (which computes them from bookings read live), here as
COUNT / SUM / GROUP BY queries over `history.BookingRecord`: a period of any length costs a few
queries and no upstream call.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum

from history.models import BookingRecord
from latepoint.models import BookingStatus
from stats.figures import CustomerSpend, DayCount, PeriodFigures, Rate, ServiceRevenue
from stats.forms import Period

COMPLETED = str(BookingStatus.COMPLETED)
NO_SHOW = str(BookingStatus.NO_SHOW)
CANCELLED = str(BookingStatus.CANCELLED)
_KNOWN = [str(s) for s in BookingStatus]
#: Profiles need an id above 0: others count as bookings but as no customer.
_USABLE_CUSTOMER = Q(customer_id__gt=0)


def _money(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def history_bookings(
    *,
    start: date,
    end: date,
    agent_id: int | None = None,
    service_id: int | None = None,
    location_id: int | None = None,
) -> QuerySet[BookingRecord]:
    rows = BookingRecord.objects.filter(start_date__range=(start, end))
    for name, value in (
        ("agent_id", agent_id),
        ("service_id", service_id),
        ("location_id", location_id),
    ):
        if value is not None:
            rows = rows.filter(**{name: value})
    return rows


def history_period_figures(
    rows: QuerySet[BookingRecord],
    *,
    period: Period,
    new_customers: int,
    earlier: QuerySet[BookingRecord] | None,
) -> PeriodFigures:
    """`stats.figures.period_figures` as two aggregate queries (three with `earlier`)."""
    by_status = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    status_counts = {s: by_status.get(s, 0) for s in _KNOWN}
    status_counts["other"] = sum(n for s, n in by_status.items() if s not in _KNOWN)
    totals = rows.aggregate(
        total=Count("id"),
        completed=Count("id", filter=Q(status=COMPLETED)),
        revenue_cents=Sum("price_cents", filter=Q(status=COMPLETED)),
        customers=Count("customer_id", filter=_USABLE_CUSTOMER, distinct=True),
    )
    returning = None
    if earlier is not None:
        earlier_ids = earlier.filter(_USABLE_CUSTOMER).values("customer_id")
        both = rows.filter(_USABLE_CUSTOMER, customer_id__in=earlier_ids).aggregate(
            n=Count("customer_id", distinct=True)
        )["n"]
        returning = Rate(both, totals["customers"])
    no_shows = status_counts[NO_SHOW]
    return PeriodFigures(
        period=period,
        status_counts=status_counts,
        total=totals["total"],
        revenue=_money(totals["revenue_cents"]),
        completed=totals["completed"],
        no_show_rate=Rate(no_shows, totals["completed"] + no_shows),
        cancellation_rate=Rate(status_counts[CANCELLED], totals["total"]),
        new_customers=new_customers,
        customers=totals["customers"],
        returning=returning,
    )


def history_daily_counts(rows: QuerySet[BookingRecord], *, period: Period) -> list[DayCount]:
    per_day = {
        day: (total, completed)
        for day, total, completed in rows.values_list("start_date")
        .annotate(total=Count("id"), completed=Count("id", filter=Q(status=COMPLETED)))
        .order_by()
    }
    return [DayCount(day, *per_day.get(day, (0, 0))) for day in period.dates()]


def history_revenue_by_service(rows: QuerySet[BookingRecord]) -> list[ServiceRevenue]:
    grouped = (
        rows.filter(status=COMPLETED)
        .values_list("service_id")
        .annotate(cents=Sum("price_cents"), n=Count("id"), name=Max("service_name"))
        .order_by()
    )
    result = [
        ServiceRevenue(
            service_id=sid,
            name=name or ("Unknown service" if sid is None else f"Service #{sid}"),
            revenue=_money(cents),
            completed=n,
        )
        for sid, cents, n, name in grouped
    ]
    result.sort(key=lambda row: (-row.revenue, row.name.lower(), row.service_id or 0))
    return result


def history_top_customers(rows: QuerySet[BookingRecord], *, limit: int) -> list[CustomerSpend]:
    grouped = (
        rows.filter(_USABLE_CUSTOMER, status=COMPLETED)
        .values_list("customer_id")
        .annotate(cents=Sum("price_cents", default=0), n=Count("id"), name=Max("customer_name"))
        .order_by("-cents", "customer_id")[:limit]
    )
    return [
        CustomerSpend(
            customer_id=cid, name=name or f"Customer #{cid}", spend=_money(cents), completed=n
        )
        for cid, cents, n, name in grouped
    ]


def history_risk_candidates(rows: QuerySet[BookingRecord]) -> list[tuple[int, int, str]]:
    """(customer id, no-shows in the period, name), most no-shows first."""
    grouped = (
        rows.filter(_USABLE_CUSTOMER, status=NO_SHOW)
        .values_list("customer_id")
        .annotate(n=Count("id"), name=Max("customer_name"))
        .order_by("-n", "customer_id")
    )
    return [(cid, n, name or "") for cid, n, name in grouped]
