"""Ids nobody has: unknown and absurdly large customer and booking ids are our 404, never a 500.

The URL patterns take any run of digits, so an id beyond 64 bits reaches the views, LatePoint and
the local database alike; each must answer "not found" (or, for a write, refuse) in our words.
"""

from __future__ import annotations

import pytest

from bookings.models import CheckIn

HTMX = {"HTTP_HX_REQUEST": "true"}
UNKNOWN = 99_999_999
HUGE = (2**63, 2**64 + 1, 10**30)
IDS = (UNKNOWN, *HUGE)


def assert_our_404(response, *, htmx: bool = False) -> str:
    text = response.content.decode()
    assert response.status_code == 404, response.status_code
    assert "Traceback" not in text
    if htmx:
        assert "<html" not in text.lower()
    else:
        assert "LatePoint Front Office</title>" in text
    return text


@pytest.mark.parametrize("customer_id", IDS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_customer_screens(manager_client, live_sandbox, customer_id, htmx):
    headers = HTMX if htmx else {}
    for path in (f"/customers/{customer_id}/", f"/customers/{customer_id}/?tab=past"):
        assert_our_404(manager_client.get(path, **headers), htmx=htmx)
    # The edit form is a page of its own (no HTMX region loads it): our 404 page either way.
    assert_our_404(manager_client.get(f"/customers/{customer_id}/edit/", **headers))
    tab = manager_client.get(f"/customers/{customer_id}/bookings/?tab=past", **HTMX)
    assert_our_404(tab, htmx=True)


@pytest.mark.parametrize("customer_id", IDS)
def test_editing_a_customer_nobody_has(manager_client, live_sandbox, customer_id):
    response = manager_client.post(
        f"/customers/{customer_id}/edit/", {"first_name": "Nobody", "email": "n@example.com"}
    )
    assert response.status_code in (404, 409), response.status_code
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("booking_id", IDS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_booking_screens(manager_client, live_sandbox, booking_id, htmx):
    headers = HTMX if htmx else {}
    for path in (f"/bookings/{booking_id}/", f"/bookings/{booking_id}/status/?to_status=cancelled"):
        assert_our_404(manager_client.get(path, **headers), htmx=False)


@pytest.mark.parametrize("booking_id", IDS)
def test_booking_writes(manager_client, live_sandbox, booking_id):
    change = {"to_status": "cancelled", "reason": "Test", "confirmed": "yes"}
    assert_our_404(manager_client.post(f"/bookings/{booking_id}/status/", change))
    assert_our_404(manager_client.post(f"/bookings/{booking_id}/check-in/", {"next": "/"}))
    undo = manager_client.post(f"/bookings/{booking_id}/check-in/undo/", {"next": "/"})
    assert undo.status_code in (302, 404), undo.status_code
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("customer", [str(UNKNOWN), *(str(n) for n in HUGE)])
def test_the_audit_trail_filtered_by_any_customer_id(manager_client, customer):
    response = manager_client.get("/audit/", {"customer": customer})
    assert response.status_code == 200
    assert "No audit entries match these filters." in response.content.decode()


def test_an_unknown_field_has_no_validation(manager_client):
    assert manager_client.post("/customers/validate/nonsense/", {}).status_code == 404
