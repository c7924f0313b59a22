"""Background tasks (Huey, `manage.py run_huey`): the booking history sync, every minute."""

from __future__ import annotations

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from history.sync import PassResult, sync_pass

#: A pass stops after this long, so that one a minute never overlaps the next.
PASS_SECONDS = 50
LOCK_KEY = "history:sync:lock"


def sync_bookings_now(*, max_seconds: float = PASS_SECONDS) -> PassResult | None:
    """One sync pass, unless one is running already in any process (None then).

    Periodic tasks run in the one consumer documented in the README; the lock in the shared
    cache keeps two passes apart all the same if several consumers run.
    """
    if not cache.add(LOCK_KEY, 1, timeout=int(max_seconds) + 60):
        return None
    try:
        return sync_pass(max_seconds=max_seconds)
    finally:
        cache.delete(LOCK_KEY)


@db_periodic_task(crontab(minute="*"))
def sync_bookings_periodic() -> None:
    sync_bookings_now()
