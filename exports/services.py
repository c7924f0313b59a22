"""Asking for an export."""

from __future__ import annotations

from exports import jobs
from exports.models import ExportJob
from exports.tasks import run_export_task


def export_start(*, user, kind: str, query: str) -> ExportJob:
    """A new export job for `user` of the list at `?query`, handed to the background worker."""
    job = jobs.new_job(user=user, kind=kind, query=query)
    run_export_task(str(job.pk))
    return job
