"""Background tasks (Huey, `manage.py run_huey`): the booking history sync, every minute, and
straight on while there is more to read."""

from __future__ import annotations

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

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


def sync_and_go_on(*, max_seconds: float = PASS_SECONDS) -> PassResult | None:
    """One pass; when its time ran out with more to read (a first copy, a long quiet night),
    the next pass is queued at once instead of waiting for the minute: the sync's calls stay
    within its share of the key all the same (history.calls), so going on costs the desks
    nothing. The minute's periodic pass finds the lock taken and leaves it to the chain."""
    result = sync_bookings_now(max_seconds=max_seconds)
    # (Run inline, as the test suite runs tasks, the next pass would run inside this one.)
    if result is not None and result.out_of_time and not HUEY.immediate:
        sync_bookings_again()
    return result


@db_task()
def sync_bookings_again() -> None:
    sync_and_go_on()


@db_periodic_task(crontab(minute="*"))
def sync_bookings_periodic() -> None:
    sync_and_go_on()
