"""Collected revenue on the dashboard: succeeded payments less refunds made in the period,
beside the booked revenue, from the history's copy of LatePoint's payments (never a live walk
on the stats page); "not held yet" while the copy does not hold them."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

import pytest
from django.utils import timezone

from history import sync
from history.models import PaymentRecord, SyncRequest, SyncSegment
from tests.checkout.conftest import unpaid_booking
from tests.checkout.takings_helpers import make_payment
from tests.conftest import sync_history
from tests.stats import recompute

pytestmark = pytest.mark.django_db


def _utc(day: date) -> str:
    moment = datetime.combine(day, clock(0), timezone.get_current_timezone())
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def collected(sandbox, start: date, end: date, *, agent_id: int | None = None) -> Decimal:
    """Succeeded payments less succeeded refunds made start..end, from the sandbox's database;
    with `agent_id`, those on the orders of that agent's bookings."""
    sql = (
        "SELECT COALESCE(SUM(CASE WHEN p.kind = 'refund' THEN -p.amount ELSE p.amount END), 0) "
        "FROM sandbox_payment p WHERE p.status = 'succeeded' "
        "AND p.created_at >= ? AND p.created_at < ?"
    )
    params: list = [_utc(start), _utc(end + timedelta(days=1))]
    if agent_id is not None:
        sql += " AND p.order_id IN (SELECT order_id FROM sandbox_booking WHERE agent_id = ?)"
        params.append(agent_id)
    with sandbox.db() as conn:
        (value,) = conn.execute(sql, params).fetchone()
    return Decimal(str(value)).quantize(Decimal("0.01"))


def live_reads(sandbox, since: float) -> list[str]:
    return [r[2] for r in sandbox.requests_since(since) if r[2].startswith(("/payments", "/book"))]


def last_week(client):
    """The dashboard for the last 7 days (today included)."""
    today = timezone.localdate()
    start = today - timedelta(days=6)
    return client.get(
        "/stats/",
        {"period": "custom", "date_from": start.isoformat(), "date_to": today.isoformat()},
    )


def figure(response, key: str):
    return next(f for f in response.context["board"].figures if f.key == key)


def card(html: str, key: str) -> str:
    return re.search(rf'<div class="stat stats-figure" id="figure-{key}">.*?</div>', html, re.S)[0]


def test_collected_revenue_beside_booked_revenue_from_the_history(manager_client, live_sandbox):
    today = timezone.localdate()
    start = today - timedelta(days=29)
    previous = recompute.previous_range(start, today)
    assert sync.sync_pass(within=(previous[0], today)).complete

    since = time.time()
    response = manager_client.get("/stats/", {"period": "30d"})
    assert live_reads(live_sandbox, since) == []  # no payments or bookings walked live
    current = figure(response, "collected")
    assert current.current == collected(live_sandbox, start, today)
    assert current.previous == collected(live_sandbox, *previous)
    assert current.current > 0
    html = response.content.decode()
    revenue = card(html, "revenue")
    assert "Collected revenue" in card(html, "collected") and "Revenue" in revenue
    assert f"${current.current:,.2f}" in card(html, "collected")
    # Beside the booked revenue: the next card.
    assert html.index('id="figure-revenue"') < html.index('id="figure-collected"')
    assert html.index('id="figure-collected"') < html.index('id="figure-average_value"')
    assert "payments synced less than a minute ago" in html


def test_not_held_yet_until_the_sync_copies_the_payments(manager_client, live_sandbox):
    today = timezone.localdate()
    start = today - timedelta(days=6)
    previous = recompute.previous_range(start, today)
    assert sync.sync_pass(within=(previous[0], today)).complete
    # As after an upgrade: the weeks' bookings are held, their payments never read.
    SyncSegment.objects.update(payments_walked_at=None)
    PaymentRecord.objects.all().delete()

    since = time.time()
    response = last_week(manager_client)
    assert live_reads(live_sandbox, since) == []
    assert response.context["board"].source == "history"  # the bookings' figures are shown
    assert figure(response, "collected").current is None
    html = response.content.decode()
    assert "not held yet" in card(html, "collected")
    assert "Collected revenue not held yet" in html
    assert SyncRequest.objects.exists()  # the sync is asked for those weeks first

    # The next pass reads the weeks asked for (their payments) before anything else.
    assert sync.sync_pass(within=(previous[0], today)).complete
    response = last_week(manager_client)
    assert figure(response, "collected").current == collected(live_sandbox, start, today)


def test_a_refund_made_today_lowers_collected_revenue_after_the_next_sync(
    manager_client, live_sandbox, settings
):
    today = timezone.localdate()
    start = today - timedelta(days=6)
    previous = recompute.previous_range(start, today)
    assert sync.sync_pass(within=(previous[0], today)).complete
    before = figure(last_week(manager_client), "collected").current

    visit = unpaid_booking(live_sandbox)
    make_payment(live_sandbox, visit.order_id, "80.00", "cash")
    make_payment(live_sandbox, visit.order_id, "30.00", "cash", kind="refund")
    settings.HISTORY_RECENT_SECONDS = 0  # this week is due again at once
    assert sync.sync_pass(within=(today, today)).complete
    after = figure(last_week(manager_client), "collected").current
    assert after == collected(live_sandbox, start, today)
    assert after - before >= Decimal("50.00")  # others may have taken payments meanwhile


def test_collected_revenue_of_one_agent(manager_client, live_sandbox):
    """With the agent filter: payments on the orders of that agent's bookings, as far as the
    history knows them (here it holds every booking)."""
    call_command_sync(live_sandbox)
    today = timezone.localdate()
    start = today - timedelta(days=29)
    with live_sandbox.db() as conn:
        (agent_id,) = conn.execute(
            "SELECT agent_id FROM sandbox_booking GROUP BY agent_id ORDER BY COUNT(*) DESC"
        ).fetchone()
    response = manager_client.get("/stats/", {"period": "30d", "agent": agent_id})
    assert response.context["board"].source == "history"
    value = figure(response, "collected").current
    assert value == collected(live_sandbox, start, today, agent_id=agent_id)
    everyone = figure(manager_client.get("/stats/", {"period": "30d"}), "collected").current
    assert 0 < value < everyone


def call_command_sync(sandbox) -> None:
    """Have the history hold every booking and every week's payments (a full pass, or the
    session's last full copy with what changed since read again: tests/conftest.py)."""
    assert sync_history(sandbox).complete
