"""What the front office keeps about bookings that LatePoint has no place for.

LatePoint has no "arrived" status: a check-in is recorded here. The reasons for cancellations,
no-shows and moves are kept here too (LatePoint's only note field on a booking is public).
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
    # The free text staff typed (before reasons were listed, the only reason kept).
    reason = models.TextField(blank=True)
    # The reason picked from the list, and its label as it read then.
    reason_choice = models.ForeignKey(
        "Reason", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason_label = models.CharField(max_length=80, blank=True)
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


class Reason(models.Model):
    """A reason staff pick for a cancellation, a no-show or a move (set in the admin).

    Forms send its `slug`; the label as it read then is kept with each action, so renaming or
    retiring a reason never rewrites what was recorded.
    """

    label = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    for_cancel = models.BooleanField("cancellations", default=True)
    for_no_show = models.BooleanField("no-shows", default=False)
    for_move = models.BooleanField("moves", default=False)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class BookingMove(models.Model):
    """A move made through the front office (the audit trail has every attempt), with its
    reason, for the booking page and the stats."""

    booking_id = models.BigIntegerField(db_index=True)
    customer_id = models.BigIntegerField(null=True, blank=True)
    agent_id = models.BigIntegerField(null=True, blank=True)
    service_id = models.BigIntegerField(null=True, blank=True)
    moved_from = models.CharField(max_length=100, blank=True)
    moved_to = models.CharField(max_length=100, blank=True)
    reason = models.ForeignKey(Reason, null=True, blank=True, on_delete=models.SET_NULL)
    reason_label = models.CharField(max_length=80, blank=True)
    reason_text = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"booking {self.booking_id} moved to {self.moved_to}"
