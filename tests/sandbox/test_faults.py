"""Fault knobs: by environment (a server of their own), by request header, by runtime switch."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import start_sandbox, stop_sandbox

from .conftest import call


@pytest.fixture(scope="module")
def env_server(sandbox_template_db, tmp_path_factory):
    """Start sandboxes with fault environment variables; all stopped at the end of the module."""
    started = []

    def start(**env: str):
        box = start_sandbox(sandbox_template_db, tmp_path_factory.mktemp("faulty"), **env)
        started.append(box)
        return box

    yield start
    for box in started:
        stop_sandbox(box)


def assert_e1(reply, status: int, code: str) -> None:
    assert reply.status == status, (reply.status, reply.raw[:300])
    body = reply.json
    assert body["status"] == "error"
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def assert_malformed(reply) -> None:
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        json.loads(reply.raw)


# --- environment -----------------------------------------------------------------------------


def test_env_error_rate_one_always_fails(env_server):
    box = env_server(SANDBOX_ERROR_RATE="1")
    for path in ("/status", "/customers", "/bookings/1"):
        assert_e1(call(box, "GET", path), 500, "server_error")
    # The request header wins over the environment for one request...
    assert call(box, "GET", "/status", headers={"X-Sandbox-Error-Rate": "0"}).status == 200
    # ...and the runtime switch over the environment until it is reset.
    box.set_faults(error_rate=0)
    assert call(box, "GET", "/customers").status == 200
    state = call(box, "GET", "/_sandbox/faults").json
    assert state["env_defaults"]["error_rate"] == 1.0
    assert state["faults"]["error_rate"] == 0.0
    box.reset_faults()
    assert_e1(call(box, "GET", "/customers"), 500, "server_error")


def test_env_unavailable(env_server):
    box = env_server(SANDBOX_UNAVAILABLE="1")
    for path in ("/status", "/customers/1", "/bookings"):
        assert_e1(call(box, "GET", path), 503, "latepoint_not_available")
    # Authentication still comes first.
    assert call(box, "GET", "/status", key=None).status == 401


def test_env_rate_limit_on_means_60_a_minute(env_server):
    box = env_server(SANDBOX_RATE_LIMIT="on")
    first = call(box, "GET", "/status")  # the start-up probe was already counted
    assert first.status == 200
    assert first.headers["X-RateLimit-Limit"] == "60"
    remaining = int(first.headers["X-RateLimit-Remaining"])
    assert 50 <= remaining <= 59
    assert int(first.headers["X-RateLimit-Reset"]) > time.time()
    for _ in range(remaining):
        last = call(box, "GET", "/agents")
        assert last.status == 200
    assert last.headers["X-RateLimit-Remaining"] == "0"
    over = call(box, "GET", "/customers")
    assert_e1(over, 429, "rate_limit_exceeded")
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert over.headers["X-RateLimit-Limit"] == "60"
    assert over.headers["X-RateLimit-Remaining"] == "0"


def test_env_malformed_and_latency(env_server):
    box = env_server(SANDBOX_MALFORMED_RATE="1", SANDBOX_LATENCY_MS="150", SANDBOX_JITTER_MS="50")
    started = time.monotonic()
    assert_malformed(call(box, "GET", "/customers", params={"per_page": 2}))
    assert time.monotonic() - started >= 0.15
    # Errors are not garbled, only successful answers.
    assert call(box, "GET", "/customers/987654").status == 404
    assert call(box, "GET", "/status", headers={"X-Sandbox-Malformed-Rate": "0"}).json["data"]


def test_env_rate_limit_off_by_default(sandbox):
    reply = call(sandbox, "GET", "/status")
    assert "X-RateLimit-Limit" not in reply.headers


# --- per-request headers ---------------------------------------------------------------------


def test_header_error_rate(sandbox):
    assert_e1(
        call(sandbox, "GET", "/customers", headers={"X-Sandbox-Error-Rate": "1"}),
        500,
        "server_error",
    )
    assert call(sandbox, "GET", "/customers", headers={"X-Sandbox-Error-Rate": "0"}).status == 200


def test_header_unavailable(sandbox):
    reply = call(sandbox, "GET", "/bookings", headers={"X-Sandbox-Unavailable": "true"})
    assert_e1(reply, 503, "latepoint_not_available")
    assert call(sandbox, "GET", "/bookings").status == 200


def test_header_malformed(sandbox):
    assert_malformed(call(sandbox, "GET", "/bookings/1", headers={"X-Sandbox-Malformed-Rate": "1"}))


def test_header_latency_and_jitter(sandbox):
    started = time.monotonic()
    reply = call(
        sandbox,
        "GET",
        "/status",
        headers={"X-Sandbox-Latency-Ms": "200", "X-Sandbox-Jitter-Ms": "20"},
    )
    assert reply.status == 200
    assert time.monotonic() - started >= 0.2


def test_header_rate_limit(sandbox):
    headers = {"X-Sandbox-Rate-Limit": "2", "X-Sandbox-Rate-Key": "header-test"}
    one = call(sandbox, "GET", "/status", headers=headers)
    two = call(sandbox, "GET", "/status", headers=headers)
    three = call(sandbox, "GET", "/status", headers=headers)
    assert (one.status, two.status) == (200, 200)
    assert (one.headers["X-RateLimit-Remaining"], two.headers["X-RateLimit-Remaining"]) == (
        "1",
        "0",
    )
    assert_e1(three, 429, "rate_limit_exceeded")
    assert "Retry-After" in three.headers
    # Requests without the header are not limited.
    assert call(sandbox, "GET", "/status").status == 200


def test_a_write_under_an_error_fault_is_not_applied(sandbox):
    reply = call(
        sandbox,
        "POST",
        "/customers",
        body={"first_name": "Never", "last_name": "Saved", "email": "never.saved@example.org"},
        headers={"X-Sandbox-Error-Rate": "1"},
    )
    assert reply.status == 500
    found = call(sandbox, "GET", "/customers", params={"email": "never.saved@example.org"})
    assert found.json["data"] == []


def test_write_then_fail_applies_the_write_and_answers_an_error(sandbox):
    email = f"applied.{time.time_ns()}@example.org"
    sandbox.set_faults(write_then_fail=503)
    reply = call(
        sandbox,
        "POST",
        "/customers",
        body={"first_name": "Saved", "last_name": "Anyway", "email": email},
    )
    assert_e1(reply, 503, "server_error")
    # Reads are answered as usual, and the write happened.
    found = call(sandbox, "GET", "/customers", params={"email": email})
    assert found.status == 200
    assert [row["email"] for row in found.json["data"]] == [email]


def test_write_error_refuses_writes_only_and_applies_nothing(sandbox):
    email = f"refused.{time.time_ns()}@example.org"
    sandbox.set_faults(write_error=503)
    reply = call(
        sandbox, "POST", "/customers", body={"first_name": "N", "last_name": "O", "email": email}
    )
    assert_e1(reply, 503, "server_error")
    found = call(sandbox, "GET", "/customers", params={"email": email})
    assert found.status == 200
    assert found.json["data"] == []


def test_the_request_log_lists_what_was_received(sandbox):
    started = time.time()
    call(sandbox, "GET", "/status")
    call(sandbox, "GET", "/customers/999999999")
    rows = call(sandbox, "GET", "/_sandbox/requests", params={"since": started}).json
    assert [row[1:] for row in rows["requests"]] == [
        ["GET", "/status", 200],
        ["GET", "/customers/999999999", 404],
    ]
    assert rows["count"] == 2
    assert call(sandbox, "GET", "/_sandbox/requests", key=None).status == 401


# --- the runtime switch ----------------------------------------------------------------------


def test_runtime_switch_round_trip(sandbox):
    sandbox.set_faults(unavailable=True)
    state = call(sandbox, "GET", "/_sandbox/faults").json
    assert state["faults"]["unavailable"] is True
    assert state["overrides"] == {"unavailable": True}
    assert_e1(call(sandbox, "GET", "/customers"), 503, "latepoint_not_available")
    sandbox.reset_faults()
    assert call(sandbox, "GET", "/customers").status == 200
    assert call(sandbox, "GET", "/_sandbox/faults").json["overrides"] == {}


def test_runtime_error_and_malformed_rates(sandbox):
    sandbox.set_faults(error_rate=1.0)
    assert_e1(call(sandbox, "GET", "/bookings/1"), 500, "server_error")
    sandbox.set_faults(error_rate=0, malformed_rate=1)
    assert_malformed(call(sandbox, "GET", "/bookings/1"))
    sandbox.set_faults(malformed_rate=0)
    assert call(sandbox, "GET", "/bookings/1").json["success"] is True


def test_runtime_rate_limit_counts_from_the_switch(sandbox):
    sandbox.set_faults(rate_limit=3)
    replies = [call(sandbox, "GET", "/status") for _ in range(4)]
    assert [r.status for r in replies] == [200, 200, 200, 429]
    assert [r.headers["X-RateLimit-Remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert replies[3].json["error"]["code"] == "rate_limit_exceeded"
    # The switch itself is not rate limited.
    assert call(sandbox, "GET", "/_sandbox/faults").status == 200
    sandbox.set_faults(rate_limit="on")
    assert call(sandbox, "GET", "/status").headers["X-RateLimit-Limit"] == "60"


def test_runtime_latency(sandbox):
    sandbox.set_faults(latency_ms=150, jitter_ms=0)
    started = time.monotonic()
    assert call(sandbox, "GET", "/status").status == 200
    assert time.monotonic() - started >= 0.15


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 1.5}, {"malformed_rate": -0.1}, {"latency_ms": -1}, {"rate_limit": "lots"},
     {"volume": 11}],
)  # fmt: skip
def test_runtime_switch_rejects_bad_values(sandbox, body):
    reply = call(sandbox, "PUT", "/_sandbox/faults", body=body)
    assert reply.status == 400
    assert reply.json["error"]["details"]
    assert call(sandbox, "GET", "/_sandbox/faults").json["overrides"] == {}
