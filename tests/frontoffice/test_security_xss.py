"""A customer named `<script>alert(1)</script>` is shown as text everywhere it appears.

The sandbox seeds one such customer (script.test@example.com), with HTML in the last name,
notes, admin notes, custom fields and some booking comments. Its id is found through the API.
"""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEntry
from audit.services import audit_record, field_changes
from tests.frontoffice.test_security_headers import assert_csp_clean

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
#: Markup the seeded customer carries elsewhere; none may appear raw.
RAW_MARKUP = (
    SCRIPT,
    "<b>Bold</b>",
    "<script>alert('notes')</script>",
    "<script>alert('medical')</script>",
    "<script>alert('comment')</script>",
    '<img src=x onerror="alert(2)">',
    "<svg onload=alert(3)>",
    "<em>emphasis</em>",
)


@pytest.fixture
def hostile(live_sandbox) -> dict[str, int]:
    """The seeded customer with script in the name, and one of its bookings."""
    status, body = live_sandbox.request(
        "GET", "/wp-json/latepoint-api/v1/customers?email=script.test@example.com"
    )
    assert status == 200, body
    rows = body["data"] if isinstance(body, dict) else body
    rows = rows if isinstance(rows, list) else rows.get("customers", [])
    (customer,) = [r for r in rows if r["email"] == "script.test@example.com"]
    assert customer["first_name"] == SCRIPT
    with live_sandbox.db() as conn:
        booking = conn.execute(
            "SELECT id FROM sandbox_booking WHERE customer_id = ? ORDER BY id LIMIT 1",
            (int(customer["id"]),),
        ).fetchone()
    return {"customer_id": int(customer["id"]), "booking_id": booking["id"]}


@pytest.fixture
def manager_browser(manager) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    return client


def _shows_as_text(response, where: str) -> str:
    assert response.status_code == 200, f"{where}: {response.status_code}"
    html = response.content.decode()
    for raw in RAW_MARKUP:
        assert raw not in html, f"{where}: raw {raw!r}"
    assert ESCAPED in html, f"{where}: the name is not shown"
    assert_csp_clean(html, where)
    return html


def test_customer_list(manager_browser, hostile):
    response = manager_browser.get("/customers/", {"q": "script.test@example.com"})
    _shows_as_text(response, "customer list")
    fragment = manager_browser.get(
        "/customers/", {"q": "script.test@example.com"}, HTTP_HX_REQUEST="true"
    )
    _shows_as_text(fragment, "customer list fragment")


def test_customer_profile(manager_browser, hostile):
    html = _shows_as_text(
        manager_browser.get(f"/customers/{hostile['customer_id']}/"), "customer profile"
    )
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_customer_edit_form(manager_browser, hostile):
    response = manager_browser.get(f"/customers/{hostile['customer_id']}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for raw in RAW_MARKUP:
        assert raw not in html, f"edit form: raw {raw!r}"
    # In a form the name is an input's value, escaped as an attribute.
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_today_search_results(manager_browser, hostile):
    response = manager_browser.get(
        "/bookings/search/", {"q": "script.test@example.com"}, HTTP_HX_REQUEST="true"
    )
    _shows_as_text(response, "today search results")


def test_booking_detail(manager_browser, hostile):
    _shows_as_text(manager_browser.get(f"/bookings/{hostile['booking_id']}/"), "booking detail")


def test_bookings_list(manager_browser, hostile):
    response = manager_browser.get("/bookings/", {"search": "script.test@example.com"})
    _shows_as_text(response, "bookings list")


def test_audit_trail(manager_browser, hostile, receptionist):
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=hostile["customer_id"],
        customer_id=hostile["customer_id"],
        summary=f"Edited {SCRIPT} <b>Bold</b> & Co",
        changes=field_changes({"first_name": "Ann"}, {"first_name": SCRIPT}),
    )
    _shows_as_text(manager_browser.get("/audit/"), "audit trail")
    _shows_as_text(manager_browser.get("/audit/", HTTP_HX_REQUEST="true"), "audit trail fragment")
