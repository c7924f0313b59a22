"""/audit/: the trail managers read, with filters by person, action, result and date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record, field_changes

pytestmark = pytest.mark.django_db


def _entry(user, **kwargs) -> AuditEntry:
    defaults = {
        "action": AuditEntry.Action.CUSTOMER_UPDATE,
        "object_type": "customer",
        "object_id": 41,
        "customer_id": 41,
        "summary": "Edited contact details",
    }
    return audit_record(user=user, **{**defaults, **kwargs})


def _backdate(entry: AuditEntry, days: int) -> None:
    AuditEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )


def test_receptionist_is_refused(reception_client):
    response = reception_client.get("/audit/")
    assert response.status_code == 403
    assert b"You do not have access" in response.content


def test_manager_sees_who_changed_what_field_by_field(manager_client, receptionist):
    _entry(
        receptionist,
        changes=field_changes(
            {"phone": "+1 555 0100", "email": "old@example.com", "first_name": "Ann"},
            {"phone": "+1 555 0199", "email": "new@example.com", "first_name": "Ann"},
        ),
    )
    response = manager_client.get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "rita" in html
    assert "Customer edited" in html
    assert '<a href="/customers/41/" hx-boost="false">Customer #41</a>' in html
    assert "<del>+1 555 0100</del> → <ins>+1 555 0199</ins>" in html
    assert "<del>old@example.com</del> → <ins>new@example.com</ins>" in html
    # Only what changed is listed.
    assert "first name" not in html
    assert "Succeeded" in html


def test_failed_attempts_are_visible_with_their_error(manager_client, receptionist):
    _entry(
        receptionist,
        action=AuditEntry.Action.BOOKING_STATUS,
        object_type="booking",
        object_id=7001,
        customer_id=None,
        summary="Cancel booking",
        changes={"status": {"before": "approved", "after": "cancelled"}},
        result=AuditEntry.Result.FAILED,
        error="LatePoint did not accept the data.",
    )
    html = manager_client.get("/audit/").content.decode()
    assert '<tr class="audit-failed' in html
    assert "Failed" in html
    assert "LatePoint did not accept the data." in html
    assert "Booking #7001" in html
    assert "<del>approved</del> → <ins>cancelled</ins>" in html


def test_filters_by_person_action_result_and_dates(manager_client, receptionist, manager):
    _entry(receptionist, summary="rita-edit")
    _backdate(_entry(receptionist, summary="rita-old-edit"), days=10)
    _entry(
        manager,
        action=AuditEntry.Action.EXPORT,
        object_type="customers",
        object_id="",
        customer_id=None,
        summary="max-export",
    )
    _entry(
        manager,
        action=AuditEntry.Action.CUSTOMER_STATUS,
        summary="max-block",
        result=AuditEntry.Result.FAILED,
        error="Refused",
    )

    def shown(**params) -> set[str]:
        html = manager_client.get("/audit/", params).content.decode()
        return {s for s in ("rita-edit", "rita-old-edit", "max-export", "max-block") if s in html}

    assert shown() == {"rita-edit", "rita-old-edit", "max-export", "max-block"}
    assert shown(person="rita") == {"rita-edit", "rita-old-edit"}
    assert shown(action="export") == {"max-export"}
    assert shown(result="failed") == {"max-block"}
    today = timezone.localdate()
    assert shown(date_from=(today - dt.timedelta(days=3)).isoformat()) == {
        "rita-edit",
        "max-export",
        "max-block",
    }
    week_ago = (today - dt.timedelta(days=7)).isoformat()
    assert shown(person="rita", date_to=week_ago) == {"rita-old-edit"}
    assert shown(customer="41", person="max") == {"max-block"}


def test_the_person_filter_lists_everyone_in_the_trail(manager_client, receptionist):
    _entry(receptionist)
    html = manager_client.get("/audit/").content.decode()
    assert '<option value="rita">rita</option>' in html


def test_bad_filter_values_are_reported_not_a_500(manager_client, receptionist):
    _entry(receptionist, summary="still-listed")
    response = manager_client.get(
        "/audit/", {"date_from": "yesterday-ish", "action": "drop table", "customer": "abc"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "Enter a valid date." in html
    assert "still-listed" in html


def test_reversed_date_range_is_explained(manager_client):
    response = manager_client.get("/audit/", {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert "The end date is before the start date." in response.content.decode()


def test_htmx_request_gets_only_the_table(manager_client, receptionist):
    _entry(receptionist, summary="fragment-row")
    response = manager_client.get("/audit/", {"person": "rita"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="audit-table"')
    assert "fragment-row" in html
    assert "<html" not in html


def test_history_restore_gets_the_whole_page(manager_client):
    response = manager_client.get(
        "/audit/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in response.content
    # The page, with none of a fragment's out-of-band pieces (no second live region).
    assert response.content.count(b'id="audit-table-status"') == 1
    assert b"hx-swap-oob" not in response.content
    assert "HX-Request" in response["Vary"]


def test_the_table_and_the_page_vary_on_htmx(manager_client):
    for headers in ({}, {"HX-Request": "true"}):
        assert "HX-Request" in manager_client.get("/audit/", headers=headers)["Vary"]


def test_pagination_fifty_per_page(manager_client, receptionist):
    for n in range(55):
        _entry(receptionist, summary=f"entry-{n:02d}")
    first = manager_client.get("/audit/", {"person": "rita"}).content.decode()
    assert "55 entries match these filters" in first
    assert "entry-54" in first and "entry-05" in first and "entry-04" not in first
    assert "?person=rita&amp;page=2" in first
    second = manager_client.get("/audit/", {"person": "rita", "page": "2"}).content.decode()
    assert "entry-04" in second and "entry-00" in second and "entry-54" not in second
    # A nonsense page number shows a page, not an error.
    assert manager_client.get("/audit/", {"page": "x"}).status_code == 200


def test_empty_states(manager_client):
    html = manager_client.get("/audit/").content.decode()
    assert "Nothing has been written through the front office yet." in html
    html = manager_client.get("/audit/", {"action": "export"}).content.decode()
    assert "No audit entries match these filters." in html


def test_entries_are_escaped(manager_client, receptionist):
    _entry(
        receptionist,
        summary="<script>alert(1)</script>",
        changes={"first_name": {"before": "Ann", "after": "<script>alert(1)</script>"}},
        result=AuditEntry.Result.FAILED,
        error="<img src=x onerror=alert(2)>",
    )
    html = manager_client.get("/audit/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_entries_outlive_the_account(manager_client, receptionist):
    _entry(receptionist, summary="by-a-departed-colleague")
    receptionist.delete()
    html = manager_client.get("/audit/", {"person": "rita"}).content.decode()
    assert "by-a-departed-colleague" in html


def test_only_get(manager_client):
    assert manager_client.post("/audit/").status_code == 405


def test_grouped_details_are_listed_one_per_line(manager_client, receptionist):
    _entry(
        receptionist,
        action=AuditEntry.Action.CUSTOMER_CREATE,
        changes={
            "values": {"first_name": "Ann", "email": "ann@example.com"},
            "custom_fields": {"referral_source": {"before": "", "after": "Google"}},
        },
    )
    html = manager_client.get("/audit/").content.decode()
    assert '<li><span class="audit-field">first name</span>: Ann</li>' in html
    assert '<li><span class="audit-field">email</span>: ann@example.com</li>' in html
    assert (
        '<span class="audit-field">custom fields / referral source</span>: '
        "<del>(empty)</del> → <ins>Google</ins>"
    ) in html
