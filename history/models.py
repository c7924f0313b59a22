"""A local, read-only copy of LatePoint's bookings, for stats and exports (never for a desk).

`BookingRecord` holds the fields the stats need; `SyncSegment` says which days have been read
from LatePoint and when; `SyncState` holds what the sync learnt about the whole history.
"""

from __future__ import annotations

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
            models.Index(fields=["start_date", "status"]),
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

    def __str__(self) -> str:
        return f"history {self.earliest}..{self.latest}"
