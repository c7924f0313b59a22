"""A new customer who may already exist: the same name and phone as an existing customer is
warned about before anything is created, and an email another customer has links to them.
Against the real sandbox."""

from __future__ import annotations

import re

import pytest

from tests.customers.form_html import field_errors, form_values
from tests.customers.test_create import count_customers, letters_tag, new_values
from tests.customers.test_edit import make_customer, open_form

pytestmark = pytest.mark.django_db

API = "/wp-json/latepoint-api/v1"


def upstream_calls(response) -> str:
    return re.search(r'upstream;[^,]*desc="([^"]+)"', response["Server-Timing"]).group(1)


def customers_named(sandbox, last_name: str) -> int:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM sandbox_customer WHERE last_name = ?", (last_name,)
        ).fetchone()[0]


def existing(sandbox, **fields) -> tuple[int, dict[str, str]]:
    """A customer already in LatePoint (made through its API), "Marie Claire Dupont-…", and a
    new customer's form values for the same person: the name typed in other case and spacing,
    the phone in another format, another email."""
    last = f"Dupont-{letters_tag().capitalize()}"
    customer_id = make_customer(
        sandbox, first_name="Marie Claire", last_name=last, phone="+1 512 544 2223", **fields
    )
    typed = new_values(first_name="marie  claire", last_name=last.upper(), phone="(512) 544-2223")
    return customer_id, typed


def form_for(client) -> dict[str, str]:
    """The new-customer form as shown (with its one-time token)."""
    return form_values(client.get("/customers/new/").content)


def test_same_name_and_phone_warns_with_a_link_and_creates_nothing(live_sandbox, reception_client):
    other_id, typed = existing(live_sandbox)
    sent = {**form_for(reception_client), **typed}

    response = reception_client.post("/customers/new/", sent)

    assert response.status_code == 200
    html = response.content.decode()
    warning = re.search(r'<section id="duplicate-warning".*?</section>', html, re.S)
    assert warning, "no duplicate warning"
    assert 'role="alert"' in warning.group(0)
    last_name = typed["last_name"].title()
    assert f'<a href="/customers/{other_id}/">Marie Claire {last_name}</a>' in warning.group(0)
    assert "(512) 544-2223" in warning.group(0)  # the phone as every screen shows it
    assert "Create anyway" in warning.group(0)
    assert customers_named(live_sandbox, last_name) == 1
    assert count_customers(live_sandbox, typed["email"]) == 0
    # One cached search found it.
    assert upstream_calls(response) == "1 call"

    shown = form_values(response.content)
    assert sent["submit_token"]
    for name, value in sent.items():
        if name != "confirm_duplicate":
            assert shown.get(name) == value, name  # every typed value, the one-time token too
    assert shown["confirm_duplicate"] == str(other_id)


def test_create_anyway_after_the_warning_creates_the_customer(live_sandbox, reception_client):
    _other_id, typed = existing(live_sandbox)
    warned = reception_client.post("/customers/new/", {**form_for(reception_client), **typed})
    assert 'id="duplicate-warning"' in warned.content.decode()

    again = reception_client.post("/customers/new/", form_values(warned.content))

    assert again.status_code == 302
    assert count_customers(live_sandbox, typed["email"]) == 1


def test_htmx_answer_is_the_form_with_the_warning(live_sandbox, reception_client):
    _other_id, typed = existing(live_sandbox)
    response = reception_client.post(
        "/customers/new/", {**form_for(reception_client), **typed}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="customer-form"')
    assert 'id="duplicate-warning"' in html
    assert count_customers(live_sandbox, typed["email"]) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"phone": "(512) 544-9999"},  # same name, another phone: another person
        {"first_name": "Marie"},  # same phone, another name: a family member
        {"phone": ""},  # no phone: a name alone says too little
    ],
)
def test_only_the_same_name_and_phone_is_warned_about(live_sandbox, reception_client, change):
    _other_id, typed = existing(live_sandbox)
    warned = reception_client.post("/customers/new/", typed)
    assert 'id="duplicate-warning"' in warned.content.decode()

    response = reception_client.post("/customers/new/", {**typed, **change})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert count_customers(live_sandbox, typed["email"]) == 1


def test_an_email_in_use_links_to_the_customer_who_has_it(live_sandbox, reception_client):
    owner_id = make_customer(live_sandbox, first_name="Olga", last_name="Owner")
    with live_sandbox.db() as conn:
        taken = conn.execute(
            "SELECT email FROM sandbox_customer WHERE id = ?", (owner_id,)
        ).fetchone()[0]

    response = reception_client.post("/customers/new/", new_values(email=taken.upper()))

    assert response.status_code == 200
    assert field_errors(response.content, "email") == [
        "Another customer already uses this email address."
    ]
    field = re.search(r'id="form-field-email".*?</div>', response.content.decode(), re.S).group(0)
    assert f'<a href="/customers/{owner_id}/">Olga Owner</a>' in field


def test_an_email_in_use_on_edit_links_to_the_other_customer(live_sandbox, reception_client):
    owner_id = make_customer(live_sandbox, first_name="Olga", last_name="Owner")
    customer_id = make_customer(live_sandbox)
    with live_sandbox.db() as conn:
        taken = conn.execute(
            "SELECT email FROM sandbox_customer WHERE id = ?", (owner_id,)
        ).fetchone()[0]
    typed = {**open_form(reception_client, customer_id), "email": taken}

    response = reception_client.post(f"/customers/{customer_id}/edit/", typed)

    assert response.status_code == 200
    field = re.search(r'id="form-field-email".*?</div>', response.content.decode(), re.S).group(0)
    assert f'<a href="/customers/{owner_id}/">Olga Owner</a>' in field
