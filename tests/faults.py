"""The sandbox's faults, once: how each is switched on and what the front office answers.

Used by every test that goes through the kinds of failure (tests/test_robustness_upstream.py,
tests/bookings/test_failures.py, tests/frontoffice/test_security_secrets.py); the `fault_kind`
and `fault` fixtures in tests/conftest.py run a test once per kind.
"""

from __future__ import annotations

from dataclasses import dataclass

API = "/wp-json/latepoint-api/v1"


@dataclass(frozen=True)
class Fault:
    """One way LatePoint fails: the sandbox's switches for it, the status and title staff see,
    and whether a write sent meanwhile may have been applied (the answer never came back)."""

    name: str
    switches: dict
    status: int
    title: str
    maybe_applied: bool = False


FAULTS: tuple[Fault, ...] = (
    Fault("unavailable", {"unavailable": True}, 503, "LatePoint is unavailable"),
    Fault("error", {"error_rate": 1}, 502, "LatePoint had a problem"),
    Fault("garbled", {"malformed_rate": 1}, 502, "LatePoint sent an unreadable answer", True),
    Fault("rate-limited", {"rate_limit": 1}, 429, "LatePoint is busy"),
    Fault("slow", {"latency_ms": 1500}, 504, "LatePoint is slow to answer", True),
)
BY_NAME = {fault.name: fault for fault in FAULTS}

#: The read timeout while LatePoint is slow (well under the 1.5 s it takes).
SHORT_TIMEOUT = 0.25


def switch_on(sandbox, fault: Fault) -> None:
    """Switch a fault on (the `sandbox` fixture switches every fault off after the test)."""
    sandbox.set_faults(**fault.switches)
    if fault.name == "rate-limited":
        # The one request a minute is spent: every call of the front office is now refused.
        status, _ = sandbox.request("GET", f"{API}/status")
        assert status == 200
