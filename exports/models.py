"""CSV exports as background jobs: the job and its file, kept in the database."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


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
        # The tables they had in frontoffice: moved without touching the data.
        db_table = "frontoffice_exportjob"
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
        db_table = "frontoffice_exportchunk"
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="export_chunk_seq")]

    def __str__(self) -> str:
        return f"{self.job_id} #{self.seq}"
