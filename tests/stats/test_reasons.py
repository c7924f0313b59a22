"""The dashboard's cancellations, no-shows and moves by reason, by agent and by service: from
the local booking history and the reasons recorded with each action, with no call for them; a
cancellation made in LatePoint itself counts as "Not recorded"."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from frontoffice.reference import ReferenceData
from stats.forms import Period
from stats.reasons import NOT_RECORDED, reason_figures
from tests.booking_slots import delete_bookings, free_day, new_booking
from tests.conftest import _taken
from tests.stats.test_dashboard import sync_days

pytestmark = pytest.mark.django_db

API = "/wp-json/latepoint-api/v1"


def row_of(rows, label: str):
    return next((row for row in rows if row.label == label), None)


def lost_in(sandbox, start, end, column: str) -> dict:
    """{(value of `column`, status): count} of the cancellations and no-shows starting then."""
    with sandbox.db() as conn:
        found = conn.execute(
            f"SELECT {column}, status, COUNT(*) FROM sandbox_booking "  # noqa: S608
            "WHERE start_date BETWEEN ? AND ? AND status IN ('cancelled', 'no_show') "
            f"GROUP BY {column}, status",
            (start.isoformat(), end.isoformat()),
        ).fetchall()
    return {(row[0], row[1]): row[2] for row in found}


def _begun(sandbox, start, today) -> int:
    """An approved booking of the period that has begun (a no-show needs one), untaken."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT id FROM sandbox_booking WHERE status = 'approved' "
            "AND start_date BETWEEN ? AND ? ORDER BY id DESC",
            (start.isoformat(), (today - timedelta(days=1)).isoformat()),
        ).fetchall()
    spare = next(row[0] for row in rows if row[0] not in _taken)
    _taken.add(spare)
    return spare


def test_cancellations_and_no_shows_count_by_reason_agent_and_service(
    manager_client, live_sandbox, take_booking
):
    today = timezone.localdate()
    start = today - timedelta(days=29)
    elsewhere = take_booking("approved", "today")
    # Cancelled in LatePoint's own admin: the front office has no reason for it.
    code, _ = live_sandbox.request(
        "PUT", f"{API}/bookings/{elsewhere}", {"status": "cancelled", "force": True}
    )
    assert code == 200
    sync_days(start - timedelta(days=30), today + timedelta(days=7))
    ill, absent = take_booking("approved", "today"), _begun(live_sandbox, start, today)
    try:
        cancelled = manager_client.post(
            f"/bookings/{ill}/status/",
            {"to_status": "cancelled", "confirmed": "yes", "reason": "illness"},
        )
        missed = manager_client.post(
            f"/bookings/{absent}/status/",
            {"to_status": "no_show", "confirmed": "yes", "reason": "did-not-show"},
        )
        assert cancelled.status_code == missed.status_code == 302
        before = time.time()

        response = manager_client.get("/stats/", {"period": "30d"})

        # No call for any of it: the bookings are the history's, the reasons local.
        paths = [row[2] for row in live_sandbox.requests_since(before)]
        assert not [path for path in paths if path.startswith(("/bookings", "/payments"))]
        reasons = response.context["reasons"]
        assert reasons.period == Period(start, today)
        assert row_of(reasons.by_reason, "Illness").cancelled == 1
        assert row_of(reasons.by_reason, "Did not show").no_show == 1
        by_status = lost_in(live_sandbox, start, today, "status")
        not_recorded = row_of(reasons.by_reason, NOT_RECORDED)
        assert not_recorded.cancelled == by_status[("cancelled", "cancelled")] - 1
        assert not_recorded.no_show == by_status[("no_show", "no_show")] - 1
        assert reasons.by_reason[-1].label == NOT_RECORDED  # the reasons given come first
        by_agent = lost_in(live_sandbox, start, today, "agent_id")
        assert (
            sum(row.cancelled for row in reasons.by_agent) == by_status[("cancelled", "cancelled")]
        )
        assert sorted(row.cancelled + row.no_show for row in reasons.by_agent) == sorted(
            sum(n for (agent, _), n in by_agent.items() if agent == chosen)
            for chosen in {agent for agent, _ in by_agent}
        )
        assert sum(row.no_show for row in reasons.by_service) == by_status[("no_show", "no_show")]
        html = response.content.decode()
        assert "Why bookings were cancelled, missed or moved" in html
        assert (
            '<th scope="row">Illness</th><td class="num">1</td><td class="num">0</td>'
            '<td class="num">0</td>' in html
        )
        assert "Cancellations and no-shows by agent" in html
        assert "Cancellations and no-shows by service" in html
    finally:
        for booking_id in (ill, absent, elsewhere):
            live_sandbox.request("PUT", f"{API}/bookings/{booking_id}", {"status": "approved"})


def test_a_move_counts_by_its_reason(live_sandbox, reception_client):
    day = free_day(live_sandbox, 1)
    booking_id = new_booking(live_sandbox, day, "09:00", tag="stats-move")
    try:
        moved = reception_client.post(
            f"/bookings/{booking_id}/reschedule/",
            {
                "date": day.isoformat(),
                "agent": 1,
                "start_time": "15:00",
                "submit_token": "u" * 20,
                "reason": "clinic-rescheduled",
            },
        )
        assert moved.status_code == 302, moved.content.decode()[:2000]

        figures = reason_figures(period=Period(day, day), reference=ReferenceData([], [], []))

        assert [(row.label, row.moved) for row in figures.by_reason] == [("Clinic rescheduled", 1)]
    finally:
        delete_bookings(live_sandbox, [booking_id])
