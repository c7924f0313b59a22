"""The bookings list: each filter and sort narrows and orders exactly as the sandbox does."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.bookings.conftest import business_today, server_timing_calls
from upstream.gateway import api

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "booking-table"}
ROW = re.compile(r'<tr id="booking-(\d+)"')
SUMMARY = re.compile(r'class="muted list-summary">(\d+) bookings?')
PER_PAGE = 25

ORDERS = {
    ("start_date", "desc"): "b.start_at DESC, b.id DESC",
    ("start_date", "asc"): "b.start_at ASC, b.id ASC",
    ("created_at", "desc"): "b.created_at DESC, b.id DESC",
    ("customer_name", "asc"): "c.first_name ASC, c.last_name ASC, b.id ASC",
    ("status", "asc"): "b.status ASC, b.id ASC",
    ("id", "asc"): "b.id ASC",
}


def expected(sandbox, where: str = "1=1", params: tuple = (), order=("start_date", "asc")):
    """(total, ids of the first page) computed from the sandbox's own database."""
    sql_from = (
        " FROM sandbox_booking b JOIN sandbox_customer c ON c.id = b.customer_id WHERE " + where
    )
    with sandbox.db() as conn:
        total = conn.execute("SELECT COUNT(*)" + sql_from, params).fetchone()[0]
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT b.id" + sql_from + " ORDER BY " + ORDERS[order] + f" LIMIT {PER_PAGE}",
                params,
            )
        ]
    return total, ids


def shown(response) -> tuple[int, list[int]]:
    html = response.content.decode()
    match = SUMMARY.search(html)
    total = int(match.group(1)) if match else 0
    return total, [int(found) for found in ROW.findall(html)]


def a_customer(sandbox):
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT id, last_name FROM sandbox_customer WHERE last_name GLOB '[A-Z][a-z]*' "
            "ORDER BY id LIMIT 1 OFFSET 7"
        ).fetchone()


def test_opens_on_today_in_time_order(live_sandbox, reception_client):
    today = business_today()
    response = reception_client.get("/bookings/")
    assert response.status_code == 200
    total, ids = expected(live_sandbox, "b.start_date >= ?", (today.isoformat(),))
    assert 0 < total < expected(live_sandbox)[0]
    assert shown(response) == (total, ids)
    html = response.content.decode()
    # The page says what it shows, and the form shows it too.
    day = f"{today:%a} {today:%b} {today.day}"
    assert f"{total} bookings from today ({day}) onwards, earliest first" in html
    assert f'name="date_from" value="{today.isoformat()}"' in html
    assert 'href="?date_from=">Show every date, past bookings too</a>' in html


def test_every_date_is_kept_once_chosen(live_sandbox, reception_client):
    response = reception_client.get("/bookings/?date_from=&date_to=")
    assert shown(response) == expected(live_sandbox)
    html = response.content.decode()
    assert "bookings of every date, earliest first" in html
    assert 'name="date_from" value=""' in html
    # Paging and sorting stay on every date.
    assert 'href="?date_from=&amp;page=2"' in html
    assert 'href="?date_from=&amp;sort=start_date&amp;order=desc"' in html
    assert "Show every date" not in html


def test_an_explicit_date_or_order_is_kept(live_sandbox, reception_client):
    start = business_today() - timedelta(days=40)
    response = reception_client.get(f"/bookings/?date_from={start}&order=desc")
    assert shown(response) == expected(
        live_sandbox, "b.start_date >= ?", (start.isoformat(),), ("start_date", "desc")
    )
    html = response.content.decode()
    assert f"from {start:%a} {start:%b} {start.day}" in html and "latest first" in html
    assert f'href="?date_from={start}&amp;order=desc&amp;page=2"' in html
    assert 'href="?date_from=&amp;order=desc">Show every date</a>' in html
    # An end date alone is the user's too: no "from today" added to it.
    end = business_today() - timedelta(days=3)
    response = reception_client.get(f"/bookings/?date_to={end}")
    assert shown(response) == expected(live_sandbox, "b.start_date <= ?", (end.isoformat(),))


@pytest.mark.parametrize(
    ("query", "where", "params"),
    [
        ("status=cancelled", "b.status = ?", ("cancelled",)),
        ("status=no_show", "b.status = ?", ("no_show",)),
        ("agent=2", "b.agent_id = ?", (2,)),
        ("service=3", "b.service_id = ?", (3,)),
        ("location=1", "b.location_id = ?", (1,)),
        ("payment_status=partially_paid", "b.payment_status = ?", ("partially_paid",)),
        ("payment_status=refunded", "b.payment_status = ?", ("refunded",)),
    ],
)
def test_each_filter_narrows_like_the_sandbox(live_sandbox, reception_client, query, where, params):
    everything, _ = expected(live_sandbox)
    total, ids = expected(live_sandbox, where, params)
    assert 0 < total < everything

    assert shown(reception_client.get(f"/bookings/?date_from=&{query}")) == (total, ids)


def test_date_range(live_sandbox, reception_client):
    start = business_today() - timedelta(days=10)
    end = business_today() + timedelta(days=3)
    total, ids = expected(
        live_sandbox, "b.start_date BETWEEN ? AND ?", (start.isoformat(), end.isoformat())
    )
    assert total > 0
    response = reception_client.get(f"/bookings/?date_from={start}&date_to={end}")
    assert shown(response) == (total, ids)


def test_search_by_customer_name(live_sandbox, reception_client):
    customer = a_customer(live_sandbox)
    needle = customer["last_name"].lower()
    total, ids = expected(
        live_sandbox,
        "(c.search_text LIKE ? OR b.booking_code LIKE ?)",
        (f"%{needle}%", f"%{needle}%"),
    )
    assert total > 0
    assert shown(reception_client.get(f"/bookings/?date_from=&search={needle}")) == (total, ids)


def test_search_by_booking_code(live_sandbox, reception_client):
    with live_sandbox.db() as conn:
        code = conn.execute(
            "SELECT booking_code FROM sandbox_booking WHERE booking_code NOT LIKE 'LP-%' "
            "ORDER BY id LIMIT 1"
        ).fetchone()[0]
    total, ids = shown(reception_client.get(f"/bookings/?date_from=&search={code}"))
    assert total >= 1
    with live_sandbox.db() as conn:
        found = conn.execute("SELECT id FROM sandbox_booking WHERE booking_code = ?", (code,))
        assert found.fetchone()[0] in ids


def test_filters_combine(live_sandbox, reception_client):
    today = business_today()
    total, ids = expected(
        live_sandbox,
        "b.status = ? AND b.agent_id = ? AND b.start_date >= ?",
        ("approved", 1, today.isoformat()),
    )
    assert total > 0
    response = reception_client.get(f"/bookings/?status=approved&agent=1&date_from={today}")
    assert shown(response) == (total, ids)


@pytest.mark.parametrize(("sort", "order"), list(ORDERS))
def test_sorting_follows_the_api(live_sandbox, reception_client, sort, order):
    response = reception_client.get(
        f"/bookings/?date_from=&sort={sort}&order={order}&status=approved"
    )
    assert shown(response) == expected(live_sandbox, "b.status = ?", ("approved",), (sort, order))


def test_sort_headers_are_links_that_flip_the_order(live_sandbox, reception_client):
    html = reception_client.get("/bookings/?status=pending").content.decode()
    assert 'href="?status=pending&amp;sort=customer_name&amp;order=asc"' in html
    # The default: from today, ascending.
    assert 'href="?status=pending&amp;sort=start_date&amp;order=desc"' in html
    assert "(sorted ascending)" in html


def test_pagination_moves_through_the_api_pages(live_sandbox, reception_client):
    today = business_today().isoformat()
    total, _ = expected(live_sandbox, "b.status = ? AND b.start_date >= ?", ("pending", today))
    with live_sandbox.db() as conn:
        second = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM sandbox_booking WHERE status = 'pending' AND start_date >= ? "
                "ORDER BY start_at ASC, id ASC LIMIT 25 OFFSET 25",
                (today,),
            )
        ]
    response = reception_client.get("/bookings/?status=pending&page=2")
    html = response.content.decode()
    assert shown(response) == (total, second)
    assert 'href="?status=pending" hx-get' in html  # previous
    assert 'href="?status=pending&amp;page=3"' in html  # next


def test_htmx_filter_returns_the_table_region_only(live_sandbox, reception_client):
    response = reception_client.get("/bookings/?date_from=&status=completed", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="booking-table"')
    assert "<html" not in html
    assert shown(response) == expected(live_sandbox, "b.status = ?", ("completed",))


def test_history_restore_gets_the_whole_page(live_sandbox, reception_client):
    response = reception_client.get(
        "/bookings/?status=completed", **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and '<div id="booking-table"' in html
    # The whole page, with the filter form, and none of a fragment's out-of-band pieces.
    assert 'id="booking-filters"' in html
    assert html.count('id="booking-table-status"') == 1 and "hx-swap-oob" not in html
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in reception_client.get("/bookings/?status=completed", **HTMX)["Vary"]


def test_one_upstream_call_with_reference_data_cached(live_sandbox, reception_client):
    api().list_agents()
    api().list_services()
    api().list_locations()
    response = reception_client.get("/bookings/?status=approved&page=3")
    assert server_timing_calls(response) == 1


def test_bad_parameters_are_corrected_with_a_message(live_sandbox, reception_client):
    response = reception_client.get(
        "/bookings/?status=bogus&agent=abc&page=-2&date_from=2026-12-01&date_to=2026-11-01",
        follow=True,
    )
    assert response.redirect_chain == [("/bookings/?date_from=2026-11-01&date_to=2026-12-01", 302)]
    html = response.content.decode()
    assert "Status: “bogus” is not a valid value and was ignored." in html
    assert "Agent: “abc” is not a valid value and was ignored." in html
    assert "The dates were the wrong way round; they have been swapped." in html
    total, ids = expected(
        live_sandbox, "b.start_date BETWEEN ? AND ?", ("2026-11-01", "2026-12-01")
    )
    assert shown(response) == (total, ids)


def test_bad_parameters_over_htmx_push_the_corrected_url(live_sandbox, reception_client):
    response = reception_client.get("/bookings/?status=bogus&service=2", **HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/bookings/?service=2"
    assert "is not a valid value and was ignored" in response.content.decode()


def test_empty_result(live_sandbox, reception_client):
    html = reception_client.get("/bookings/?search=zzqxv-nobody").content.decode()
    assert "No bookings match these filters." in html
    assert "Clear the filters" in html


def test_upstream_failure_shows_an_error_with_retry(live_sandbox, reception_client):
    api().list_agents()
    api().list_services()
    api().list_locations()
    live_sandbox.set_faults(unavailable=True)
    response = reception_client.get("/bookings/?status=approved", **HTMX)
    live_sandbox.reset_faults()
    assert response.status_code == 503
    html = response.content.decode()
    assert "Try again" in html
    assert 'href="/bookings/?status=approved"' in html
    # The summary above the table says so too, not the count of the list shown before.
    assert re.search(
        r'hx-swap-oob="innerHTML" class="muted list-summary">Bookings from today \([^)]+\) '
        r"onwards could not be loaded</p>",
        html,
    )


def test_upstream_failure_keeps_the_page_and_its_filters(live_sandbox, reception_client):
    reception_client.get("/bookings/")  # the agents, services and locations are cached
    live_sandbox.set_faults(unavailable=True)
    response = reception_client.get("/bookings/?status=approved&location=1")
    live_sandbox.reset_faults()
    assert response.status_code == 503
    html = response.content.decode()
    assert "<html" in html and "LatePoint is unavailable" in html
    assert '<option value="approved" selected>' in html
    assert '<details class="more-filters" open>' in html


def _more_filters(html: str) -> str:
    return html.split('<details class="more-filters"')[1].split("</details>")[0]


def test_more_filters_are_folded_until_one_is_set(live_sandbox, reception_client):
    html = reception_client.get("/bookings/?status=pending").content.decode()
    fold = _more_filters(html)
    assert fold.startswith(">")  # closed
    for name in ("agent", "service", "location", "payment_status"):
        assert f'name="{name}"' in fold
    main = html.split('<div class="booking-filters-main">')[1].split("<details")[0]
    for name in ("search", "date_from", "date_to", "status", "per_page"):
        assert f'name="{name}"' in main

    assert _more_filters(reception_client.get("/bookings/?location=1").content.decode()).startswith(
        " open>"
    )


def test_a_sort_chosen_in_the_table_reaches_the_filter_form(live_sandbox, reception_client):
    """A header swaps only the table: the form's sort fields come with it, out of band, so the
    next filter change keeps the order."""
    html = reception_client.get("/bookings/?sort=customer_name&order=desc", **HTMX).content.decode()
    assert (
        '<input type="hidden" name="sort" id="booking-sort" value="customer_name" '
        'hx-swap-oob="true">' in html
    )
    assert (
        '<input type="hidden" name="order" id="booking-order" value="desc" hx-swap-oob="true">'
        in html
    )
