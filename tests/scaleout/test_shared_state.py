"""Several front-office processes are one front office: what one writes, every other reads fresh,
and what one has read, every other reads from the shared cache (see conftest.py's stacks)."""

from __future__ import annotations

import random
import re
import string
import time

from tests.conftest import API_PREFIX
from tests.customers.form_html import form_values
from tests.scaleout.conftest import upstream_calls


def new_customer(sandbox, **fields) -> tuple[int, str]:
    """A customer of the test's own, made straight through the sandbox's API: (id, last name)."""
    tag = "".join(random.choices(string.ascii_lowercase, k=12))
    body = {
        "first_name": "Scale",
        "last_name": f"Out {tag.title()}",
        "email": f"scaleout.{tag}@example.com",
        "phone": "+1 415 555 2671",
        **fields,
    }
    status, answer = sandbox.request("POST", API_PREFIX + "/customers", body)
    assert status == 201, answer
    return int(answer["data"]["id"]), body["last_name"]


def shown_phone(html: str) -> str:
    """The digits of the phone number a profile page shows (its tel: link, in full)."""
    match = re.search(r'<dd data-field="phone">(.*?)</dd>', html, re.S)
    assert match, "no phone on the profile"
    link = re.search(r'href="tel:([^"]+)"', match.group(1))
    assert link, "the profile's phone is not a tel: link"
    return re.sub(r"\D", "", link.group(1))


def board_row(html: str, booking_id: int) -> str:
    match = re.search(rf'<tr id="today-row-{booking_id}".*?</tr>', html, re.S)
    assert match, f"booking {booking_id} is not on the board"
    return match.group(0)


def test_an_edit_through_one_process_is_read_fresh_through_every_other(stack, sandbox):
    customer_id, _ = new_customer(sandbox)
    profile = f"/customers/{customer_id}/"
    # Both processes have read the profile (B first), so each could serve it from a cache.
    for front in (stack.b, stack.a):
        page = stack.get(front, profile)
        assert page.status_code == 200
        assert shown_phone(page.text) == "14155552671"
    assert upstream_calls(stack.get(stack.b, profile)) == 0

    new_phone = f"+1 201 555 01{random.randint(10, 99)}"
    form = stack.get(stack.a, f"/customers/{customer_id}/edit/")
    assert form.status_code == 200
    values = {**form_values(form.text), "phone": new_phone}
    values["csrfmiddlewaretoken"] = stack.csrf_token()
    saved = stack.post(stack.a, f"/customers/{customer_id}/edit/", values, allow_redirects=False)
    assert saved.status_code == 302, saved.text[:2000]
    assert saved.headers["Location"].endswith(profile)

    reads = []
    for number in range(30):
        front = (stack.a, stack.b)[number % 2]
        page = stack.get(front, profile)
        reads.append((front.name, page.status_code, shown_phone(page.text)))
    expected = re.sub(r"\D", "", new_phone)
    assert {front for front, _, _ in reads} == {"A", "B"}
    assert all(status == 200 and phone == expected for _, status, phone in reads), reads


def test_a_check_in_through_one_process_shows_on_the_board_of_every_other(stack, take_booking):
    booking_id = take_booking("approved", "today")
    # Both processes have shown the board (B first) with the booking not yet checked in.
    for front in (stack.b, stack.a):
        board = stack.get(front, "/")
        assert board.status_code == 200
        assert "Checked in" not in board_row(board.text, booking_id)

    checked_in = stack.post(
        stack.a,
        f"/bookings/{booking_id}/check-in/",
        {"next": "/", "csrfmiddlewaretoken": stack.csrf_token()},
        allow_redirects=False,
    )
    assert checked_in.status_code == 302, checked_in.text[:2000]

    rows = []
    for number in range(10):
        front = (stack.b, stack.a)[number % 2]
        board = stack.get(front, "/")
        assert board.status_code == 200
        rows.append((front.name, "Checked in" in board_row(board.text, booking_id)))
    assert all(shown for _, shown in rows), rows


def test_a_page_read_through_one_process_costs_nothing_through_another(stack, sandbox):
    customer_id, last_name = new_customer(sandbox)
    for path in (f"/customers/{customer_id}/", f"/customers/?q={last_name}"):
        first = stack.get(stack.a, path)
        assert first.status_code == 200
        assert last_name in first.text
        assert upstream_calls(first) >= 1, path

        at = time.time()
        again = stack.get(stack.b, path)
        assert again.status_code == 200
        assert last_name in again.text
        assert upstream_calls(again) == 0, path
        assert sandbox.requests_since(at) == [], path
