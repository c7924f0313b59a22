"""Authentication variants, /status, and the reference lists (agents, services, locations)."""

from __future__ import annotations

import pytest

from .conftest import call, get


@pytest.mark.parametrize(
    "path",
    ["/status", "/customers", "/customers/1", "/bookings", "/bookings/1", "/agents", "/services"],
)
def test_the_key_in_either_header_is_accepted(sandbox, path):
    assert call(sandbox, "GET", path).status == 200
    bearer = call(
        sandbox, "GET", path, key=None, headers={"Authorization": f"Bearer {sandbox.api_key}"}
    )
    assert bearer.status == 200


@pytest.mark.parametrize("key", [None, "lp_test_wrong_key", ""])
def test_customers_answer_401_in_the_wordpress_shape(sandbox, key):
    for method, path in (("GET", "/customers"), ("GET", "/customers/1"), ("PUT", "/customers/1")):
        reply = call(sandbox, method, path, key=key, body={} if method == "PUT" else None)
        assert reply.status == 401
        assert reply.json == {
            "code": "rest_forbidden",
            "message": "Unauthorized",
            "data": {"status": 401},
        }


@pytest.mark.parametrize("key", [None, "lp_test_wrong_key"])
def test_bookings_answer_401_in_the_classic_shape(sandbox, key):
    for path in ("/bookings", "/bookings/1"):
        reply = call(sandbox, "GET", path, key=key)
        assert reply.status == 401
        assert reply.json == {
            "status": "error",
            "error": {"code": "unauthorized", "message": "Invalid or missing API Key"},
        }


@pytest.mark.parametrize("path", ["/status", "/agents", "/services", "/locations"])
def test_other_endpoints_answer_401_in_the_authentication_page_shape(sandbox, path):
    reply = call(sandbox, "GET", path, key=None)
    assert reply.status == 401
    assert reply.json == {
        "error": {"code": "unauthorized", "message": "Invalid or missing API key"}
    }


def test_a_wrong_bearer_token_is_refused(sandbox):
    reply = call(sandbox, "GET", "/status", key=None, headers={"Authorization": "Bearer lp_nope"})
    assert reply.status == 401


def test_the_fault_switch_needs_the_key_too(sandbox):
    assert call(sandbox, "GET", "/_sandbox/faults", key=None).status == 401
    assert (
        call(sandbox, "PUT", "/_sandbox/faults", key=None, body={"unavailable": True}).status == 401
    )
    assert call(sandbox, "GET", "/status").status == 200


def test_status(sandbox):
    assert get(sandbox, "/status") == {
        "status": "success",
        "data": {"api": "ok", "version": "1.0", "latepoint_active": True},
    }


def test_unknown_routes_and_methods_are_wordpress_404s(sandbox):
    for method, path in (
        ("GET", "/nope"),
        ("PATCH", "/bookings"),
        ("POST", "/bookings/1"),
        ("GET", "/bookings/bulk"),
        ("POST", "/availability"),
    ):
        reply = call(sandbox, method, path, body={} if method in ("POST", "PATCH") else None)
        assert reply.status == 404
        assert reply.json["code"] == "rest_no_route"


def test_agents(sandbox):
    body = get(sandbox, "/agents")
    assert body["success"] is True
    assert body["pagination"] == {
        "page": 1,
        "per_page": 10,
        "total": 6,
        "total_pages": 1,
        "has_next_page": False,
        "has_previous_page": False,
    }
    first = body["data"][0]
    assert first["id"] == "1"
    for key in ("first_name", "last_name", "display_name", "email", "phone", "status"):
        assert isinstance(first[key], str)
    assert first["display_name"] == "Dr. Sarah Johnson"
    assert get(sandbox, "/agents", search="patel")["data"][0]["last_name"] == "Patel"
    paged = get(sandbox, "/agents", per_page=4, page=2)
    assert [a["id"] for a in paged["data"]] == ["5", "6"]
    assert paged["pagination"]["has_previous_page"] is True


def test_services_use_string_ids_and_four_decimal_money(sandbox):
    body = get(sandbox, "/services", per_page=100)
    assert body["pagination"]["total"] == 10
    consult = body["data"][0]
    assert consult["id"] == "1"
    assert consult["name"] == "General Consultation"
    assert consult["duration"] == "60"
    assert consult["charge_amount"] == "75.0000"
    assert consult["price_min"] == "75.0000"
    assert consult["status"] == "active"
    assert get(sandbox, "/services", search="massage")["pagination"]["total"] == 2


def test_locations(sandbox):
    body = get(sandbox, "/locations")
    assert [loc["id"] for loc in body["data"]] == ["1", "2", "3"]
    assert body["data"][0]["full_address"] == "123 Main Street, New York, NY 10001"
    assert get(sandbox, "/locations", search="brooklyn")["data"][0]["name"] == "Brooklyn Studio"


@pytest.mark.parametrize("per_page", ["abc", "-1", "0"])
def test_reference_lists_reject_bad_paging(sandbox, per_page):
    reply = call(sandbox, "GET", "/agents", params={"per_page": per_page})
    assert reply.status == 400
    assert reply.json["error"]["code"] == "invalid_parameters"
