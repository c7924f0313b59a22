"""LatePoint down, failing, garbled, rate-limited or slow: every screen says so and offers a retry.

Each fault is real (the sandbox's fault switch) and the read cache is emptied before every
request, so each screen really asks LatePoint. Whatever the fault, a screen answers one of our
pages (or, for HTMX, a fragment) with 429/502/503/504, a message and a "Try again" link; never a
500 or a traceback. A write made under a fault keeps what was typed and says nothing (or maybe
nothing) was changed; screens that need no upstream keep working.
"""

from __future__ import annotations

import html
import uuid

import pytest
from django.core.cache import cache

from audit.models import AuditEntry
from bookings.models import CheckIn
from tests.customers.form_html import form_values
from tests.faults import FAULTS, Fault, switch_on

API = "/wp-json/latepoint-api/v1"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def seeded(live_sandbox) -> dict[str, int]:
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT id, customer_id FROM sandbox_booking ORDER BY id LIMIT 1"
        ).fetchone()
    return {"booking_id": row["id"], "customer_id": row["customer_id"]}


#: (name, path, requests to make): every screen that reads LatePoint. "page" is a plain request,
#: "htmx" one from htmx (aimed at the screen's swappable region where it has one).
SCREENS = [
    ("today", "/", {"page": {}, "htmx": {"HTTP_HX_TARGET": "today-board"}}),
    ("calendar", "/calendar/", {"page": {}, "htmx": {"HTTP_HX_TARGET": "calendar-grid"}}),
    ("quick search", "/bookings/search/?q=smith", {"htmx": {"HTTP_HX_TARGET": "search-results"}}),
    ("customer list", "/customers/?q=a", {"page": {}, "htmx": {}}),
    ("customer profile", "/customers/{customer_id}/", {"page": {}, "htmx": {}}),
    ("customer past bookings", "/customers/{customer_id}/?tab=past", {"page": {}}),
    ("customer booking tab", "/customers/{customer_id}/bookings/?tab=past", {"htmx": {}}),
    ("customer edit", "/customers/{customer_id}/edit/", {"page": {}, "htmx": {}}),
    ("bookings list", "/bookings/?status=approved", {"page": {}, "htmx": {}}),
    ("booking detail", "/bookings/{booking_id}/", {"page": {}, "htmx": {}}),
    ("new booking", "/bookings/new/?customer={customer_id}&service=1&agent=1", {"page": {}}),
    ("walk-in", "/bookings/walk-in/?service=1", {"page": {}}),
    ("reschedule", "/bookings/{booking_id}/reschedule/", {"page": {}}),
    ("status change", "/bookings/{booking_id}/status/?to_status=cancelled", {"page": {}}),
    ("stats", "/stats/", {"page": {}, "htmx": {}}),
    (
        "stats custom period",
        "/stats/?period=custom&date_from=2024-01-01&date_to=2024-03-31",
        {"page": {}},
    ),
]


def _problems(name: str, path: str, mode: str, response, fault: Fault) -> list[str]:
    where = f"{name} ({mode}) GET {path}"
    status = response.status_code
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    problems = []
    if status != fault.status:
        problems.append(f"{where}: status {status}, expected {fault.status}")
    if "Traceback" in body or "lp_test_" in body:
        problems.append(f"{where}: a traceback or the key in the answer")
    if "Try again" not in body:
        problems.append(f"{where}: no “Try again”")
    retry = html.escape(path).replace("&#x27;", "'")
    if f'href="{retry}' not in body and f'hx-get="{retry}' not in body:
        problems.append(f"{where}: no retry link to {retry}")
    if fault.status == 429 and not response.get("Retry-After"):
        problems.append(f"{where}: a 429 without Retry-After")
    is_page = body.lstrip().lower().startswith("<!doctype html>")
    if mode == "htmx" and "<html" in body.lower():
        problems.append(f"{where}: a whole page for an HTMX request")
    if mode == "page" and not (is_page and "LatePoint Front Office</title>" in body):
        problems.append(f"{where}: not one of our pages")
    return problems


def test_every_screen_reading_latepoint_says_it_failed(manager_client, seeded, fault, settings):
    # One retry fits in a page's deadline, not two: the answer is the same, sooner.
    settings.LATEPOINT_DEADLINE = 0.6
    problems: list[str] = []
    for name, template, modes in SCREENS:
        path = template.format(**seeded)
        for mode, headers in modes.items():
            cache.clear()  # no screen is rescued by an earlier answer
            extra = {**HTMX, **headers} if mode == "htmx" else headers
            response = manager_client.get(path, **extra)
            problems += _problems(name, path, mode, response, fault)
    assert not problems, "\n".join(problems)


def test_readiness_probe_reports_latepoint_down(db, client, fault):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize("path", ["/customers/new/", "/audit/", "/accounts/password/"])
def test_screens_that_need_no_latepoint_keep_working(manager_client, live_sandbox, path):
    live_sandbox.set_faults(unavailable=True)
    cache.clear()
    for headers in ({}, HTMX):
        response = manager_client.get(path, **headers)
        assert response.status_code == 200, path
        assert "LatePoint is unavailable" not in response.content.decode()


# --- writes under a fault --------------------------------------------------------------------


def make_customer(sandbox) -> int:
    body = {
        "first_name": "Robin",
        "last_name": "Sturdy",
        "email": f"robin.{uuid.uuid4().hex[:10]}@example.com",
        "phone": "+1 415 555 2671",
        "city": "Portland",
    }
    status, answer = sandbox.request("POST", f"{API}/customers", body)
    assert status in (200, 201), answer
    data = answer.get("data", answer) if isinstance(answer, dict) else answer
    return int(data.get("id") or data["customer"]["id"])


def sandbox_row(sandbox, table: str, row_id: int) -> dict:
    with sandbox.db() as conn:
        found = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))  # noqa: S608
        return dict(found.fetchone())


def test_a_customer_edit_under_a_fault_keeps_what_was_typed(
    manager_client, live_sandbox, fault_kind
):
    fault = fault_kind
    customer_id = make_customer(live_sandbox)
    form = manager_client.get(f"/customers/{customer_id}/edit/")
    assert form.status_code == 200
    typed = {**form_values(form.content), "city": "Medford", "notes": "Moved south."}
    switch_on(live_sandbox, fault)

    for headers in ({}, HTMX):
        response = manager_client.post(f"/customers/{customer_id}/edit/", typed, **headers)
        text = response.content.decode()
        assert response.status_code == fault.status, (headers, response.status_code)
        assert "Traceback" not in text
        shown = form_values(text)
        assert shown["city"] == "Medford" and shown["notes"] == "Moved south."
        # The check for changes made since the form was opened fails first: nothing was
        # sent, and the page says so (not "check before saving again").
        assert "Your changes were not saved." in text
        assert "may or may not have gone through" not in text
        assert sandbox_row(live_sandbox, "sandbox_customer", customer_id)["city"] == "Portland"


def _booking(sandbox, status: str, offset: int) -> int:
    """A booking of `status` taken from the low end of the seed (the booking tests take the high
    end), so no other test moves it meanwhile."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT id FROM sandbox_booking WHERE status = ? ORDER BY id LIMIT 1 OFFSET ?",
            (status, offset),
        ).fetchone()
    return rows["id"]


@pytest.mark.parametrize("opened", ["just now", "a while ago"])
def test_a_status_change_under_a_fault_keeps_the_reason(
    manager_client, live_sandbox, fault_kind, opened
):
    """Opened just now: the booking is still cached and the write itself fails. A while ago:
    the booking has to be read again first, and that read fails."""
    fault = fault_kind
    offset = 2 * FAULTS.index(fault) + (opened == "just now")
    booking_id = _booking(live_sandbox, "approved", offset)
    page = manager_client.get(f"/bookings/{booking_id}/status/?to_status=cancelled")
    assert page.status_code == 200
    if opened == "a while ago":
        cache.clear()
    switch_on(live_sandbox, fault)
    reason = f"Flu; will rebook ({fault.name}, {opened})"
    data = {
        "to_status": "cancelled",
        "reason": "customer-cancelled",
        "reason_text": reason,
        "confirmed": "yes",
    }
    data["seen_status"] = "approved"

    response = manager_client.post(f"/bookings/{booking_id}/status/", data)

    text = response.content.decode()
    assert response.status_code in (429, 502, 503, 504), response.status_code
    assert "Traceback" not in text
    assert "LatePoint" in text
    assert f">{html.escape(reason)}</textarea>" in text  # ready to be sent again
    if not fault.maybe_applied or opened == "a while ago":
        row = sandbox_row(live_sandbox, "sandbox_booking", booking_id)
        assert row["status"] == "approved"
    assert not AuditEntry.objects.filter(
        object_id=booking_id, action=AuditEntry.Action.BOOKING_STATUS, result="ok"
    ).exists()


def test_a_check_in_under_a_fault_changes_nothing(manager_client, live_sandbox, fault):
    booking_id = _booking(live_sandbox, "approved", 10 + FAULTS.index(fault))
    for headers in ({}, {**HTMX, "HTTP_HX_TARGET": f"today-row-{booking_id}"}):
        cache.clear()
        response = manager_client.post(
            f"/bookings/{booking_id}/check-in/", {"next": "/"}, **headers
        )
        text = response.content.decode()
        assert response.status_code == fault.status, response.status_code
        assert "Traceback" not in text
        assert "Try again" in text or "try again" in text
    assert not CheckIn.objects.filter(booking_id=booking_id).exists()
