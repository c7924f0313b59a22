"""What the front office keeps about money that LatePoint has no place for.

A fee (no-show, late cancellation) is an order in LatePoint. `Fee` is the front office's own
note of it: one per booking and kind, written before the order is sent, so that a change sent
again never charges twice, and read at the next check-in without asking LatePoint.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class Fee(models.Model):
    """A fee charged for a booking through the front office, and what became of its order."""

    class Kind(models.TextChoices):
        NO_SHOW = "no_show", "No-show fee"
        LATE_CANCEL = "late_cancel", "Late cancellation fee"

    class State(models.TextChoices):
        SENDING = "sending", "Being recorded"
        RECORDED = "recorded", "Owed"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled in LatePoint"
        NOT_RECORDED = "not_recorded", "Not recorded"
        UNKNOWN = "unknown", "Outcome unknown"

    booking_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    customer_id = models.BigIntegerField(db_index=True)
    customer_name = models.CharField(max_length=255, blank=True)
    booking_code = models.CharField(max_length=64, blank=True)
    booking_start = models.DateTimeField(null=True, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    #: What was paid toward it, as last seen (its order's payments, less refunds).
    paid = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    #: The order's confirmation code, chosen here, by which a lost answer is found again.
    reference = models.CharField(max_length=64)
    order_id = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SENDING)
    error = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the record must survive the account being deleted.
    username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["booking_id", "kind"], name="one_fee_per_booking_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for booking {self.booking_id} ({self.state})"

    @property
    def due(self) -> Decimal:
        """What is still owed on it (never negative)."""
        return max(self.amount - self.paid, Decimal("0.00"))

    @property
    def owed(self) -> bool:
        return self.state == self.State.RECORDED and self.due > 0
