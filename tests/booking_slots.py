"""Days and times for tests that create bookings in the shared sandbox.

The seed fills bookings up to 61 days ahead; from FIRST_DAY_AHEAD days on, the sandbox has
only the bookings tests make. `free_day()` hands each caller a day no other caller of this
session got, on which the agent works, so tests that book never meet each other's bookings.
Tests delete what they created (`delete_bookings`), so later tests see the seed as it was.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.conftest import API_PREFIX, Sandbox

SITE_TZ = ZoneInfo("America/New_York")
FIRST_DAY_AHEAD = 70
LAST_DAY_AHEAD = 400

#: Days handed out this session.
_used: set[date] = set()


def site_today() -> date:
    return datetime.now(SITE_TZ).date()


def seen_around_today(box: Sandbox) -> set[int]:
    """Customers with a booking from yesterday to tomorrow (the site's days). Their profile
    reads the visits that began earlier today (one more call), so a test counting a profile's
    calls picks a customer outside this set, whatever the time of day the suite runs at."""
    today = site_today()
    with box.db() as conn:
        rows = conn.execute(
            "SELECT DISTINCT customer_id FROM sandbox_booking WHERE start_date BETWEEN ? AND ?",
            (str(today - timedelta(days=1)), str(today + timedelta(days=1))),
        ).fetchall()
    return {row["customer_id"] for row in rows}


def working_hours(box: Sandbox, agent_id: int) -> dict[int, list[tuple[str, str]]]:
    """The agent's work periods by week day (1 = Monday), as ("HH:MM", "HH:MM"), from the
    sandbox's own database."""
    with box.db() as conn:
        rows = conn.execute(
            "SELECT week_day, start_minute, end_minute FROM sandbox_workperiod "
            "WHERE agent_id = ? ORDER BY week_day, start_minute",
            (agent_id,),
        ).fetchall()
    hours: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        start, end = row["start_minute"], row["end_minute"]
        hours.setdefault(row["week_day"], []).append(
            (f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}")
        )
    return hours


def free_day(box: Sandbox, agent_id: int | None = 1, *, week_day: int | None = None) -> date:
    """A day of this caller's own, beyond the seeded bookings, on which `agent_id` works (any
    day with None), on `week_day` (1 = Monday) if given."""
    works = set(working_hours(box, agent_id)) if agent_id is not None else set(range(1, 8))
    today = site_today()
    for ahead in range(FIRST_DAY_AHEAD, LAST_DAY_AHEAD):
        day = today + timedelta(days=ahead)
        if day in _used or day.isoweekday() not in works:
            continue
        if week_day is not None and day.isoweekday() != week_day:
            continue
        _used.add(day)
        return day
    raise AssertionError("no free day left for this session's tests")


def unique_email(tag: str = "booking") -> str:
    return f"{tag}.{uuid.uuid4().hex[:12]}@example.org"


def new_customer_fields(tag: str = "booking") -> dict:
    """A nested `customer` for POST /bookings that no other test uses."""
    return {"first_name": "Bea", "last_name": "Booker", "email": unique_email(tag)}


def delete_bookings(box: Sandbox, booking_ids) -> None:
    """Force-delete bookings a test made (already gone is fine)."""
    for booking_id in booking_ids:
        status, body = box.request("DELETE", f"{API_PREFIX}/bookings/{booking_id}?force=true")
        assert status in (200, 404), (status, body)


def new_booking(box: Sandbox, day: date, start_time: str, *, tag: str = "booking") -> int:
    """An approved booking with agent 1 for a new customer of its own, made straight in the
    sandbox (as another desk or the website would): its id."""
    status, body = box.request(
        "POST",
        f"{API_PREFIX}/bookings",
        {
            "customer": new_customer_fields(tag),
            "service_id": 1,
            "agent_id": 1,
            "start_date": day.isoformat(),
            "start_time": start_time,
            "status": "approved",
        },
    )
    assert status in (200, 201), body
    return int(body.get("data", body)["id"])


def begun_minutes_ago(box: Sandbox, booking_id: int, minutes: int = 2) -> tuple:
    """Make a booking of today begin `minutes` ago (no earlier than today's midnight), straight
    in the sandbox's database (its API refuses a time past), so that it may be completed or
    marked a no-show whatever the hour the tests run. Returns what to give `restore_start`."""

    conn = sqlite3.connect(box.db_path)  # the Sandbox's db() is read-only
    with conn:
        row = conn.execute(
            "SELECT start_at, end_at, start_date, start_time, end_time, duration "
            "FROM sandbox_booking WHERE id = ?",
            (booking_id,),
        ).fetchone()
        now = datetime.now(SITE_TZ)
        start = max(now - timedelta(minutes=minutes), now.replace(hour=0, minute=0, second=0))
        start = start.replace(second=0, microsecond=0)
        end = start + timedelta(minutes=row[5])
        utc = ZoneInfo("UTC")
        conn.execute(
            "UPDATE sandbox_booking SET start_at = ?, end_at = ?, start_date = ?, "
            "start_time = ?, end_time = ? WHERE id = ?",
            (
                start.astimezone(utc).strftime("%Y-%m-%d %H:%M:%S"),
                end.astimezone(utc).strftime("%Y-%m-%d %H:%M:%S"),
                start.date().isoformat(),
                start.strftime("%H:%M"),
                end.strftime("%H:%M") if end.date() == start.date() else "23:59",
                booking_id,
            ),
        )
    conn.close()
    return (booking_id, *row[:5])


def restore_start(box: Sandbox, saved: tuple) -> None:
    """Put back the times `begun_minutes_ago` changed."""

    booking_id, *values = saved
    conn = sqlite3.connect(box.db_path)
    with conn:
        conn.execute(
            "UPDATE sandbox_booking SET start_at = ?, end_at = ?, start_date = ?, "
            "start_time = ?, end_time = ? WHERE id = ?",
            (*values, booking_id),
        )
    conn.close()


def backdate(sandbox, booking_id: int, *, days_ago: int = 7) -> None:
    """Move a booking made for a test to `days_ago` days before today, straight in the
    sandbox's database (its API refuses a past date): only a booking that has begun may be
    marked a no-show."""
    conn = sqlite3.connect(sandbox.db_path)  # its db() is read-only
    with conn:
        (day,) = conn.execute(
            "SELECT start_date FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()
        shift = f"-{(date.fromisoformat(day) - site_today()).days + days_ago} days"
        conn.execute(
            "UPDATE sandbox_booking SET start_at = datetime(start_at, ?), "
            "end_at = datetime(end_at, ?), start_date = date(start_date, ?) WHERE id = ?",
            (shift, shift, shift, booking_id),
        )
    conn.close()
