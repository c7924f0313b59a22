"""A success whose body cannot be read is BadResponse on every endpoint, never "nothing there".

An empty, blank, non-JSON or `null` body, or a bare string or number, says nothing about what
LatePoint holds or did: a list read from it would show a broken site as an empty day or as "no
free times", and a write read from it might hide a change that landed. Only what the answer
itself says is empty (`[]`, `"data": []`, the paging envelopes) is an empty result. The raw
HTTP bodies go through the client's session (a canned transport); nothing of ours is mocked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from latepoint import BadResponse, LatePointClient
from tests.latepoint.canned import canned_client

DAY = date(2030, 1, 7)
PREFIX = "/wp-json/latepoint-api/v1"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    call: Callable[[LatePointClient], Any]
    #: The documented "nothing there" is possible: a list, availability, a reference list.
    listing: bool = False

    def __str__(self) -> str:
        return self.name


ENDPOINTS = [
    Endpoint("list_customers", "GET", "/customers", lambda c: c.list_customers(), True),
    Endpoint("get_customer", "GET", "/customers/45", lambda c: c.get_customer(45)),
    Endpoint(
        "create_customer",
        "POST",
        "/customers",
        lambda c: c.create_customer({"first_name": "Ann", "last_name": "Lee"}),
    ),
    Endpoint(
        "update_customer", "PUT", "/customers/45", lambda c: c.update_customer(45, {"phone": "1"})
    ),
    Endpoint("delete_customer", "DELETE", "/customers/45", lambda c: c.delete_customer(45)),
    Endpoint("list_bookings", "GET", "/bookings", lambda c: c.list_bookings(), True),
    Endpoint("get_booking", "GET", "/bookings/18", lambda c: c.get_booking(18)),
    Endpoint(
        "create_booking",
        "POST",
        "/bookings",
        lambda c: c.create_booking(
            service_id=1, agent_id=2, start_date=DAY, start_time="09:00", customer_id=7
        ),
    ),
    Endpoint(
        "update_booking",
        "PUT",
        "/bookings/18",
        lambda c: c.update_booking(18, {"status": "cancelled"}),
    ),
    Endpoint(
        "reschedule_booking",
        "PUT",
        "/bookings/18",
        lambda c: c.reschedule_booking(18, start_date=DAY, start_time="10:00"),
    ),
    Endpoint("delete_booking", "DELETE", "/bookings/18", lambda c: c.delete_booking(18)),
    Endpoint(
        "get_availability", "GET", "/availability", lambda c: c.get_availability(1, 2, DAY), True
    ),
    Endpoint(
        "find_available_agents",
        "GET",
        "/agents/availability",
        lambda c: c.find_available_agents(service_id=1, date=DAY, start_time="09:00"),
        True,
    ),
    Endpoint("list_agents", "GET", "/agents", lambda c: c.list_agents(), True),
    Endpoint("list_services", "GET", "/services", lambda c: c.list_services(), True),
    Endpoint("list_locations", "GET", "/locations", lambda c: c.list_locations(), True),
    Endpoint("status", "GET", "/status", lambda c: c.status()),
]
LISTINGS = [endpoint for endpoint in ENDPOINTS if endpoint.listing]
DELETES = [endpoint for endpoint in ENDPOINTS if endpoint.method == "DELETE"]
NOT_DELETES = [endpoint for endpoint in ENDPOINTS if endpoint.method != "DELETE"]

UNREADABLE = {
    "empty": "",
    "blank": "   ",
    "newlines": "\r\n\t\n",
    "bom-only": b"\xef\xbb\xbf",
    "html": "<html>oops</html>",
    "php-notice": "Warning: Undefined index in /var/www/wp-content/plugins/x.php",
    "cut-short": '{"success": true, "data": [',
    "null": "null",
    "string": '"text"',
    "empty-string": '""',
    "number": "42",
    "boolean": "true",
    "empty-object": "{}",
}


def sent(adapter) -> list[tuple[str, str]]:
    """What LatePoint received: (method, path) of each request."""
    return [(r.method, r.path_url.split("?")[0].removeprefix(PREFIX)) for r in adapter.requests]


@pytest.mark.parametrize("status", [200, 201])
@pytest.mark.parametrize("body", UNREADABLE.values(), ids=UNREADABLE.keys())
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_unreadable_success_is_bad_response(endpoint, body, status):
    client, adapter, _calls = canned_client((status, body))
    with pytest.raises(BadResponse) as caught:
        endpoint.call(client)
    # Sent: a write answered this way may have landed, so it is not "nothing happened".
    assert caught.value.sent is True
    assert sent(adapter) == [(endpoint.method, endpoint.path)]


@pytest.mark.parametrize("body", ["[]", '["09:00"]'], ids=["empty-list", "list"])
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e.listing], ids=str)
def test_a_list_where_an_object_belongs_is_bad_response(endpoint, body):
    client, adapter, _calls = canned_client((200, body))
    with pytest.raises(BadResponse):
        endpoint.call(client)
    assert sent(adapter) == [(endpoint.method, endpoint.path)]


@pytest.mark.parametrize("endpoint", NOT_DELETES, ids=str)
def test_204_no_content_is_bad_response_except_for_a_delete(endpoint):
    client, adapter, _calls = canned_client((204, ""))
    with pytest.raises(BadResponse):
        endpoint.call(client)
    assert sent(adapter) == [(endpoint.method, endpoint.path)]


@pytest.mark.parametrize("endpoint", DELETES, ids=str)
def test_a_delete_answered_204_no_content_is_done(endpoint):
    client, adapter, _calls = canned_client((204, ""))
    assert endpoint.call(client) is None
    assert sent(adapter) == [("DELETE", endpoint.path)]


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "message": "Booking deleted successfully"},  # S5 (delete booking)
        {
            "success": True,
            "message": "Customer deleted successfully",
            "data": {"deleted_customer_id": 45, "deleted_at": "2024-01-15 14:30:25"},
        },  # S4 (delete customer)
        {"status": "success", "data": {"id": 45}},  # S1 (the field tables)
    ],
    ids=["S5", "S4", "S1"],
)
@pytest.mark.parametrize("endpoint", DELETES, ids=str)
def test_a_delete_with_a_documented_answer_is_done(endpoint, body):
    client, adapter, _calls = canned_client((200, body))
    assert endpoint.call(client) is None
    assert sent(adapter) == [("DELETE", endpoint.path)]


# --- what LatePoint says is empty, is empty ----------------------------------------------------

P1 = {"total": 0, "page": 1, "per_page": 20, "total_pages": 0}
P2 = {
    "page": 1,
    "per_page": 10,
    "total": 0,
    "total_pages": 0,
    "has_next_page": False,
    "has_previous_page": False,
}
P4 = {"current_page": 1, "per_page": 10, "total_pages": 1, "total_records": 0}

EMPTY_LISTS = {
    "bare": [],
    "data": {"data": []},
    "S1": {"status": "success", "data": []},
    "S1-meta": {"status": "success", "data": [], "meta": P1},
    "S3": {"success": True, "data": []},
    "S3-pagination": {"success": True, "data": [], "pagination": P2},
    "S3-P4": {"success": True, "data": [], "pagination": P4},
    "S8": {"data": [], "pagination": P2},
    "data-null": {"success": True, "data": None},
}

EMPTY_AVAILABILITY = {
    **EMPTY_LISTS,
    "slots-object": {
        "success": True,
        "data": {"date": "2030-01-07", "service_id": 1, "agent_id": 2, "available_slots": []},
    },
    "by-date": {"success": True, "data": {"2030-01-07": []}},
}

EMPTY_AGENTS = {
    **EMPTY_LISTS,
    "agents-key": {"success": True, "data": {"agents": []}},
    "available-agents-key": {"success": True, "data": {"available_agents": []}},
}


def _empty_cases() -> list:
    cases = []
    for endpoint in LISTINGS:
        bodies = EMPTY_LISTS
        if endpoint.name == "get_availability":
            bodies = EMPTY_AVAILABILITY
        elif endpoint.name == "find_available_agents":
            bodies = EMPTY_AGENTS
        for name, body in bodies.items():
            cases.append(pytest.param(endpoint, body, id=f"{endpoint}-{name}"))
    return cases


@pytest.mark.parametrize(("endpoint", "body"), _empty_cases())
def test_a_documented_empty_list_is_an_empty_result(endpoint, body):
    client, adapter, _calls = canned_client((200, body))
    result = endpoint.call(client)
    rows = result.items if hasattr(result, "items") else result
    assert list(rows) == []
    assert sent(adapter) == [(endpoint.method, endpoint.path)]


@pytest.mark.parametrize("endpoint", [e for e in LISTINGS if e.path in ("/customers", "/bookings")])
def test_an_empty_page_says_there_is_nothing_more(endpoint):
    client, _adapter, _calls = canned_client((200, {"success": True, "data": [], "pagination": P2}))
    page = endpoint.call(client)
    assert (page.items, page.total, page.has_next, page.has_previous) == ((), 0, False, False)


def test_a_reference_list_stops_at_an_unreadable_later_page():
    """A second page that comes back empty is not the end of the list: it is an error."""
    first = {
        "success": True,
        "data": [{"id": "1", "first_name": "Ann"}],
        "pagination": {**P2, "total": 11, "total_pages": 2, "has_next_page": True},
    }
    client, adapter, _calls = canned_client((200, first), (200, ""))
    with pytest.raises(BadResponse):
        client.list_agents()
    assert sent(adapter) == [("GET", "/agents"), ("GET", "/agents")]
