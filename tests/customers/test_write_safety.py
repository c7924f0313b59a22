"""Writes that never lose or double anything: each form sent once, and after a lost answer the
page says what LatePoint really has. Against the sandbox's write faults."""

from __future__ import annotations

import threading

import pytest
from django.test import Client

from audit.models import AuditEntry
from tests.customers.form_html import form_values
from tests.customers.test_create import count_customers, new_values
from tests.customers.test_edit import make_customer, open_form, row


def new_form(client) -> dict[str, str]:
    """The create form's values as shown (its one-time token included) plus a new customer."""
    shown = form_values(client.get("/customers/new/").content)
    assert shown["submit_token"]
    return {**shown, **new_values()}


# --- submit once -------------------------------------------------------------------------------


def test_every_form_carries_its_own_one_time_token(reception_client, live_sandbox):
    first = form_values(reception_client.get("/customers/new/").content)["submit_token"]
    second = form_values(reception_client.get("/customers/new/").content)["submit_token"]
    customer_id = make_customer(live_sandbox)
    edit = open_form(reception_client, customer_id)["submit_token"]
    assert len({first, second, edit}) == 3
    assert all(len(token) >= 16 for token in (first, second, edit))


def test_a_create_form_sent_twice_creates_one_customer(reception_client, live_sandbox):
    values = new_form(reception_client)
    first = reception_client.post("/customers/new/", values)
    again = reception_client.post("/customers/new/", values)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert count_customers(live_sandbox, values["email"]) == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CUSTOMER_CREATE).count() == 1
    landed = reception_client.get(again["Location"]).content.decode()
    assert "This form was already sent." in landed


def test_an_edit_form_sent_twice_writes_once(reception_client, live_sandbox, sent):
    customer_id = make_customer(live_sandbox)
    values = {**open_form(reception_client, customer_id), "city": "Eugene"}
    first = reception_client.post(f"/customers/{customer_id}/edit/", values)
    again = reception_client.post(f"/customers/{customer_id}/edit/", values)
    assert first.status_code == again.status_code == 302
    assert len([body for method, _path, body in sent if method == "PUT"]) == 1
    assert row(live_sandbox, customer_id)["city"] == "Eugene"


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_submits_of_one_create_form_make_one_customer(receptionist, live_sandbox):
    desk = Client()
    desk.force_login(receptionist)
    values = new_form(desk)
    live_sandbox.set_faults(latency_ms=300)  # the first is still saving when the rest arrive
    answers = []

    def submit():
        browser = Client()
        browser.cookies = desk.cookies
        answers.append(browser.post("/customers/new/", values))

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert count_customers(live_sandbox, values["email"]) == 1
    assert [answer.status_code for answer in answers] == [302] * 10
    assert len({answer["Location"] for answer in answers}) == 1


# --- after a lost answer -----------------------------------------------------------------------


def test_an_edit_applied_then_answered_503_is_reported_as_saved(reception_client, live_sandbox):
    customer_id = make_customer(live_sandbox)
    values = {**open_form(reception_client, customer_id), "city": "Salem", "notes": "New flat."}
    live_sandbox.set_faults(write_then_fail=503)
    response = reception_client.post(f"/customers/{customer_id}/edit/", values)
    live_sandbox.reset_faults()

    assert response.status_code == 302
    page = reception_client.get(response["Location"]).content.decode()
    assert "Customer saved." in page
    assert "reading the customer back shows your changes" in page
    assert row(live_sandbox, customer_id)["city"] == "Salem"
    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.result == AuditEntry.Result.OK
    assert "confirmed by reading it back" in entry.summary


def test_a_create_applied_then_answered_503_lands_on_the_customer(reception_client, live_sandbox):
    values = new_form(reception_client)
    live_sandbox.set_faults(write_then_fail=503)
    response = reception_client.post("/customers/new/", values)
    live_sandbox.reset_faults()

    assert response.status_code == 302
    assert count_customers(live_sandbox, values["email"]) == 1
    page = reception_client.get(response["Location"]).content.decode()
    assert "reading it back shows the customer" in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CUSTOMER_CREATE)
    assert entry.result == AuditEntry.Result.OK
    assert "confirmed by reading it back" in entry.summary


def test_an_edit_that_did_not_reach_latepoint_says_not_saved_and_keeps_everything(
    reception_client, live_sandbox
):
    customer_id = make_customer(live_sandbox)
    values = {**open_form(reception_client, customer_id), "city": "Bend", "phone": "5415550100"}
    live_sandbox.set_faults(write_error=503)
    response = reception_client.post(f"/customers/{customer_id}/edit/", values)
    live_sandbox.reset_faults()

    html = response.content.decode()
    assert response.status_code == 503
    assert "Reading the customer back shows none of your changes: nothing was saved." in html
    shown = form_values(html)
    assert shown["city"] == "Bend" and shown["phone"] == "5415550100"
    assert row(live_sandbox, customer_id)["city"] == "Portland"
    entry = AuditEntry.objects.get(customer_id=customer_id)
    assert entry.result == AuditEntry.Result.FAILED
    assert "reading it back showed no change" in entry.error

    # The same form can be sent again, and then it saves.
    again = reception_client.post(f"/customers/{customer_id}/edit/", shown)
    assert again.status_code == 302
    assert row(live_sandbox, customer_id)["city"] == "Bend"


def test_a_create_that_did_not_reach_latepoint_says_not_created(reception_client, live_sandbox):
    values = new_form(reception_client)
    live_sandbox.set_faults(write_error=502)
    response = reception_client.post("/customers/new/", values)
    live_sandbox.reset_faults()

    html = response.content.decode()
    assert "shows no customer with this email: the customer was not created" in html
    assert form_values(html)["email"] == values["email"]
    assert count_customers(live_sandbox, values["email"]) == 0
    again = reception_client.post("/customers/new/", form_values(html))
    assert again.status_code == 302
    assert count_customers(live_sandbox, values["email"]) == 1
