"""Creating a customer at /customers/new/ against the real sandbox."""

from __future__ import annotations

import uuid

import pytest

from audit.models import AuditEntry
from tests.customers.form_html import field_errors, form_values, read_form

pytestmark = pytest.mark.django_db


def letters_tag() -> str:
    """A random tag a name may hold (letters only)."""
    return "".join(chr(ord("a") + int(ch, 16)) for ch in uuid.uuid4().hex[:8])


def new_values(**changes) -> dict[str, str]:
    tag = uuid.uuid4().hex[:10]
    values = {
        "first_name": "Walk-in",
        # Each test's customer is a new person: the same name and phone would be a duplicate.
        "last_name": f"O'Connor-{letters_tag().capitalize()}",
        "email": f"Walk.In.{tag}@Example.com",
        "phone": "(415) 555-2671",
        "date_of_birth": "1985-03-02",
        "gender": "other",
        "status": "active",
        "address": "1 Market St",
        "city": "San Francisco",
        "state": "CA",
        "zipcode": "94105",
        "country": "US",
        "notes": "Came in without an appointment.",
        "custom_referral_source": "Walk-in",
    }
    values.update(changes)
    return values


def count_customers(sandbox, email: str | None = None) -> int:
    with sandbox.db() as conn:
        if email is None:
            return conn.execute("SELECT COUNT(*) FROM sandbox_customer").fetchone()[0]
        return conn.execute(
            "SELECT COUNT(*) FROM sandbox_customer WHERE email = ?", (email.lower(),)
        ).fetchone()[0]


def upstream_row(sandbox, customer_id: int):
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT * FROM sandbox_customer WHERE id = ?", (customer_id,)
        ).fetchone()


def seeded_email(sandbox) -> str:
    with sandbox.db() as conn:
        return conn.execute("SELECT email FROM sandbox_customer ORDER BY id LIMIT 1").fetchone()[0]


def assert_values_kept(response, sent: dict[str, str], *, except_fields=()) -> None:
    shown = form_values(response.content)
    for name, value in sent.items():
        if name in except_fields:
            continue
        assert shown.get(name) == value, (name, shown.get(name), value)


def test_creating_a_customer_saves_clean_values_and_shows_the_profile(
    live_sandbox, reception_client, receptionist
):
    values = new_values()
    response = reception_client.post("/customers/new/", values)
    assert response.status_code == 302
    customer_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
    assert response.url == f"/customers/{customer_id}/"

    row = upstream_row(live_sandbox, customer_id)
    assert row["email"] == values["email"].lower()
    assert row["phone"] == "+14155552671"
    assert row["first_name"] == "Walk-in"
    assert row["last_name"] == values["last_name"]
    assert row["postal_code"] == "94105"
    assert row["country"] == "US"
    assert row["date_of_birth"] == "1985-03-02"
    assert '"referral_source": "Walk-in"' in row["custom_fields"]

    entry = AuditEntry.objects.get(action=AuditEntry.Action.CUSTOMER_CREATE)
    assert entry.result == AuditEntry.Result.OK
    assert entry.customer_id == customer_id
    assert entry.user == receptionist
    assert entry.changes["email"] == {"before": None, "after": values["email"].lower()}
    assert entry.changes["custom_fields.referral_source"]["after"] == "Walk-in"

    page = reception_client.get(response.url)
    html = page.content.decode()
    assert "Walk-in" in html
    assert "created" in html  # the flash message


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("first_name", "X", "at least 2"),
        ("last_name", "Sm1th", "only letters"),
        ("email", "walk.in@", "valid email"),
        ("phone", "555", "valid phone"),
        ("date_of_birth", "2999-12-31", "future"),
        ("gender", "unknown", "valid choice"),
        ("status", "blocked", "valid choice"),
        ("zipcode", "9410", "postal code"),
        ("country", "ZZ", "valid choice"),
        ("notes", "n" * 1001, "at most 1000"),
    ],
)
def test_an_invalid_value_shows_its_error_and_keeps_every_other_value(
    live_sandbox, reception_client, field, bad, message
):
    values = new_values(**{field: bad})
    before = count_customers(live_sandbox)
    response = reception_client.post("/customers/new/", values)
    assert response.status_code == 200
    errors = field_errors(response.content, field)
    assert errors and message in " ".join(errors).lower(), errors
    shown = form_values(response.content)
    for name, value in values.items():
        if name != field:
            assert shown.get(name) == value, name
    if field not in ("status", "gender", "country"):  # an invalid choice cannot stay selected
        assert shown[field] == bad  # the wrong value stays, to be corrected
    assert count_customers(live_sandbox) == before


def test_a_duplicate_email_lands_on_the_email_field(live_sandbox, reception_client):
    taken = seeded_email(live_sandbox)
    values = new_values(email=taken.upper())
    before = count_customers(live_sandbox)
    response = reception_client.post("/customers/new/", values)
    assert response.status_code == 200
    assert field_errors(response.content, "email") == [
        "Another customer already uses this email address."
    ]
    assert_values_kept(response, values)
    assert count_customers(live_sandbox) == before
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CUSTOMER_CREATE)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.error


@pytest.mark.parametrize(
    ("faults", "status", "text"),
    [
        # LatePoint's 500 is a bad gateway for us (502), as on every other screen: a 500 of
        # our own would mean the front office itself broke.
        # A 5xx may come after LatePoint saved: it is read back, and when that fails too the
        # page says the outcome is unknown.
        ({"error_rate": 1}, 502, "so the save may or may not have gone through"),
        ({"unavailable": True}, 503, "so the save may or may not have gone through"),
    ],
)
def test_a_sandbox_fault_keeps_the_input_and_creates_nothing(
    live_sandbox, reception_client, faults, status, text
):
    values = new_values()
    live_sandbox.set_faults(**faults)
    response = reception_client.post("/customers/new/", values)
    live_sandbox.reset_faults()
    assert response.status_code == status
    assert text in response.content.decode()
    assert_values_kept(response, values)
    assert count_customers(live_sandbox, values["email"]) == 0
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CUSTOMER_CREATE)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.error == "LatePoint had a problem answering. Try again in a moment."

    # The kept values can be sent again as they are (it looks for the first one's customer
    # first): the customer is created once.
    again = reception_client.post("/customers/new/", form_values(response.content))
    assert again.status_code == 302
    assert count_customers(live_sandbox, values["email"]) == 1


def test_rate_limited_save_says_when_to_try_again(live_sandbox, reception_client):
    values = new_values()
    live_sandbox.set_faults(rate_limit=1)
    live_sandbox.request("GET", "/wp-json/latepoint-api/v1/status")  # spends the minute's one call
    response = reception_client.post("/customers/new/", values)
    live_sandbox.reset_faults()
    assert response.status_code == 429
    html = response.content.decode()
    assert "LatePoint is busy (too many requests). The customer was not created." in html
    assert "Try again in " in html and " seconds." in html
    assert response["Retry-After"].isdigit()
    assert_values_kept(response, values)
    assert count_customers(live_sandbox, values["email"]) == 0


def test_htmx_submit_swaps_the_form_or_redirects(live_sandbox, reception_client):
    bad = new_values(first_name="X")
    response = reception_client.post("/customers/new/", bad, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="customer-form"')
    assert "<html" not in html
    assert field_errors(html, "first_name")

    good = new_values()
    response = reception_client.post("/customers/new/", good, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/customers/")
    assert count_customers(live_sandbox, good["email"]) == 1


def test_new_customer_form_offers_the_create_statuses_and_the_countries(reception_client):
    response = reception_client.get("/customers/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="customer-form"' in html
    assert form_values(html)["status"] == "active"
    reader = read_form(html)
    assert reader.options["status"] == ["active", "inactive", "pending"]
    assert {"US", "UY", "GB", "DE"} <= set(reader.options["country"])
    # Every field validates itself with HTMX as the user leaves it.
    assert 'hx-post="/customers/validate/email/"' in html
    assert 'hx-trigger="blur changed"' in html
    assert 'hx-target="#form-field-email"' in html


def test_per_field_validation_returns_that_fields_partial(reception_client):
    response = reception_client.post(
        "/customers/validate/phone/",
        {"phone": "12", "email": "x@example.com"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith('<div class="field has-error" id="form-field-phone"')
    assert "valid phone" in html
    assert 'value="12"' in html
    assert "form-field-email" not in html

    ok = reception_client.post(
        "/customers/validate/zipcode/", {"zipcode": "K1A 0B1", "country": "CA"}
    )
    assert 'class="field" id="form-field-zipcode"' in ok.content.decode()
    wrong = reception_client.post(
        "/customers/validate/zipcode/", {"zipcode": "12345", "country": "CA"}
    )
    assert "postal code for Canada" in wrong.content.decode()

    assert reception_client.post("/customers/validate/password/", {}).status_code == 404
    assert reception_client.get("/customers/validate/email/").status_code == 405


def test_receptionist_does_not_see_sensitive_custom_fields(reception_client, manager):
    from django.test import Client

    managers_client = Client()
    managers_client.force_login(manager)
    reception = form_values(reception_client.get("/customers/new/").content)
    managers = form_values(managers_client.get("/customers/new/").content)
    assert "custom_medical_notes" not in reception
    assert "custom_referral_source" in reception
    assert "custom_medical_notes" in managers


def test_upstream_field_errors_land_on_their_fields(live_sandbox, reception_client):
    # The front office accepts every script's letters and marks; this LatePoint site refuses
    # the Devanagari vowel sign, and says so per field.
    values = new_values(first_name="देवी")
    response = reception_client.post("/customers/new/", values)
    assert response.status_code == 200
    assert field_errors(response.content, "first_name") == [
        "First name may contain only letters, spaces, hyphens and apostrophes"
    ]
    assert_values_kept(response, values)
    assert count_customers(live_sandbox, values["email"]) == 0


def test_a_lost_answer_says_the_customer_may_exist(live_sandbox, reception_client, settings):
    # LatePoint answers after the front office stopped waiting: it may have saved the customer.
    settings.LATEPOINT_TIMEOUT = 0.5
    values = new_values()
    live_sandbox.set_faults(latency_ms=1500)
    response = reception_client.post("/customers/new/", values)
    live_sandbox.reset_faults()
    assert response.status_code == 504
    html = response.content.decode()
    assert "LatePoint took too long to answer, so the save may or may not have gone through" in html
    assert "search the customer list for this email before saving again" in html
    assert_values_kept(response, values)


def test_an_unreadable_answer_is_not_reported_as_a_failure(live_sandbox, reception_client):
    values = new_values()
    live_sandbox.set_faults(malformed_rate=1)
    response = reception_client.post("/customers/new/", values)
    live_sandbox.reset_faults()
    assert response.status_code == 502
    assert "may or may not have gone through" in response.content.decode()
    assert_values_kept(response, values)
    # It did go through: the message sent the user to check rather than to save again.
    assert count_customers(live_sandbox, values["email"]) == 1
