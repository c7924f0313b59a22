"""The quick search on Today: its link to the customer list, its ranking, its hint, the query in
the address, and checking a customer in from a result (without leaving the search)."""

from __future__ import annotations

import html as html_lib
import json
import re
from urllib.parse import quote

from django.utils import timezone

from audit.models import AuditEntry
from bookings.models import CheckIn
from tests.bookings.conftest import server_timing_calls

HTMX = {"HTTP_HX_REQUEST": "true"}


def _search(client, q: str, **headers):
    return client.get("/bookings/search/", {"q": q}, **HTMX, **headers)


def _customer_options(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="quick-option-customer-(\d+)"', html)]


def _customers(sandbox) -> dict[int, dict]:
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT id, first_name, last_name, email, phone FROM sandbox_customer"
        ).fetchall()
    return {row["id"]: dict(row) for row in rows}


def _booking_owner(sandbox, booking_id: int) -> dict:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT c.id, c.first_name, c.last_name, c.email FROM sandbox_booking b"
            " JOIN sandbox_customer c ON c.id = b.customer_id WHERE b.id = ?",
            (booking_id,),
        ).fetchone()
    return dict(row)


# --- the link to every match ------------------------------------------------------------------


def test_all_customers_matching_opens_the_list_searched_for_the_query(
    live_sandbox, reception_client
):
    html = _search(reception_client, "ma").content.decode()
    match = re.search(r'<a href="([^"]+)"[^>]*>All customers matching “ma”</a>', html)
    assert match, "many customers match “ma”: the results end with a link to all of them"
    link = html_lib.unescape(match.group(1))
    assert link == "/customers/?q=ma"

    listing = reception_client.get(link).content.decode()
    # The list opens searched: its box holds the query and it does not list all 500.
    assert re.search(r'<input[^>]*name="q"[^>]*value="ma"', listing)
    summary = re.search(r"([\d,]+) customers?", listing)
    assert summary and int(summary.group(1).replace(",", "")) < 500


# --- ranking ----------------------------------------------------------------------------------


def _tier(customer: dict, q: str) -> int:
    """0 name, 1 phone, 2 the email before the @, 3 only the email's domain."""
    name = f"{customer['first_name']} {customer['last_name']}".casefold()
    local, _, domain = customer["email"].casefold().partition("@")
    if q in name:
        return 0
    if q in customer["phone"]:
        return 1
    if q in local:
        return 2
    assert q in domain, customer
    return 3


def test_name_matches_come_before_email_domain_matches(live_sandbox, reception_client):
    customers = _customers(live_sandbox)
    q = "ma"
    html = _search(reception_client, q).content.decode()
    shown = _customer_options(html)
    assert len(shown) == 8
    tiers = [_tier(customers[cid], q) for cid in shown]
    # "ma" is in hotmail.com and gmail.com: most matches are only their email's domain, yet
    # people whose name has "ma" come first, and domain-only matches last.
    assert tiers == sorted(tiers), list(zip(shown, tiers, strict=True))
    assert tiers[0] == 0
    # Among names: first those that start with the query (Maria), then those with another word
    # that does (Ana Mangold), then those that only contain it (Thomas).
    names = [
        f"{customers[cid]['first_name']} {customers[cid]['last_name']}".casefold() for cid in shown
    ]
    by_name = [
        (n, 0 if n.startswith(q) else 1 if any(w.startswith(q) for w in n.split()) else 2)
        for n in names
        if q in n
    ]
    tiers_of_names = [tier for _name, tier in by_name]
    assert tiers_of_names == sorted(tiers_of_names), by_name


def test_a_phone_number_ranks_above_an_email_match(live_sandbox, reception_client):
    customers = _customers(live_sandbox)
    digits = {cid: "".join(ch for ch in c["phone"] if ch.isdigit()) for cid, c in customers.items()}

    def fits(q: str) -> bool:
        """In a few phone numbers (all shown) and in some email address too."""
        in_email = any(q in c["email"] for c in customers.values())
        return in_email and sum(q in d for d in digits.values()) <= 6

    # Three digits found in phone numbers and in email addresses alike.
    caller, q = next(((cid, d[-3:]) for cid, d in digits.items() if fits(d[-3:])), (None, ""))
    assert caller, "no three digits are in both a phone number and an email"
    shown = _customer_options(_search(reception_client, q).content.decode())
    by_phone = [x for x in shown if q in digits[x]]
    assert caller in shown
    assert shown[: len(by_phone)] == by_phone, "phone matches first"
    assert len(shown) > len(by_phone), "email matches follow"


# --- the hint and the address -----------------------------------------------------------------


def test_one_character_asks_for_another(live_sandbox, reception_client):
    response = _search(reception_client, "m")
    html = response.content.decode()
    assert "Type at least 2 characters to search." in html
    assert server_timing_calls(response) == 0


def test_the_query_goes_into_the_address_of_today(live_sandbox, reception_client):
    response = _search(reception_client, "ma", HTTP_HX_CURRENT_URL="http://testserver/?agent=3&q=m")
    # Replaced, not pushed: Back leaves Today instead of stepping through each letter typed.
    assert response["HX-Replace-Url"] == "/?agent=3&q=ma"
    assert "HX-Push-Url" not in response
    cleared = _search(reception_client, "", HTTP_HX_CURRENT_URL="http://testserver/?q=ma")
    assert cleared["HX-Replace-Url"] == "/"
    elsewhere = _search(reception_client, "ma", HTTP_HX_CURRENT_URL="http://testserver/bookings/")
    assert "HX-Replace-Url" not in elsewhere


def test_today_shows_the_search_from_the_address(live_sandbox, reception_client):
    """Back to `/?q=…` (or a reload) shows the box filled in and its results."""
    customer = next(iter(_customers(live_sandbox).values()))
    q = customer["email"]
    page = reception_client.get("/?" + f"q={quote(q)}").content.decode()
    assert re.search(rf'id="quick-search-box"[^>]*value="{re.escape(q)}"', page)
    assert f'href="/customers/{customer["id"]}/"' in page
    assert 'role="listbox"' in page
    assert "found. Use the up and down arrow keys" in page  # said to screen readers
    # The board's refresh leaves the search out of its own address.
    assert 'hx-get="/" hx-trigger="every 45s' in page


# --- check in from a result -------------------------------------------------------------------


def _slot(html: str, booking_id: int) -> str:
    match = re.search(rf'<span id="arrival-action-{booking_id}".*?</span>\s*</span>', html, re.S)
    assert match, f"no Check in slot for booking {booking_id}"
    return match.group(0)


def test_a_result_with_an_open_booking_today_has_a_check_in_button(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved", "today")
    owner = _booking_owner(live_sandbox, booking_id)
    reception_client.get("/")  # Today's board read today's bookings

    response = _search(reception_client, owner["email"])
    html = response.content.decode()

    slot = _slot(html, booking_id)
    assert f'hx-post="/bookings/{booking_id}/check-in/"' in slot
    assert f'hx-target="#arrival-action-{booking_id}"' in slot
    assert 'role="option"' in slot  # reached with the arrows like the result itself
    assert f'Check in<span class="sr-only"> {owner["first_name"]} {owner["last_name"]}' in slot
    # Found in the board's listing: no call for today's bookings, only the customer search.
    assert server_timing_calls(response) == 1


def test_the_check_in_buttons_cost_one_shared_read_at_most(live_sandbox, reception_client):
    # No board read yet: today's listing is read once for all the results...
    first = _search(reception_client, "ma")
    assert len(_customer_options(first.content.decode())) == 8
    assert server_timing_calls(first) == 2
    # ...and is then shared: the next search, and the board, reuse it.
    assert server_timing_calls(_search(reception_client, "an")) == 1


def test_check_in_from_a_result_keeps_the_search(live_sandbox, reception_client, take_booking):
    booking_id = take_booking("pending", "today")
    owner = _booking_owner(live_sandbox, booking_id)
    reception_client.get("/")

    response = reception_client.post(
        f"/bookings/{booking_id}/check-in/",
        {"next": "/?q=x", "place": "search"},
        **HTMX,
        HTTP_HX_TARGET=f"arrival-action-{booking_id}",
    )

    assert response.status_code == 200
    html = response.content.decode()
    checkin = CheckIn.objects.get(booking_id=booking_id)
    assert checkin.is_active and checkin.customer_id == owner["id"]
    when = timezone.localtime(checkin.checked_in_at).strftime("%H:%M")
    # The slot comes back as the check-in (still an option: it opens the booking)...
    slot = _slot(html, booking_id)
    assert f"Checked in at {when} by Rita" in slot
    assert 'role="option"' in slot and f'href="/bookings/{booking_id}/"' in slot
    assert "<form" not in slot
    assert "<html" not in html and "today-row" not in html
    # ...the page's messages say so, and the board refreshes its row and counts.
    assert 'id="messages" hx-swap-oob="innerHTML"' in html
    assert f"{owner['first_name']} {owner['last_name']} checked in at {when}" in html
    assert "board-changed" in json.loads(response["HX-Trigger"])
    assert AuditEntry.objects.get(action=AuditEntry.Action.CHECK_IN, object_id=booking_id)

    again = _search(reception_client, owner["email"]).content.decode()
    assert f"Checked in at {when} by Rita" in _slot(again, booking_id)
    assert f'hx-post="/bookings/{booking_id}/check-in/"' not in again


def test_a_refused_check_in_from_a_result_says_why(
    live_sandbox, reception_client, take_booking, move
):
    booking_id = take_booking("approved", "today")
    move(booking_id, "cancelled")  # cancelled at the website after the results were shown

    response = reception_client.post(
        f"/bookings/{booking_id}/check-in/",
        {"place": "search"},
        **HTMX,
        HTTP_HX_TARGET=f"arrival-action-{booking_id}",
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "A cancelled booking cannot be checked in." in _slot(html, booking_id)
    assert "<form" not in html
    assert not CheckIn.objects.filter(booking_id=booking_id).exists()


def test_without_javascript_a_check_in_comes_back_to_the_search(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved", "today")
    owner = _booking_owner(live_sandbox, booking_id)
    q = owner["email"]
    page = reception_client.get(f"/?q={quote(q)}").content.decode()
    slot = _slot(page, booking_id)
    assert f'action="/bookings/{booking_id}/check-in/"' in slot
    assert f'name="next" value="/?q={quote(q)}"' in slot

    response = reception_client.post(f"/bookings/{booking_id}/check-in/", {"next": f"/?q={q}"})

    assert response.status_code == 302
    assert response["Location"] == f"/?q={q}"
    back = reception_client.get(response["Location"]).content.decode()
    assert "Checked in." in back
    assert "Checked in at" in _slot(back, booking_id)
