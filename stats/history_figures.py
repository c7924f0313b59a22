"""The dashboard's figures from the local booking history, with database aggregates.

The same definitions as `stats.figures` (which computes them from bookings read live), here as
COUNT / SUM / GROUP BY queries over `history.BookingRecord`: a period of any length costs a few
queries and no upstream call. Every column they aggregate or filter on is in one index
(`history_booking_stats_idx`), so they read the index alone; the customers' names, which are
not, are read for the few customers shown.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from history.models import BookingRecord
from latepoint.models import BookingStatus, CustomerStats
from stats.figures import CustomerSpend, DayCount, PeriodFigures, Rate, ServiceRevenue
from stats.forms import Period

COMPLETED = str(BookingStatus.COMPLETED)
NO_SHOW = str(BookingStatus.NO_SHOW)
CANCELLED = str(BookingStatus.CANCELLED)
PENDING = str(BookingStatus.PENDING)
_STATS_STATUSES = (COMPLETED, CANCELLED, NO_SHOW, PENDING)
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
    """`stats.figures.period_figures` as one aggregate query (two with `earlier`)."""
    totals = rows.aggregate(
        total=Count("status"),
        revenue_cents=Sum("price_cents", filter=Q(status=COMPLETED)),
        customers=Count("customer_id", filter=_USABLE_CUSTOMER, distinct=True),
        **{f"status_{s}": Count("status", filter=Q(status=s)) for s in _KNOWN},
    )
    status_counts = {s: totals[f"status_{s}"] for s in _KNOWN}
    status_counts["other"] = totals["total"] - sum(status_counts.values())
    totals["completed"] = status_counts[COMPLETED]
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
        .annotate(total=Count("status"), completed=Count("status", filter=Q(status=COMPLETED)))
        .order_by()
    }
    return [DayCount(day, *per_day.get(day, (0, 0))) for day in period.dates()]


def history_revenue_by_service(rows: QuerySet[BookingRecord]) -> list[ServiceRevenue]:
    grouped = (
        rows.filter(status=COMPLETED)
        .values_list("service_id")
        .annotate(cents=Sum("price_cents"), n=Count("status"), name=Max("service_name"))
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


def _names(rows: QuerySet[BookingRecord], customer_ids: list[int]) -> dict[int, str]:
    """The customers' names on these rows (by the customer index: a few rows each)."""
    if not customer_ids:
        return {}
    return dict(
        rows.filter(customer_id__in=customer_ids)
        .values_list("customer_id")
        .annotate(name=Max("customer_name"))
        .order_by()
    )


def history_top_customers(rows: QuerySet[BookingRecord], *, limit: int) -> list[CustomerSpend]:
    completed = rows.filter(_USABLE_CUSTOMER, status=COMPLETED)
    grouped = list(
        completed.values_list("customer_id")
        .annotate(cents=Sum("price_cents", default=0), n=Count("status"))
        .order_by("-cents", "customer_id")[:limit]
    )
    names = _names(completed, [cid for cid, _, _ in grouped])
    return [
        CustomerSpend(
            customer_id=cid,
            name=names.get(cid) or f"Customer #{cid}",
            spend=_money(cents),
            completed=n,
        )
        for cid, cents, n in grouped
    ]


def history_risk_candidates(
    rows: QuerySet[BookingRecord], *, named: int | None = None
) -> list[tuple[int, int, str]]:
    """(customer id, no-shows in the period, name), most no-shows first; with `named`, only
    the first that many have their name ("" for the rest)."""
    no_shows = rows.filter(_USABLE_CUSTOMER, status=NO_SHOW)
    grouped = list(
        no_shows.values_list("customer_id")
        .annotate(n=Count("status"))
        .order_by("-n", "customer_id")
    )
    first = grouped if named is None else grouped[:named]
    names = _names(no_shows, [cid for cid, _ in first])
    return [(cid, n, names.get(cid, "")) for cid, n in grouped]


def history_customer_stats(customer_ids: list[int], *, now: datetime) -> dict[int, CustomerStats]:
    """Each customer's lifetime figures, as LatePoint's customer stats define them, from the
    copy (only right when it holds every booking: `history.services.whole_history_covered`).

    Total, completed, cancelled, no-show and pending bookings; total spent (completed); the
    last booking: the latest one started before `now` and not cancelled."""
    if not customer_ids:
        return {}
    grouped = (
        BookingRecord.objects.filter(customer_id__in=customer_ids)
        .values_list("customer_id")
        .annotate(
            total=Count("status"),
            spent=Sum("price_cents", filter=Q(status=COMPLETED)),
            last=Max("start", filter=Q(start__lt=now) & ~Q(status=CANCELLED)),
            **{s: Count("status", filter=Q(status=s)) for s in _STATS_STATUSES},
        )
        .order_by()
    )
    found = {}
    zone = timezone.get_current_timezone()
    for cid, total, spent, last, *counts in grouped:
        by_status = dict(zip(_STATS_STATUSES, counts, strict=True))
        found[cid] = CustomerStats(
            total_bookings=total,
            completed_bookings=by_status[COMPLETED],
            cancelled_bookings=by_status[CANCELLED],
            no_show_bookings=by_status[NO_SHOW],
            pending_bookings=by_status[PENDING],
            total_spent=_money(spent),
            last_booking_date=last.astimezone(zone).date() if last is not None else None,
        )
    return {cid: found.get(cid, CustomerStats()) for cid in customer_ids}
