"""Editing a customer at /customers/<id>/edit/ against the real sandbox."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from audit.models import AuditEntry
from customers.services import customer_update
from tests.customers.form_html import field_errors, form_values, read_form
from upstream import budget

pytestmark = pytest.mark.django_db

API = "/wp-json/latepoint-api/v1"


def make_customer(sandbox, **fields) -> int:
    """A customer of this test's own, created straight in the sandbox."""
    body = {
        "first_name": "Edith",
        "last_name": "Keller",
        "email": f"edith.{uuid.uuid4().hex[:10]}@example.com",
        "phone": "+1 415 555 2671",
        "date_of_birth": "1979-11-30",
        "gender": "female",
        "address": "10 Elm St",
        "city": "Portland",
        "state": "OR",
        "zipcode": "97201",
        "country": "US",
        "notes": "Likes the window seat.",
        "custom_fields": {"referral_source": "Google", "medical_notes": "Allergic to latex"},
    }
    body.update(fields)
    status, payload = sandbox.request("POST", f"{API}/customers", body)
    assert status == 201, payload
    return int(payload["data"]["id"])


def row(sandbox, customer_id: int) -> dict:
    with sandbox.db() as conn:
        found = conn.execute("SELECT * FROM sandbox_customer WHERE id = ?", (customer_id,))
        result = dict(found.fetchone())
    result["custom_fields"] = json.loads(result["custom_fields"] or "{}")
    return result


def other_email(sandbox, customer_id: int) -> str:
    with sandbox.db() as conn:
        return conn.execute(
            "SELECT email FROM sandbox_customer WHERE id <> ? ORDER BY id LIMIT 1", (customer_id,)
        ).fetchone()[0]


def open_form(client, customer_id: int) -> dict[str, str]:
    response = client.get(f"/customers/{customer_id}/edit/")
    assert response.status_code == 200
    return form_values(response.content)


def puts(calls):
    return [body for method, _path, body in calls if method == "PUT"]


@pytest.fixture
def manager_browser(manager):
    browser = Client()
    browser.force_login(manager)
    return browser


# --- opening the form ----------------------------------------------------------------------


def test_edit_form_shows_the_current_values(live_sandbox, reception_client):
    customer_id = make_customer(live_sandbox)
    response = reception_client.get(f"/customers/{customer_id}/edit/")
    assert response.status_code == 200
    values = form_values(response.content)
    assert values["first_name"] == "Edith"
    assert values["phone"] == "+1 415 555 2671"
    assert values["date_of_birth"] == "1979-11-30"
    assert values["zipcode"] == "97201"
    assert values["country"] == "US"
    assert values["status"] == "active"
    assert values["custom_referral_source"] == "Google"
    assert values["snapshot"] and values["updated_at"]
    # A receptionist neither sees sensitive custom fields nor may choose Blocked.
    assert "custom_medical_notes" not in values
    assert "Allergic" not in response.content.decode()
    assert "blocked" not in read_form(response.content).options["status"]
    # One upstream call opens the form.
    assert 'desc="1 call"' in response["Server-Timing"]


def test_manager_sees_sensitive_fields_and_may_block(live_sandbox, manager_browser):
    customer_id = make_customer(live_sandbox)
    response = manager_browser.get(f"/customers/{customer_id}/edit/")
    values = form_values(response.content)
    assert values["custom_medical_notes"] == "Allergic to latex"
    assert "blocked" in read_form(response.content).options["status"]
    assert "Yes, block this customer" in response.content.decode()


def test_unknown_customer_is_a_404(live_sandbox, reception_client):
    assert reception_client.get("/customers/99999999/edit/").status_code == 404


# --- saving ----------------------------------------------------------------------------------


def test_saving_sends_only_the_changed_fields(live_sandbox, reception_client, receptionist, sent):
    customer_id = make_customer(live_sandbox)
    before = row(live_sandbox, customer_id)
    values = open_form(reception_client, customer_id)
    response = reception_client.post(
        f"/customers/{customer_id}/edit/", {**values, "phone": "(202) 555-0143"}
    )
    assert response.status_code == 302
    assert response.url == f"/customers/{customer_id}/"
    assert puts(sent) == [{"phone": "+12025550143"}]

    after = row(live_sandbox, customer_id)
    assert after["phone"] == "+12025550143"
    for name in ("first_name", "last_name", "email", "street", "city", "notes", "custom_fields"):
        assert after[name] == before[name]

    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.action == AuditEntry.Action.CUSTOMER_UPDATE
    assert entry.result == AuditEntry.Result.OK
    assert entry.user == receptionist
    assert entry.changes == {"phone": {"before": "+1 415 555 2671", "after": "+12025550143"}}

    # The profile shows the new value at once: the write invalidated the cached customer.
    profile = reception_client.get(response.url)
    html = profile.content.decode()
    assert "Customer saved." in html
    assert "555-0143" in html or "5550143" in html


def test_profile_read_before_the_edit_is_not_served_stale(live_sandbox, reception_client):
    customer_id = make_customer(live_sandbox)
    assert "Portland" in reception_client.get(f"/customers/{customer_id}/").content.decode()
    values = open_form(reception_client, customer_id)
    reception_client.post(f"/customers/{customer_id}/edit/", {**values, "city": "Salem"})
    html = reception_client.get(f"/customers/{customer_id}/").content.decode()
    address = html[html.index('data-field="address"') :]
    address = address[: address.index("</dd>")]
    assert "Salem" in address
    assert "Portland" not in address


def test_clearing_a_custom_field_sends_null(live_sandbox, reception_client, sent):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    response = reception_client.post(
        f"/customers/{customer_id}/edit/",
        {**values, "custom_referral_source": "", "notes": "", "date_of_birth": ""},
    )
    assert response.status_code == 302
    assert puts(sent) == [
        {"custom_fields": {"referral_source": None}, "date_of_birth": None, "notes": ""}
    ]
    after = row(live_sandbox, customer_id)
    assert "referral_source" not in after["custom_fields"]
    assert after["custom_fields"]["medical_notes"] == "Allergic to latex"  # untouched
    assert after["notes"] == ""
    assert after["date_of_birth"] is None


def test_nothing_changed_writes_nothing(live_sandbox, reception_client, sent):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    response = reception_client.post(f"/customers/{customer_id}/edit/", values, follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert puts(sent) == []
    assert not AuditEntry.objects.filter(customer_id=customer_id).exists()


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("first_name", "E", "at least 2"),
        ("last_name", "K3ller", "only letters"),
        ("email", "edith@", "valid email"),
        ("phone", "+1 555 000", "valid phone"),
        ("date_of_birth", "2020-01-01", "at least 13 years"),
        ("zipcode", "ABC", "postal code"),
        ("notes", "n" * 1001, "at most 1000"),
        ("custom_referral_source", "r" * 256, "at most 255"),
    ],
)
def test_an_invalid_edit_shows_its_error_and_keeps_the_other_values(
    live_sandbox, reception_client, sent, field, bad, message
):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    sent.clear()
    typed = {**values, "city": "Eugene", field: bad}
    response = reception_client.post(f"/customers/{customer_id}/edit/", typed)
    assert response.status_code == 200
    assert message in " ".join(field_errors(response.content, field)).lower()
    shown = form_values(response.content)
    for name in ("first_name", "last_name", "email", "phone", "city", "zipcode", "notes"):
        assert shown[name] == typed[name], name
    assert puts(sent) == []
    assert sent == []  # an invalid form costs no upstream call
    assert row(live_sandbox, customer_id)["city"] == "Portland"


def test_field_validation_on_edit_tolerates_an_untouched_old_value(live_sandbox, reception_client):
    # The sandbox accepts "+1 555 ..." (it only checks the length); today's rule does not.
    customer_id = make_customer(live_sandbox, phone="+1 555 123 4567")
    values = open_form(reception_client, customer_id)
    untouched = reception_client.post("/customers/validate/phone/", values)
    assert 'class="field" id="form-field-phone"' in untouched.content.decode()
    retyped = reception_client.post(
        "/customers/validate/phone/", {**values, "phone": "+1 555 123 4568"}
    )
    assert "valid phone" in retyped.content.decode()
    # And the old value does not block saving another field.
    saved = reception_client.post(f"/customers/{customer_id}/edit/", {**values, "city": "Bend"})
    assert saved.status_code == 302


def test_a_duplicate_email_lands_on_the_email_field(live_sandbox, reception_client):
    customer_id = make_customer(live_sandbox)
    taken = other_email(live_sandbox, customer_id)
    values = open_form(reception_client, customer_id)
    typed = {**values, "email": taken, "city": "Bend"}
    response = reception_client.post(f"/customers/{customer_id}/edit/", typed)
    assert response.status_code == 200
    assert field_errors(response.content, "email") == [
        "Another customer already uses this email address."
    ]
    shown = form_values(response.content)
    assert shown["email"] == taken and shown["city"] == "Bend"
    assert row(live_sandbox, customer_id)["city"] == "Portland"
    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.error


def test_a_failed_write_keeps_the_input_and_says_so(live_sandbox, reception_client, sent):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    typed = {**values, "city": "Medford", "notes": "Moved south."}
    # One call a minute: the fresh re-read passes, the write is refused with 429.
    live_sandbox.set_faults(rate_limit=1)
    response = reception_client.post(f"/customers/{customer_id}/edit/", typed)
    live_sandbox.reset_faults()
    assert response.status_code == 429
    html = response.content.decode()
    assert "LatePoint is busy (too many requests). Your changes were not saved." in html
    assert "Try again in " in html
    shown = form_values(html)
    assert shown["city"] == "Medford" and shown["notes"] == "Moved south."
    assert len(puts(sent)) == 1  # tried once, never retried
    assert row(live_sandbox, customer_id)["city"] == "Portland"
    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.result == AuditEntry.Result.FAILED
    assert "busy" in entry.error

    # The kept form saves as it is once LatePoint answers again: after its Retry-After, until
    # which the front office sends it nothing (upstream.budget).
    budget.reset()
    again = reception_client.post(f"/customers/{customer_id}/edit/", shown)
    assert again.status_code == 302
    assert row(live_sandbox, customer_id)["city"] == "Medford"


@pytest.mark.parametrize("faults", [{"error_rate": 1}, {"unavailable": True}])
def test_sandbox_down_during_a_save_keeps_the_input(live_sandbox, reception_client, faults):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    typed = {**values, "first_name": "Edwina"}
    live_sandbox.set_faults(**faults)
    response = reception_client.post(f"/customers/{customer_id}/edit/", typed)
    live_sandbox.reset_faults()
    assert response.status_code in (500, 502, 503)
    # The check for changes made since the form was opened fails first: nothing is sent.
    assert "Your changes were not saved." in response.content.decode()
    assert form_values(response.content)["first_name"] == "Edwina"
    assert row(live_sandbox, customer_id)["first_name"] == "Edith"


# --- someone else changed the customer -------------------------------------------------------


def test_a_concurrent_change_is_shown_and_nothing_is_overwritten(
    live_sandbox, reception_client, sent
):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)

    # Someone else changes the city and the last name after the form was opened.
    status, _ = live_sandbox.request(
        "PUT", f"{API}/customers/{customer_id}", {"city": "Seattle", "last_name": "Kellerman"}
    )
    assert status == 200

    typed = {**values, "phone": "(202) 555-0143", "last_name": "Kelly"}
    response = reception_client.post(f"/customers/{customer_id}/edit/", typed)
    assert response.status_code == 409
    assert puts(sent) == []  # nothing was written
    html = response.content.decode()
    assert "Someone else changed this customer while you were editing" in html
    panel = html[html.index('id="conflict-panel"') :]
    assert 'data-conflict-field="city"' in panel
    assert 'data-conflict-field="last_name"' in panel
    assert 'data-conflict-field="phone"' not in panel  # only they or only you: no conflict
    last = panel[panel.index('data-conflict-field="last_name"') :]
    assert "Kellerman" in last and "Kelly" in last and "Keller" in last

    after = row(live_sandbox, customer_id)
    assert (after["city"], after["last_name"], after["phone"]) == (
        "Seattle",
        "Kellerman",
        "+1 415 555 2671",
    )

    # The form now holds their city (untouched by us) and our own values.
    shown = form_values(html)
    assert shown["city"] == "Seattle"
    assert shown["last_name"] == "Kelly"
    assert shown["phone"] == "(202) 555-0143"
    assert shown["snapshot"] != values["snapshot"]

    # "Keep my values and save": only our changes are sent; their city stays.
    saved = reception_client.post(f"/customers/{customer_id}/edit/", {**shown, "resolve": "mine"})
    assert saved.status_code == 302
    assert puts(sent) == [{"last_name": "Kelly", "phone": "+12025550143"}]
    after = row(live_sandbox, customer_id)
    assert (after["city"], after["last_name"], after["phone"]) == (
        "Seattle",
        "Kelly",
        "+12025550143",
    )


def test_take_theirs_reloads_the_current_values(live_sandbox, reception_client):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    live_sandbox.request("PUT", f"{API}/customers/{customer_id}", {"notes": "Changed elsewhere."})
    response = reception_client.post(
        f"/customers/{customer_id}/edit/", {**values, "notes": "Mine."}
    )
    assert response.status_code == 409
    assert f'href="/customers/{customer_id}/edit/">Discard my changes' in response.content.decode()
    reloaded = open_form(reception_client, customer_id)
    assert reloaded["notes"] == "Changed elsewhere."


def test_a_forged_snapshot_writes_nothing(live_sandbox, reception_client, sent):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    response = reception_client.post(
        f"/customers/{customer_id}/edit/",
        {**values, "snapshot": values["snapshot"][:-3] + "abc", "city": "Hood River"},
    )
    assert response.status_code == 409
    assert "Nothing was saved" in response.content.decode()
    assert form_values(response.content)["city"] == "Hood River"
    assert puts(sent) == []


# --- blocking --------------------------------------------------------------------------------


def test_a_receptionist_cannot_block(live_sandbox, reception_client, receptionist, sent):
    customer_id = make_customer(live_sandbox)
    values = open_form(reception_client, customer_id)
    response = reception_client.post(
        f"/customers/{customer_id}/edit/", {**values, "status": "blocked", "confirm_block": "on"}
    )
    assert response.status_code == 200
    assert field_errors(response.content, "status") == [
        "Only a manager can block or unblock a customer."
    ]
    assert puts(sent) == []
    assert row(live_sandbox, customer_id)["status"] == "active"

    # The service refuses too, and records the refused attempt.
    with pytest.raises(PermissionDenied):
        customer_update(
            user=receptionist,
            customer_id=customer_id,
            original={"status": "active"},
            changes={"status": "blocked"},
        )
    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.action == AuditEntry.Action.CUSTOMER_STATUS
    assert entry.result == AuditEntry.Result.FAILED
    assert row(live_sandbox, customer_id)["status"] == "active"


def test_a_manager_blocks_after_confirming(live_sandbox, manager_browser, manager, sent):
    customer_id = make_customer(live_sandbox)
    values = open_form(manager_browser, customer_id)

    unconfirmed = manager_browser.post(
        f"/customers/{customer_id}/edit/", {**values, "status": "blocked"}
    )
    assert unconfirmed.status_code == 200
    assert "Tick this box" in " ".join(field_errors(unconfirmed.content, "confirm_block"))
    assert form_values(unconfirmed.content)["status"] == "blocked"
    assert puts(sent) == []

    confirmed = manager_browser.post(
        f"/customers/{customer_id}/edit/",
        {**values, "status": "blocked", "confirm_block": "on", "city": "Astoria"},
    )
    assert confirmed.status_code == 302
    assert puts(sent) == [{"status": "blocked", "city": "Astoria"}]
    assert row(live_sandbox, customer_id)["status"] == "blocked"
    entries = {e.action: e for e in AuditEntry.objects.filter(customer_id=customer_id)}
    assert entries[AuditEntry.Action.CUSTOMER_STATUS].changes == {
        "status": {"before": "active", "after": "blocked"}
    }
    assert entries[AuditEntry.Action.CUSTOMER_STATUS].user == manager
    assert entries[AuditEntry.Action.CUSTOMER_UPDATE].changes == {
        "city": {"before": "Portland", "after": "Astoria"}
    }


def test_a_sensitive_change_stays_out_of_a_receptionists_sight(
    live_sandbox, manager_browser, reception_client
):
    customer_id = make_customer(live_sandbox)
    values = open_form(manager_browser, customer_id)
    saved = manager_browser.post(
        f"/customers/{customer_id}/edit/",
        {**values, "custom_medical_notes": "Pacemaker fitted", "city": "Bend"},
    )
    assert saved.status_code == 302
    assert row(live_sandbox, customer_id)["custom_fields"]["medical_notes"] == "Pacemaker fitted"
    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.changes["custom_fields.medical_notes"] == {
        "before": "Allergic to latex",
        "after": "Pacemaker fitted",
    }
    # The receptionist's profile (and its history) shows neither value.
    html = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert "Bend" in html
    assert "Pacemaker" not in html and "Allergic" not in html
    assert "Pacemaker" in manager_browser.get(f"/customers/{customer_id}/").content.decode()


def test_a_receptionist_cannot_unblock(live_sandbox, reception_client, sent):
    customer_id = make_customer(live_sandbox, status="inactive")
    live_sandbox.request("PUT", f"{API}/customers/{customer_id}", {"status": "blocked"})
    response = reception_client.get(f"/customers/{customer_id}/edit/")
    html = response.content.decode()
    assert "Blocked: this customer cannot book." in html
    reader = read_form(html)
    assert "status" in reader.disabled
    values = form_values(html)
    # Even a hand-made request cannot change the status.
    saved = reception_client.post(
        f"/customers/{customer_id}/edit/", {**values, "status": "active", "city": "Bend"}
    )
    assert saved.status_code == 302
    assert puts(sent) == [{"city": "Bend"}]
    assert row(live_sandbox, customer_id)["status"] == "blocked"
