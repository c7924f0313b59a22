"""Risk badges drawn with the Today board, the calendar, its side panel and the booking page,
from the local booking history: no call for risk, no badge request of their own."""

from __future__ import annotations

import math
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from frontoffice.risk import assess_risk
from history.models import BookingRecord
from history.services import whole_history_covered
from latepoint.client import LatePointClient
from tests.bookings.conftest import business_today, server_timing_calls
from tests.bookings.test_today_board import todays_rows
from tests.conftest import sync_history
from upstream.gateway import api

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REFRESH = {**HTMX, "HTTP_HX_TARGET": "today-board"}
PANEL = {**HTMX, "HTTP_HX_TARGET": "booking-panel"}
#: A risk level as the profile words it.
RISK = re.compile(
    r'class="chip chip-(?:new|low|medium|high)">(New customer|(?:Low|Medium|High) risk)<'
)
NOT_KNOWN = "Risk not known yet"


@pytest.fixture
def synced(live_sandbox):
    """The history holds every booking LatePoint has; nothing else is cached."""
    sync_history(live_sandbox)
    assert whole_history_covered()
    cache.clear()
    return live_sandbox


def warm_reference() -> None:
    """The agents and locations of the board's filters (cached for a long time)."""
    api().list_agents()
    api().list_locations()


def row_html(html: str, booking_id: int) -> str:
    return re.search(rf'<tr id="today-row-{booking_id}".*?</tr>', html, re.S).group(0)


def block_html(html: str, booking_id: int) -> str:
    return re.search(rf'<a id="cal-booking-{booking_id}".*?</a>', html, re.S).group(0)


def risk_of(fragment: str) -> str | None:
    found = RISK.search(fragment)
    return found.group(1) if found else None


def latepoint_risk(customer_ids) -> dict[int, str]:
    """What the badge said when it was read from LatePoint: the profile's rule on LatePoint's
    own stats of each customer (read here straight from the sandbox, outside the budget)."""
    client = LatePointClient(
        base_url=settings.LATEPOINT_API_URL,
        api_key=settings.LATEPOINT_API_KEY,
        site_timezone=settings.TIME_ZONE,
    )
    today = timezone.localdate()
    return {
        cid: assess_risk(customer.stats, today=today, customer=customer).label
        for cid in customer_ids
        for customer in [client.get_customer(cid, include=("stats",))]
    }


def test_the_board_draws_every_badge_from_the_history_with_no_call(synced, reception_client):
    rows = todays_rows(synced)
    warm_reference()
    pages = max(math.ceil(len(rows) / 100), 1)

    response = reception_client.get("/")

    # Today's listing only: no call for any customer's risk.
    assert server_timing_calls(response) == pages
    html = response.content.decode()
    assert "/bookings/badge/" not in html
    expected = latepoint_risk({row["customer_id"] for row in rows})
    for row in rows:
        cells = row_html(html, row["id"])
        assert risk_of(cells) == expected[row["customer_id"]], row["id"]
        assert NOT_KNOWN not in cells
        assert "hx-get" not in re.search(r'<span class="row-badge".*?</td>', cells, re.S).group(0)
    # The refresh every 45 s draws them again, still without a call.
    refreshed = reception_client.get("/", **REFRESH)
    assert server_timing_calls(refreshed) == 0
    again = refreshed.content.decode()
    assert [risk_of(row_html(again, row["id"])) for row in rows] == [
        expected[row["customer_id"]] for row in rows
    ]


def test_the_calendar_and_its_panel_draw_the_badges_with_no_call(
    synced, reception_client, take_booking
):
    booking_id = take_booking("approved", "today")
    rows = todays_rows(synced)
    reception_client.get("/")  # the day's listing and reference lists, as the desk has them

    calendar = reception_client.get("/calendar/")
    panel = reception_client.get(f"/bookings/{booking_id}/?day={business_today()}", **PANEL)

    assert server_timing_calls(calendar) == 0
    assert server_timing_calls(panel) == 0
    grid = calendar.content.decode()
    assert "/bookings/badge/" not in grid
    for row in rows:
        if row["status"] != "cancelled":
            assert risk_of(block_html(grid, row["id"])), row["id"]
    assert risk_of(panel.content.decode())
    assert "/bookings/badge/" not in panel.content.decode()


def test_a_customer_the_history_does_not_hold_yet(synced, reception_client):
    rows = [row for row in todays_rows(synced) if row["customer_id"]]
    missing = rows[0]["customer_id"]
    copied = list(BookingRecord.objects.filter(customer_id=missing))
    BookingRecord.objects.filter(customer_id=missing).delete()  # not copied yet

    html = reception_client.get("/").content.decode()

    for row in rows:
        cells = row_html(html, row["id"])
        if row["customer_id"] == missing:
            assert NOT_KNOWN in cells and risk_of(cells) is None, row["id"]
            assert "hx-trigger" not in re.search(r'<span class="row-badge".*?</span>', cells).group(
                0
            )
        else:
            assert risk_of(cells), row["id"]
    # Once the sync has copied their bookings, the board's next refresh fills it in.
    BookingRecord.objects.bulk_create(copied)
    refreshed = reception_client.get("/", **REFRESH).content.decode()
    for row in rows:
        assert risk_of(row_html(refreshed, row["id"])), row["id"]


def test_no_badge_is_known_before_the_history_holds_every_booking(live_sandbox, reception_client):
    rows = todays_rows(live_sandbox)
    warm_reference()

    response = reception_client.get("/")

    assert server_timing_calls(response) == max(math.ceil(len(rows) / 100), 1)
    html = response.content.decode()
    for row in rows:
        cells = row_html(html, row["id"])
        assert NOT_KNOWN in cells and risk_of(cells) is None, row["id"]
    assert "/bookings/badge/" not in html
    # A calendar block is short of room: it says nothing until the risk is known.
    grid = reception_client.get("/calendar/").content.decode()
    assert NOT_KNOWN not in grid


def test_many_no_shows_in_the_history_say_high_risk(synced, reception_client, take_booking):
    booking_id = take_booking("approved", "today")
    with synced.db() as conn:
        customer_id = conn.execute(
            "SELECT customer_id FROM sandbox_booking WHERE id = ?", (booking_id,)
        ).fetchone()[0]
    today = timezone.localdate()
    now = timezone.now()
    # No-shows LatePoint's stats do not have: only the history can make this customer high risk.
    BookingRecord.objects.bulk_create(
        BookingRecord(
            id=2_000_000_000 + n,
            status="no_show",
            start_date=today - timedelta(days=7 * n),
            start=now - timedelta(days=7 * n),
            customer_id=customer_id,
            synced_at=now,
        )
        for n in range(1, 31)
    )

    board = reception_client.get("/").content.decode()
    page = reception_client.get(f"/bookings/{booking_id}/").content.decode()

    assert risk_of(row_html(board, booking_id)) == "High risk"
    assert risk_of(page) == "High risk"
    assert re.search(r"High no-show rate \(\d+\.\d%\)", page)


def test_the_booking_page_warns_about_a_blocked_customer(synced, reception_client):
    with synced.db() as conn:
        blocked = conn.execute(
            "SELECT b.id, b.customer_id FROM sandbox_booking b JOIN sandbox_customer c "
            "ON c.id = b.customer_id WHERE c.status = 'blocked' ORDER BY b.id LIMIT 1"
        ).fetchone()
        calm = conn.execute(
            "SELECT b.id FROM sandbox_booking b JOIN sandbox_customer c "
            "ON c.id = b.customer_id WHERE c.status = 'active' ORDER BY b.id LIMIT 1"
        ).fetchone()
    expected = latepoint_risk([blocked["customer_id"]])[blocked["customer_id"]]

    page = reception_client.get(f"/bookings/{blocked['id']}/").content.decode()
    other = reception_client.get(f"/bookings/{calm['id']}/").content.decode()

    assert "is blocked in LatePoint and cannot make bookings" in page
    assert "Customer blocked - cannot make bookings" in page
    assert risk_of(page) == expected
    assert "/bookings/badge/" not in page
    assert "is blocked in LatePoint" not in other
    assert risk_of(other)


def test_the_booking_page_says_when_the_customers_status_could_not_be_read(
    live_sandbox, reception_client, take_booking
):
    booking_id = take_booking("approved")
    api().get_booking(booking_id)  # the booking is at hand; the customer's summary is not
    live_sandbox.set_faults(unavailable=True)

    response = reception_client.get(f"/bookings/{booking_id}/")

    live_sandbox.reset_faults()
    page = response.content.decode()
    assert response.status_code == 200
    assert "Whether this customer is blocked could not be checked" in page
    assert NOT_KNOWN in page  # the history holds nothing yet
