"""What the front office keeps locally: the request budget (the audit trail is in audit/,
exports in exports/, check-ins in bookings)."""

from __future__ import annotations

from django.db import models


class UpstreamBudget(models.Model):
    """The request budget of one LatePoint API key, shared by every process (see budget.py).

    Used when no Redis is configured: rows are changed only inside a transaction that holds the
    row (PostgreSQL) or the database's write lock (SQLite), so every process sees one count.
    """

    key = models.CharField(max_length=64, primary_key=True)
    # Send times (epoch seconds) of the requests of the last minute, space-separated.
    log = models.TextField(blank=True, default="")
    # No request is sent before this time (epoch seconds): LatePoint answered 429.
    blocked_until = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.key}: {len(self.log.split())} sent in the last minute"


class WalkInGuest(models.Model):
    """The one LatePoint guest customer that walk-ins given no name are booked for, per
    LatePoint site (`LATEPOINT_API_URL`), so that it is created once and found again."""

    site = models.CharField(max_length=300, unique=True)
    customer_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.site}: customer {self.customer_id}"
