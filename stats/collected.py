"""Collected revenue: the money actually taken in a period, beside the booked revenue.

Booked revenue (`stats.figures`) is the prices of the completed bookings that start in the
period. Collected revenue is what LatePoint's payments say: the succeeded payments made during
the period, less the succeeded refunds made during it, each on the day it was made (the site's
time zone), whatever booking it was for. Both come from the local copy only: the history sync
reads each week's payments with its bookings (`history.walks.walk_payments`), so the dashboard
never walks LatePoint's payments.

It is known only for a period whose payments the copy holds whole
(`history.services.payments_coverage`); otherwise it is None, "not held yet". With the
dashboard's agent, service or location filter it is the payments on the orders of the bookings
that match the filter (a payment names its order, and the copy knows each booking's order).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from history.models import BookingRecord, PaymentRecord
from history.services import Coverage, payments_coverage
from stats.forms import Period
from stats.results import money

SUCCEEDED = "succeeded"
REFUND = "refund"


def collected_coverage(period: Period) -> Coverage:
    """How much of the period's payments the copy holds."""
    return payments_coverage(start=period.start, end=period.end)


def collected_revenue(
    *,
    period: Period,
    agent_id: int | None = None,
    service_id: int | None = None,
    location_id: int | None = None,
) -> Decimal | None:
    """Succeeded payments less succeeded refunds made during the period (one query); None
    when the copy does not hold all of the period's payments yet."""
    if not collected_coverage(period).complete:
        return None
    rows = PaymentRecord.objects.filter(day__range=(period.start, period.end), status=SUCCEEDED)
    filters = {
        name: value
        for name, value in (
            ("agent_id", agent_id),
            ("service_id", service_id),
            ("location_id", location_id),
        )
        if value is not None
    }
    if filters:
        orders = BookingRecord.objects.filter(order_id__isnull=False, **filters).values("order_id")
        rows = rows.filter(order_id__in=orders)
    sums = rows.aggregate(
        taken=Sum("amount_cents", filter=~Q(kind=REFUND), default=0),
        refunded=Sum("amount_cents", filter=Q(kind=REFUND), default=0),
    )
    return money(sums["taken"] - sums["refunded"])
