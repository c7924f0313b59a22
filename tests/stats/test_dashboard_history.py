"""The dashboard from the local booking history: the same figures as the plain-SQL
recomputation, with no upstream call for bookings (test_dashboard_partial.py: meanwhile)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.booking_slots import begun_minutes_ago, restore_start
from tests.stats import recompute
from tests.stats.test_dashboard import check_dashboard, sync_days

pytestmark = pytest.mark.django_db


def booking_calls(sandbox, since: float) -> list[tuple]:
    return [
        row
        for row in sandbox.requests_since(since)
        if row[1] == "GET" and row[2].startswith("/bookings")
    ]


@pytest.mark.parametrize("days", [30, 90])
def test_figures_from_the_history_equal_the_recomputation(manager_client, live_sandbox, days):
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    sync_days(start - timedelta(days=days), today)

    before = time.time()
    response = manager_client.get("/stats/", {"period": f"{days}d"})
    assert booking_calls(live_sandbox, before) == []  # no GET /bookings at all
    board = response.context["board"]
    assert board.source == "history" and board.history.complete
    with live_sandbox.db() as conn:
        _, current, previous = check_dashboard(response, conn, start, today)
    assert board.bookings_fetched == current.total + previous.total
    html = response.content.decode()
    assert "bookings synced less than a minute ago" in html
    assert "<progress" not in html


@pytest.mark.parametrize(
    ("param", "column"),
    [("agent", "agent_id"), ("service", "service_id"), ("location", "location_id")],
)
def test_each_filter_from_the_history_matches(manager_client, live_sandbox, param, column):
    today = timezone.localdate()
    start = today - timedelta(days=29)
    sync_days(start - timedelta(days=30), today)
    with live_sandbox.db() as conn:
        (chosen,) = conn.execute(
            f"SELECT {column} FROM sandbox_booking WHERE start_date BETWEEN ? AND ? "  # noqa: S608
            f"GROUP BY {column} ORDER BY COUNT(*) DESC, {column} LIMIT 1",
            [start.isoformat(), today.isoformat()],
        ).fetchone()
        response = manager_client.get("/stats/", {"period": "30d", param: chosen})
        assert response.context["board"].source == "history"
        _, current, _ = check_dashboard(response, conn, start, today, **{column: chosen})
    assert current.total > 0


def test_a_custom_range_in_the_past_from_the_history(manager_client, live_sandbox):
    today = timezone.localdate()
    start, end = today - timedelta(days=200), today - timedelta(days=141)
    sync_days(recompute.previous_range(start, end)[0], end)
    response = manager_client.get(
        "/stats/", {"period": "custom", "date_from": start.isoformat(), "date_to": end.isoformat()}
    )
    assert response.context["board"].source == "history"
    with live_sandbox.db() as conn:
        check_dashboard(response, conn, start, end)


def test_changes_reach_the_history_figures(manager_client, live_sandbox, take_booking):
    today = timezone.localdate()
    sync_days(today - timedelta(days=59), today + timedelta(days=7))
    booking_id = take_booking("approved", when="today")
    # Only a visit that has begun can be completed, whatever the hour the tests run.
    saved = begun_minutes_ago(live_sandbox, booking_id)
    try:
        response = manager_client.post(
            f"/bookings/{booking_id}/status/",
            {"to_status": "completed", "seen_status": "approved", "confirmed": "yes"},
        )
        assert response.status_code == 302
        response = manager_client.get("/stats/", {"period": "30d"})
        assert response.context["board"].source == "history"
        with live_sandbox.db() as conn:
            check_dashboard(response, conn, today - timedelta(days=29), today)
    finally:
        restore_start(live_sandbox, saved)
