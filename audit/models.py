"""The audit trail: every write attempted through the front office."""

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
        BOOKING_CREATE = "booking.create", "Booking made"
        BOOKING_RESCHEDULE = "booking.reschedule", "Booking moved"
        CHECK_IN = "booking.check_in", "Checked in"
        CHECK_IN_UNDO = "booking.check_in_undo", "Check-in undone"
        PAYMENT_TAKE = "payment.take", "Payment taken"
        PAYMENT_REFUND = "payment.refund", "Payment refunded"
        FEE_RECORD = "fee.record", "Fee recorded"
        NOTE_ADD = "note.add", "Note added"
        NOTE_EDIT = "note.edit", "Note edited"
        NOTE_PIN = "note.pin", "Note pinned or unpinned"
        EXPORT = "export", "Export"

    class Result(models.TextChoices):
        OK = "ok", "Succeeded"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown"

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
    # The customer's name as the screen showed it when the write was made.
    customer_name = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # {"field": {"before": ..., "after": ...}} for edits; free-form details otherwise.
    changes = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.OK)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        # The table it had when the trail lived in frontoffice: moved without touching the data.
        db_table = "frontoffice_auditentry"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.result}"
