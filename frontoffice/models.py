"""What the front office keeps locally: the audit trail (check-ins live in bookings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One write attempted through the front office: who, when, what, and how it ended."""

    class Action(models.TextChoices):
        CUSTOMER_CREATE = "customer.create", "Customer created"
        CUSTOMER_UPDATE = "customer.update", "Customer edited"
        CUSTOMER_STATUS = "customer.status", "Customer status changed"
        BOOKING_STATUS = "booking.status", "Booking status changed"
        CHECK_IN = "booking.check_in", "Checked in"
        CHECK_IN_UNDO = "booking.check_in_undo", "Check-in undone"
        EXPORT = "export", "Export"

    class Result(models.TextChoices):
        OK = "ok", "Succeeded"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Kept as text too: the trail must survive the account being deleted.
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    # {"field": {"before": ..., "after": ...}} for edits; free-form details otherwise.
    changes = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.OK)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.result}"


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
