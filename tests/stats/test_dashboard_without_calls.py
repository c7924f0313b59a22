"""Once the history holds everything the dashboard needs, a view makes no call at all (the
cache empty), and its figures are computed again only when the history changes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from history import sync
from history.services import customers_copied, history_changed, whole_history_covered
from tests.conftest import sync_history
from tests.stats.test_dashboard import check_dashboard, upstream_calls

pytestmark = pytest.mark.django_db


def test_after_a_full_sync_the_dashboard_makes_no_call(manager_client, live_sandbox):
    sync_history(live_sandbox)  # as `manage.py sync_bookings --once` leaves it
    assert whole_history_covered() and customers_copied()

    cache.clear()
    before = time.time()
    today = timezone.localdate()
    response = manager_client.get("/stats/", {"period": "90d"})
    assert live_sandbox.requests_since(before) == []
    assert upstream_calls(response) == 0
    board = response.context["board"]
    assert board.source == "history"
    with live_sandbox.db() as conn:
        # New customers, the at-risk list (lifetime figures) and all: as LatePoint's data says.
        check_dashboard(response, conn, today - timedelta(days=89), today)
    assert board.risk_checked > 0


def test_figures_are_computed_again_only_when_the_history_changes(manager_client, live_sandbox):
    today = timezone.localdate()
    assert sync.sync_pass(within=(today - timedelta(days=59), today)).complete

    def view() -> tuple[int, object]:
        """One view of the dashboard: its queries of the history's bookings, and its figures."""
        with CaptureQueriesContext(connection) as queries:
            response = manager_client.get("/stats/", {"period": "30d"})
        board = response.context["board"]
        assert board.source == "history"
        sql = [query["sql"] for query in queries.captured_queries]
        return sum("history_bookingrecord" in one for one in sql), board.current

    assert not whole_history_covered()  # the risk checks read no lifetime figures here
    computed, first = view()
    assert computed > 0
    assert view() == (0, first)
    history_changed()
    assert view()[0] > 0
