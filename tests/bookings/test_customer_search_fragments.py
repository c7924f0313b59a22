"""Searching by fragments ("Marg Mie", "415-956") finds the customer in the customer search of
the new-booking page and the walk-in page, and in the customers CSV export, as it does on
Today's quick search and the customer list: in one upstream call a search."""

from __future__ import annotations

import random
import re
import string
import uuid
from urllib.parse import urlencode

import pytest

from customers.export import HEADER
from tests.bookings.conftest import server_timing_calls
from tests.conftest import API_PREFIX
from tests.exports import export_file, read_csv

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "customer-matches"}


@pytest.fixture
def margaret(live_sandbox):
    """A customer of this test's own, with a phone written with brackets and a dash."""
    line = random.randrange(1000, 10000)
    body = {
        "first_name": "Margarethe",
        "last_name": "Miekowska" + "".join(random.choices(string.ascii_lowercase, k=4)),
        "email": f"m.{uuid.uuid4().hex[:10]}@example.net",
        "phone": f"(415) 956-{line}",
    }
    status, answer = live_sandbox.request("POST", API_PREFIX + "/customers", body)
    assert status == 201, answer
    yield {**body, "id": answer["data"]["id"], "line": str(line)}
    status, answer = live_sandbox.request(
        "DELETE", f"{API_PREFIX}/customers/{answer['data']['id']}"
    )
    assert status in (200, 204, 404), answer


def _chosen_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r"customer=(\d+)\"", html)]


@pytest.mark.parametrize("page", ["/bookings/new/", "/bookings/walk-in/"])
@pytest.mark.parametrize("q", ["Marg Mie", "mie marg", "415-956-{line}", "956 {line}"])
def test_the_booking_pages_customer_search_finds_fragments(
    live_sandbox, reception_client, margaret, page, q
):
    reception_client.get(page, {"q": margaret["email"]}, **HTMX)  # the page's own reads, cached

    response = reception_client.get(page, {"q": q.format(line=margaret["line"])}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert margaret["id"] in _chosen_ids(html), html[:3000]
    assert "Margarethe" in html
    assert server_timing_calls(response) == 1  # the search alone


def test_the_booking_pages_customer_search_keeps_only_customers_matching_every_word(
    live_sandbox, reception_client, margaret
):
    response = reception_client.get("/bookings/new/", {"q": "Marg Zzqx"}, **HTMX)

    assert margaret["id"] not in _chosen_ids(response.content.decode())


@pytest.mark.parametrize("q", ["Marg Mie", "415-956-{line}"])
def test_the_customers_export_finds_fragments_as_the_list_does(
    live_sandbox, manager_client, margaret, q
):
    typed = q.format(line=margaret["line"])

    rows = read_csv(export_file(manager_client, "customers", urlencode({"q": typed})), HEADER)

    assert margaret["id"] in [int(row["id"]) for row in rows]
    words = typed.casefold().split()
    if not re.search(r"\d", typed):
        for row in rows:
            parts = f"{row['first_name']} {row['last_name']}".casefold().split()
            assert all(any(p.startswith(w) for p in parts) for w in words), row
