"""What the front office keeps locally: the audit trail, the request budget and exports
(check-ins live in bookings)."""

from __future__ import annotations

import uuid

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


class ExportJob(models.Model):
    """A CSV export a manager asked for, written by the background worker page by page."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20)
    # The list's query string as the manager had it (the filters the file follows).
    query = models.CharField(max_length=2000, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    expected_rows = models.PositiveIntegerField(null=True, blank=True)
    # What the job is doing when it is not simply reading (waiting for the budget, retrying).
    note = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} export {self.id} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.EXPIRED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.pages_total:
            return 0
        return min(99, self.pages_done * 100 // self.pages_total)


class ExportChunk(models.Model):
    """Part of an export's CSV text (one page of rows), in order: every process can serve it."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="export_chunk_seq")]

    def __str__(self) -> str:
        return f"{self.job_id} #{self.seq}"
