"""/audit/ names the customer of each entry and shows every time on the business's clock,
without asking LatePoint for anything."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEntry
from audit.services import audit_record, field_changes
from tests.bookings.conftest import server_timing_calls
from upstream.gateway import api


def _subject(html: str, customer_id: int) -> str:
    match = re.search(
        rf'<a href="/customers/{customer_id}/"[^>]*>.*?</a>[^<]*(<span[^>]*>[^<]*</span>)?', html
    )
    assert match, f"no link to customer {customer_id}"
    return match.group(0)


def test_a_customer_the_front_office_has_seen_is_named(live_sandbox, manager_client, receptionist):
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT id, first_name, last_name FROM sandbox_customer ORDER BY id LIMIT 1"
        ).fetchone()
    api().get_customer_summary(row["id"])  # as the Today board's badge reads it
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CHECK_IN,
        object_type="booking",
        object_id=9001,
        customer_id=row["id"],
        summary="Checked in for booking 9001",
    )

    response = manager_client.get("/audit/")

    html = response.content.decode()
    subject = _subject(html, row["id"])
    assert f">{escape(row['first_name'] + ' ' + row['last_name'])}</a>" in subject
    assert f"#{row['id']}" in subject  # the id stays, for the Customer ID filter
    assert f"Customer #{row['id']}" not in html
    assert server_timing_calls(response) == 0  # names come from what is already known


def test_a_customer_created_here_is_named_from_the_trail(
    live_sandbox, manager_client, receptionist
):
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_CREATE,
        object_type="customer",
        object_id=88001,
        customer_id=88001,
        summary="Created customer Zoë Brandt",
        changes=field_changes({}, {"first_name": "Zoë", "last_name": "Brandt", "email": "z@x.org"}),
    )
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=88001,
        customer_id=88001,
        summary="Edited last name",
        changes=field_changes({"last_name": "Brandt"}, {"last_name": "Brandt-Olsen"}),
    )
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.BOOKING_STATUS,
        object_type="booking",
        object_id=9002,
        customer_id=88001,
        summary="Booking LP-1: Approved → Cancelled",
        changes={"status": {"before": "approved", "after": "cancelled"}},
    )

    # A customer the front office knows nothing of keeps their number.
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=77001,
        customer_id=77001,
        summary="Edited phone",
        changes=field_changes({"phone": "1"}, {"phone": "2"}),
    )

    response = manager_client.get("/audit/")

    html = response.content.decode()
    assert '<a href="/customers/77001/" hx-boost="false">Customer #77001</a>' in html
    # Each entry names the customer as they were called when it was written (the rename
    # under the name it changed); the one written before any name was known, as last renamed.
    assert html.count(">Zoë Brandt-Olsen</a>") == 2
    assert html.count(">Zoë Brandt</a>") == 1
    assert "Customer #88001" not in html
    assert server_timing_calls(response) == 0


def test_check_in_times_are_on_the_business_clock(live_sandbox, manager_client, receptionist):
    moment = datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CHECK_IN,
        object_type="booking",
        object_id=9003,
        customer_id=77002,
        summary="Checked in for booking 9003",
        changes={"checked_in_at": moment.isoformat()},
    )
    html = manager_client.get("/audit/").content.decode()
    local = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    assert local != "2026-03-04 14:05"  # the business is not on UTC (America/New_York)
    assert f'<span class="audit-field">checked in at</span>: {local}' in html
    assert moment.isoformat() not in html
    assert "+00:00" not in html
