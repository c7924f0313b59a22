"""The customer profile at /customers/<id>/, against the real sandbox over HTTP.

Figures are checked against the sandbox twice: against its own API answer for the same
customer, and against counts recomputed from its database.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from tests.booking_slots import seen_around_today

API = "/wp-json/latepoint-api/v1"
DASH = "—"

pytestmark = pytest.mark.django_db


# --- reading the page ------------------------------------------------------------------------


def text_of(page: str, attribute: str, name: str) -> str:
    """The visible text of the first element carrying attribute="name" (tags stripped)."""
    match = re.search(
        rf'<(\w+)[^>]*\b{attribute}="{re.escape(name)}"[^>]*>(.*?)</\1>', page, re.DOTALL
    )
    assert match, f"no element with {attribute}={name!r}"
    inner = re.sub(r"<[^>]+>", " ", match.group(2))
    return " ".join(html.unescape(inner).split())


def stat(page: str, name: str) -> str:
    return text_of(page, "data-stat", name)


def server_timing_calls(response) -> int:
    match = re.search(r'upstream;[^,]*desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


def booking_links(page: str) -> list[int]:
    """Booking ids linked from the bookings region, in row order (one per row)."""
    region = page.split('id="customer-bookings"', 1)[1].split("</section>", 1)[0]
    return [int(i) for i in re.findall(r'<tr data-booking-id="(\d+)"', region)]


# --- the sandbox's own figures ---------------------------------------------------------------


def api_get(sandbox, path: str):
    status, body = sandbox.request("GET", API + path)
    assert status == 200, body
    return body


def first_ids(sandbox, query: str, count: int = 1, *, quiet_today: bool = False) -> list[int]:
    """The first customers LatePoint lists for the query; with `quiet_today`, only those with
    no booking around today (whose profile is one call at any time of day)."""
    body = api_get(sandbox, f"/customers?{query}&per_page=100")
    skip = seen_around_today(sandbox) if quiet_today else set()
    ids = [int(row["id"]) for row in body["data"] if int(row["id"]) not in skip]
    assert len(ids) >= count, f"the seeded sandbox has no customer for {query}"
    return ids[:count]


def raw_stats(sandbox, customer_id: int) -> dict:
    return api_get(sandbox, f"/customers/{customer_id}?include=stats")["data"]["stats"]


def db_counts(sandbox, customer_id: int) -> dict[str, int]:
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT status, COUNT(*) AS n FROM sandbox_booking WHERE customer_id = ? "
            "GROUP BY status",
            (customer_id,),
        ).fetchall()
    counts = {row["status"]: row["n"] for row in rows}
    counts["total"] = sum(counts.values())
    return counts


def money(value) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"${amount:,.2f}"


def pct(part: int, whole: int) -> str:
    if not whole:
        return DASH
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


def site_date(iso: str | None) -> date | None:
    """An ISO datetime from the API as a date in the business's time zone."""
    if not iso:
        return None
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def shown_date(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else DASH


def create_customer(sandbox, **fields) -> int:
    token = uuid.uuid4().hex[:10]
    body = {
        "first_name": "Profile",
        "last_name": "Tester",
        "email": f"profile.{token}@example.com",
        "phone": "+1 212 555 0100",
        **fields,
    }
    status, answer = sandbox.request("POST", API + "/customers", body)
    assert status == 201, answer
    return int(answer["data"]["id"])


# --- first paint -----------------------------------------------------------------------------


def test_first_paint_is_one_upstream_call(live_sandbox, reception_client):
    [customer_id] = first_ids(live_sandbox, "has_bookings=true", quiet_today=True)
    response = reception_client.get(f"/customers/{customer_id}/")
    assert response.status_code == 200
    assert server_timing_calls(response) == 1
    assert 'desc="1 call"' in response["Server-Timing"]


def test_header_contact_and_links(live_sandbox, reception_client):
    customer_id = create_customer(
        live_sandbox,
        first_name="Ana María",
        last_name="López",
        phone="+525559876543",
        date_of_birth="1985-03-15",
        address={"street": "Av. 18 de Julio 1234", "city": "Montevideo", "country": "UY"},
        wordpress_user_id=156,
    )
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert text_of(page, "data-field", "name") == "Ana María López"
    assert text_of(page, "data-field", "status") == "Active"
    # The sandbox's avatar is served over plain http, which the CSP refuses: initials instead.
    assert '<span class="avatar avatar-initials" aria-hidden="true">AL</span>' in page
    assert "data-avatar" not in page
    assert 'href="mailto:profile.' in page
    assert text_of(page, "data-field", "phone") == "+52 55 5987 6543"
    assert 'href="tel:+525559876543"' in page
    assert "Uruguay" in text_of(page, "data-field", "address")
    age = date.today().year - 1985 - ((date.today().month, date.today().day) < (3, 15))
    assert text_of(page, "data-field", "date-of-birth") == f"15 Mar 1985 (age {age})"
    assert text_of(page, "data-field", "wordpress-user") == "#156"
    assert text_of(page, "data-field", "customer-since") == shown_date(timezone.localdate())
    assert f'href="/customers/{customer_id}/edit/"' in page
    assert 'href="/customers/"' in page


def test_national_phone_is_read_in_the_customers_country(live_sandbox, reception_client):
    customer_id = create_customer(
        live_sandbox, phone="718-853-5134", address={"city": "New York", "country": "US"}
    )
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert text_of(page, "data-field", "phone") == "(718) 853-5134"
    assert 'href="tel:+17188535134"' in page


def test_unparsable_phone_is_shown_as_given(live_sandbox, reception_client):
    customer_id = create_customer(live_sandbox, phone="555-0199")
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert text_of(page, "data-field", "phone") == "555-0199"


# --- figures equal the sandbox's -------------------------------------------------------------


def assert_figures_match(page: str, sandbox, customer_id: int) -> None:
    raw = raw_stats(sandbox, customer_id)
    counts = db_counts(sandbox, customer_id)
    total = counts["total"]
    # Counts: the API's own figure, and the database recount, both equal what is shown.
    for name, status in (
        ("total_bookings", "total"),
        ("completed_bookings", "completed"),
        ("cancelled_bookings", "cancelled"),
        ("no_show_bookings", "no_show"),
        ("pending_bookings", "pending"),
    ):
        assert stat(page, name) == str(raw[name]) == str(counts.get(status, 0)), name
    assert stat(page, "upcoming_bookings") == str(raw["future_bookings"])
    assert stat(page, "total_spent") == money(raw["total_spent"])
    if total:
        assert stat(page, "average_booking_value") == money(raw["average_booking_value"])
    else:
        assert stat(page, "average_booking_value") == DASH
    assert stat(page, "completion_rate") == pct(counts.get("completed", 0), total)
    assert stat(page, "no_show_rate") == pct(counts.get("no_show", 0), total)
    for name in ("first_booking_date", "last_booking_date", "next_booking_date"):
        assert stat(page, name) == shown_date(site_date(raw[name])), name
    for name, key in (
        ("favorite_agent", "display_name"),
        ("favorite_service", "name"),
        ("favorite_location", "name"),
    ):
        favorite = raw[name]
        if favorite is None:
            assert stat(page, name) == DASH
        else:
            count = favorite["booking_count"]
            plural = "" if count == 1 else "s"
            assert stat(page, name) == f"{favorite[key]} ({count} booking{plural})"
    frequency = raw["booking_frequency"]
    assert stat(page, "booking_frequency") == (frequency.capitalize() if frequency else DASH)


def test_figures_equal_the_sandbox_for_several_customers(live_sandbox, reception_client):
    ids = first_ids(live_sandbox, "has_bookings=true", count=40)[::8]  # five spread customers
    for customer_id in ids:
        page = reception_client.get(f"/customers/{customer_id}/").content.decode()
        assert_figures_match(page, live_sandbox, customer_id)


def test_customer_without_bookings_shows_dashes(live_sandbox, reception_client):
    [customer_id] = first_ids(live_sandbox, "has_bookings=false")
    response = reception_client.get(f"/customers/{customer_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert_figures_match(page, live_sandbox, customer_id)
    assert stat(page, "total_bookings") == "0"
    assert stat(page, "completion_rate") == DASH
    assert stat(page, "no_show_rate") == DASH
    assert stat(page, "average_booking_value") == DASH
    assert stat(page, "days_since_last_booking") == "Never booked"
    assert text_of(page, "data-field", "no-bookings") == "No bookings yet."
    assert "No upcoming bookings." in page


def test_blocked_customer_gets_a_loud_banner_and_true_figures(live_sandbox, reception_client):
    [customer_id] = first_ids(live_sandbox, "status=blocked")
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert 'class="banner-blocked"' in page
    assert "cannot book" in text_of(page, "data-field", "blocked-banner")
    assert text_of(page, "data-field", "status") == "Blocked"
    assert "Customer blocked - cannot make bookings" in text_of(page, "data-field", "risk-warnings")
    assert_figures_match(page, live_sandbox, customer_id)


def test_inactive_customer_gets_a_verify_warning(live_sandbox, reception_client):
    [customer_id] = first_ids(live_sandbox, "status=inactive")
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert "verify their details" in text_of(page, "data-field", "inactive-warning")
    assert 'class="banner-blocked"' not in page


# --- risk, end to end ------------------------------------------------------------------------


def risk_candidates(sandbox) -> dict[str, tuple[int, int]]:
    """One seeded customer per expected level, from the sandbox database: {level: (id, days)}.

    The rule is recomputed here from the raw bookings, independently of frontoffice.risk.
    """
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    today = timezone.localdate()
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT customer_id, COUNT(*) AS total, "
            "SUM(status = 'no_show') AS no_shows, "
            "MAX(CASE WHEN status != 'cancelled' AND start_at < ? THEN start_date END) AS last "
            "FROM sandbox_booking GROUP BY customer_id ORDER BY customer_id",
            (now,),
        ).fetchall()
    found: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row["last"] is None:
            continue
        days = (today - date.fromisoformat(row["last"])).days
        rate = Decimal(row["no_shows"]) * 100 / Decimal(row["total"])
        # Stay a day away from each boundary so a booking starting right now cannot tip it.
        if days > 181 and rate <= 10:
            found.setdefault("high", (row["customer_id"], days))
        elif 92 <= days <= 179 and rate <= 10:
            found.setdefault("medium", (row["customer_id"], days))
        elif 1 <= days <= 89 and rate < 10:
            found.setdefault("low", (row["customer_id"], days))
        elif 1 <= days <= 89 and rate > 20:
            found.setdefault("high-no-shows", (row["customer_id"], days))
    return found


def test_risk_level_on_the_page_follows_the_rule(live_sandbox, reception_client):
    candidates = risk_candidates(live_sandbox)
    assert {"high", "medium", "low", "high-no-shows"} <= set(candidates), candidates
    for expected, (customer_id, days) in candidates.items():
        page = reception_client.get(f"/customers/{customer_id}/").content.decode()
        level = expected.split("-")[0]
        assert stat(page, "risk_level") == f"{level.capitalize()} risk", (expected, customer_id)
        assert stat(page, "days_since_last_booking") == f"{days} day{'' if days == 1 else 's'}"
        recommendations = (
            text_of(page, "data-field", "risk-recommendations")
            if 'data-field="risk-recommendations"' in page
            else ""
        )
        assert ("Send reactivation campaign" in recommendations) is (days > 90)
        if expected == "high-no-shows":
            assert "High no-show rate" in text_of(page, "data-field", "risk-warnings")


# --- custom fields, notes and escaping -------------------------------------------------------

SENSITIVE = {
    "medical_notes": "Allergic to penicillin",
    "insurance_provider": "Blue Cross Blue Shield",
    "referral_source": "Google",
}


def test_sensitive_fields_are_hidden_from_a_receptionist(live_sandbox, reception_client):
    customer_id = create_customer(live_sandbox, custom_fields=SENSITIVE)
    response = reception_client.get(f"/customers/{customer_id}/")
    page = response.content.decode()
    assert "Allergic to penicillin" not in page
    assert "Blue Cross" not in page
    assert text_of(page, "data-custom-field", "referral_source") == "Google"
    assert "Referral source" in page
    assert text_of(page, "data-field", "sensitive-hidden").startswith("2 sensitive fields hidden")
    # Not merely unrendered: the values never reach the template context.
    profile = response.context["profile"]
    assert "medical_notes" not in profile.customer.custom_fields
    assert all(key != "medical_notes" for key, _, _ in profile.custom_fields)
    assert "Allergic" not in repr(response.context["customer"])


def test_sensitive_fields_are_shown_to_a_manager(live_sandbox, manager_client):
    customer_id = create_customer(live_sandbox, custom_fields=SENSITIVE)
    page = manager_client.get(f"/customers/{customer_id}/").content.decode()
    assert text_of(page, "data-custom-field", "medical_notes") == "Allergic to penicillin"
    assert "Medical notes" in page
    assert text_of(page, "data-custom-field", "insurance_provider") == "Blue Cross Blue Shield"
    assert 'data-field="sensitive-hidden"' not in page


def test_html_in_names_notes_and_fields_is_shown_escaped(live_sandbox, manager_client):
    customer_id = create_customer(
        live_sandbox,
        last_name="O'Brien",
        notes="<script>alert('notes')</script> Likes <em>emphasis</em>\nSecond line",
        custom_fields={"referral_source": '"><svg onload=alert(3)>'},
    )
    page = manager_client.get(f"/customers/{customer_id}/").content.decode()
    assert "<script>alert" not in page
    assert "<svg" not in page
    assert "<em>emphasis" not in page
    assert "&lt;script&gt;alert(&#x27;notes&#x27;)&lt;/script&gt;" in page
    assert "O&#x27;Brien" in page
    assert text_of(page, "data-field", "notes").startswith("<script>alert('notes')</script>")
    assert "Second line" in page


def test_seeded_html_names_are_escaped(live_sandbox, manager_client):
    body = api_get(live_sandbox, "/customers?email=script.test@example.com")
    assert body["data"], "the sandbox seeds a customer with markup in its name"
    customer_id = int(body["data"][0]["id"])
    page = manager_client.get(f"/customers/{customer_id}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<b>Bold</b>" not in page
    assert "onerror=" not in page.replace("onerror=&quot;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_notes_and_admin_notes(live_sandbox, reception_client):
    customer_id = create_customer(live_sandbox, notes="Prefers afternoons")
    live_sandbox.request(
        "PUT", f"{API}/customers/{customer_id}", {"admin_notes": "Pays by card only"}
    )
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert text_of(page, "data-field", "notes") == "Prefers afternoons"
    assert text_of(page, "data-field", "admin-notes") == "Pays by card only"


# --- booking tabs ----------------------------------------------------------------------------


def raw_booking_ids(sandbox, customer_id: int, query: str) -> list[int]:
    body = api_get(sandbox, f"/customers/{customer_id}?{query}")
    return [int(b["id"]) for b in body["data"].get("bookings", [])]


def busy_customer(sandbox) -> int:
    """A seeded customer with more than 20 past bookings and none around today (so their
    profile's calls do not depend on the time of day)."""
    with sandbox.db() as conn:
        rows = conn.execute(
            "SELECT customer_id FROM sandbox_booking WHERE start_at < ? "
            "GROUP BY customer_id HAVING COUNT(*) > 20 ORDER BY customer_id",
            (datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),),
        ).fetchall()
    skip = seen_around_today(sandbox)
    found = [row["customer_id"] for row in rows if row["customer_id"] not in skip]
    assert found, "the seeded sandbox has a customer with more than 20 past bookings"
    return found[0]


def test_upcoming_bookings_on_first_paint_link_to_the_booking(live_sandbox, reception_client):
    [customer_id] = first_ids(live_sandbox, "has_bookings=true")
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    body = api_get(live_sandbox, f"/customers/{customer_id}?include=upcoming_bookings")
    first = body["data"].get("bookings", [])[:10]
    # The first ten LatePoint lists, cancelled ones aside (they have their own tab).
    expected = [int(b["id"]) for b in first if b["status"] != "cancelled"]
    shown = booking_links(page)
    assert shown == expected
    for booking_id in shown:
        assert f'href="/bookings/{booking_id}/"' in page
    assert 'aria-selected="true" aria-controls="customer-bookings-panel"' in page


def test_past_tab_by_htmx_is_one_call_and_shows_more(live_sandbox, reception_client):
    customer_id = busy_customer(live_sandbox)
    url = f"/customers/{customer_id}/bookings/?tab=past&limit=10"
    response = reception_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert server_timing_calls(response) == 1
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section id="customer-bookings"')
    expected = raw_booking_ids(live_sandbox, customer_id, "include=past_bookings&bookings_limit=20")
    assert booking_links(fragment) == expected[:10]
    assert f"/customers/{customer_id}/bookings/?tab=past&amp;limit=20" in fragment  # show more

    more = reception_client.get(
        f"/customers/{customer_id}/bookings/?tab=past&limit=20", headers={"HX-Request": "true"}
    ).content.decode()
    assert booking_links(more) == expected[:20]


def test_a_tab_restored_from_history_is_the_whole_profile(live_sandbox, reception_client):
    customer_id = busy_customer(live_sandbox)
    response = reception_client.get(
        f"/customers/{customer_id}/bookings/?tab=past",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain == [
        (f"/customers/{customer_id}/?tab=past#customer-bookings", 302)
    ]
    assert "<html" in page and 'id="customer-bookings"' in page
    assert "HX-Request" in response["Vary"]
    fragment = reception_client.get(
        f"/customers/{customer_id}/bookings/?tab=past", headers={"HX-Request": "true"}
    )
    assert "HX-Request" in fragment["Vary"]


def test_status_tab_matches_the_sandbox_database(live_sandbox, reception_client):
    customer_id = busy_customer(live_sandbox)
    with live_sandbox.db() as conn:
        cancelled = {
            row["id"]
            for row in conn.execute(
                "SELECT id FROM sandbox_booking WHERE customer_id = ? AND status = 'cancelled'",
                (customer_id,),
            )
        }
    response = reception_client.get(
        f"/customers/{customer_id}/bookings/?tab=cancelled&limit=100",
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert set(booking_links(fragment)) == cancelled
    if cancelled:
        assert fragment.count('class="chip chip-cancelled"') == len(cancelled)
    else:
        assert "No cancelled bookings." in fragment


def test_tab_without_javascript_renders_the_full_page(live_sandbox, reception_client):
    customer_id = busy_customer(live_sandbox)
    redirect = reception_client.get(f"/customers/{customer_id}/bookings/?tab=past")
    assert redirect.status_code == 302
    assert redirect["Location"] == f"/customers/{customer_id}/?tab=past#customer-bookings"

    response = reception_client.get(f"/customers/{customer_id}/?tab=past")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and 'data-stat="total_bookings"' in page
    assert re.search(r'id="bookings-tab-past"[^>]*aria-selected="true"', page)
    expected = raw_booking_ids(live_sandbox, customer_id, "include=past_bookings&bookings_limit=11")
    assert booking_links(page) == expected[:10]
    assert server_timing_calls(response) == 2  # the profile, then the tab asked for


def test_bad_tab_parameters_are_corrected_with_a_message(live_sandbox, reception_client):
    [customer_id] = first_ids(live_sandbox, "has_bookings=true")
    response = reception_client.get(f"/customers/{customer_id}/?tab=nope&limit=abc")
    assert response.status_code == 200
    page = response.content.decode()
    assert "does not exist; showing upcoming bookings" in page
    response = reception_client.get(
        f"/customers/{customer_id}/bookings/?tab=past&limit=100000",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Showing at most 100 bookings at a time." in response.content.decode()


def test_checked_in_upcoming_booking_says_when_and_by_whom(
    live_sandbox, reception_client, receptionist
):
    from bookings.checkins import checkin_create

    [customer_id] = first_ids(live_sandbox, "has_bookings=true")
    upcoming = raw_booking_ids(live_sandbox, customer_id, "include=upcoming_bookings")
    assert upcoming, "the first seeded customer has upcoming bookings"
    at = timezone.now().replace(hour=14, minute=5, second=0, microsecond=0)
    checkin_create(user=receptionist, booking_id=upcoming[0], customer_id=customer_id, at=at)
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    row = page.split(f'<tr data-booking-id="{upcoming[0]}">', 1)[1].split("</tr>", 1)[0]
    when = timezone.localtime(at).strftime("%H:%M")
    assert f"Checked in at {when} by Rita" in row
    assert page.count('data-field="checked-in"') == 1


# --- history ---------------------------------------------------------------------------------


def test_history_shows_the_audit_trail_with_changes(
    live_sandbox, reception_client, receptionist, manager
):
    customer_id = create_customer(live_sandbox)
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        changes={
            "phone": {"before": "+1 212 555 0100", "after": "+1 212 555 0199"},
            "custom_fields": {
                "before": {"medical_notes": "none"},
                "after": {"medical_notes": "Asthma"},
            },
        },
    )
    audit_record(
        user=manager,
        action=AuditEntry.Action.CUSTOMER_STATUS,
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        changes={"status": {"before": "active", "after": "blocked"}},
        result=AuditEntry.Result.FAILED,
        error="LatePoint did not accept the data.",
    )
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    history = text_of(page, "data-field", "history")
    assert "Customer edited" in history and "rita" in history
    assert "Phone: +1 212 555 0100 → +1 212 555 0199" in history
    assert "Customer status changed" in history and "max" in history
    assert "Failed" in history and "LatePoint did not accept the data." in history
    assert "Asthma" not in page  # a sensitive change stays hidden from the desk
    assert "1 sensitive change hidden" in history
    # Latest first.
    assert history.index("Customer status changed") < history.index("Customer edited")


def test_history_shows_sensitive_changes_to_a_manager(live_sandbox, manager_client, manager):
    customer_id = create_customer(live_sandbox)
    audit_record(
        user=manager,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        customer_id=customer_id,
        changes={"custom_fields": {"before": {}, "after": {"medical_notes": "Asthma"}}},
    )
    page = manager_client.get(f"/customers/{customer_id}/").content.decode()
    assert "Medical notes: (empty) → Asthma" in text_of(page, "data-field", "history")


def test_history_shows_free_form_details(live_sandbox, reception_client, receptionist):
    customer_id = create_customer(live_sandbox)
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CHECK_IN,
        object_type="booking",
        object_id=77,
        customer_id=customer_id,
        summary="Checked in for booking 77",
        changes={"booking_id": 77},
    )
    history = text_of(
        reception_client.get(f"/customers/{customer_id}/").content.decode(),
        "data-field",
        "history",
    )
    assert "Checked in" in history
    assert "Checked in for booking 77" in history
    assert "Booking id: 77" in history


def test_history_is_limited_to_the_latest_twenty(live_sandbox, reception_client, receptionist):
    customer_id = create_customer(live_sandbox)
    for n in range(25):
        audit_record(
            user=receptionist,
            action=AuditEntry.Action.CUSTOMER_UPDATE,
            customer_id=customer_id,
            summary=f"edit number {n}",
        )
    history = text_of(
        reception_client.get(f"/customers/{customer_id}/").content.decode(),
        "data-field",
        "history",
    )
    shown = [int(n) for n in re.findall(r"edit number (\d+)", history)]
    assert shown == list(range(24, 4, -1))  # the latest twenty, latest first


# --- errors ----------------------------------------------------------------------------------


def test_unknown_customer_is_a_404_page_that_offers_the_search(live_sandbox, reception_client):
    response = reception_client.get("/customers/987654321/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Customer not found" in page
    assert re.search(r'<form method="get" action="/customers/"', page)
    assert 'name="q"' in page


def test_unknown_customer_tab_is_a_404_fragment(live_sandbox, reception_client):
    response = reception_client.get(
        "/customers/987654321/bookings/?tab=past", headers={"HX-Request": "true"}
    )
    assert response.status_code == 404
    assert "Customer not found" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_upstream_failure_gives_the_friendly_error_page(live_sandbox, reception_client):
    [customer_id] = first_ids(live_sandbox, "has_bookings=true")
    live_sandbox.set_faults(unavailable=True)
    response = reception_client.get(f"/customers/{customer_id}/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Try again" in page
    assert f'href="/customers/{customer_id}/"' in page


def test_upstream_failure_in_a_tab_gives_an_error_fragment_with_retry(
    live_sandbox, reception_client
):
    customer_id = busy_customer(live_sandbox)
    live_sandbox.set_faults(unavailable=True)
    response = reception_client.get(
        f"/customers/{customer_id}/bookings/?tab=past", headers={"HX-Request": "true"}
    )
    assert response.status_code == 503
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "Try again" in fragment
    assert f'href="/customers/{customer_id}/bookings/?tab=past"' in fragment


def test_profile_needs_a_signed_in_user(live_sandbox, client):
    response = client.get("/customers/1/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
