"""`python -m sandbox seed --customers N [--seed S] [--reset]`: fill the sandbox database."""

import time

from django.core.management.base import BaseCommand, CommandError

from sandbox import seeding
from sandbox.models import Customer, SeedInfo


class Command(BaseCommand):
    help = "Seed the sandbox with deterministic demo data (idempotent; --reset to start over)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--reset", action="store_true", help="wipe the data and reseed")

    def handle(self, *args, customers: int, seed: int, reset: bool, **options):
        if customers < 1:
            raise CommandError("--customers must be at least 1")
        info = SeedInfo.objects.first()
        if not reset:
            if info is not None and info.customers == customers and info.seed == seed:
                seeding.checkpoint()
                self.stdout.write(
                    f"Sandbox already seeded with {info.customers} customers and "
                    f"{info.bookings} bookings (seed {info.seed}, {info.seeded_on}); nothing to do."
                )
                return
            if info is not None:
                raise CommandError(
                    f"The sandbox was seeded with {info.customers} customers (seed {info.seed}); "
                    "run with --reset to wipe it and seed again."
                )
            if Customer.objects.exists():
                raise CommandError("The sandbox database has data; run with --reset to replace it.")
        started = time.monotonic()
        if reset:
            seeding.wipe()
        count, bookings = seeding.seed(customers=customers, seed_value=seed)
        seeding.checkpoint()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {count} customers and {bookings} bookings (seed {seed}) in {elapsed:.1f}s."
        )
