"""The documented GET /bookings/{id} example (seeds/004) rendered on the booking page."""

from __future__ import annotations

import copy
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

from bookings.views import detail_context
from latepoint import envelope, parsing
from tests.doc_payloads import SEED_004_BOOKING


def render_booking_page(payload: dict, user) -> str:
    booking = parsing.parse_booking(envelope.unwrap(payload), ZoneInfo(settings.TIME_ZONE))
    request = RequestFactory().get(f"/bookings/{booking.id}/")
    request.user = user
    return render_to_string("bookings/detail.html", detail_context(request, booking), request)


@pytest.fixture
def booking_html(receptionist) -> str:
    """The booking page's HTML (named so as not to shadow Playwright's `page` fixture)."""
    return render_booking_page(SEED_004_BOOKING, receptionist)


def test_the_documented_booking_is_shown_with_its_parties(booking_html):
    assert "EUHJVNH" in booking_html
    assert "Ana Lopez" in booking_html
    assert 'href="/customers/7/"' in booking_html
    assert "ana.lopez@email.com" in booking_html
    assert "+525559876543" in booking_html
    assert "Pao Campo" in booking_html
    assert "pao@pao.com" in booking_html
    assert "Main Location" in booking_html
    assert "test 1" in booking_html
    assert "60 min" in booking_html


def test_time_is_shown_in_the_bookings_zone_and_the_businesss(booking_html):
    # 16:00 in Montevideo (-03:00) is 14:00 in New York (EST, -05:00) on 17 November 2025.
    assert "Monday, November 17, 2025" in booking_html
    assert "<strong>16:00</strong>\u201317:00" in booking_html
    assert "Montevideo time" in booking_html
    assert "<strong>14:00</strong>\u201315:00" in booking_html
    assert "New York time" in booking_html
    assert "America/" not in booking_html  # the zone in words, not its code


def test_status_money_order_and_payment(booking_html):
    assert 'class="chip chip-pending">Pending<' in booking_html
    assert "SCLRA23J" in booking_html
    assert "$0.00" in booking_html  # the order's "$0" total and subtotal
    assert "Not paid" in booking_html
    assert "Not fulfilled" in booking_html
    assert "No transactions." in booking_html


def test_manage_links_are_offered(booking_html):
    assert (
        'href="http://latepoint-dev.local/wp-admin/admin-post.php?action=latepoint_route_call'
        "&amp;route_name=manage_booking_by_key__show&amp;key=3d09aa7219f4c883f6a3f78e7662c977a5dd"
    ) in booking_html
    assert "key=2009d8e53283cca27ccf1345b53ffa38d881" in booking_html


def test_pending_booking_offers_approve_and_cancel_only(booking_html):
    assert 'name="to_status" value="approved"' in booking_html
    assert "?to_status=cancelled" in booking_html
    assert 'value="completed"' not in booking_html
    assert 'value="no_show"' not in booking_html


def test_a_booking_on_another_day_cannot_be_checked_in(booking_html):
    assert "Check-in is open on the day of the booking only." in booking_html
    assert "/bookings/18/check-in/" not in booking_html


def test_only_http_links_become_links_and_upstream_text_is_escaped(receptionist):
    payload = copy.deepcopy(SEED_004_BOOKING)
    payload["data"]["manage_booking_for_agent"] = "javascript:alert(1)"
    payload["data"]["manage_booking_for_customer"] = "data:text/html,<b>x</b>"
    payload["data"]["customer"]["full_name"] = "<script>alert('x')</script>"
    payload["data"]["customer_comment"] = "<img src=x onerror=alert(1)>"
    booking_html = render_booking_page(payload, receptionist)
    assert "javascript:" not in booking_html
    assert "data:text/html" not in booking_html
    assert "LatePoint gave no manage links for this booking." in booking_html
    assert "<script>alert" not in booking_html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in booking_html
    assert "<img src=x" not in booking_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in booking_html
