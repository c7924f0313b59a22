"""Upstream failures become friendly pages (or HTMX fragments) with the right status, never a 500.

Each failure is real: the sandbox's fault switch makes LatePoint unavailable, slow, rate-limited,
failing or garbled, and a tiny page of this module reads through `api()` like any screen does.
"""

from __future__ import annotations

import socket

import pytest
from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from upstream.gateway import api

# --- a test-only page that lets every upstream error through -----------------------------------


def customer_view(request: HttpRequest, customer_id: int) -> JsonResponse:
    customer = api().get_customer(customer_id)
    return JsonResponse({"id": customer.id})


urlpatterns = [path("test-upstream/customer/<int:customer_id>/", customer_view), *site_urlpatterns]
pytestmark = pytest.mark.urls(__name__)

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "customer-table"}


def fetch(client, customer_id: int, *, htmx: bool):
    return client.get(f"/test-upstream/customer/{customer_id}/", **(HTMX if htmx else {}))


def known_customer_id(sandbox) -> int:
    with sandbox.db() as db:
        return db.execute("SELECT id FROM sandbox_customer ORDER BY id LIMIT 1").fetchone()[0]


def assert_friendly(response, *, status: int, title: str, message: str, htmx: bool) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert title in html
    assert message in html
    assert "Try again" in html
    assert 'href="/test-upstream/customer/' in html  # the retry link is the same request
    assert "Traceback" not in html
    assert "lp_test_" not in html  # never the key
    if htmx:
        assert "<html" not in html  # a fragment for the region, not a page
        assert response["HX-Reswap"] == "innerHTML"
    else:
        assert html.lstrip().lower().startswith("<!doctype html>")
        assert "Back to Today" in html
    assert 'desc="' in response["Server-Timing"]
    return html


@pytest.fixture(params=[False, True], ids=["page", "htmx"])
def htmx(request) -> bool:
    return request.param


def test_a_working_call_goes_through(reception_client, live_sandbox):
    customer_id = known_customer_id(live_sandbox)
    response = fetch(reception_client, customer_id, htmx=False)
    assert response.status_code == 200
    assert response.json() == {"id": customer_id}


def test_404(reception_client, live_sandbox, htmx):
    response = fetch(reception_client, 99_999_999, htmx=htmx)
    assert_friendly(
        response,
        status=404,
        title="Not found",
        message="That record does not exist in LatePoint.",
        htmx=htmx,
    )


def test_429_with_retry_after_hint(reception_client, live_sandbox, htmx):
    live_sandbox.set_faults(rate_limit=1)
    first = known_customer_id(live_sandbox)
    assert fetch(reception_client, first, htmx=htmx).status_code == 200

    response = fetch(reception_client, first + 1, htmx=htmx)

    html = assert_friendly(
        response,
        status=429,
        title="LatePoint is busy",
        message="Too many requests were made to LatePoint.",
        htmx=htmx,
    )
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    assert f"Try again in {wait} seconds." in html


def test_502_when_latepoint_fails(reception_client, live_sandbox, htmx):
    live_sandbox.set_faults(error_rate=1)
    response = fetch(reception_client, known_customer_id(live_sandbox), htmx=htmx)
    assert_friendly(
        response,
        status=502,
        title="LatePoint had a problem",
        message="LatePoint had a problem answering. Try again in a moment.",
        htmx=htmx,
    )


def test_502_when_the_answer_is_garbled(reception_client, live_sandbox, htmx):
    live_sandbox.set_faults(malformed_rate=1)
    response = fetch(reception_client, known_customer_id(live_sandbox), htmx=htmx)
    assert_friendly(
        response,
        status=502,
        title="LatePoint sent an unreadable answer",
        message="LatePoint sent an answer the front office could not read.",
        htmx=htmx,
    )


def test_502_when_the_key_is_refused(reception_client, live_sandbox, settings, htmx):
    settings.LATEPOINT_API_KEY = "lp_live_revoked_key"
    response = fetch(reception_client, known_customer_id(live_sandbox), htmx=htmx)
    assert_friendly(
        response,
        status=502,
        title="LatePoint refused the front office",
        message="LatePoint rejected the front office&#x27;s API key.",
        htmx=htmx,
    )


def test_503_when_latepoint_is_unavailable(reception_client, live_sandbox, htmx):
    live_sandbox.set_faults(unavailable=True)
    response = fetch(reception_client, known_customer_id(live_sandbox), htmx=htmx)
    assert_friendly(
        response,
        status=503,
        title="LatePoint is unavailable",
        message="LatePoint had a problem answering. Try again in a moment.",
        htmx=htmx,
    )
    assert 'desc="3 calls"' in response["Server-Timing"]  # the GET was tried three times


def test_503_when_latepoint_cannot_be_reached(reception_client, live_sandbox, settings, htmx):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.LATEPOINT_API_URL = f"http://127.0.0.1:{closed_port}/wp-json/latepoint-api/v1"
    response = fetch(reception_client, 1, htmx=htmx)
    assert_friendly(
        response,
        status=503,
        title="LatePoint is unreachable",
        message="LatePoint could not be reached. Check the connection and try again.",
        htmx=htmx,
    )


def test_504_when_latepoint_is_too_slow(reception_client, live_sandbox, settings, htmx):
    settings.LATEPOINT_TIMEOUT = 0.3
    live_sandbox.set_faults(latency_ms=1500)
    response = fetch(reception_client, known_customer_id(live_sandbox), htmx=htmx)
    assert_friendly(
        response,
        status=504,
        title="LatePoint is slow to answer",
        message="LatePoint took too long to answer. Try again in a moment.",
        htmx=htmx,
    )
