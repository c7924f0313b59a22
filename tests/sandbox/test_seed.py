"""The seed command and the seeded content (issue 2, item 5)."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from django_countries.data import COUNTRIES

from tests.conftest import ROOT, sandbox_env

from .conftest import get

SITE_TZ = ZoneInfo("America/New_York")
CUSTOM_KEYS = {
    "medical_notes",
    "insurance_provider",
    "emergency_contact",
    "preferred_language",
    "referral_source",
}


def run_sandbox(db_path, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        env=sandbox_env(db_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def content_digest(db_path) -> str:
    import sqlite3

    conn = sqlite3.connect(db_path)
    digest = hashlib.sha256()
    for table, columns in (
        ("sandbox_customer", "id, first_name, last_name, email, phone, status, custom_fields"),
        ("sandbox_booking", "id, booking_code, customer_id, status, start_at, price"),
    ):
        for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY id"):  # noqa: S608
            digest.update(repr(row).encode())
    conn.close()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def seeded_twice(tmp_path_factory):
    """Two databases seeded independently with the same arguments."""
    paths = []
    for name in ("one", "two"):
        path = tmp_path_factory.mktemp(f"seed-{name}") / "sandbox.sqlite3"
        assert run_sandbox(path, "migrate", "--noinput", "-v0").returncode == 0
        result = run_sandbox(path, "seed", "--customers", "60", "--seed", "7")
        assert result.returncode == 0, result.stderr
        assert "Seeded 60 customers" in result.stdout
        paths.append(path)
    return paths


@pytest.fixture
def seeded_db(sandbox_template_db):
    """The seed as it was made: other tests change the session sandbox's own copy."""
    conn = sqlite3.connect(f"file:{sandbox_template_db}?mode=ro", uri=True)
    yield conn
    conn.close()


def test_seeding_is_deterministic(seeded_twice):
    one, two = seeded_twice
    assert content_digest(one) == content_digest(two)


def test_reseeding_with_the_same_arguments_does_nothing_and_says_so(seeded_twice):
    path = seeded_twice[0]
    before = content_digest(path)
    result = run_sandbox(path, "seed", "--customers", "60", "--seed", "7")
    assert result.returncode == 0
    assert "already seeded with 60 customers" in result.stdout
    assert "nothing to do" in result.stdout
    assert content_digest(path) == before


def test_a_different_size_needs_reset_and_reset_reseeds(seeded_twice):
    import sqlite3

    path = seeded_twice[1]
    refused = run_sandbox(path, "seed", "--customers", "25", "--seed", "7")
    assert refused.returncode != 0
    assert "--reset" in refused.stderr
    result = run_sandbox(path, "seed", "--customers", "25", "--reset")
    assert result.returncode == 0, result.stderr
    assert "Seeded 25 customers" in result.stdout
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM sandbox_customer").fetchone()[0] == 25
    assert conn.execute("SELECT MIN(id), MAX(id) FROM sandbox_customer").fetchone() == (1, 25)
    conn.close()


def test_default_seed_has_the_documented_size(seeded_db):
    db = seeded_db
    seeded = "SELECT COUNT(*) FROM sandbox_customer WHERE id <= 500"
    assert db.execute(seeded).fetchone()[0] == 500
    assert db.execute("SELECT customers FROM sandbox_seedinfo").fetchone()[0] == 500
    bookings = db.execute("SELECT COUNT(*) FROM sandbox_booking").fetchone()[0]
    assert 7000 <= bookings <= 9500
    assert db.execute("SELECT COUNT(*) FROM sandbox_agent").fetchone()[0] == 6
    assert db.execute("SELECT COUNT(*) FROM sandbox_service").fetchone()[0] == 10
    assert db.execute("SELECT COUNT(*) FROM sandbox_location").fetchone()[0] == 3


def test_bookings_span_18_months_back_and_2_months_ahead_with_today_and_tomorrow(
    seeded_db, sandbox
):
    today = datetime.now(SITE_TZ).date()
    db = seeded_db
    first, last = db.execute(
        "SELECT MIN(start_date), MAX(start_date) FROM sandbox_booking"
    ).fetchone()
    assert date.fromisoformat(first) >= today - timedelta(days=550)
    assert date.fromisoformat(first) <= today - timedelta(days=500)
    assert today + timedelta(days=50) <= date.fromisoformat(last) <= today + timedelta(days=62)
    for day in (today, today + timedelta(days=1)):
        count = db.execute(
            "SELECT COUNT(*) FROM sandbox_booking WHERE start_date = ? AND status != 'cancelled'",
            (day.isoformat(),),
        ).fetchone()[0]
        assert count >= 10, day
    # And the API agrees: today's board is not empty.
    body = get(sandbox, "/bookings", date_from=today.isoformat(), date_to=today.isoformat())
    assert body["pagination"]["total"] >= 10


def test_status_mixes(seeded_db):
    db = seeded_db
    customers = dict(db.execute("SELECT status, COUNT(*) FROM sandbox_customer GROUP BY status"))
    assert set(customers) == {"active", "inactive", "blocked", "pending_verification"}
    assert customers["active"] > 300
    assert db.execute("SELECT COUNT(*) FROM sandbox_customer WHERE is_guest").fetchone()[0] > 20
    no_bookings = db.execute(
        "SELECT COUNT(*) FROM sandbox_customer c WHERE NOT EXISTS "
        "(SELECT 1 FROM sandbox_booking b WHERE b.customer_id = c.id)"
    ).fetchone()[0]
    assert no_bookings >= 5
    today = datetime.now(SITE_TZ).date().isoformat()
    past = dict(
        db.execute(
            "SELECT status, COUNT(*) FROM sandbox_booking WHERE start_date < ? GROUP BY status",
            (today,),
        )
    )
    assert past["completed"] > past["cancelled"] > 0
    assert past["no_show"] > 0
    future = dict(
        db.execute(
            "SELECT status, COUNT(*) FROM sandbox_booking WHERE start_date > ? GROUP BY status",
            (today,),
        )
    )
    assert set(future) == {"approved", "pending", "cancelled"}
    payments = {row[0] for row in db.execute("SELECT DISTINCT payment_status FROM sandbox_booking")}
    assert payments == {"not_paid", "partially_paid", "paid", "refunded", "partially_refunded"}


def test_names_and_untrusted_text(seeded_db):
    db = seeded_db
    names = [
        f"{a} {b}" for a, b in db.execute("SELECT first_name, last_name FROM sandbox_customer")
    ]
    assert any("'" in name for name in names)
    assert any("-" in name for name in names)
    assert any(any(ord(ch) > 127 for ch in name) for name in names)
    assert any("<script>" in name for name in names)
    notes = " ".join(
        n + a for n, a in db.execute("SELECT notes, admin_notes FROM sandbox_customer")
    )
    assert "<script>" in notes
    assert "onerror" in notes
    fields = " ".join(row[0] for row in db.execute("SELECT custom_fields FROM sandbox_customer"))
    assert "<script>" in fields


def test_custom_fields_phones_and_countries(seeded_db):
    db = seeded_db
    import json

    seen_keys: set[str] = set()
    without = 0
    for phone, country, custom in db.execute(
        "SELECT phone, country, custom_fields FROM sandbox_customer WHERE id <= 500"
    ):
        number = phonenumbers.parse(phone, "US")
        assert phonenumbers.is_valid_number(number), phone
        assert country == "" or country in COUNTRIES, country
        keys = set(json.loads(custom))
        seen_keys |= keys
        without += keys != CUSTOM_KEYS
    assert seen_keys >= CUSTOM_KEYS
    assert without > 100  # not every field on everyone


def test_booking_codes_mix_both_documented_styles(seeded_db):
    db = seeded_db
    codes = [row[0] for row in db.execute("SELECT booking_code FROM sandbox_booking")]
    assert len(codes) == len(set(codes))
    lp = [c for c in codes if c.startswith("LP-")]
    random7 = [c for c in codes if len(c) == 7 and c.isalpha() and c.isupper()]
    assert len(lp) > 1000
    assert len(random7) > 1000
    assert all(len(c.split("-")) == 3 and c.split("-")[1].isdigit() for c in lp)


def test_documented_fixture_customers(sandbox):
    """The customers sandbox/README.md promises to other tests."""
    one = get(sandbox, "/customers/1", include="stats")["data"]
    assert (one["first_name"], one["last_name"], one["status"]) == (
        "Anne-Marie",
        "O'Brien",
        "active",
    )
    assert one["stats"]["total_bookings"] >= 40
    assert one["stats"]["future_bookings"] >= 2
    blocked = get(sandbox, "/customers/3", include="stats,upcoming_bookings")["data"]
    assert blocked["status"] == "blocked"
    assert blocked["bookings"], "the blocked customer has an upcoming booking"
    script = get(sandbox, "/customers/4")["data"]
    assert script["first_name"] == "<script>alert(1)</script>"
    empty = get(sandbox, "/customers/5", include="stats")["data"]
    assert empty["stats"]["total_bookings"] == 0
    assert get(sandbox, "/customers/6")["data"]["status"] == "inactive"
    pending = get(sandbox, "/customers/7")["data"]
    assert (pending["status"], pending["is_guest"]) == ("pending_verification", True)
    risky = get(sandbox, "/customers/8", include="stats")["data"]["stats"]
    assert risky["no_show_bookings"] >= 3
