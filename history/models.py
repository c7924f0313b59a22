"""A local, read-only copy of LatePoint's bookings, for stats and exports (never for a desk).

`BookingRecord` holds the fields the stats need; `PaymentRecord` the payments and refunds
(collected revenue); `SyncSegment` says which days have been read from LatePoint and when;
`SyncState` holds what the sync learnt about the whole history, the agents, services and
locations lists, and how far the copy of customers' creation days (`CustomerRecord`, for the
stats' new-customer counts) has got.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class BookingRecord(models.Model):
    """One LatePoint booking as last read (or as last written through the front office)."""

    id = models.BigIntegerField(primary_key=True)  # LatePoint's booking id
    status = models.CharField(max_length=32)
    start_date = models.DateField(null=True)  # the day it starts, in the site's time zone
    start = models.DateTimeField(null=True)
    end = models.DateTimeField(null=True)
    agent_id = models.BigIntegerField(null=True)
    service_id = models.BigIntegerField(null=True)
    location_id = models.BigIntegerField(null=True)
    customer_id = models.BigIntegerField(null=True)
    customer_name = models.CharField(max_length=255, blank=True)
    # The booking's order in LatePoint: a payment names its order, not its booking.
    order_id = models.BigIntegerField(null=True, db_index=True)
    service_name = models.CharField(max_length=255, blank=True)
    # Cents, so that sums are exact on every database (SQLite has no decimal type).
    price_cents = models.BigIntegerField(null=True)
    payment_status = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(null=True)
    synced_at = models.DateTimeField()  # last read from LatePoint (or written through us)
    written_at = models.DateTimeField(null=True)  # last written through the front office

    class Meta:
        indexes = [
            # Every column the stats aggregate or filter on: a period's figures are read from
            # the index alone, never from the rows.
            models.Index(
                fields=[
                    "start_date",
                    "status",
                    "customer_id",
                    "price_cents",
                    "service_id",
                    "agent_id",
                    "location_id",
                    "service_name",
                ],
                name="history_booking_stats_idx",
            ),
            models.Index(fields=["customer_id", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"Booking #{self.id} ({self.status}, {self.start_date})"


class SyncSegment(models.Model):
    """A week of days (Monday to Sunday, by start date) and when it was last read whole."""

    start = models.DateField(unique=True)
    end = models.DateField()
    walked_at = models.DateTimeField(null=True)  # None: never read whole yet
    bookings = models.IntegerField(default=0)  # how many it held then
    # A walk under way, so that one stopped by the budget resumes at its next page.
    walk_started_at = models.DateTimeField(null=True)
    next_page = models.IntegerField(default=1)
    # When the payments dated in the week were last read whole (None: never): the collected
    # revenue of its days is known from then on.
    payments_walked_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


class SyncState(models.Model):
    """The sync's view of the whole history (one row)."""

    earliest = models.DateField(null=True)  # the first booking's day in LatePoint
    latest = models.DateField(null=True)  # the last booking's day in LatePoint
    bounds_checked_at = models.DateTimeField(null=True)
    last_pass_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)
    # The agents, services and locations lists as last read ({"agents": [...], ...}).
    reference = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    reference_read_at = models.DateTimeField(null=True)
    # The customers' creation days: every customer read whole (the last walk that finished),
    # a walk under way (so that one stopped by the budget resumes at its next page), and the
    # customers created lately read again.
    customers_walked_at = models.DateTimeField(null=True)
    customers_walk_started_at = models.DateTimeField(null=True)
    customers_next_page = models.IntegerField(default=1)
    customers_checked_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"history {self.earliest}..{self.latest}"


class CustomerRecord(models.Model):
    """A LatePoint customer's creation day, as last read (the stats count new customers)."""

    id = models.BigIntegerField(primary_key=True)  # LatePoint's customer id
    created_on = models.DateField(null=True, db_index=True)  # in the site's time zone
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Customer #{self.id} (created {self.created_on})"


class SyncRequest(models.Model):
    """Days a manager asked the stats for that the copy did not hold yet: the sync reads
    their weeks before anything else (`history.schedule.requested_segment`)."""

    start = models.DateField()
    end = models.DateField()
    requested_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="history_sync_request_days")
        ]

    def __str__(self) -> str:
        return f"asked for {self.start}..{self.end} at {self.requested_at}"


class PaymentRecord(models.Model):
    """One LatePoint payment or refund as last read (the stats' collected revenue)."""

    id = models.BigIntegerField(primary_key=True)  # LatePoint's payment id
    order_id = models.BigIntegerField(null=True)
    customer_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=20)  # capture, refund
    status = models.CharField(max_length=20)  # succeeded, processing, failed
    payment_method = models.CharField(max_length=40, blank=True)
    # Cents and never negative (a refund is its kind), as LatePoint gives them.
    amount_cents = models.BigIntegerField()
    day = models.DateField(null=True)  # the day it was made, in the site's time zone
    created_at = models.DateTimeField(null=True)
    synced_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["day", "status", "kind", "amount_cents", "order_id"],
                name="history_payment_stats_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.id} of {self.amount_cents} cents ({self.status}, {self.day})"
