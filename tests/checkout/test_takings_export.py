"""The day's takings as CSV: a background export job, one row per payment of the day, in the
screen's words; listed with the manager's other exports."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from checkout.takings_export import HEADER
from history import sync
from tests.checkout.conftest import unpaid_booking
from tests.checkout.takings_helpers import agent_of_booking, day_payment_ids, make_payment
from tests.exports import export_file, read_csv, start_export

pytestmark = pytest.mark.django_db


def test_the_export_has_a_row_per_payment_in_the_screens_words(manager_client, live_sandbox):
    visit = unpaid_booking(live_sandbox)
    with live_sandbox.db() as conn:
        booked_on = date.fromisoformat(
            conn.execute(
                "SELECT start_date FROM sandbox_booking WHERE id = ?", (visit.id,)
            ).fetchone()["start_date"]
        )
    assert sync.sync_pass(within=(booked_on, booked_on)).complete
    made = make_payment(live_sandbox, visit.order_id, "33.25", "credit_card")
    refund = make_payment(live_sandbox, visit.order_id, "3.25", "credit_card", kind="refund")
    today = timezone.localdate()

    since = time.time()
    rows = read_csv(export_file(manager_client, "takings", f"date={today}"), HEADER)
    by_id = {int(row["payment_id"]): row for row in rows}
    assert set(by_id) == day_payment_ids(live_sandbox, today)
    assert len(rows) == len(by_id)  # each once
    row = by_id[made["id"]]
    assert row["date"] == today.isoformat() and len(row["time"]) == 5
    assert (row["kind"], row["status"], row["method"], row["amount"]) == (
        "Payment",
        "Succeeded",
        "Card",
        "33.25",
    )
    assert row["receipt_number"] == made["receipt_number"]
    assert row["booking_id"] == str(visit.id) and row["customer_id"] == str(visit.customer_id)
    assert row["agent"] == agent_of_booking(live_sandbox, visit.id)
    assert row["order_id"] == str(visit.order_id)
    assert (by_id[refund["id"]]["kind"], by_id[refund["id"]]["amount"]) == ("Refund", "3.25")
    # The job walked the day's payments, and read the agents' names once (never a call a row).
    gets = sorted(r[2] for r in live_sandbox.requests_since(since) if r[1] == "GET")
    assert gets == ["/agents", "/payments"]

    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("created_at")
    assert entry.object_type == "payment" and entry.changes["filters"] == {"date": str(today)}
    assert entry.changes["rows"] == len(rows)
    listing = manager_client.get("/exports/").content.decode()
    assert "Takings" in listing and f"date: {today}" in listing


def test_a_past_day_exports_its_payments(manager_client, live_sandbox):
    day = timezone.localdate() - timedelta(days=4)
    rows = read_csv(export_file(manager_client, "takings", f"date={day}"), HEADER)
    assert {int(row["payment_id"]) for row in rows} == day_payment_ids(live_sandbox, day)
    assert {row["date"] for row in rows} == {day.isoformat()}


def test_a_receptionist_cannot_export(reception_client, live_sandbox):
    response = start_export(reception_client, "takings", "date=2026-01-01")
    assert response.status_code == 403
