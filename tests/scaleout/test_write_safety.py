"""Writes through several processes never lose or double anything: of two saves of one
customer sent at once through two processes, one lands and the other shows the conflict; one
create form sent ten times at once through both makes one customer."""

from __future__ import annotations

import random
import re
import threading

from tests.customers.form_html import form_values
from tests.customers.test_create import new_values
from tests.scaleout.conftest import sign_in
from tests.scaleout.test_shared_state import new_customer

PAIRS = 20


def _phone_of(sandbox, customer_id: int) -> str:
    with sandbox.db() as conn:
        found = conn.execute("SELECT phone FROM sandbox_customer WHERE id = ?", (customer_id,))
        return re.sub(r"\D", "", found.fetchone()["phone"])


def _at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        start.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_saves_of_one_customer_at_once_never_overwrite_silently(stack, sandbox):
    other_desk = sign_in(stack.b)
    outcomes = []
    try:
        for _ in range(PAIRS):
            # The customer and both desks' forms at full speed: only the saves need a slow
            # LatePoint (their check and write overlap), and each upstream call here would
            # otherwise wait the latency too.
            customer_id, _ = new_customer(sandbox)
            path = f"/customers/{customer_id}/edit/"
            mine = form_values(stack.get(stack.a, path).text)
            theirs = form_values(other_desk.get(stack.b.url + path, timeout=30).text)
            phones = [f"+1 503 555 {random.randint(1000, 9999)}" for _ in range(2)]
            mine.update(phone=phones[0], csrfmiddlewaretoken=stack.csrf_token())
            theirs.update(phone=phones[1], csrfmiddlewaretoken=other_desk.cookies["csrftoken"])

            sandbox.set_faults(latency_ms=60)  # each save's check and write take a moment
            first, second = _at_once(
                lambda path=path, data=mine: stack.post(stack.a, path, data, allow_redirects=False),
                lambda path=path, data=theirs: other_desk.post(
                    stack.b.url + path, data=data, allow_redirects=False, timeout=30
                ),
            )
            sandbox.reset_faults()
            codes = sorted([first.status_code, second.status_code])
            saved = phones[0] if first.status_code == 302 else phones[1]
            stored = _phone_of(sandbox, customer_id)
            conflict_page = first.text if first.status_code == 409 else second.text
            outcomes.append(
                (
                    codes,
                    stored == re.sub(r"\D", "", saved),
                    "Someone else changed this customer while you were editing" in conflict_page,
                )
            )
    finally:
        sandbox.reset_faults()
        other_desk.close()

    assert [codes for codes, _, _ in outcomes] == [[302, 409]] * PAIRS, outcomes
    # What LatePoint keeps is the save that was told "saved"; the other was shown the conflict.
    assert all(kept for _, kept, _ in outcomes), outcomes
    assert all(shown for _, _, shown in outcomes), outcomes


def test_one_create_form_sent_ten_times_through_two_processes_makes_one_customer(stack, sandbox):
    form = {**form_values(stack.get(stack.a, "/customers/new/").text), **new_values()}
    form["csrfmiddlewaretoken"] = stack.csrf_token()
    email = form["email"].lower()
    sandbox.set_faults(latency_ms=300)
    try:
        answers = _at_once(
            *(
                lambda front=front: stack.post(
                    front, "/customers/new/", form, allow_redirects=False
                )
                for front in [stack.a, stack.b] * 5
            )
        )
    finally:
        sandbox.reset_faults()

    with sandbox.db() as conn:
        made = conn.execute("SELECT id FROM sandbox_customer WHERE email = ?", (email,)).fetchall()
    assert len(made) == 1
    assert [answer.status_code for answer in answers] == [302] * 10
    assert {answer.headers["Location"] for answer in answers} == {f"/customers/{made[0]['id']}/"}
