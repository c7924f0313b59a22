"""`manage.py forget_sandbox`: after the demo's sandbox was seeded anew (`make run` with another
`CUSTOMERS=`), drop what the front office keeps that names the old sandbox's records.

Demo mode only. What goes: the local booking history (bookings, payments, customers' creation
days and what the sync has read), the check-ins, status changes, moves, fees and notes
recorded against the old bookings and customers, the walk-in guest customer, and the cache of
LatePoint reads. What stays: staff accounts, the reasons' list, the exports' files (they
expire by themselves) and the audit trail, which names what it recorded as it was shown then.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

#: Every model whose rows name the sandbox's customers, bookings or payments by their ids.
KEYED_TO_THE_SANDBOX = (
    "history.BookingRecord",
    "history.PaymentRecord",
    "history.CustomerRecord",
    "history.SyncSegment",
    "history.SyncRequest",
    "history.SyncState",
    "bookings.CheckIn",
    "bookings.StatusChange",
    "bookings.BookingMove",
    "checkout.Fee",
    "notes.Note",
    "frontoffice.WalkInGuest",
)


class Command(BaseCommand):
    help = "Forget the local records of a sandbox seeded anew (demo mode only)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "forget_sandbox runs only in demo mode (FRONTOFFICE_DEMO=true): outside it, "
                "these records are the business's own."
            )
        with transaction.atomic():
            removed = sum(
                apps.get_model(label).objects.all().delete()[0] for label in KEYED_TO_THE_SANDBOX
            )
        caches["default"].clear()
        self.stdout.write(
            f"The sandbox was seeded anew: forgot {removed} local records of the old one "
            "(the booking history is copied again)."
        )
