"""The day's takings at /takings/: every payment of the day with its method, agent and amount,
the sums by method and agent, refunds, the net and the cash expected in the drawer, checked
against the sandbox's own database; who may see it; bad dates; what it costs LatePoint."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.html import escape

from history import sync
from tests.checkout.conftest import unpaid_booking
from tests.checkout.takings_helpers import (
    agent_of_booking,
    expected_day,
    make_payment,
    money_text,
    row_html,
    upstream_calls,
)

pytestmark = pytest.mark.django_db


def _sync_booking_week(sandbox, booking_id: int) -> None:
    """Have the booking history hold the booking (and so know its order and agent)."""
    with sandbox.db() as conn:
        day = date.fromisoformat(
            conn.execute(
                "SELECT start_date FROM sandbox_booking WHERE id = ?", (booking_id,)
            ).fetchone()["start_date"]
        )
    assert sync.sync_pass(within=(day, day)).complete


def _payment_gets(sandbox, since: float) -> list[str]:
    return [r[2] for r in sandbox.requests_since(since) if r[1] == "GET" and "/payments" in r[2]]


def assert_totals_match(response, expected) -> None:
    """The page's sums are the sandbox's, computed apart."""
    takings = response.context["takings"]
    html = response.content.decode()
    assert {line.id for line in takings.lines} == expected.ids
    assert {line.id for line in takings.not_counted} == expected.not_counted
    for tally in takings.by_method:
        taken = expected.taken.get(tally.key, 0)
        refunded = expected.refunded.get(tally.key, 0)
        assert (tally.taken, tally.refunded) == (taken, refunded), tally.key
        row = row_html(html, f"method-{tally.key}")
        assert money_text(taken) in row and money_text(refunded) in row
        assert money_text(taken - refunded) in row
    assert takings.total.net == expected.net
    assert takings.drawer == expected.drawer
    assert sum(t.net for t in takings.by_agent) == expected.net
    totals = re.search(r'id="takings-net".*?</div>', html, re.S).group(0)
    assert money_text(expected.net) in totals
    drawer = re.search(r'id="takings-drawer".*?</div>', html, re.S).group(0)
    assert money_text(expected.drawer) in drawer


def test_a_payment_made_today_is_listed_with_its_method_agent_and_amount(
    reception_client, live_sandbox
):
    visit = unpaid_booking(live_sandbox)
    _sync_booking_week(live_sandbox, visit.id)
    made = make_payment(live_sandbox, visit.order_id, "41.50", "cash")

    response = reception_client.get("/takings/", {"date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    row = row_html(html, f"payment-{made['id']}")
    assert "Cash" in row and "$41.50" in row and "Payment" in row
    assert escape(agent_of_booking(live_sandbox, visit.id)) in row  # as HTML writes it
    assert f'href="/bookings/{visit.id}/"' in row
    assert f'href="/customers/{visit.customer_id}/"' in row
    assert made["receipt_number"] in row
    assert_totals_match(response, expected_day(live_sandbox, timezone.localdate()))


def test_a_refund_shows_and_reduces_the_net(manager_client, live_sandbox):
    visit = unpaid_booking(live_sandbox)
    _sync_booking_week(live_sandbox, visit.id)
    paid = make_payment(live_sandbox, visit.order_id, "60.00", "credit_card")
    before = manager_client.get("/takings/").context["takings"].total.net
    refund = make_payment(live_sandbox, visit.order_id, "15.00", "credit_card", kind="refund")

    live_sandbox_cache_clear()
    response = manager_client.get("/takings/")
    html = response.content.decode()
    row = row_html(html, f"payment-{refund['id']}")
    assert 'class="is-refund"' in row and "Refund" in row and "\u2212$15.00" in row
    assert "Card" in row
    assert f"payment-{paid['id']}" in html
    takings = response.context["takings"]
    assert takings.total.net == before - 15
    card = next(t for t in takings.by_method if t.key == "card")
    assert card.refunded >= 15
    assert_totals_match(response, expected_day(live_sandbox, timezone.localdate()))


def live_sandbox_cache_clear() -> None:
    """Forget the cached copy of today's payments (another till wrote to LatePoint, not us)."""
    from django.core.cache import cache

    cache.clear()


def test_a_payment_whose_booking_is_not_known_goes_under_no_agent(reception_client, live_sandbox):
    visit = unpaid_booking(live_sandbox)  # its week is not in the booking history
    made = make_payment(live_sandbox, visit.order_id, "9.99", "other")
    response = reception_client.get("/takings/")
    row = row_html(response.content.decode(), f"payment-{made['id']}")
    assert "No agent" in row and "Other" in row and "$9.99" in row
    assert 'id="takings-no-agent"' in response.content.decode()
    assert response.context["takings"].no_agent >= 1


def test_a_past_day_from_the_seed_adds_up(reception_client, live_sandbox):
    day = timezone.localdate() - timedelta(days=3)
    response = reception_client.get("/takings/", {"date": day.isoformat()})
    expected = expected_day(live_sandbox, day)
    assert expected.ids, "the seed has payments every day"
    assert_totals_match(response, expected)
    lines = response.context["takings"].lines
    assert [line.when for line in lines] == sorted(line.when for line in lines)  # oldest first


def test_receptionists_and_managers_may_open_it_and_nobody_else(client, live_sandbox):
    signed_out = client.get("/takings/")
    assert signed_out.status_code == 302 and "/accounts/login/" in signed_out["Location"]
    nobody = User.objects.create_user("norole", password="x" * 20)
    client.force_login(nobody)
    assert client.get("/takings/").status_code == 403
    for username, role in (("rita", "Receptionist"), ("max", "Manager")):
        from tests.conftest import _make_user

        client.force_login(_make_user(username, role))
        response = client.get("/takings/")
        assert response.status_code == 200
        assert '<a href="/takings/" aria-current="page">Takings</a>' in response.content.decode()
        # Only a manager exports (the exports are the managers' screen).
        assert ('name="kind" value="takings"' in response.content.decode()) == (role == "Manager")


@pytest.mark.parametrize(
    "value", ["banana", "2026-13-45", "12/04/2026", "99999-01-01", "1900-01-01", "<script>"]
)
def test_a_bad_date_says_so_and_shows_today(reception_client, live_sandbox, value):
    response = reception_client.get("/takings/", {"date": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="takings-warning"' in html
    assert "so today is shown" in html
    assert response.context["takings"].day == timezone.localdate()
    assert "<script>" not in html.split('id="takings-warning"')[1][:300]


def test_the_day_moves_by_links_and_a_date_picker(reception_client, live_sandbox):
    today = timezone.localdate()
    day = today - timedelta(days=10)
    response = reception_client.get("/takings/", {"date": day.isoformat()})
    html = response.content.decode()
    assert f'href="/takings/?date={(day - timedelta(days=1)).isoformat()}"' in html
    assert f'href="/takings/?date={(day + timedelta(days=1)).isoformat()}"' in html
    assert f'<input type="date" id="takings-date" name="date" value="{day.isoformat()}"' in html
    assert "data-print" in html and "/static/js/takings.js" in html
    # Another day through htmx: only the takings region, with the page's title.
    fragment = reception_client.get(
        "/takings/", {"date": day.isoformat()}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="takings"
    ).content.decode()
    assert fragment.lstrip().startswith("<title>Takings") and "<nav" in fragment
    assert "<html" not in fragment


def test_an_empty_day_says_so(reception_client, live_sandbox):
    far = timezone.localdate() - timedelta(days=3000)
    html = reception_client.get("/takings/", {"date": far.isoformat()}).content.decode()
    assert 'id="takings-empty"' in html and "No payments or refunds on this day." in html
    ahead = timezone.localdate() + timedelta(days=5)
    html = reception_client.get("/takings/", {"date": ahead.isoformat()}).content.decode()
    assert "This day has not come yet" in html


def test_one_walk_of_the_days_payments_cold_and_none_warm(reception_client, live_sandbox):
    day = timezone.localdate() - timedelta(days=2)
    since = time.time()
    cold = reception_client.get("/takings/", {"date": day.isoformat()})
    assert 1 <= upstream_calls(cold) <= 2
    # One page of the day's payments (fewer than 500), exactly the day's, and no call per row.
    assert _payment_gets(live_sandbox, since) == ["/payments"]
    assert upstream_calls(cold) == len(live_sandbox.requests_since(since))
    assert_totals_match(cold, expected_day(live_sandbox, day))
    since = time.time()
    warm = reception_client.get("/takings/", {"date": day.isoformat()})
    assert upstream_calls(warm) == 0 and _payment_gets(live_sandbox, since) == []
    assert warm.context["takings"].total.net == cold.context["takings"].total.net


def test_a_payment_taken_at_the_desk_shows_at_once(reception_client, live_sandbox):
    """A payment written through the front office refreshes the day's cached payments."""
    visit = unpaid_booking(live_sandbox)
    reception_client.get("/takings/")  # today's payments now cached
    page = reception_client.get(f"/bookings/{visit.id}/").content.decode()
    token = re.search(
        r'id="take-payment-form".*?name="submit_token" value="([^"]+)"', page, re.S
    ).group(1)
    taken = reception_client.post(
        f"/bookings/{visit.id}/payments/",
        {"amount": "20.00", "method": "cash", "submit_token": token},
    )
    assert taken.status_code in (200, 302)
    with live_sandbox.db() as conn:
        (payment_id,) = conn.execute(
            "SELECT id FROM sandbox_payment WHERE order_id = ?", (visit.order_id,)
        ).fetchone()
    response = reception_client.get("/takings/")
    row = row_html(response.content.decode(), f"payment-{payment_id}")
    # The audit trail names its booking even though the history does not hold it yet.
    assert f'href="/bookings/{visit.id}/"' in row and "$20.00" in row and "Cash" in row


def test_names_from_latepoint_are_escaped(reception_client, live_sandbox):
    """Customer 4 of the seed is named "<script>alert(1)</script> <b>Bold</b> & Co"."""
    from tests.conftest import _taken

    with live_sandbox.db() as conn:
        booking = conn.execute(
            "SELECT id, order_id FROM sandbox_booking WHERE customer_id = 4 "
            "AND order_id IS NOT NULL ORDER BY start_date LIMIT 1"
        ).fetchone()
    _taken.add(booking["id"])
    _sync_booking_week(live_sandbox, booking["id"])
    made = make_payment(live_sandbox, booking["order_id"], "5.00", "cash")
    html = reception_client.get("/takings/").content.decode()
    row = row_html(html, f"payment-{made['id']}")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Bold&lt;/b&gt; &amp; Co" in row


def test_latepoint_down_gives_the_friendly_page_then_the_last_copy(reception_client, live_sandbox):
    day = timezone.localdate() - timedelta(days=5)
    live_sandbox.set_faults(unavailable=True)
    down = reception_client.get("/takings/", {"date": day.isoformat()})
    assert down.status_code == 503
    assert "LatePoint is unavailable" in down.content.decode()
    live_sandbox.reset_faults()
    good = reception_client.get("/takings/", {"date": day.isoformat()})
    assert good.status_code == 200
    # Down again: the copy read a moment ago is still shown (a past day is kept for hours).
    live_sandbox.set_faults(unavailable=True)
    again = reception_client.get("/takings/", {"date": day.isoformat()})
    assert again.status_code == 200
    assert again.context["takings"].total.net == good.context["takings"].total.net
