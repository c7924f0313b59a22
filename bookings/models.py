"""What the front office keeps about bookings that LatePoint has no place for.

LatePoint has no "arrived" status: a check-in is recorded here. A cancellation reason is kept
here too (LatePoint's only note field on a booking is public).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CheckIn(models.Model):
    """A customer arriving for a booking. Undoing keeps the row (who undid it, and when)."""

    booking_id = models.BigIntegerField(db_index=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the record must survive the account being deleted.
    checked_in_by_name = models.CharField(max_length=150, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking_id"],
                condition=Q(undone_at__isnull=True),
                name="one_active_check_in_per_booking",
            )
        ]

    def __str__(self) -> str:
        return f"booking {self.booking_id} checked in {self.checked_in_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class StatusChange(models.Model):
    """A status change asked for through the front office, with the reason staff gave."""

    class Result(models.TextChoices):
        OK = "ok", "Succeeded"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"

    booking_id = models.BigIntegerField(db_index=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.OK)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"booking {self.booking_id}: {self.from_status} -> {self.to_status}"
