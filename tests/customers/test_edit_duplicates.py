"""An edit that makes a customer someone else's double: a changed name or phone that another
customer already has together is warned about before anything is saved, and "Save anyway"
saves. Against the real sandbox."""

from __future__ import annotations

import re

import pytest

from tests.customers.form_html import form_values
from tests.customers.test_create import letters_tag
from tests.customers.test_duplicates import upstream_calls
from tests.customers.test_edit import make_customer, open_form

pytestmark = pytest.mark.django_db


def _pair(sandbox) -> tuple[int, int, str]:
    """Two customers of this test's own: "Rosa Lind-…" with a phone, and another person who
    is about to be edited into her name and phone."""
    last = f"Lind-{letters_tag().capitalize()}"
    rosa = make_customer(sandbox, first_name="Rosa", last_name=last, phone="+1 512 544 2270")
    other = make_customer(sandbox, first_name="Rose", last_name=last, phone="+1 512 544 9911")
    return rosa, other, last


def _stored(sandbox, customer_id: int) -> tuple[str, str]:
    with sandbox.db() as conn:
        row = conn.execute(
            "SELECT first_name, phone FROM sandbox_customer WHERE id = ?", (customer_id,)
        ).fetchone()
    return row["first_name"], row["phone"]


@pytest.mark.parametrize(
    "change",
    [
        {"first_name": "rosa"},  # the name changed into hers (her phone already)
        {"phone": "(512) 544-2270"},  # the phone changed into hers (her name already)
    ],
)
def test_an_edit_into_another_customers_name_and_phone_warns_and_saves_nothing(
    live_sandbox, reception_client, change
):
    rosa, other, last = _pair(live_sandbox)
    if "first_name" in change:
        live_sandbox.request(
            "PUT", f"/wp-json/latepoint-api/v1/customers/{other}", {"phone": "+1 512 544 2270"}
        )
    else:
        live_sandbox.request(
            "PUT", f"/wp-json/latepoint-api/v1/customers/{other}", {"first_name": "Rosa"}
        )
    before = _stored(live_sandbox, other)
    typed = {**open_form(reception_client, other), **change, "notes": "Called from work"}

    response = reception_client.post(f"/customers/{other}/edit/", typed)

    html = response.content.decode()
    assert response.status_code == 200
    warning = re.search(r'<section id="duplicate-warning".*?</section>', html, re.S)
    assert warning, "no duplicate warning on edit"
    assert f'<a href="/customers/{rosa}/">Rosa {last}</a>' in warning.group(0)
    assert "Nothing was saved yet" in warning.group(0)
    assert "Save anyway" in warning.group(0)
    assert _stored(live_sandbox, other) == before
    assert upstream_calls(response) == "1 call"  # one cached search by last name
    shown = form_values(response.content)
    assert shown["notes"] == "Called from work"  # everything typed is kept
    for name, value in change.items():
        assert shown[name] == value
    assert shown["confirm_duplicate"] == str(rosa)

    saved = reception_client.post(f"/customers/{other}/edit/", shown)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert saved["Location"] == f"/customers/{other}/"
    assert _stored(live_sandbox, other) != before


def test_an_edit_that_leaves_name_and_phone_alone_is_not_checked(live_sandbox, reception_client):
    rosa, _other, last = _pair(live_sandbox)
    twin = make_customer(live_sandbox, first_name="Rosa", last_name=last, phone="+1 512 544 2270")
    typed = {**open_form(reception_client, twin), "notes": "Prefers mornings"}

    response = reception_client.post(f"/customers/{twin}/edit/", typed)

    assert response.status_code == 302
    assert rosa != twin


def test_an_edit_of_her_own_details_does_not_find_herself(live_sandbox, reception_client):
    rosa, _other, _last = _pair(live_sandbox)
    typed = {**open_form(reception_client, rosa), "phone": "(512) 544-2270", "first_name": "ROSA"}

    response = reception_client.post(f"/customers/{rosa}/edit/", typed)

    assert response.status_code == 302, response.content.decode()[:2000]
