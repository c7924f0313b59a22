"""CSV export of the bookings list (managers), run against the sandbox over HTTP."""

from __future__ import annotations

from decimal import Decimal

from audit.models import AuditEntry
from bookings.export import HEADER
from exports.models import ExportJob
from frontoffice.formatting import format_phone
from tests.bookings.conftest import business_today
from tests.exports import export_file, start_export
from tests.exports import read_csv as read_file

SQL = (
    "SELECT b.id, b.booking_code, b.status, b.start_date, b.start_time, b.price,"
    " b.payment_status, b.customer_id, c.first_name, c.last_name, c.email, c.phone"
    " FROM sandbox_booking b JOIN sandbox_customer c ON c.id = b.customer_id WHERE "
)


def read_csv(response) -> list[dict[str, str]]:
    return read_file(response, HEADER)


def stored(sandbox, where: str, params: tuple, order: str = "b.start_at ASC, b.id ASC"):
    with sandbox.db() as conn:
        return list(conn.execute(SQL + where + " ORDER BY " + order, params))


def test_export_has_the_lists_bookings_with_the_sandboxs_values(
    live_sandbox, manager_client, manager
):
    response = export_file(manager_client, "bookings")

    assert response["Content-Disposition"].startswith('attachment; filename="bookings-')
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    # What the list opens on: from today on, in time order; every page of it, not just one.
    today = business_today().isoformat()
    mine = stored(live_sandbox, "b.start_date >= ?", (today,))
    assert len(mine) > 100
    assert [int(r["id"]) for r in rows] == [m["id"] for m in mine]
    for row, booking in zip(rows, mine, strict=True):
        assert row["booking_code"] == booking["booking_code"]
        assert row["status"] == booking["status"]
        assert row["start"] == f"{booking['start_date']} {booking['start_time']}"
        assert int(row["customer_id"]) == booking["customer_id"]
        assert row["customer_name"] == f"{booking['first_name']} {booking['last_name']}"
        assert row["customer_email"] == booking["email"]
        phone = row["customer_phone"]
        assert (phone[1:] if phone.startswith("'+") else phone) == format_phone(booking["phone"])
        assert Decimal(row["price"]) == Decimal(str(booking["price"]))
        assert row["payment_status"] == booking["payment_status"]

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == manager
    assert entry.object_type == "booking"
    assert entry.result == AuditEntry.Result.OK
    assert entry.changes["rows"] == len(mine)
    assert entry.changes["filters"] == {
        "date_from": today,
        "sort": "start_date",
        "order": "asc",
    }
    assert entry.summary == f"Exported {len(mine)} bookings (CSV)"


def test_export_follows_the_current_filters_and_order(live_sandbox, manager_client):
    response = export_file(
        manager_client,
        "bookings",
        "date_from=&status=cancelled&agent=2&sort=created_at&order=desc&page=3&per_page=50",
    )

    rows = read_csv(response)
    mine = stored(
        live_sandbox,
        "b.status = ? AND b.agent_id = ?",
        ("cancelled", 2),
        "b.created_at DESC, b.id DESC",
    )
    assert len(mine) > 25  # more than one page of the list: the page and page size do not apply
    assert [int(r["id"]) for r in rows] == [m["id"] for m in mine]
    assert {r["status"] for r in rows} == {"cancelled"}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.changes["filters"] == {
        "status": "cancelled",
        "agent_id": "2",
        "sort": "created_at",
        "order": "desc",
    }


def test_the_list_offers_managers_the_export_of_its_filters(live_sandbox, manager_client):
    html = manager_client.get("/bookings/?status=pending&page=2").content.decode()
    assert '<form method="post" action="/exports/start/" class="inline export-form">' in html
    assert '<input type="hidden" name="kind" value="bookings">' in html
    assert '<input type="hidden" name="query" value="status=pending">' in html


def test_the_list_offers_receptionists_no_export(live_sandbox, reception_client):
    assert "Export CSV" not in reception_client.get("/bookings/").content.decode()


def test_receptionists_cannot_export(live_sandbox, reception_client):
    assert reception_client.get("/bookings/export.csv").status_code == 403
    assert start_export(reception_client, "bookings").status_code == 403

    assert not ExportJob.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_export_when_latepoint_is_down_says_so_and_is_audited(
    live_sandbox, manager_client, settings
):
    settings.EXPORT_RETRIES = 0
    manager_client.get("/bookings/")  # the agents, services and locations are cached
    live_sandbox.set_faults(unavailable=True)

    job_url = start_export(manager_client, "bookings", "date_from=&status=pending")["Location"]

    html = manager_client.get(job_url).content.decode()
    assert "The export stopped after 0 rows." in html
    assert "LatePoint is unavailable" in html
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.object_type == "booking"
    assert entry.changes["rows"] == 0
    assert entry.error
