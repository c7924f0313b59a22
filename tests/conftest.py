"""Shared fixtures: a real sandbox server over HTTP, staff users and signed-in clients.

The sandbox runs as its own process (gunicorn) on a free port with its own SQLite database,
seeded once per test session. Tests that change data create their own customers; tests that
switch faults on use the `sandbox` fixture's helpers, which switch them off again.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from frontoffice.demo import SANDBOX_API_KEY
from tests.faults import FAULTS, SHORT_TIMEOUT, Fault, switch_on

# Playwright's sync API runs an event loop in the main thread; let Django's ORM run there in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
SANDBOX_KEY = SANDBOX_API_KEY
API_PREFIX = "/wp-json/latepoint-api/v1"
SEED_CUSTOMERS = 500


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sandbox_env(db_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a sandbox process: its own settings module, database and key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANDBOX_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sandbox.settings",
        SANDBOX_DB=str(db_path),
        SANDBOX_API_KEY=SANDBOX_KEY,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def base_url(pytestconfig) -> str | None:
    """pytest-playwright's `base_url` (`--base-url`, or the `base_url` ini option), as a plain
    function: the plugin's own is a session fixture defined as an instance method, which
    pytest 10 removes."""
    return pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None


@dataclass
class Sandbox:
    """A running sandbox: its URLs, key and database, and switches for its faults."""

    url: str
    api_key: str
    db_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return self.url + API_PREFIX

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        """A raw HTTP call to the sandbox (not through our client): returns (status, json)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("X-API-Key", self.api_key)
        req.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                return err.code, json.loads(raw)
            except ValueError:
                return err.code, raw

    def set_faults(self, **faults) -> None:
        """Switch server-wide faults on (latency_ms, jitter_ms, error_rate, unavailable,
        rate_limit, malformed_rate) until reset_faults()."""
        status, body = self.request("PUT", "/_sandbox/faults", faults)
        assert status == 200, body

    def requests_since(self, at: float = 0.0) -> list[tuple[float, str, str, int]]:
        """The API requests the sandbox received since `at` (epoch seconds): what was sent."""
        status, body = self.request("GET", f"/_sandbox/requests?since={at}")
        assert status == 200, body
        return [tuple(row) for row in body["requests"]]

    def reset_faults(self) -> None:
        status, body = self.request("DELETE", "/_sandbox/faults")
        assert status == 200, body

    def db(self) -> sqlite3.Connection:
        """A read-only connection to the sandbox's own database, for recomputing figures."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        return conn


def _wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sandbox exited with {proc.returncode}")
        try:
            req = urllib.request.Request(url + API_PREFIX + "/status")
            req.add_header("X-API-Key", SANDBOX_KEY)
            with urllib.request.urlopen(req, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # an error answer is an answer: faults switched on by the environment
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("sandbox did not start in time")


@pytest.fixture(scope="session")
def sandbox_template_db(tmp_path_factory) -> Path:
    """A seeded sandbox database, built once per session and copied by each server."""
    db_path = tmp_path_factory.mktemp("sandbox-template") / "sandbox.sqlite3"
    env = sandbox_env(db_path)
    for args in (["migrate", "--noinput", "-v0"], ["seed", "--customers", str(SEED_CUSTOMERS)]):
        subprocess.run([sys.executable, "-m", "sandbox", *args], env=env, check=True, cwd=ROOT)
    return db_path


def start_sandbox(template: Path, workdir: Path, **extra_env: str) -> Sandbox:
    db_path = workdir / "sandbox.sqlite3"
    shutil.copy(template, db_path)
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sandbox.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        env=sandbox_env(db_path, **extra_env),
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url, proc)
    return Sandbox(url=url, api_key=SANDBOX_KEY, db_path=db_path, process=proc)


def stop_sandbox(box: Sandbox) -> None:
    if box.process is not None:
        box.process.terminate()
        try:
            box.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            box.process.kill()


@pytest.fixture(scope="session")
def sandbox_session(sandbox_template_db, tmp_path_factory):
    box = start_sandbox(sandbox_template_db, tmp_path_factory.mktemp("sandbox"))
    yield box
    stop_sandbox(box)


@pytest.fixture
def sandbox(sandbox_session: Sandbox):
    """The session's sandbox, with its faults switched off after each test."""
    yield sandbox_session
    sandbox_session.reset_faults()


@pytest.fixture
def live_sandbox(sandbox, settings):
    """Point the front office at the sandbox, with an empty read cache (and no lock, form
    token or sign-in try left by an earlier test)."""
    from django.core.cache import cache, caches

    from upstream import budget

    settings.LATEPOINT_API_URL = sandbox.base_url
    settings.LATEPOINT_API_KEY = sandbox.api_key
    cache.clear()
    caches["state"].clear()
    budget.reset()
    yield sandbox
    cache.clear()
    caches["state"].clear()
    budget.reset()


# --- faults ---------------------------------------------------------------------------------


@pytest.fixture(params=FAULTS, ids=[fault.name for fault in FAULTS])
def fault_kind(request, live_sandbox, settings) -> Fault:
    """Each kind of fault in turn (tests/faults.py), not yet switched on: switch_on() it."""
    chosen: Fault = request.param
    if chosen.name == "slow":
        settings.LATEPOINT_TIMEOUT = SHORT_TIMEOUT
    return chosen


@pytest.fixture
def fault(live_sandbox, fault_kind) -> Fault:
    """Each kind of fault in turn, switched on for the whole test."""
    switch_on(live_sandbox, fault_kind)
    return fault_kind


# --- bookings of a test's own ---------------------------------------------------------------

#: Booking ids already taken this session: the sandbox is shared by every test (feature and
#: browser), so no two tests move the same booking.
_taken: set[int] = set()


@pytest.fixture
def take_booking(sandbox):
    """take_booking(status, when="future"|"today"|"past") -> a booking id only this test uses."""
    from django.utils import timezone

    def take(status: str, when: str = "future") -> int:
        today = timezone.localdate().isoformat()
        condition = {
            "future": "start_date > ?",
            "today": "start_date = ?",
            "past": "start_date < ?",
        }
        with sandbox.db() as conn:
            rows = conn.execute(
                "SELECT id FROM sandbox_booking WHERE status = ? AND "  # noqa: S608
                + condition[when]
                + " ORDER BY id DESC LIMIT 400",
                (status, today),
            ).fetchall()
        for row in rows:
            if row["id"] not in _taken:
                _taken.add(row["id"])
                return row["id"]
        if when == "today":
            return _bring_to_today(sandbox, status, today)
        raise AssertionError(f"the sandbox has no spare {when} {status} booking")

    return take


def _bring_to_today(sandbox, status: str, today: str) -> int:
    """Once today's own bookings of a status are all taken: a spare one of that status from
    two to eight weeks ahead (days few tests look at), moved to today at its own time of day,
    with an agent free then (so no agent is booked twice at once)."""
    from datetime import date, datetime, timedelta

    from tests.booking_slots import SITE_TZ

    first = date.fromisoformat(today)
    conn = sqlite3.connect(sandbox.db_path)  # its db() is read-only
    conn.row_factory = sqlite3.Row
    with closing(conn), conn:
        rows = conn.execute(
            "SELECT b.id, b.start_time, b.end_time FROM sandbox_booking b"
            " WHERE b.status = ? AND b.start_date >= ? AND b.start_date <= ? AND NOT EXISTS ("
            "  SELECT 1 FROM sandbox_booking o WHERE o.agent_id = b.agent_id"
            "  AND o.start_date = ? AND o.status != 'cancelled'"
            "  AND o.start_time < b.end_time AND o.end_time > b.start_time)"
            " ORDER BY b.start_date DESC, b.id LIMIT 200",
            (status, str(first + timedelta(days=14)), str(first + timedelta(days=60)), today),
        ).fetchall()
        for row in rows:
            if row["id"] in _taken:
                continue
            day = date.fromisoformat(today)

            def utc(hhmm: str, day=day) -> str:
                local = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time())
                moment = local.replace(tzinfo=SITE_TZ).astimezone(ZoneInfo("UTC"))
                return moment.strftime("%Y-%m-%d %H:%M:%S")

            conn.execute(
                "UPDATE sandbox_booking SET start_date = ?, start_at = ?, end_at = ? WHERE id = ?",
                (today, utc(row["start_time"]), utc(row["end_time"]), row["id"]),
            )
            _taken.add(row["id"])
            return row["id"]
    raise AssertionError(f"the sandbox has no spare today {status} booking, nor one to move")


@pytest.fixture
def move(sandbox):
    """move(booking_id, *statuses): walk a booking through allowed transitions, raw."""

    def walk(booking_id: int, *statuses: str) -> None:
        for status in statuses:
            body = {"status": status}
            if status == "cancelled":
                body["force"] = True
            code, answer = sandbox.request("PUT", f"{API_PREFIX}/bookings/{booking_id}", body)
            assert code == 200, answer

    return walk


def sandbox_status(sandbox, booking_id: int) -> str:
    """A booking's status as the sandbox's database holds it now."""
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT status FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()["status"]


# --- staff -------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the role groups back after a transactional test (live server, browser tests).

    Such a test ends by flushing the database, which also removes the groups the roles
    migration created; the tests that run next expect them, as a real installation has them.
    After the session's last test the test database is already gone, and nothing runs next.
    """
    yield
    if nextitem is None:
        return
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if not transactional and not {"transactional_db", "live_server"} & set(
        getattr(item, "fixturenames", ())
    ):
        return
    from django.contrib.auth.models import Group
    from pytest_django.plugin import blocking_manager_key

    from frontoffice.roles import ROLES

    with item.config.stash[blocking_manager_key].unblock():
        for name in ROLES:
            Group.objects.get_or_create(name=name)
        # The reasons' list, made by bookings' data migration, likewise.
        from bookings.reasons import create_default_reasons

        create_default_reasons()


PASSWORD = "correct-horse-battery-staple"


def _make_user(username: str, role: str | None, **flags):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **flags
    )
    if role:
        # get_or_create: a transactional test's flush also removes the migration-made groups.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def receptionist(db):
    return _make_user("rita", "Receptionist")


@pytest.fixture
def manager(db):
    return _make_user("max", "Manager")


@pytest.fixture
def administrator(db):
    return _make_user("ada", None, is_superuser=True, is_staff=True)


@pytest.fixture
def reception_client(client, receptionist):
    client.force_login(receptionist)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


# --- the booking history, synced -------------------------------------------------------------


@dataclass
class _HistoryCopy:
    """The history tables as a full sync left them, and what the sandbox held when it ran."""

    sandbox_db: Path  # the sandbox it was read from
    tables: dict[str, tuple[list[str], list[tuple]]]
    weeks: dict  # week start -> fingerprint of the bookings (and what they show) of that week
    payment_weeks: dict  # week start -> fingerprint of the payments made in that week
    customers: dict[int, str]  # customer id -> created_at


_history_copy: _HistoryCopy | None = None


def _history_models():
    from history.models import (
        BookingRecord,
        CustomerRecord,
        PaymentRecord,
        SyncSegment,
        SyncState,
    )

    return SyncState, SyncSegment, BookingRecord, PaymentRecord, CustomerRecord


def _sandbox_fingerprints(sandbox) -> tuple[dict, dict, dict[int, str]]:
    """What the history is read from, as the sandbox's database holds it now: per week, every
    booking's row with its customer's and its service's; per week, every payment's row; each
    customer's creation time. A booking, payment or customer a test made, changed, moved (raw,
    too) or deleted changes its week's fingerprint."""
    from datetime import datetime, timedelta
    from hashlib import sha256

    from history.schedule import week_start
    from tests.booking_slots import SITE_TZ

    def digest(groups: dict) -> dict:
        return {
            week: sha256("\n".join(sorted(rows)).encode()).hexdigest()
            for week, rows in groups.items()
        }

    weeks: dict = {}
    payment_weeks: dict = {}
    with closing(sandbox.db()) as conn:
        for row in conn.execute(
            "SELECT b.*, c.*, s.* FROM sandbox_booking b"
            " JOIN sandbox_customer c ON c.id = b.customer_id"
            " JOIN sandbox_service s ON s.id = b.service_id"
        ):
            week = week_start(datetime.strptime(str(row["start_date"])[:10], "%Y-%m-%d").date())
            weeks.setdefault(week, []).append(repr(tuple(row)))
        for row in conn.execute("SELECT * FROM sandbox_payment"):
            made = datetime.fromisoformat(str(row["created_at"])[:19]).replace(
                tzinfo=ZoneInfo("UTC")
            )
            day = made.astimezone(SITE_TZ).date()
            # The day either side too: a payment's day is the site's, whatever the clocks say.
            for near in (day - timedelta(days=1), day, day + timedelta(days=1)):
                payment_weeks.setdefault(week_start(near), []).append(repr(tuple(row)))
        customers = {
            row["id"]: str(row["created_at"])
            for row in conn.execute("SELECT id, created_at FROM sandbox_customer")
        }
    return digest(weeks), digest(payment_weeks), customers


def _copy_history(sandbox, sandbox_prints) -> _HistoryCopy:
    from django.db import connection

    tables = {}
    with connection.cursor() as cursor:
        for model in _history_models():
            columns = [field.column for field in model._meta.concrete_fields]
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            tables[model._meta.db_table] = (columns, cursor.fetchall())
    weeks, payment_weeks, customers = sandbox_prints
    return _HistoryCopy(sandbox.db_path, tables, weeks, payment_weeks, customers)


def _restore_history(copy: _HistoryCopy, sandbox_prints) -> None:
    """Put the copy back, as a full sync would leave it now: the weeks whose bookings or
    payments changed in the sandbox since, as never read (the sync reads them again); the
    bounds and the reference lists to be read again; the customers, unless none changed."""
    from django.db import connection
    from django.utils import timezone

    from history.services import history_changed

    weeks, payment_weeks, customers = sandbox_prints
    stale = {w for w in weeks.keys() | copy.weeks.keys() if weeks.get(w) != copy.weeks.get(w)}
    stale |= {
        w
        for w in payment_weeks.keys() | copy.payment_weeks.keys()
        if payment_weeks.get(w) != copy.payment_weeks.get(w)
    }
    same_customers = customers == copy.customers
    with connection.cursor() as cursor:
        for table, (columns, rows) in copy.tables.items():
            if not rows:
                continue
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",  # noqa: S608
                rows,
            )
    SyncState, SyncSegment, BookingRecord, PaymentRecord, CustomerRecord = _history_models()
    now = timezone.now()
    # A week that has begun since has payments a full sync would read now.
    stale |= set(
        SyncSegment.objects.filter(
            payments_walked_at__isnull=True, start__lte=timezone.localdate()
        ).values_list("start", flat=True)
    )
    for week in stale:
        end = week + timedelta(days=6)
        BookingRecord.objects.filter(start_date__range=(week, end)).delete()
        PaymentRecord.objects.filter(day__range=(week, end)).delete()
    SyncSegment.objects.filter(start__in=stale).update(
        walked_at=None, walk_started_at=None, next_page=1, bookings=0, payments_walked_at=None
    )
    SyncSegment.objects.exclude(start__in=stale).filter(walked_at__isnull=False).update(
        walked_at=now
    )
    SyncSegment.objects.exclude(start__in=stale).filter(payments_walked_at__isnull=False).update(
        payments_walked_at=now
    )
    BookingRecord.objects.update(synced_at=now)
    PaymentRecord.objects.update(synced_at=now)
    SyncState.objects.update(bounds_checked_at=None, reference_read_at=None, last_pass_at=now)
    if same_customers:
        CustomerRecord.objects.update(synced_at=now)
        SyncState.objects.update(customers_walked_at=now, customers_checked_at=now)
    else:
        CustomerRecord.objects.all().delete()
        SyncState.objects.update(
            customers_walked_at=None,
            customers_checked_at=None,
            customers_walk_started_at=None,
            customers_next_page=1,
        )
    history_changed()


def sync_history(sandbox):
    """The local booking history holds what the sandbox holds now, as `manage.py sync_bookings
    --once` leaves it (the background worker's copy; a test's database starts without one).
    Returns the pass's result.

    The session's first call syncs in full; the copy it leaves is kept, and each later call on
    an empty history puts it back with the weeks (and customers) the sandbox changed since as
    never read, then runs the same sync, which reads those again: seconds saved per test."""
    global _history_copy
    from django.db import transaction

    from history.sync import sync_pass

    models = _history_models()
    prints = _sandbox_fingerprints(sandbox)
    empty = not any(model.objects.exists() for model in models)
    if empty and _history_copy is not None and _history_copy.sandbox_db == sandbox.db_path:
        with transaction.atomic():  # one commit, not one a row (a browser test autocommits)
            _restore_history(_history_copy, prints)
    result = sync_pass()  # what `manage.py sync_bookings --once` runs
    if empty and result.complete:
        _history_copy = _copy_history(sandbox, prints)
    return result
