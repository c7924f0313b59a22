"""CSV export of the customer list, run against the sandbox over HTTP."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import pytest

from audit.models import AuditEntry
from customers.export import HEADER, safe_cell
from exports.models import ExportJob
from frontoffice.formatting import format_phone
from tests.exports import export_file, start_export
from tests.exports import read_csv as read_file

API_CUSTOMERS = "/wp-json/latepoint-api/v1/customers"


def read_csv(response) -> list[dict[str, str]]:
    return read_file(response, HEADER)


def api_rows(sandbox, **params) -> dict[int, dict]:
    """Every row the sandbox's own API lists for these filters, by id."""
    rows: dict[int, dict] = {}
    page = 1
    while True:
        query = urlencode({**params, "page": page, "per_page": 100})
        status, body = sandbox.request("GET", f"{API_CUSTOMERS}?{query}")
        assert status == 200, body
        rows.update({int(row["id"]): row for row in body["data"]})
        if not body["pagination"]["has_next_page"]:
            return rows
        page += 1


def unquoted(cell: str) -> str:
    """A cell as LatePoint holds it (the export quotes text a spreadsheet would run)."""
    return cell[1:] if cell[:2] in {"'=", "'+", "'-", "'@"} else cell


def test_export_has_every_customer_with_the_sandboxs_values(live_sandbox, manager_client, manager):
    response = export_file(manager_client, "customers")

    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    rows = read_csv(response)
    with live_sandbox.db() as conn:
        stored = {
            row["id"]: row
            for row in conn.execute(
                "SELECT id, first_name, last_name, email, phone, status, is_guest,"
                " wordpress_user_id, created_at_local FROM sandbox_customer"
            )
        }
    listed = api_rows(live_sandbox)

    assert len(stored) >= 500
    assert len(rows) == len(stored)
    assert [int(r["id"]) for r in rows] == list(listed)  # the API's order: newest first
    for row in rows:
        mine = stored[int(row["id"])]
        assert row["first_name"] == mine["first_name"]
        assert row["last_name"] == mine["last_name"]
        assert row["email"] == mine["email"]
        # One way to write a phone, as every screen shows it ("(212) 555-0142"; "+44 ..." abroad).
        assert unquoted(row["phone"]) == format_phone(mine["phone"])
        assert row["status"] == mine["status"]
        assert row["is_guest"] == ("yes" if mine["is_guest"] else "no")
        assert row["wordpress_user_id"] == str(mine["wordpress_user_id"] or "")
        assert row["created_at"] == mine["created_at_local"][:16]  # "2025-03-04 09:45"
        stats = listed[int(row["id"])]["stats"]
        assert int(row["total_bookings"]) == int(stats["total_bookings"])
        assert int(row["completed_bookings"]) == int(stats["completed_bookings"])
        assert int(row["cancelled_bookings"]) == int(stats["cancelled_bookings"])
        assert Decimal(row["total_spent"]) == Decimal(stats["total_spent"])
        assert row["last_booking_date"] == (stats["last_booking_date"] or "")
        assert row["next_booking_date"] == (stats["next_booking_date"] or "")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == manager
    assert entry.result == AuditEntry.Result.OK
    assert entry.changes["rows"] == len(stored)
    assert entry.changes["filters"] == {}


def test_export_follows_the_current_filters(live_sandbox, manager_client):
    response = export_file(
        manager_client,
        "customers",
        "status=active&guest=registered&has_bookings=yes&page=3&per_page=50",
    )

    rows = read_csv(response)
    expected = api_rows(live_sandbox, status="active", is_guest="false", has_bookings="true")
    assert 100 < len(expected) < 500
    assert [int(r["id"]) for r in rows] == list(expected)
    assert {r["status"] for r in rows} == {"active"}
    assert {r["is_guest"] for r in rows} == {"no"}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.changes["rows"] == len(expected)
    assert entry.changes["filters"] == {
        "status": "active",
        "is_guest": "False",
        "has_bookings": "True",
    }


def test_export_quotes_cells_a_spreadsheet_would_run(live_sandbox, manager_client):
    rows = read_csv(export_file(manager_client, "customers"))

    phones = [r["phone"] for r in rows]
    assert any(p.startswith("'+") for p in phones)
    assert not any(p.startswith(("+", "=", "-", "@")) for p in phones)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 212 555 0142", "'+1 212 555 0142"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Anne-Marie", "Anne-Marie"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_receptionists_cannot_export(live_sandbox, reception_client):
    assert reception_client.get("/customers/export.csv").status_code == 403
    assert start_export(reception_client, "customers").status_code == 403

    assert not ExportJob.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_export_when_lapoint_is_down_says_so_and_is_audited(live_sandbox, manager_client, settings):
    settings.EXPORT_RETRIES = 0
    live_sandbox.set_faults(unavailable=True)

    job_url = start_export(manager_client, "customers")["Location"]

    html = manager_client.get(job_url).content.decode()
    assert "The export stopped after 0 rows." in html
    assert "LatePoint is unavailable" in html
    assert "Download" not in html
    assert manager_client.get(job_url + "download/")["Location"] == job_url
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.result == AuditEntry.Result.FAILED
    assert entry.changes["rows"] == 0
    assert entry.error
