"""The customer badge on a Today board row, a calendar block, the calendar's side panel and the
booking page: the customer's risk level, and whether they are blocked.

Risk is the profile's rule (`frontoffice.risk.assess_risk`) applied to the customer's lifetime
figures as the local booking history holds them (`stats.history_figures`, the figures the
stats' at-risk list reads): one query for all of a board's customers, never a call. The history
holds a customer once it holds every booking LatePoint has (`whole_history_covered`) and at
least one of theirs; until then the badge says "Risk not known yet", and the board's next
refresh fills it in.

Whether a customer is blocked is their status, which the history does not keep: a board row or
the side panel shows it when the customer's summary is already cached (no call); the booking
page reads the summary (kept for hours), as the page a desk is waiting on. A search's rows and a
profile's read are kept as summaries too (`upstream.summaries`), so a customer a desk has just
found or opened costs the booking page no call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from frontoffice.risk import RiskAssessment, assess_risk
from history.services import whole_history_covered
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Customer, CustomerStats, CustomerStatus
from notes.services import PinnedAlert, pinned_alerts_for
from stats.history_figures import history_customer_stats
from upstream.failures import describe
from upstream.gateway import api


@dataclass(frozen=True)
class CustomerBadge:
    customer_id: int
    #: None: the history does not hold the customer's bookings yet ("Risk not known yet").
    risk: RiskAssessment | None = None
    #: The customer's summary when known (their status, their contact details).
    customer: Customer | None = None
    #: Why the booking page could not read the customer's status ("" when it could).
    status_error: str = ""
    #: The customer's pinned staff notes, shown as an alert (`notes.services`).
    alerts: tuple[PinnedAlert, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.customer is not None and self.customer.status == CustomerStatus.BLOCKED

    @property
    def warnings(self) -> tuple[str, ...]:
        """The booking page's warnings: the risk's, or without one the customer's own."""
        if self.risk is not None:
            return self.risk.warnings
        if self.customer is None:
            return ()
        return assess_risk(
            CustomerStats(), today=timezone.localdate(), customer=self.customer
        ).warnings


def held_customer_stats(
    customer_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, CustomerStats]:
    """The lifetime figures of those customers whose bookings the history holds (one query;
    none while the history does not hold every booking yet)."""
    ids = sorted({int(cid) for cid in customer_ids if cid})
    if not ids or not whole_history_covered():
        return {}
    found = history_customer_stats(ids, now=now or timezone.now())
    return {cid: stats for cid, stats in found.items() if stats.total_bookings}


def _badge(
    customer_id: int,
    stats: CustomerStats | None,
    customer: Customer | None,
    *,
    today: date,
    status_error: str = "",
    alerts: tuple[PinnedAlert, ...] = (),
) -> CustomerBadge:
    risk = None
    if stats is not None:
        risk = assess_risk(stats, today=today, customer=customer)
    return CustomerBadge(
        customer_id=customer_id,
        risk=risk,
        customer=customer,
        status_error=status_error,
        alerts=alerts,
    )


def customer_badges(
    customer_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, CustomerBadge]:
    """The badges of many customers (a board's, a calendar's), by id, with their pinned
    alerts (one query for all): no call is made."""
    ids = sorted({int(cid) for cid in customer_ids if cid})
    if not ids:
        return {}
    now = now or timezone.now()
    lifetime = held_customer_stats(ids, now=now)
    known = api().cached_customer_summaries(ids)
    alerts = pinned_alerts_for(ids)
    today = timezone.localtime(now).date()
    return {
        cid: _badge(cid, lifetime.get(cid), known.get(cid), today=today, alerts=alerts.get(cid, ()))
        for cid in ids
    }


def booking_badge(*, customer_id: int) -> CustomerBadge:
    """The booking page's badge: the risk from the history, and the customer's summary read
    (one call at most, kept for hours) for their status; if LatePoint cannot give it, the badge
    says why the status is not shown."""
    now = timezone.now()
    stats = held_customer_stats([customer_id], now=now).get(customer_id)
    customer, error = None, ""
    try:
        customer = api().get_customer_summary(customer_id)
    except NotFound:
        pass  # deleted since it was booked: nothing to warn about
    except LatePointError as exc:
        error = f"Whether this customer is blocked could not be checked: {describe(exc).title}."
    return _badge(
        customer_id,
        stats,
        customer,
        today=timezone.localtime(now).date(),
        status_error=error,
        alerts=pinned_alerts_for([customer_id]).get(customer_id, ()),
    )
