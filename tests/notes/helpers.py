"""Helpers for the staff notes tests: customers made in the sandbox, notes posted as the
profile's form posts them, and the customer of a booking taken for one test."""

from __future__ import annotations

import html
import re
import uuid

API = "/wp-json/latepoint-api/v1"
HTMX = {"HTTP_HX_REQUEST": "true"}


def create_customer(sandbox, **fields) -> tuple[int, str]:
    """A new customer of this test's own: (id, full name)."""
    token = uuid.uuid4().hex[:8]
    body = {
        "first_name": "Nora",
        "last_name": "Notes" + "".join(chr(97 + int(c, 16)) for c in token),
        "email": f"notes.{token}@example.com",
        **fields,
    }
    status, answer = sandbox.request("POST", API + "/customers", body)
    assert status == 201, answer
    return int(answer["data"]["id"]), f"{body['first_name']} {body['last_name']}"


def booking_customer(sandbox, booking_id: int) -> int:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT customer_id FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()
    return int(row["customer_id"])


def add_note(client, customer_id: int, text: str, *, pinned: bool = False, **headers):
    data = {"text": text, "customer_name": signed_name(customer_id)}
    if pinned:
        data["pinned"] = "1"
    return client.post(f"/customers/{customer_id}/notes/", data, **headers)


def signed_name(customer_id: int, name: str = "Shown Name") -> str:
    """The customer's name as the profile's notes forms post it (signed for the customer)."""
    from notes.sections import signed_customer_name

    return signed_customer_name(customer_id, name)


def visible_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def alert_shows(page: str, text: str) -> bool:
    """True when a pinned alert on the page says `text` (escaped as the page escapes it)."""
    wanted = html.escape(text)
    starts = [m.end() for m in re.finditer(r'data-field="pinned-alert"', page)]
    return any(wanted in page[start : start + 300 + len(wanted)] for start in starts)
