"""What a customer save says in its less common outcomes: the record busy, LatePoint already
holding the values, the customer deleted meanwhile, a create found after a lost answer, a
partial save, LatePoint's field errors, and a save applied just before LatePoint went down."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from audit.models import AuditEntry
from customers.services import WriteCheck, save_failure
from latepoint.errors import ServerError
from tests.customers.form_html import form_values
from tests.customers.test_create import count_customers
from tests.customers.test_edit import API, make_customer, open_form, puts
from tests.customers.test_write_safety import new_form

pytestmark = pytest.mark.django_db


def test_a_save_while_another_holds_the_record_changes_nothing_and_keeps_the_input(
    reception_client, live_sandbox, settings, sent
):
    settings.LATEPOINT_DEADLINE = 1
    customer_id = make_customer(live_sandbox)
    values = {**open_form(reception_client, customer_id), "city": "Bend"}
    caches["state"].set(f"frontoffice:lock:customer:{customer_id}", "someone", 30)
    response = reception_client.post(f"/customers/{customer_id}/edit/", values)
    assert response.status_code == 409, response.status_code
    html = response.content.decode()
    assert "Someone else is saving this record right now" in html
    assert form_values(html)["city"] == "Bend"
    assert puts(sent) == []
    caches["state"].delete(f"frontoffice:lock:customer:{customer_id}")
    again = reception_client.post(f"/customers/{customer_id}/edit/", values)
    assert again.status_code == 302


def test_a_save_latepoint_already_holds_sends_nothing(reception_client, live_sandbox, sent):
    customer_id = make_customer(live_sandbox)
    values = {**open_form(reception_client, customer_id), "city": "Eugene"}
    live_sandbox.request("PUT", f"{API}/customers/{customer_id}", {"city": "Eugene"})
    sent.clear()
    response = reception_client.post(f"/customers/{customer_id}/edit/", values, follow=True)
    assert "Customer saved: LatePoint already has these values." in response.content.decode()
    assert puts(sent) == []
    assert not AuditEntry.objects.filter(customer_id=customer_id).exists()


def test_a_customer_deleted_meanwhile_is_a_404_and_the_form_can_be_sent_again(
    reception_client, live_sandbox
):
    customer_id = make_customer(live_sandbox)
    values = {**open_form(reception_client, customer_id), "city": "Eugene"}
    status, body = live_sandbox.request("DELETE", f"{API}/customers/{customer_id}")
    assert status == 200, body
    response = reception_client.post(f"/customers/{customer_id}/edit/", values)
    assert response.status_code == 404
    # token released: another post of the same form is a 404 again, not "already sent"
    assert reception_client.post(f"/customers/{customer_id}/edit/", values).status_code == 404


def test_a_create_whose_answer_was_unreadable_is_found_when_sent_again(
    reception_client, live_sandbox
):
    values = new_form(reception_client)
    live_sandbox.set_faults(malformed_rate=1)
    first = reception_client.post("/customers/new/", values)
    live_sandbox.reset_faults()
    assert first.status_code == 502
    assert count_customers(live_sandbox, values["email"]) == 1
    again = reception_client.post("/customers/new/", values)
    assert again.status_code == 302
    page = reception_client.get(again["Location"]).content.decode()
    assert "was created by your earlier save." in page
    assert count_customers(live_sandbox, values["email"]) == 1


def test_a_partly_applied_save_names_what_was_and_was_not_saved():
    exc = ServerError(status=500)
    outcome = save_failure(
        exc,
        creating=False,
        check=WriteCheck(True, saved=("city",), not_saved=("address", "custom_referral_source")),
    )
    assert outcome.unknown and outcome.status == 502
    assert outcome.message == (
        "LatePoint failed while saving. Reading the customer back shows that only some changes "
        "were saved (City); these were not: Street address, Referral source. Save again to finish."
    )
    none = save_failure(exc, creating=False, check=WriteCheck(True, not_saved=("city",)))
    assert not none.unknown and not none.done


def test_latepoint_field_errors_land_on_their_field_or_above_the_form(reception_client):
    from customers.forms import CustomerForm
    from customers.save_errors import show_outcome
    from latepoint.errors import InvalidRequest

    form = CustomerForm({})
    form.is_valid()
    outcome = save_failure(
        InvalidRequest(status=400, message="bad", field_errors={"snapshot": "x", "nope": "y"}),
        creating=True,
    )
    show_outcome(form, outcome)
    assert "LatePoint did not accept the data: bad" in form.non_field_errors()
    form = CustomerForm({})
    form.is_valid()
    outcome = save_failure(
        InvalidRequest(status=400, message="bad", field_errors={"customer.postal_code": "wrong"}),
        creating=True,
    )
    show_outcome(form, outcome)
    assert form.errors["zipcode"][-1] == "wrong"
    assert not form.non_field_errors()


def test_an_edit_applied_just_before_latepoint_went_down_is_unknown_then_found(
    reception_client, live_sandbox
):
    customer_id = make_customer(live_sandbox)
    values = {**open_form(reception_client, customer_id), "city": "Salem"}
    live_sandbox.set_faults(write_then_fail=503, down_after_write=True)
    response = reception_client.post(f"/customers/{customer_id}/edit/", values)
    live_sandbox.reset_faults()
    html = response.content.decode()
    assert response.status_code == 503
    assert (
        "LatePoint failed while saving and could not be asked again, so the save may or may not "
        "have gone through: open the customer&#x27;s profile to check before saving again." in html
    )
    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.result == AuditEntry.Result.FAILED and "could not be read back" in entry.error
    again = reception_client.post(f"/customers/{customer_id}/edit/", form_values(html), follow=True)
    assert "Customer saved: LatePoint already has these values." in again.content.decode()
