"""Searching by fragments, as receptionists type: "Marg Mie" (each word the start of a part of
the name) and "415-956" (any run of a phone's digits, with or without separators) find the
customer on Today's quick search and on the customer list, in one upstream call."""

from __future__ import annotations

import random
import re
import string
import uuid

import pytest
from django.utils.html import escape

from tests.bookings.conftest import server_timing_calls
from tests.conftest import API_PREFIX

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def margaret(live_sandbox):
    """A customer of this test's own, with a phone written with brackets and a dash."""
    line = random.randrange(1000, 10000)
    body = {
        "first_name": "Margarethe",
        "last_name": "Miekowska",
        "email": f"m.{uuid.uuid4().hex[:10]}@example.net",
        "phone": f"(415) 956-{line}",
    }
    status, answer = live_sandbox.request("POST", API_PREFIX + "/customers", body)
    assert status == 201, answer
    yield {**body, "id": answer["data"]["id"], "line": str(line)}
    _delete(live_sandbox, [answer["data"]["id"]])


def _delete(sandbox, ids) -> None:
    """Customers of a test's own leave the list's first page to the seed again."""
    for customer_id in ids:
        status, answer = sandbox.request("DELETE", f"{API_PREFIX}/customers/{customer_id}")
        assert status in (200, 204, 404), answer


def _quick(client, q: str):
    return client.get("/bookings/search/", {"q": q}, **HTMX)


def _quick_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="quick-option-customer-(\d+)"', html)]


def _list_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/customers/(\d+)/"', html)]


def test_the_sandbox_like_latepoint_matches_one_fragment_only(live_sandbox, margaret):
    """What LatePoint's `search` does (and so the sandbox): one piece of text, as typed."""
    status, body = live_sandbox.request("GET", API_PREFIX + "/customers?search=Marg%20Mie")
    assert status == 200
    assert margaret["id"] not in [row["id"] for row in body["data"]]


@pytest.mark.parametrize("q", ["Marg Mie", "mie marg", "Margarethe M", "marg  MIEK"])
def test_quick_search_finds_every_word_as_the_start_of_a_name_part(
    live_sandbox, reception_client, margaret, q
):
    response = _quick(reception_client, q)

    html = response.content.decode()
    assert margaret["id"] in _quick_ids(html), html[:3000]
    assert escape("Margarethe Miekowska") in html
    assert server_timing_calls(response) <= 2  # the search, and today's check-in buttons


def test_quick_search_keeps_only_customers_matching_every_word(live_sandbox, reception_client):
    with live_sandbox.db() as conn:
        names = {
            row["id"]: f"{row['first_name']} {row['last_name']}".casefold().split()
            for row in conn.execute("SELECT id, first_name, last_name FROM sandbox_customer")
        }

    shown = _quick_ids(_quick(reception_client, "ma s").content.decode())

    assert shown
    for cid in shown:
        parts = names[cid]
        assert any(p.startswith("ma") for p in parts) and any(p.startswith("s") for p in parts)


@pytest.mark.parametrize("typed", ["415-956", "415 956", "(415) 956-{line}", "956{line}"])
def test_quick_search_finds_a_phone_by_any_run_of_its_digits(
    live_sandbox, reception_client, margaret, typed
):
    q = typed.format(line=margaret["line"])
    response = _quick(reception_client, q)

    html = response.content.decode()
    if "{line}" in typed:
        assert _quick_ids(html)[0] == margaret["id"]
    else:
        # "415-956" is in other numbers too: the newest come first, and each holds 415956.
        assert _quick_ids(html)
        with live_sandbox.db() as conn:
            phones = {
                row["id"]: re.sub(r"\D", "", row["phone"])
                for row in conn.execute("SELECT id, phone FROM sandbox_customer")
            }
        assert all("415956" in phones[cid] for cid in _quick_ids(html))
        assert margaret["id"] in _quick_ids(html)


def test_the_customer_list_finds_fragments_in_one_call(live_sandbox, reception_client, margaret):
    response = reception_client.get("/customers/", {"q": "Marg Mie"})

    html = response.content.decode()
    assert response.status_code == 200
    assert margaret["id"] in _list_ids(html)
    assert server_timing_calls(response) == 1
    # Reload, page links and the box keep the query as typed.
    assert re.search(r'<input[^>]*name="q"[^>]*value="Marg Mie"', html)


def test_the_customer_list_finds_a_phone_typed_with_separators(
    live_sandbox, reception_client, margaret
):
    response = reception_client.get("/customers/", {"q": f"956-{margaret['line']}"})

    assert margaret["id"] in _list_ids(response.content.decode())
    assert server_timing_calls(response) == 1


def test_the_customer_list_pages_a_sifted_search(live_sandbox, reception_client):
    tag = "".join(random.choices(string.ascii_lowercase, k=6))
    made = set()
    for n in range(22):
        body = {
            "first_name": f"Zebulon{tag}",
            "last_name": f"Quimby {string.ascii_uppercase[n]}",
            "email": f"z.{tag}.{n}@example.net",
        }
        status, answer = live_sandbox.request("POST", API_PREFIX + "/customers", body)
        assert status == 201, answer
        made.add(answer["data"]["id"])
    q = f"quim zebulon{tag}"

    first = reception_client.get("/customers/", {"q": q})
    second = reception_client.get("/customers/", {"q": q, "page": 2})

    one, two = _list_ids(first.content.decode()), _list_ids(second.content.decode())
    _delete(live_sandbox, made)
    assert len(one) == 20 and len(two) == 2
    assert set(one) | set(two) == made
    assert one == sorted(one, reverse=True)  # newest first, as LatePoint lists them
    assert "22 customers" in first.content.decode()
    assert server_timing_calls(second) == 0  # the one read is kept
