"""`make run` with another `CUSTOMERS=` seeds the sandbox anew: the front office then forgets
what it kept of the old sandbox (its booking history, check-ins, ...), and keeps it when the
sandbox is the same as last time. Runs scripts/prepare_demo.sh, the data step of `make run`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLANT = """
from django.utils import timezone
from bookings.models import CheckIn
from history.models import BookingRecord, CustomerRecord, SyncState
from notes.models import Note
now = timezone.now()
BookingRecord.objects.create(id=999001, status="approved", synced_at=now)
CustomerRecord.objects.create(id=999002, synced_at=now)
SyncState.objects.create()
CheckIn.objects.create(booking_id=999001, customer_id=999002, checked_in_at=now)
Note.objects.create(customer_id=999002, text="Prefers mornings", author_name="Reception")
"""

COUNT = """
import json
from django.contrib.auth.models import User
from bookings.models import CheckIn
from history.models import BookingRecord, CustomerRecord, SyncState
from notes.models import Note
print(json.dumps({
    "bookings": BookingRecord.objects.count(),
    "customers": CustomerRecord.objects.count(),
    "sync_state": SyncState.objects.count(),
    "check_ins": CheckIn.objects.count(),
    "notes": Note.objects.count(),
    "staff": User.objects.count(),
}))
"""


def _env(tmp_path: Path, customers: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "LATEPOINT_", "FRONTOFFICE_", "SANDBOX_", "CACHE_URL"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SANDBOX_DB=str(tmp_path / "sandbox.sqlite3"),
        CUSTOMERS=str(customers),
        FRONTOFFICE_DEMO="true",
    )
    return env


def _prepare(tmp_path: Path, customers: int) -> str:
    result = subprocess.run(
        ["bash", "scripts/prepare_demo.sh"],
        cwd=ROOT,
        env=_env(tmp_path, customers),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _shell(tmp_path: Path, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_env(tmp_path, 0),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _counts(tmp_path: Path) -> dict[str, int]:
    return json.loads(_shell(tmp_path, COUNT).strip().splitlines()[-1])


def test_a_sandbox_seeded_anew_makes_the_front_office_forget_the_old_one(tmp_path):
    _prepare(tmp_path, 20)
    _shell(tmp_path, PLANT)
    kept = {
        "bookings": 1,
        "customers": 1,
        "sync_state": 1,
        "check_ins": 1,
        "notes": 1,
        "staff": 3,
    }

    # The same sandbox again: nothing is forgotten.
    again = _prepare(tmp_path, 20)
    assert "nothing to do" in again
    assert "forgot" not in again
    assert _counts(tmp_path) == kept

    # Another size: the sandbox is seeded from scratch, its ids mean other records now.
    reseeded = _prepare(tmp_path, 21)
    assert "Reseeding the sandbox with 21 customers..." in reseeded
    assert "The sandbox was seeded anew: forgot 5 local records of the old one" in reseeded
    assert _counts(tmp_path) == {
        **kept,
        "bookings": 0,
        "customers": 0,
        "sync_state": 0,
        "check_ins": 0,
        "notes": 0,
    }


def test_forgetting_the_sandbox_is_refused_outside_demo_mode(tmp_path):
    env = {**_env(tmp_path, 0), "FRONTOFFICE_DEMO": "false"}
    env.update(
        DJANGO_SECRET_KEY="production-secret-key-that-is-long-enough-for-django-checks-0123",
        LATEPOINT_API_KEY="lp_live_key",
        LATEPOINT_API_URL="https://clinic.example.com/wp-json/latepoint-api/v1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "forget_sandbox"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "forget_sandbox runs only in demo mode" in result.stderr
