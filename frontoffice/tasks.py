"""Background tasks of the front office (Huey, `manage.py run_huey`): exports."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontoffice import exports


@db_task()
def run_export_task(job_id: str) -> None:
    exports.run(job_id)


@db_periodic_task(crontab(minute="7"))
def purge_expired_exports() -> None:
    exports.purge_expired()
