"""Background tasks of the exports (Huey, `manage.py run_huey`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from exports import jobs


@db_task()
def run_export_task(job_id: str) -> None:
    jobs.run(job_id)


@db_periodic_task(crontab(minute="7"))
def purge_expired_exports() -> None:
    jobs.purge_expired()
