"""A customer a desk has just searched for or opened needs no read of its own on the booking
page: the search's rows and the profile's read are kept as the customers' summaries (status,
name, contact details), as fresh as those reads and never past a write. Against the sandbox."""

from __future__ import annotations

import re

import pytest

from tests.bookings.conftest import server_timing_calls
from upstream.gateway import api


@pytest.fixture
def visit(live_sandbox, take_booking):
    """A future booking of this test's own, with its customer's id and email."""
    booking_id = take_booking("approved")
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT c.id, c.email, c.first_name, c.status FROM sandbox_booking b "
            "JOIN sandbox_customer c ON c.id = b.customer_id WHERE b.id = ?",
            (booking_id,),
        ).fetchone()
    return booking_id, dict(row)


def _customer_reads(sandbox, since: float, customer_id: int) -> list:
    return [
        row
        for row in sandbox.requests_since(since)
        if row[1] == "GET" and re.search(rf"/customers/{customer_id}(\?|$)", row[2])
    ]


def _clock(sandbox) -> float:
    """Just after the newest request the sandbox has logged (its own clock)."""
    rows = sandbox.requests_since(0)
    return rows[-1][0] + 0.000_01 if rows else 0.0


def test_after_a_search_the_booking_page_reads_only_the_booking(
    live_sandbox, reception_client, visit
):
    booking_id, customer = visit
    found = reception_client.get("/customers/", {"q": customer["email"]})
    assert found.status_code == 200
    assert customer["email"] in found.content.decode()
    since = _clock(live_sandbox)

    page = reception_client.get(f"/bookings/{booking_id}/")

    assert page.status_code == 200
    assert server_timing_calls(page) == 1  # the booking itself
    assert _customer_reads(live_sandbox, since, customer["id"]) == []
    # The badge still says what it knows: no "could not be checked".
    assert "could not be checked" not in page.content.decode()


def test_after_the_profile_the_booking_page_reads_only_the_booking(
    live_sandbox, reception_client, visit
):
    booking_id, customer = visit
    assert reception_client.get(f"/customers/{customer['id']}/").status_code == 200
    since = _clock(live_sandbox)

    page = reception_client.get(f"/bookings/{booking_id}/")

    assert server_timing_calls(page) == 1
    assert _customer_reads(live_sandbox, since, customer["id"]) == []


def test_a_customer_written_since_the_search_is_read_again(live_sandbox, reception_client, visit):
    booking_id, customer = visit
    reception_client.get("/customers/", {"q": customer["email"]})
    api().update_customer(customer["id"], {"first_name": customer["first_name"]})
    since = _clock(live_sandbox)

    page = reception_client.get(f"/bookings/{booking_id}/")

    assert page.status_code == 200
    assert len(_customer_reads(live_sandbox, since, customer["id"])) == 1


def test_a_search_answered_across_a_customer_write_is_not_kept(live_sandbox, visit):
    """A search read before a write and kept after it would show the old status for hours."""
    _booking_id, customer = visit
    gateway = api()
    read_under = dict(gateway._tokens(["customers"]))
    rows = gateway.client.list_customers(email=customer["email"]).items
    assert [c.id for c in rows] == [customer["id"]]
    api().update_customer(customer["id"], {"first_name": customer["first_name"]})

    kept = gateway.keep_summaries(rows, read_under=read_under)

    assert kept == 0
    assert gateway.cached_customer_summaries([customer["id"]]) == {}


def test_a_summary_kept_from_a_profile_holds_no_bookings(live_sandbox, visit):
    _booking_id, customer = visit
    whole = api().get_customer(customer["id"], include=("stats", "bookings"))
    assert whole.bookings

    kept = api().cached_customer_summaries([customer["id"]])[customer["id"]]

    assert kept.bookings == ()
    assert (kept.email, str(kept.status)) == (customer["email"], customer["status"])
    assert kept.stats == whole.stats


def test_of_many_kept_summaries_a_write_drops_only_its_customers_and_one_read_checks_all(
    live_sandbox, visit
):
    """A board's badges ask for hundreds of summaries: their generations are read together
    (one read of the shared cache, not one a customer), and a write since drops only its own."""
    from django.core.cache import cache

    _booking_id, customer = visit
    gateway = api()
    rows = gateway.client.list_customers(per_page=30).items
    if customer["id"] not in {c.id for c in rows}:
        rows = [*rows, gateway.client.get_customer(customer["id"])]
    assert gateway.keep_summaries(rows, read_under=dict(gateway._tokens(["customers"]))) == len(
        rows
    )
    ids = [c.id for c in rows]
    assert set(gateway.cached_customer_summaries(ids)) == set(ids)

    api().update_customer(customer["id"], {"first_name": customer["first_name"]})
    reads = []
    real_get_many = cache.get_many
    try:
        cache.get_many = lambda keys, *a, **k: reads.append(len(keys)) or real_get_many(keys)
        kept = gateway.cached_customer_summaries(ids)
    finally:
        del cache.get_many

    assert set(kept) == set(ids) - {customer["id"]}
    assert kept[ids[0] if ids[0] != customer["id"] else ids[1]].email
    assert len(reads) == 2  # the summaries, then every generation they were read under
