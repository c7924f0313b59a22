"""The dashboard's bookings from the local history, and the customers' lifetime figures.

`history_bookings` hands `stats.figures` a period's records in the history's table: each of
its figures is then a COUNT / SUM / GROUP BY query, so a period of any length costs a few
queries and no upstream call. Every column they aggregate or filter on is in one index
(`history_booking_stats_idx`), so they read the index alone; the customers' names, which are
not, are read for the few customers shown.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from history.models import BookingRecord
from latepoint.models import BookingStatus, CustomerStats
from stats.aggregation import Cond, QueryRecords
from stats.figures import CANCELLED, COMPLETED, NO_SHOW, during
from stats.forms import Period
from stats.results import money

PENDING = str(BookingStatus.PENDING)
_STATS_STATUSES = (COMPLETED, CANCELLED, NO_SHOW, PENDING)


def history_bookings(
    *,
    period: Period,
    agent_id: int | None = None,
    service_id: int | None = None,
    location_id: int | None = None,
) -> QueryRecords:
    """The history's bookings of the period, with the dashboard's filters."""
    filters = [
        Cond(name, "eq", value)
        for name, value in (
            ("agent_id", agent_id),
            ("service_id", service_id),
            ("location_id", location_id),
        )
        if value is not None
    ]
    return QueryRecords(BookingRecord.objects.all()).where(during(period), *filters)


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
            total_spent=money(spent),
            last_booking_date=last.astimezone(zone).date() if last is not None else None,
        )
    return {cid: found.get(cid, CustomerStats()) for cid in customer_ids}
