"""The customer list at /customers/, run against the sandbox over HTTP."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

API_CUSTOMERS = "/wp-json/latepoint-api/v1/customers"
ROW_LINK = re.compile(r'<a href="/customers/(\d+)/">')
TOTALS = re.compile(r"<strong>(\d+)\u2013(\d+)</strong> of (\d+) customer")


def upstream(sandbox, **params) -> tuple[list[int], int]:
    """What the sandbox itself answers for these query parameters: (ids on the page, total)."""
    status, body = sandbox.request("GET", f"{API_CUSTOMERS}?{urlencode(params)}")
    assert status == 200, body
    return [int(row["id"]) for row in body["data"]], body["pagination"]["total"]


def shown_ids(response) -> list[int]:
    return [int(found) for found in ROW_LINK.findall(response.content.decode())]


def shown_totals(response) -> tuple[int, int, int]:
    found = TOTALS.search(response.content.decode())
    assert found, "no totals line on the page"
    return tuple(int(n) for n in found.groups())


def upstream_calls(response) -> str:
    return re.search(r'desc="([^"]+)"', response["Server-Timing"]).group(1)


def all_customers(sandbox) -> int:
    with sandbox.db() as conn:
        return conn.execute("SELECT count(*) FROM sandbox_customer").fetchone()[0]


# --- the first page ----------------------------------------------------------------------------


def test_first_page_matches_the_api_newest_first(live_sandbox, reception_client):
    response = reception_client.get("/customers/")

    assert response.status_code == 200
    ids, total = upstream(live_sandbox, page=1, per_page=20)
    assert shown_ids(response) == ids
    assert shown_totals(response) == (1, 20, total)
    assert total == all_customers(live_sandbox)
    page = response.content.decode()
    assert "cannot sort them by name" in page
    assert "Page 1 of" in page


def test_columns_and_tablet_folding(live_sandbox, reception_client):
    page = reception_client.get("/customers/").content.decode()

    headers = dict(
        (text, classes)
        for classes, text in re.findall(r'<th (?:class="([^"]*)")?\s*>\s*(.*?)\s*</th>', page, re.S)
    )
    # Seven columns fit a desk screen; the email and phone are under the name.
    assert list(headers) == [
        "Customer",
        "Status",
        "Bookings",
        "Total spent",
        "Last booking",
        "Next booking",
        "Created",
    ]
    folded = {name for name, classes in headers.items() if "fold-tablet" in classes.split()}
    assert folded == {"Created"}
    assert re.search(
        r'<span class="chip chip-(active|inactive|blocked|pending_verification)">', page
    )
    assert re.search(r'<td class="num">\$[\d,]+\.\d\d</td>', page)
    with live_sandbox.db() as conn:
        newest = conn.execute(
            "SELECT id, first_name, last_name, email FROM sandbox_customer "
            "WHERE phone LIKE '+1 %' ORDER BY created_at DESC, id DESC LIMIT 1"
        ).fetchone()
    name_cell = re.search(rf'<a href="/customers/{newest["id"]}/">.*?</td>', page, re.S).group(0)
    local, domain = newest["email"].split("@")
    assert f"{local}<wbr>@{domain}" in name_cell
    # The business's own country's numbers in its national format (frontoffice/formatting.py).
    assert re.search(r'<a href="tel:\+1\d{10}">\(\d{3}\) \d{3}-\d{4}</a>', name_cell)
    # Dates are short: the year only when it is not this one.
    day = r'<time datetime="\d{4}-\d\d-\d\d">[A-Z][a-z]{2} \d{1,2}(, \d{4})?</time>'
    assert re.search(rf'<td class="day[^"]*">{day}</td>', page)


def test_one_upstream_call_then_none_within_the_cache_ttl(live_sandbox, reception_client):
    first = reception_client.get("/customers/?status=active&per_page=50")
    again = reception_client.get("/customers/?status=active&per_page=50")

    assert upstream_calls(first) == "1 call"
    assert upstream_calls(again) == "0 calls"
    assert shown_ids(again) == shown_ids(first)


def test_upstream_text_is_escaped(live_sandbox, reception_client):
    page = reception_client.get("/customers/?email=script.test").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "<b>Bold</b>" not in page


# --- filters narrow exactly as LatePoint does ----------------------------------------------------


def _pick(sandbox) -> dict[str, str]:
    """Filter values taken from the sandbox's own data, so each one matches some customers."""
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT first_name, last_name, email, phone FROM sandbox_customer WHERE id = 42"
        ).fetchone()
        days = [
            r[0][:10]
            for r in conn.execute("SELECT created_at_local FROM sandbox_customer ORDER BY 1")
        ]
    digits = "".join(ch for ch in row["phone"] if ch.isdigit())
    return {
        "first_name": row["first_name"][:3],
        "last_name": row["last_name"][:4],
        "email": row["email"].split("@")[0][:5],
        "phone": digits[-4:],
        "search": row["last_name"],
        "after": days[len(days) // 2],
        "before": days[len(days) // 3],
    }


FILTER_CASES = {
    "status": (lambda v: {"status": "blocked"}, lambda v: {"status": "blocked"}),
    "pending": (
        lambda v: {"status": "pending_verification"},
        lambda v: {"status": "pending_verification"},
    ),
    "guests": (lambda v: {"guest": "guest"}, lambda v: {"is_guest": "true"}),
    "registered": (lambda v: {"guest": "registered"}, lambda v: {"is_guest": "false"}),
    "with_bookings": (lambda v: {"has_bookings": "yes"}, lambda v: {"has_bookings": "true"}),
    "without_bookings": (lambda v: {"has_bookings": "no"}, lambda v: {"has_bookings": "false"}),
    "created_after": (
        lambda v: {"created_after": v["after"]},
        lambda v: {"created_after": v["after"]},
    ),
    "created_before": (
        lambda v: {"created_before": v["before"]},
        lambda v: {"created_before": v["before"]},
    ),
    "first_name": (
        lambda v: {"first_name": v["first_name"]},
        lambda v: {"first_name": v["first_name"]},
    ),
    "last_name": (lambda v: {"last_name": v["last_name"]}, lambda v: {"last_name": v["last_name"]}),
    "email": (lambda v: {"email": v["email"]}, lambda v: {"email": v["email"]}),
    "phone": (lambda v: {"phone": v["phone"]}, lambda v: {"phone": v["phone"]}),
    "search": (lambda v: {"q": v["search"]}, lambda v: {"search": v["search"]}),
    "combined": (
        lambda v: {"status": "active", "guest": "registered", "has_bookings": "yes"},
        lambda v: {"status": "active", "is_guest": "false", "has_bookings": "true"},
    ),
}


@pytest.mark.parametrize("case", FILTER_CASES)
def test_each_filter_narrows_exactly_as_the_sandbox(live_sandbox, reception_client, case):
    ours, theirs = FILTER_CASES[case]
    values = _pick(live_sandbox)

    response = reception_client.get("/customers/", {**ours(values), "per_page": 100})

    assert response.status_code == 200
    ids, total = upstream(live_sandbox, **theirs(values), page=1, per_page=100)
    assert 0 < total < all_customers(live_sandbox), "the chosen value should narrow the list"
    assert shown_ids(response) == ids
    assert shown_totals(response)[2] == total
    assert upstream_calls(response) == "1 call"


def test_filters_survive_in_the_pagination_links(live_sandbox, reception_client):
    response = reception_client.get("/customers/", {"has_bookings": "yes", "guest": "registered"})

    page = response.content.decode()
    _, total = upstream(live_sandbox, has_bookings="true", is_guest="false")
    assert total > 20
    assert 'href="/customers/?guest=registered&amp;has_bookings=yes&amp;page=2"' in page


# --- pagination ------------------------------------------------------------------------------


def test_second_page_of_fifty(live_sandbox, reception_client):
    response = reception_client.get("/customers/?page=2&per_page=50")

    ids, total = upstream(live_sandbox, page=2, per_page=50)
    assert shown_ids(response) == ids
    assert shown_totals(response) == (51, 100, total)
    page = response.content.decode()
    last = -(-total // 50)
    assert 'href="/customers/?per_page=50" hx-get="/customers/?per_page=50">« First' in page
    assert 'href="/customers/?per_page=50" hx-get="/customers/?per_page=50" rel="prev"' in page
    assert 'href="/customers/?per_page=50&amp;page=3"' in page
    assert f'href="/customers/?per_page=50&amp;page={last}"' in page
    assert f"Page 2 of {last}" in page


def test_a_single_page_of_results_has_no_page_links(live_sandbox, reception_client):
    with live_sandbox.db() as conn:
        email = conn.execute("SELECT email FROM sandbox_customer WHERE id = 42").fetchone()[0]

    response = reception_client.get("/customers/?" + urlencode({"q": email}))

    assert shown_totals(response) == (1, 1, 1)
    page = response.content.decode()
    assert 'class="pagination"' not in page
    assert "Page 1 of 1" not in page
    # Several pages still have them.
    assert 'class="pagination"' in reception_client.get("/customers/").content.decode()


def test_last_page_has_no_next_link(live_sandbox, reception_client):
    total = all_customers(live_sandbox)
    last = -(-total // 100)

    response = reception_client.get(f"/customers/?page={last}&per_page=100")

    ids, _ = upstream(live_sandbox, page=last, per_page=100)
    assert shown_ids(response) == ids
    assert shown_totals(response) == ((last - 1) * 100 + 1, total, total)
    page = response.content.decode()
    next_label = '<a class="button small" id="customer-table-next" role="link" aria-disabled="true"'
    assert next_label + ' tabindex="0">Next \u203a</a>' in page
    last_label = '<a class="button small" id="customer-table-last" role="link" aria-disabled="true"'
    assert last_label + ' tabindex="0">Last »</a>' in page


# --- bad query parameters are corrected, never a 500 --------------------------------------------


@pytest.mark.parametrize(
    ("query", "notice", "expected_rows"),
    [
        ("page=-1", "Pages are numbered from 1: showing the first page.", (1, 20)),
        ("page=abc", "The page number was not a number: showing the first page.", (1, 20)),
        ("per_page=10000", "showing 100 customers per page.", (1, 100)),
        ("per_page=45", "showing 50 customers per page.", (1, 50)),
        ("per_page=lots", "showing 20 customers per page.", (1, 20)),
        (
            "created_after=garbage",
            "“Created on or after” was ignored: Enter a valid date.",
            (1, 20),
        ),
        ("status=sleeping", "“Status” was ignored:", (1, 20)),
        ("has_bookings=maybe", "“Bookings” was ignored:", (1, 20)),
    ],
)
def test_bad_parameters_give_a_corrected_view(
    live_sandbox, reception_client, query, notice, expected_rows
):
    response = reception_client.get(f"/customers/?{query}")

    assert response.status_code == 200
    assert notice in response.content.decode()
    first, last, total = shown_totals(response)
    assert (first, last) == expected_rows
    assert total == all_customers(live_sandbox)


def test_a_page_past_the_end_shows_the_last_page(live_sandbox, reception_client):
    total = all_customers(live_sandbox)
    last = -(-total // 100)

    response = reception_client.get("/customers/?page=999&per_page=100")

    assert response.status_code == 200
    assert f"There is no page 999: showing the last page, {last}." in response.content.decode()
    ids, _ = upstream(live_sandbox, page=last, per_page=100)
    assert shown_ids(response) == ids


def test_swapped_dates_are_put_in_order(live_sandbox, reception_client):
    response = reception_client.get(
        "/customers/?created_after=2030-01-01&created_before=2000-01-01&per_page=100"
    )

    assert "the two dates were swapped" in response.content.decode()
    ids, total = upstream(
        live_sandbox, created_after="2000-01-01", created_before="2030-01-01", per_page=100
    )
    assert shown_ids(response) == ids
    assert shown_totals(response)[2] == total


def test_the_form_shows_corrected_values(live_sandbox, reception_client):
    page = reception_client.get("/customers/?per_page=10000&created_after=garbage").content.decode()

    assert '<option value="100" selected>100</option>' in page
    assert "garbage" not in page.split('role="search"')[1].split("</form>")[0]


# --- HTMX ----------------------------------------------------------------------------------------


def test_htmx_request_gets_only_the_table_region(live_sandbox, reception_client):
    response = reception_client.get("/customers/?q=an&per_page=50", headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode().strip()
    assert body.startswith('<section id="customer-table"')
    assert body.endswith("</section>")
    assert "<html" not in body and "<form" not in body
    ids, total = upstream(live_sandbox, search="an", per_page=50)
    assert shown_ids(response) == ids
    assert shown_totals(response)[2] == total
    assert response["HX-Push-Url"] == "/customers/?q=an&per_page=50"
    assert "HX-Request" in response["Vary"]


def test_htmx_push_url_is_the_corrected_query(live_sandbox, reception_client):
    response = reception_client.get(
        "/customers/?q=&status=&guest=&page=-4&per_page=10000", headers={"HX-Request": "true"}
    )

    assert response["HX-Push-Url"] == "/customers/?per_page=100"
    assert "Pages are numbered from 1" in response.content.decode()


def test_history_restore_gets_the_whole_page(live_sandbox, reception_client):
    response = reception_client.get(
        "/customers/?q=an",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    page = response.content.decode()
    assert "<html" in page
    assert '<form method="get" action="/customers/"' in page
    assert "HX-Request" in response["Vary"]


def test_the_page_works_without_javascript_and_searches_as_you_type(live_sandbox, reception_client):
    page = reception_client.get("/customers/").content.decode()
    form = page.split('<form method="get" action="/customers/"')[1].split("</form>")[0]
    form_tag = form.split(">")[0]

    assert '<button type="submit" class="primary">Apply filters</button>' in form
    search = re.search(r"<input type=\"search\"[^>]*>", form).group(0)
    assert 'name="q"' in search
    assert 'hx-trigger="input changed delay:300ms, search"' in search
    # Typing and the other filters share one queue on the form: a request in flight finishes
    # and only the newest one waiting is sent after it, so a slow answer can never overwrite a
    # newer one, and no request is aborted (htmx logs an abort as a console error).
    assert 'hx-sync="closest form:queue last"' in search
    assert 'hx-sync="this:queue last"' in form_tag
    assert 'hx-target="#customer-table"' in search
    assert 'hx-push-url="true"' in search
    assert 'hx-indicator="#customer-list-loading' in search
    assert 'hx-trigger="change, submit"' in page
    assert 'id="customer-list-loading" class="htmx-indicator loading"' in page
    for name in ("status", "guest", "has_bookings", "per_page", "created_after", "first_name"):
        assert f'name="{name}"' in form


# --- empty and failure states ----------------------------------------------------------------


def test_empty_state_offers_to_clear_the_filters(live_sandbox, reception_client):
    response = reception_client.get("/customers/?q=zzqqxx-nobody-by-this-name")

    page = response.content.decode()
    assert response.status_code == 200
    assert "No customers match these filters." in page
    assert '<a class="button" href="/customers/">Clear filters</a>' in page
    assert "<table" not in page


def test_upstream_failure_keeps_the_filters_and_offers_a_retry(live_sandbox, reception_client):
    live_sandbox.set_faults(unavailable=True)

    response = reception_client.get("/customers/?status=blocked")

    page = response.content.decode()
    assert response.status_code == 503
    assert '<form method="get" action="/customers/"' in page
    assert 'role="alert"' in page
    assert 'href="/customers/?status=blocked" hx-get="/customers/?status=blocked"' in page
    assert "Try again" in page


def test_upstream_failure_on_htmx_swaps_an_error_into_the_table(live_sandbox, reception_client):
    live_sandbox.set_faults(unavailable=True)

    response = reception_client.get("/customers/?q=an", headers={"HX-Request": "true"})

    body = response.content.decode().strip()
    assert response.status_code == 503
    assert body.startswith('<section id="customer-table"')
    assert "Try again" in body


def test_retry_after_the_failure_shows_the_list(live_sandbox, reception_client):
    live_sandbox.set_faults(unavailable=True)
    assert reception_client.get("/customers/").status_code == 503
    live_sandbox.reset_faults()

    response = reception_client.get("/customers/")

    assert response.status_code == 200
    assert len(shown_ids(response)) == 20


def test_export_link_only_for_managers(live_sandbox, reception_client, manager):
    assert "Export CSV" not in reception_client.get("/customers/").content.decode()
    reception_client.force_login(manager)
    page = reception_client.get("/customers/?status=blocked&page=2").content.decode()
    assert '<input type="hidden" name="kind" value="customers">' in page
    assert '<input type="hidden" name="query" value="status=blocked">' in page
