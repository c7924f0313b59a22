"""`manage.py sync_bookings [--once]`: the booking history sync in the foreground."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from history.services import history_coverage
from history.sync import state_get, sync_pass


class Command(BaseCommand):
    help = (
        "Copy LatePoint's bookings into the local history, within the key's background budget. "
        "With --once: one pass (until nothing is due), then exit; else a pass every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args, once: bool, **options):
        while True:
            result = sync_pass()
            state = state_get()
            summary = f"{result.pages} calls, {result.segments} weeks read"
            if state.earliest is not None:
                coverage = history_coverage(
                    start=state.earliest, end=state.latest or state.earliest
                )
                summary += f"; history {coverage.percent}% synced"
            if result.stopped_by_budget:
                summary += "; stopped: the budget is spent for now (the next pass resumes)"
            if result.error:
                self.stderr.write(f"{summary}; stopped: {result.error}")
            else:
                self.stdout.write(summary)
            if once:
                return
            time.sleep(60)
