"""The LatePoint API key never reaches a response, a page, an error page or a log line.

Every screen is rendered as a manager (full page and HTMX fragment) with LatePoint healthy,
failing in each way the sandbox can fail, refusing a wrong key, and unreachable; DEBUG is off
as in production. Log records are captured at DEBUG for our loggers and urllib3's.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from audit.models import AuditEntry
from audit.services import audit_record
from tests.faults import FAULTS
from tests.frontoffice.test_roles_url_walk import _allowed, _url, all_routes, rule_for

LOGGERS = ("latepoint", "frontoffice", "urllib3", "django", "")
WRONG_KEY = "lp_test_wrong_key_Zq8v1LMN"
UNREACHABLE = "http://127.0.0.1:9/wp-json/latepoint-api/v1"

#: Every way the sandbox fails (tests/faults.py) but slowness, which would make each page wait out
#: the read timeout and ends in the same timeout path as "unreachable".
SCENARIOS = {
    "healthy": {},
    **{fault.name: {"faults": fault.switches} for fault in FAULTS if fault.name != "slow"},
    "wrong key": {"key": WRONG_KEY},
    "unreachable": {"url": UNREACHABLE},
}


@pytest.fixture
def manager_with_trail(manager, administrator):
    audit_record(user=manager, action=AuditEntry.Action.EXPORT, summary="exported")
    return manager


@pytest.fixture
def pages(live_sandbox, manager_with_trail, administrator) -> list[str]:
    """Every GET URL a manager may open, with real ids from the sandbox."""
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT id, customer_id FROM sandbox_booking ORDER BY id LIMIT 1"
        ).fetchone()
    samples = {
        "booking_id": row["id"],
        "customer_id": row["customer_id"],
        "field_name": "email",
    }
    urls = []
    for route in all_routes():
        if route.namespace.startswith("admin") or route.key == "logout":
            continue
        rule = rule_for(route)
        url = _url(route, samples)
        if url and rule is not None and _allowed(rule, "manager"):
            urls.append(url)
    urls += ["/customers/?q=a", "/bookings/?search=a", "/bookings/search/?search=ann"]
    return urls


def _leaks(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [secret for secret in secrets if secret in text]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_api_key_never_leaks(scenario, live_sandbox, settings, pages, manager, caplog):
    config = SCENARIOS[scenario]
    assert settings.DEBUG is False
    # One retry fits in a page's deadline, and a 429's minute is not waited out: every failure
    # path is still taken, sooner.
    settings.LATEPOINT_DEADLINE = 0.6
    secrets = (live_sandbox.api_key, WRONG_KEY)
    if "faults" in config:
        live_sandbox.set_faults(**config["faults"])
    if "key" in config:
        settings.LATEPOINT_API_KEY = config["key"]
    if "url" in config:
        settings.LATEPOINT_API_URL = config["url"]
    cache.clear()
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    problems = []
    for url in pages:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            body = b"".join(response) if response.streaming else response.content
            text = body.decode(errors="replace") + repr(sorted(response.items()))
            if _leaks(text, secrets):
                problems.append(f"{url} {headers}: key in the response ({response.status_code})")
    for secret in _leaks(caplog.text, secrets):
        problems.append(f"key {secret[:8]}… in the logs")
    for record in caplog.records:
        if _leaks(repr(record.args) + str(record.msg), secrets):
            problems.append(f"key in log record {record.name}: {record.msg!r}")
    assert not problems, "\n".join(problems)
    assert caplog.records, "nothing was logged: the capture is not working"


def test_readiness_probe_never_shows_the_key(db, live_sandbox, settings, client):
    settings.LATEPOINT_API_KEY = WRONG_KEY
    response = client.get("/readyz")
    assert response.status_code == 503
    assert WRONG_KEY not in response.content.decode()
    assert "Unauthorized" in response.json()["reason"]


def test_the_client_hides_its_key(live_sandbox):
    from upstream.gateway import get_client

    assert live_sandbox.api_key not in repr(get_client())


def test_admin_pages_never_show_the_key(live_sandbox, administrator):
    client = Client()
    client.force_login(administrator)
    for url in ("/admin/", "/admin/auth/user/", "/admin/audit/auditentry/"):
        assert live_sandbox.api_key not in client.get(url).content.decode()
