"""The manager's dashboard against the seeded sandbox: every figure recomputed from its database.
The figures come from the local booking history only, so a test first has the sync copy them."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from history import sync
from tests.stats import recompute
from tests.stats.recompute import percent

pytestmark = pytest.mark.django_db


def upstream_calls(response) -> int:
    match = re.search(r'upstream;dur=[\d.]+;desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


def sync_days(start, end) -> None:
    """Have the history hold start..end (those weeks only: not the lists, not the customers)."""
    result = sync.sync_pass(within=(start, end))
    assert result.complete, result


def sync_both_periods(start, end) -> None:
    """Have the history hold start..end and the period before it."""
    sync_days(recompute.previous_range(start, end)[0], end)


def money_text(value) -> str:
    return f"{value:,.2f}"


def assert_period_matches(board_figures, expected: recompute.Figures, *, current: bool):
    got = board_figures
    assert got.period.start == expected.start
    assert got.period.end == expected.end
    for status in recompute.STATUSES:
        assert got.status_counts[status] == expected.statuses[status], status
    assert got.status_counts["other"] == 0
    assert got.total == expected.total
    assert got.completed == expected.completed
    assert got.revenue == expected.revenue
    assert got.average_value == expected.average_value
    assert (got.no_show_rate.numerator, got.no_show_rate.denominator) == expected.no_show_due
    assert (
        got.cancellation_rate.numerator,
        got.cancellation_rate.denominator,
    ) == expected.cancellation
    assert got.new_customers == expected.new_customers
    assert got.customers == len(expected.customers)
    if not current:
        assert got.returning is None


def check_dashboard(response, conn, start, end, **filters):
    """Everything on the page against the database, for the period start..end."""
    assert response.status_code == 200
    board = response.context["board"]
    prev_start, prev_end = recompute.previous_range(start, end)
    current = recompute.figures(conn, start, end, **filters)
    previous = recompute.figures(conn, prev_start, prev_end, **filters)

    assert_period_matches(board.current, current, current=True)
    assert_period_matches(board.previous, previous, current=False)

    returning = current.customers & previous.customers
    assert (board.current.returning.numerator, board.current.returning.denominator) == (
        len(returning),
        len(current.customers),
    )

    figures = {f.key: f for f in board.figures}
    assert figures["bookings"].current == current.total
    assert figures["bookings"].previous == previous.total
    assert figures["revenue"].current == current.revenue
    assert figures["no_show_rate"].current == percent(*current.no_show_due)
    assert figures["no_show_rate"].previous == percent(*previous.no_show_due)
    assert figures["cancellation_rate"].current == percent(*current.cancellation)
    assert figures["returning"].current == percent(len(returning), len(current.customers))
    assert figures["returning"].previous is None
    if previous.revenue:
        change = (current.revenue - previous.revenue) * 100 / previous.revenue
        assert figures["revenue"].change == change.quantize(recompute.TENTH, "ROUND_HALF_UP")

    # The daily chart covers every day of the period.
    assert [d.day for d in board.daily] == [
        start + timedelta(days=n) for n in range((end - start).days + 1)
    ]
    assert {d.day: d.total for d in board.daily if d.total} == dict(current.per_day)
    assert {d.day: d.completed for d in board.daily if d.completed} == dict(
        current.completed_per_day
    )

    # Revenue by service, largest first.
    assert {r.service_id: r.revenue for r in board.revenue_by_service} == dict(
        current.service_revenue
    )
    assert {r.service_id: r.completed for r in board.revenue_by_service} == dict(
        current.service_completed
    )
    revenues = [r.revenue for r in board.revenue_by_service]
    assert revenues == sorted(revenues, reverse=True)

    # Top ten customers by spend (ties by id).
    ranked = sorted(current.spend.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert [(c.customer_id, c.spend) for c in board.top_customers] == ranked
    assert [c.completed for c in board.top_customers] == [
        current.completed_by_customer[cid] for cid, _ in ranked
    ]

    # High risk: the candidates are the 10 customers with the most no-shows in the period.
    candidates = recompute.risk_candidates(current)
    assert board.risk_checked == len(candidates)
    assert board.risk_candidates == len(current.no_shows_by_customer)
    today = timezone.localdate()
    assert {r.customer_id: r.days_since_last_booking for r in board.at_risk} == (
        recompute.high_risk(conn, candidates, today=today)
    )

    html = response.content.decode()
    assert money_text(current.revenue) in html
    assert f"{current.total:,}" in html
    if current.no_show_due[1]:
        assert f"{percent(*current.no_show_due)}%" in html
    for customer_id, _ in ranked:
        assert f'href="/customers/{customer_id}/"' in html
    for row in board.at_risk:
        assert f'href="/customers/{row.customer_id}/"' in html
    return board, current, previous


def test_receptionist_gets_403(reception_client, live_sandbox):
    response = reception_client.get("/stats/")
    assert response.status_code == 403


def test_signed_out_is_sent_to_sign_in(client, live_sandbox):
    response = client.get("/stats/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_last_30_days_match_the_database(manager_client, live_sandbox):
    today = timezone.localdate()
    sync_both_periods(today - timedelta(days=29), today)
    response = manager_client.get("/stats/", {"period": "30d"})
    with live_sandbox.db() as conn:
        board, current, _ = check_dashboard(response, conn, today - timedelta(days=29), today)
    assert current.total > 100  # the seeded data fills the period
    assert board.top_customers and board.revenue_by_service
    html = response.content.decode()
    assert "No-shows ÷ bookings that were due (completed + no-show)." in html
    assert "Cancellations ÷ all bookings." in html
    assert "also booked in the previous period" in html
    # The charts are images with a text alternative.
    assert re.search(r'<svg class="chart[-\w ]*"[^>]*role="img"', html, re.S)


def test_custom_range_matches_the_database(manager_client, live_sandbox):
    today = timezone.localdate()
    start, end = today - timedelta(days=200), today - timedelta(days=141)
    sync_both_periods(start, end)
    response = manager_client.get(
        "/stats/", {"period": "custom", "date_from": start.isoformat(), "date_to": end.isoformat()}
    )
    with live_sandbox.db() as conn:
        check_dashboard(response, conn, start, end)
    assert response.context["corrections"] == []


def test_this_week_and_this_month_end_today(manager_client, live_sandbox):
    today = timezone.localdate()
    sync_both_periods(min(today.replace(day=1), today - timedelta(days=today.weekday())), today)
    week = manager_client.get("/stats/", {"period": "week"})
    month = manager_client.get("/stats/", {"period": "month"})
    with live_sandbox.db() as conn:
        check_dashboard(week, conn, today - timedelta(days=today.weekday()), today)
        check_dashboard(month, conn, today.replace(day=1), today)


@pytest.mark.parametrize(
    ("param", "column", "table"),
    [
        ("agent", "agent_id", "sandbox_agent"),
        ("service", "service_id", "sandbox_service"),
        ("location", "location_id", "sandbox_location"),
    ],
)
def test_each_filter_matches_the_database(manager_client, live_sandbox, param, column, table):
    today = timezone.localdate()
    sync_both_periods(today - timedelta(days=29), today)
    with live_sandbox.db() as conn:
        # The busiest one in the period, so that the filtered figures are not trivially empty.
        (chosen,) = conn.execute(
            f"SELECT {column} FROM sandbox_booking WHERE start_date BETWEEN ? AND ? "  # noqa: S608
            f"GROUP BY {column} ORDER BY COUNT(*) DESC, {column} LIMIT 1",
            [(today - timedelta(days=29)).isoformat(), today.isoformat()],
        ).fetchone()
        (name,) = conn.execute(
            f"SELECT {'display_name' if param == 'agent' else 'name'} FROM {table} "  # noqa: S608
            "WHERE id = ?",
            [chosen],
        ).fetchone()
        response = manager_client.get("/stats/", {"period": "30d", param: chosen})
        board, current, _ = check_dashboard(
            response, conn, today - timedelta(days=29), today, **{column: chosen}
        )
        unfiltered = recompute.figures(conn, today - timedelta(days=29), today)
    assert 0 < current.total < unfiltered.total
    assert getattr(board.query, column) == chosen
    html = response.content.decode()
    assert "Only bookings" in html and name.replace("'", "&#x27;") in html


def test_90_day_view_reads_no_booking_and_its_calls_are_as_documented(manager_client, live_sandbox):
    start, end = timezone.localdate() - timedelta(days=89), timezone.localdate()
    sync_both_periods(start, end)
    before = time.time()
    response = manager_client.get("/stats/", {"period": "90d"})
    with live_sandbox.db() as conn:
        _, current, _ = check_dashboard(response, conn, start, end)
    candidates = len(recompute.risk_candidates(current))
    # No booking page: 3 reference lists + 2 new-customer counts + the risk checks.
    assert upstream_calls(response) == 3 + 2 + candidates
    assert candidates == 10
    assert not [r for r in live_sandbox.requests_since(before) if "/bookings" in r[2]]

    again = manager_client.get("/stats/", {"period": "90d"})
    assert again.status_code == 200
    assert upstream_calls(again) == 0  # every read is served from the cache


def test_htmx_request_gets_only_the_dashboard_region(manager_client, live_sandbox):
    today = timezone.localdate()
    sync_both_periods(today - timedelta(days=today.weekday()), today)
    response = manager_client.get("/stats/", {"period": "week"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="stats-dashboard"')
    assert "<html" not in html
    revenue = response.context["board"].current.revenue
    assert 'id="figure-revenue"' in html and money_text(revenue) in html


def test_history_restore_gets_the_whole_page(manager_client, live_sandbox):
    response = manager_client.get(
        "/stats/",
        {"period": "week"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and '<div id="stats-dashboard"' in html
    assert "HX-Request" in response["Vary"]
    fragment = manager_client.get("/stats/", {"period": "week"}, headers={"HX-Request": "true"})
    assert "HX-Request" in fragment["Vary"]


def test_page_works_without_javascript(manager_client, live_sandbox):
    html = manager_client.get("/stats/").content.decode()
    assert '<form method="get" action="/stats/"' in html
    assert 'name="period"' in html and 'name="date_from"' in html
    assert "<script>" not in html.split("</head>", 1)[1]
    assert "style=" not in html
    assert " onclick" not in html and "hx-on" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "fortnight"}, "That period is not one of the choices"),
        ({"period": "custom", "date_from": "yesterday", "date_to": "2026-13-40"}, "valid start"),
        ({"period": "custom", "date_from": "0001-01-01", "date_to": "0001-01-02"}, "valid start"),
        ({"period": "custom"}, "valid start and end date"),
        ({"agent": "not-a-number"}, "That agent is not in LatePoint's list"),
        ({"service": "999999"}, "That service is not in LatePoint's list"),
        ({"location": "-1"}, "That location is not in LatePoint's list"),
    ],
)
def test_bad_parameters_are_corrected_with_a_message(manager_client, live_sandbox, params, message):
    today = timezone.localdate()
    response = manager_client.get("/stats/", params)
    assert response.status_code == 200
    assert any(message in text for text in response.context["corrections"])
    assert message.replace("'", "&#x27;") in response.content.decode()
    query = response.context["board"].query
    if "period" in params:
        assert query.period_key == "30d"
        assert (query.period.start, query.period.end) == (today - timedelta(days=29), today)
    assert query.agent_id is None and query.service_id is None and query.location_id is None


def test_reversed_and_overlong_custom_dates_are_corrected(manager_client, live_sandbox):
    today = timezone.localdate()
    reversed_ = manager_client.get(
        "/stats/",
        {
            "period": "custom",
            "date_from": today.isoformat(),
            "date_to": (today - timedelta(days=9)).isoformat(),
        },
    )
    period = reversed_.context["board"].query.period
    assert (period.start, period.end) == (today - timedelta(days=9), today)
    assert "swapped" in reversed_.content.decode()

    long = manager_client.get(
        "/stats/",
        {
            "period": "custom",
            "date_from": (today - timedelta(days=800)).isoformat(),
            "date_to": today.isoformat(),
        },
    )
    period = long.context["board"].query.period
    assert period.days == 366 and period.end == today
    assert "at most 366 days" in long.content.decode()
    # The corrected values are what the form shows.
    assert f'value="{(today - timedelta(days=365)).isoformat()}"' in long.content.decode()


def test_upstream_failure_shows_an_error_with_a_retry(manager_client, live_sandbox):
    live_sandbox.set_faults(unavailable=True)
    response = manager_client.get("/stats/", {"period": "30d"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Try again" in html and "/stats/?period=30d" in html


def test_a_period_without_bookings_shows_empty_states(manager_client, live_sandbox):
    today = timezone.localdate()
    sync_days(today, today)  # the bounds: the days before the first booking hold nothing
    response = manager_client.get(
        "/stats/", {"period": "custom", "date_from": "2000-01-01", "date_to": "2000-01-31"}
    )
    assert response.status_code == 200
    board = response.context["board"]
    assert board.current.total == board.previous.total == 0
    assert board.current.average_value is None
    assert board.current.no_show_rate.percent is None
    html = response.content.decode()
    assert "No bookings in this period." in html
    assert "No completed bookings, so no revenue, in this period." in html
    assert "No no-shows in this period, so nobody to check." in html
    assert upstream_calls(response) == 3 + 2  # the reference lists, the new-customer counts


def _custom_dates_block(html: str) -> str:
    found = re.search(r"<div class=\"stats-custom-dates\"[^>]*>", html)
    assert found, "no custom dates block"
    return found.group(0)


def test_the_period_applies_on_change_and_dates_show_for_custom_only(manager_client, live_sandbox):
    html = manager_client.get("/stats/", {"period": "week"}).content.decode()
    form = re.search(r'<form method="get" action="/stats/"[^>]*>', html).group(0)
    assert 'hx-trigger="change, submit"' in form  # a change applies the form at once
    assert " hidden" in _custom_dates_block(html)  # From and To: for custom dates only
    assert 'name="date_from"' in html  # still in the form, for a browser without JavaScript

    today = timezone.localdate()
    custom = manager_client.get(
        "/stats/",
        {
            "period": "custom",
            "date_from": (today - timedelta(days=6)).isoformat(),
            "date_to": today.isoformat(),
        },
    ).content.decode()
    assert " hidden" not in _custom_dates_block(custom)
    assert '<script src="/static/js/stats.js" defer></script>' in custom


def test_each_change_says_whether_it_is_good_news(manager_client, live_sandbox):
    today = timezone.localdate()
    sync_both_periods(today - timedelta(days=29), today)
    response = manager_client.get("/stats/", {"period": "30d"})
    html = response.content.decode()
    for figure in response.context["board"].figures:
        card = re.search(
            rf'<div class="stat stats-figure" id="figure-{figure.key}">.*?</div>', html, re.S
        ).group(0)
        if figure.verdict:
            assert f'class="stats-change stats-{figure.verdict}"' in card
            assert f"{figure.change_amount} ({figure.verdict})" in card
        else:
            assert "stats-better" not in card and "stats-worse" not in card
    no_shows = next(f for f in response.context["board"].figures if f.key == "no_show_rate")
    if no_shows.change and no_shows.change > 0:
        assert no_shows.verdict == "worse"
