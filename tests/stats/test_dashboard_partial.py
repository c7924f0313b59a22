"""The dashboard of a period the local booking history does not hold yet: never a walk of
LatePoint's bookings, but what the history holds, labelled, what is still being copied and
when it is expected, the period form, and at most 3 calls; and the sync reads those weeks
first."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from history import sync
from history.models import SyncRequest, SyncSegment, SyncState
from history.tasks import sync_bookings_now
from tests.stats import recompute
from tests.stats.test_dashboard import sync_days, upstream_calls

pytestmark = pytest.mark.django_db


def booking_calls(sandbox, since: float) -> list[tuple]:
    return [row for row in sandbox.requests_since(since) if row[2].startswith("/bookings")]


def text_of(response) -> str:
    """The page's words, tags dropped and spaces run together."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html)


DASH = "\N{EN DASH}"


def days_text(first, last) -> str:
    return f"{first:%-d %b %Y} {DASH} {last:%-d %b %Y}"


def assert_keeps_the_period_form(response, period_key: str) -> None:
    html = response.content.decode()
    assert '<form method="get" action="/stats/"' in html
    assert re.search(rf'<option value="{period_key}" selected>', html)
    assert 'name="date_from"' in html and 'name="date_to"' in html


def custom(first_ago: int, last_ago: int) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "period": "custom",
        "date_from": (today - timedelta(days=first_ago)).isoformat(),
        "date_to": (today - timedelta(days=last_ago)).isoformat(),
    }


@pytest.mark.parametrize("period", ["30d", "90d", "custom"])
def test_a_period_the_history_does_not_hold_answers_at_once_with_what_is_synced(
    manager_client, live_sandbox, period
):
    params = custom(300, 200) if period == "custom" else {"period": period}
    before = time.time()
    response = manager_client.get("/stats/", params)  # the history empty, the cache cold
    assert response.status_code == 200
    assert upstream_calls(response) <= 3  # the reference lists at most
    assert booking_calls(live_sandbox, before) == []
    board = response.context["board"]
    assert board.source == "partial" and board.current is None
    query = board.query.period
    words = text_of(response)
    missing = days_text(query.previous().start, query.end)
    assert f"The booking history does not hold these dates yet: {missing} is being copied" in (
        words
    )
    assert "When the rest will arrive is not known: the background sync has not run yet." in (words)
    assert "No figures yet: the booking history holds none of these dates." in words
    assert_keeps_the_period_form(response, params["period"])


def test_a_partly_held_period_shows_the_days_held_labelled(manager_client, live_sandbox):
    today = timezone.localdate()
    sync_days(today - timedelta(days=13), today)  # two weeks of the 60 days of a 30-day view
    held_from = sync.week_start(today - timedelta(days=13))
    before = time.time()
    response = manager_client.get("/stats/", {"period": "30d"})
    assert response.status_code == 200
    assert upstream_calls(response) <= 3
    assert booking_calls(live_sandbox, before) == []

    board = response.context["board"]
    assert board.source == "partial"
    assert (board.part.start, board.part.end) == (held_from, today)
    with live_sandbox.db() as conn:
        expected = recompute.figures(conn, held_from, today)
    got = board.current
    assert (got.period.start, got.period.end) == (held_from, today)
    assert got.total == expected.total > 0
    assert got.revenue == expected.revenue and got.completed == expected.completed
    assert {s: got.status_counts[s] for s in recompute.STATUSES} == dict(
        (s, expected.statuses[s]) for s in recompute.STATUSES
    )
    assert [d.day for d in board.daily] == [
        held_from + timedelta(days=n) for n in range((today - held_from).days + 1)
    ]
    # Nothing to compare with yet, and no risk check (it would cost calls).
    assert board.previous is None and board.at_risk == [] and board.risk_checked == 0
    assert {f.change_text for f in board.figures} == {"no comparison"}

    words = text_of(response)
    period_start = today - timedelta(days=29)
    assert (
        f"The booking history holds {days_text(held_from, today)}; "
        f"{days_text(period_start - timedelta(days=30), held_from - timedelta(days=1))} "
        "is still being copied from LatePoint." in words
    )
    assert (
        f"Partial figures: {held_from:%a %-d %b %Y} {DASH} {today:%a %-d %b %Y} only "
        f"({(today - held_from).days + 1} of 30 days), the days the booking history holds." in words
    )
    assert f"partial: {held_from:%-d %b} {DASH} {today:%-d %b} only" in words
    left = SyncSegment.objects.filter(
        walked_at__isnull=True, end__gte=period_start - timedelta(days=30), start__lt=held_from
    ).count()
    assert board.progress.weeks_left == left > 0
    assert re.search(
        rf"The rest is expected in about \d+ minutes?, around \d\d:\d\d: {left} weeks left to "
        r"read, about \d+ calls? to LatePoint at up to \d+ a minute \(longer while the desks",
        words,
    ), words
    assert_keeps_the_period_form(response, "30d")


def test_when_the_sync_has_stopped_the_page_says_the_rest_is_not_expected(
    manager_client, live_sandbox
):
    today = timezone.localdate()
    sync_days(today - timedelta(days=6), today)
    SyncState.objects.update(last_pass_at=timezone.now() - timedelta(hours=2))
    response = manager_client.get("/stats/", {"period": "30d"})
    assert response.status_code == 200
    assert response.context["board"].progress.minutes is None
    assert (
        "When the rest will arrive is not known: the background sync has not run for 2 hours."
        in text_of(response)
    )


def test_after_such_a_view_the_next_pass_reads_the_weeks_asked_for_first(
    manager_client, live_sandbox
):
    today = timezone.localdate()
    sync_days(today, today)  # LatePoint's first and last booking: the weeks are known
    start, end = today - timedelta(days=120), today - timedelta(days=101)
    response = manager_client.get("/stats/", custom(120, 101))
    assert response.context["board"].source == "partial"
    asked = (start - timedelta(days=20), end)  # the period and the one before it
    assert SyncRequest.objects.filter(start=asked[0], end=asked[1]).exists()

    began = timezone.now()
    assert sync_bookings_now() is not None  # the worker's next pass, a whole one
    order = list(
        SyncSegment.objects.filter(walked_at__gte=began)
        .order_by("walked_at")
        .values_list("start", flat=True)
    )
    wanted = [
        week.start for week in SyncSegment.objects.filter(end__gte=asked[0], start__lte=asked[1])
    ]
    # The weeks asked for, newest first, before any other week (the recent window included)
    # and before the reference lists and the customers.
    assert order[: len(wanted)] == sorted(wanted, reverse=True)
    state = SyncState.objects.get()
    last_asked = SyncSegment.objects.get(start=min(wanted)).walked_at
    assert state.reference_read_at > last_asked and state.customers_walked_at > last_asked
    assert not SyncRequest.objects.exists()  # done

    again = manager_client.get("/stats/", custom(120, 101))
    assert again.context["board"].source == "history"
