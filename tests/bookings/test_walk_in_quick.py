"""A walk-in with a first name only, or none: a LatePoint guest ("Walk-in" as the last name),
or the one shared "Walk-in Guest"; the agent free now or a later time; LatePoint's refusals on
their fields; the no-JavaScript steps; an unknown outcome said as such. The sandbox's clock
and the walk-in's are both 09:00 today (`morning`, `at_nine`)."""

from __future__ import annotations

import re
import time
import warnings
from datetime import timedelta

from django.core.cache.backends.base import CacheKeyWarning

from bookings.models import CheckIn
from frontoffice.models import WalkInGuest
from tests.booking_slots import site_today
from tests.bookings.conftest import server_timing_calls
from tests.bookings.test_walk_in_booking import _todays, at_nine, morning  # noqa: F401

API = "/wp-json/latepoint-api/v1"


def _customers_named(sandbox, first: str, last: str) -> list[dict]:
    with sandbox.db() as conn:
        return [
            dict(row)
            for row in conn.execute(
                "SELECT id, first_name, last_name, email, is_guest FROM sandbox_customer "
                "WHERE first_name = ? AND last_name = ? ORDER BY id",
                (first, last),
            )
        ]


def _now_slot(client, query: str = "service=1") -> str:
    html = client.get(f"/bookings/walk-in/?{query}").content.decode()
    found = re.findall(r'name="slot" id="[^"]+" value="(\d+@\d\d:\d\d)" checked>', html)
    assert found, "no time offered as now"
    return found[0]


def _first_offered(client) -> str:
    html = client.get("/bookings/walk-in/?service=1").content.decode()
    return re.findall(r'name="slot" id="[^"]+" value="(\d+@\d\d:\d\d)"', html)[0]


def test_a_first_name_only_is_a_guest_booked_now_checked_in_and_on_today(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    slot = _now_slot(reception_client)

    response = reception_client.post(
        "/bookings/walk-in/",
        {"first_name": "Zelda", "service": 1, "slot": slot, "submit_token": "z" * 20},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [guest] = [c for c in _customers_named(live_sandbox, "Zelda", "Walk-in")][-1:]
    assert (guest["email"], guest["is_guest"]) == ("", 1)
    [booked] = _todays(live_sandbox, guest["id"])
    morning.append(booked["id"])
    assert (booked["start_time"], str(booked["agent_id"])) == (slot[-5:], slot.split("@")[0])
    assert CheckIn.objects.filter(booking_id=booked["id"]).exists()
    today = reception_client.get("/").content.decode()
    assert "Zelda Walk-in" in today


def test_no_name_books_the_one_shared_walk_in_guest_created_once(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    made = []
    for token in ("a" * 20, "b" * 20):
        slot = _first_offered(reception_client)
        response = reception_client.post(
            "/bookings/walk-in/", {"service": 1, "slot": slot, "submit_token": token}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        made.append(int(response["Location"].strip("/").split("/")[-1]))
    morning.extend(made)

    [shared] = _customers_named(live_sandbox, "Walk-in", "Guest")
    assert shared["is_guest"] == 1
    assert WalkInGuest.objects.get().customer_id == shared["id"]
    assert {b["id"] for b in _todays(live_sandbox, shared["id"])} >= set(made)


def test_a_chosen_agent_shows_now_or_their_next_times(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    _, body = live_sandbox.request(
        "GET", f"{API}/availability?service_id=1&agent_id=2&date={site_today()}"
    )
    starts = [s["start_time"] for s in body["data"]["available_slots"]]
    html = reception_client.get("/bookings/walk-in/?service=1&agent=2").content.decode()

    offered = re.findall(r'name="slot" id="[^"]+" value="(\d+)@(\d\d:\d\d)"', html)
    assert offered and {agent for agent, _ in offered} == {"2"}
    assert [t for _, t in offered] == starts[: len(offered)]
    soon = (at_nine + timedelta(minutes=15)).strftime("%H:%M")
    if starts and starts[0] <= soon:
        assert "Now (" in html
    else:
        assert "Nobody is free now with this agent" in html


def test_a_name_latepoint_refuses_is_marked_with_its_words_and_nothing_is_booked(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    name = "\u0928\u092e\u0938\u094d\u0924\u0947"  # letters and vowel signs: LatePoint refuses
    with live_sandbox.db() as conn:
        before = conn.execute("SELECT COUNT(*) FROM sandbox_booking").fetchone()[0]

    response = reception_client.post(
        "/bookings/walk-in/",
        {"first_name": name, "service": 1, "slot": "1@09:00", "submit_token": "r" * 20},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p class="errorlist" id="walk-in-first_name-error">First name may contain only '
        "letters, spaces, hyphens and apostrophes</p>"
    ) in html
    assert "Invalid input data" not in html
    assert f'value="{name}"' in html
    with live_sandbox.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM sandbox_booking").fetchone()[0] == before


def test_without_javascript_the_times_step_is_a_post_that_keeps_what_was_typed(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    page = reception_client.get("/bookings/walk-in/").content.decode()
    assert 'formmethod="get"' not in page
    assert '<button type="submit" name="step" value="times"' in page

    response = reception_client.post(
        "/bookings/walk-in/", {"first_name": "Nadia", "service": 1, "step": "times"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nadia"' in html
    assert re.search(r"Now \([^)]+\) with ", html)
    assert _customers_named(live_sandbox, "Nadia", "Walk-in") == []


def test_a_lost_answer_whose_booking_cannot_be_read_back_is_said_unknown(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    slot = _now_slot(reception_client)
    live_sandbox.set_faults(write_then_fail=500, down_after_write=True)

    response = reception_client.post(
        "/bookings/walk-in/",
        {"first_name": "Ulla", "service": 1, "slot": slot, "submit_token": "u" * 20},
    )

    live_sandbox.reset_faults()
    html = response.content.decode()
    assert response.status_code != 302
    assert "may or may not have gone through" in html or "cannot tell whether" in html
    for guest in _customers_named(live_sandbox, "Ulla", "Walk-in"):
        morning.extend(b["id"] for b in _todays(live_sandbox, guest["id"]))


def test_a_new_guest_whose_time_was_taken_stays_chosen_and_is_never_created_twice(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    slot = _now_slot(reception_client)
    taken = reception_client.post(
        "/bookings/walk-in/", {"first_name": "Tomas", "service": 1, "slot": slot}
    )
    assert taken.status_code == 302
    morning.append(int(taken["Location"].strip("/").split("/")[-1]))

    response = reception_client.post(
        "/bookings/walk-in/",
        {"first_name": "Tessa", "service": 1, "slot": slot, "submit_token": "t" * 20},
    )

    html = response.content.decode()
    assert response.status_code == 409
    [tessa] = _customers_named(live_sandbox, "Tessa", "Walk-in")[-1:]
    assert "Tessa Walk-in is now a guest customer in LatePoint." in html
    assert "was taken meanwhile" in html
    assert f'<input type="hidden" name="customer" value="{tessa["id"]}">' in html
    assert _todays(live_sandbox, tessa["id"]) == []


def test_the_shared_guest_who_was_there_already_is_not_said_new_when_the_time_was_taken(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    slot = _now_slot(reception_client)
    taken = reception_client.post("/bookings/walk-in/", {"service": 1, "slot": slot})
    assert taken.status_code == 302
    morning.append(int(taken["Location"].strip("/").split("/")[-1]))

    response = reception_client.post(
        "/bookings/walk-in/", {"service": 1, "slot": slot, "submit_token": "s" * 20}
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "was taken meanwhile" in html
    assert "Walk-in Guest" in html
    assert "is now a guest customer" not in html


def test_the_times_cost_one_availability_call_an_agent_and_none_again_at_once(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    started = time.time()
    first = reception_client.get("/bookings/walk-in/?service=3")
    sent = [path for _, _method, path, _ in live_sandbox.requests_since(started)]
    again = reception_client.get("/bookings/walk-in/?service=3")
    one = reception_client.get("/bookings/walk-in/?service=3&agent=2")

    _, agents = live_sandbox.request("GET", f"{API}/agents?per_page=100")
    assert first.status_code == 200
    assert len([p for p in sent if p.endswith("/availability")]) == len(agents["data"])
    assert server_timing_calls(again) == 0
    assert server_timing_calls(one) == 0  # that agent's answer is already kept


def test_any_name_makes_a_lock_key_every_cache_backend_accepts(
    live_sandbox,
    reception_client,
    morning,  # noqa: F811
    at_nine,  # noqa: F811
):
    slot = _now_slot(reception_client)

    with warnings.catch_warnings():
        # A key with spaces or control characters breaks memcached: Django warns of it.
        warnings.simplefilter("error", CacheKeyWarning)
        response = reception_client.post(
            "/bookings/walk-in/",
            {
                "first_name": "Émile",
                "last_name": "De la Peña",
                "service": 1,
                "slot": slot,
                "submit_token": "k" * 20,
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    [guest] = _customers_named(live_sandbox, "Émile", "De la Peña")
    morning.extend(b["id"] for b in _todays(live_sandbox, guest["id"]))
    assert guest["is_guest"] == 1
