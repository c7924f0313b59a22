"""Staff notes on the profile: add, edit (the earlier text kept), pin; bad input refused with
nothing written; who may change a note; CSRF; escaping; audited."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from audit.models import AuditEntry
from notes.models import Note, NoteVersion
from tests.notes.helpers import HTMX, add_note, create_customer, signed_name, visible_text

pytestmark = pytest.mark.django_db


def _server_calls(response) -> int:
    match = re.search(r'upstream;[^,]*desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


def test_a_note_is_added_without_javascript_and_shown_with_its_author(
    live_sandbox, reception_client
):
    customer_id, _ = create_customer(live_sandbox)
    response = add_note(reception_client, customer_id, "Prefers Dr. Patel")

    assert response.status_code == 302
    assert response["Location"].startswith(f"/customers/{customer_id}/#note-")
    page = reception_client.get(response["Location"])
    text = visible_text(page.content.decode())
    assert "Staff notes" in text
    assert "Prefers Dr. Patel" in text
    assert "rita ·" in text
    assert "Note added." in text
    note = Note.objects.get(customer_id=customer_id)
    assert (note.author_name, note.pinned) == ("rita", False)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTE_ADD)
    assert entry.customer_id == customer_id and entry.object_id == str(note.pk)
    assert entry.customer_name == "Shown Name"
    assert entry.username == "rita"


def test_with_htmx_the_notes_section_is_swapped_in_place(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    reception_client.get(f"/customers/{customer_id}/")  # the profile the note is written on
    response = add_note(reception_client, customer_id, "Allergic to latex", pinned=True, **HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="customer-notes"')
    assert "<html" not in page
    assert "Pinned alert" in page and "Allergic to latex" in page
    assert "Note added and pinned as an alert." in page
    # The alert at the top of the profile is swapped too.
    assert re.search(
        r'<div id="profile-alert"[^>]*hx-swap-oob="true">\s*<span class="pinned-alert', page
    )
    assert _server_calls(response) == 0
    # The profile's timeline asks for itself again on this event, and costs no call.
    assert "notes-changed" in json.loads(response["HX-Trigger"])
    timeline = reception_client.get(
        f"/customers/{customer_id}/", **HTMX, HTTP_HX_TARGET="customer-timeline"
    )
    assert timeline.content.decode().lstrip().startswith('<section id="customer-timeline"')
    assert "Allergic to latex" in visible_text(timeline.content.decode())
    assert _server_calls(timeline) == 0
    assert AuditEntry.objects.get(action=AuditEntry.Action.NOTE_ADD).summary.startswith("Pinned")


def test_the_profile_keeps_one_upstream_call_with_notes(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    add_note(reception_client, customer_id, "Owes $40", pinned=True)
    add_note(reception_client, customer_id, "Always 10 min late")

    response = reception_client.get(f"/customers/{customer_id}/")

    page = response.content.decode()
    assert 'id="customer-notes"' in page and "Always 10 min late" in page
    top = page[page.index('id="profile-alert"') :]
    assert "Owes $40" in top[: top.index("</div>")]  # the pinned one, at the top
    assert _server_calls(response) == 1  # the profile's own read, nothing more


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the note first: it is empty."),
        ("   \n  ", "Write the note first: it is empty."),
        ("x" * 2001, "A note can be at most 2,000 characters; this one has 2,001."),
    ],
)
def test_bad_notes_get_a_field_message_and_nothing_is_written(
    live_sandbox, reception_client, text, message
):
    customer_id, _ = create_customer(live_sandbox)

    plain = add_note(reception_client, customer_id, text, pinned=True)
    fragment = add_note(reception_client, customer_id, text, pinned=True, **HTMX)

    for response in (plain, fragment):
        assert response.status_code == 400
        page = response.content.decode()
        assert message in visible_text(page)
        assert 'aria-invalid="true"' in page
        # What was typed stays, the pin too.
        if text.strip():
            assert text in page
        assert re.search(r'id="note-pinned"[^>]*checked', page)
    assert "<html" in plain.content.decode()  # without JavaScript: the whole profile
    assert Note.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="note.").exists()


def test_exactly_2000_characters_is_accepted(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    assert add_note(reception_client, customer_id, "y" * 2000).status_code == 302
    assert len(Note.objects.get().text) == 2000


def test_an_edit_keeps_the_earlier_text(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    add_note(reception_client, customer_id, "Prefers mornings")
    note = Note.objects.get()

    opened = reception_client.get(f"/customers/{customer_id}/notes/{note.pk}/edit/")
    assert opened.status_code == 302
    form = reception_client.get(opened["Location"]).content.decode()
    assert 'id="note-edit-text"' in form and ">Prefers mornings</textarea>" in form

    response = reception_client.post(
        f"/customers/{customer_id}/notes/{note.pk}/edit/",
        {"text": "Prefers afternoons", "customer_name": signed_name(customer_id)},
    )

    assert response.status_code == 302
    page = visible_text(reception_client.get(f"/customers/{customer_id}/").content.decode())
    assert "Prefers afternoons" in page
    assert "edited" in page and "Earlier text (1)" in page
    assert "Replaced by rita" in page and "Prefers mornings" in page
    version = NoteVersion.objects.get(note=note)
    assert version.text == "Prefers mornings" and version.edited_by_name == "rita"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTE_EDIT)
    assert entry.changes["text"] == {"before": "Prefers mornings", "after": "Prefers afternoons"}


def test_an_empty_edit_is_refused_and_the_note_kept(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    add_note(reception_client, customer_id, "Prefers mornings")
    note = Note.objects.get()
    response = reception_client.post(
        f"/customers/{customer_id}/notes/{note.pk}/edit/", {"text": " "}, **HTMX
    )
    assert response.status_code == 400
    assert "Write the note first: it is empty." in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Prefers mornings" and not NoteVersion.objects.exists()


def test_pin_and_unpin_are_audited(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    add_note(reception_client, customer_id, "Needs a ground-floor room")
    note = Note.objects.get()
    url = f"/customers/{customer_id}/notes/{note.pk}/pin/"

    pinned = reception_client.post(url, {"pinned": "1"}, **HTMX)
    assert "Pinned alert" in pinned.content.decode()
    note.refresh_from_db()
    assert note.pinned
    reception_client.post(url, {"pinned": "0"})
    note.refresh_from_db()
    assert not note.pinned
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.NOTE_PIN).order_by("id")
    assert [e.changes["pinned"]["after"] for e in entries] == [True, False]


def test_only_the_author_or_a_manager_may_change_a_note(
    live_sandbox, reception_client, django_user_model, manager
):
    customer_id, _ = create_customer(live_sandbox)
    add_note(reception_client, customer_id, "Written by Rita")
    note = Note.objects.get()
    other = django_user_model.objects.create_user("otto", password="x" * 12)
    from django.contrib.auth.models import Group

    other.groups.add(Group.objects.get_or_create(name="Receptionist")[0])
    client = Client()
    client.force_login(other)

    edit = client.post(f"/customers/{customer_id}/notes/{note.pk}/edit/", {"text": "Changed"})
    pin = client.post(f"/customers/{customer_id}/notes/{note.pk}/pin/", {"pinned": "1"}, **HTMX)
    page = client.get(f"/customers/{customer_id}/").content.decode()

    assert edit.status_code == 403 and pin.status_code == 403
    assert "Only the note&#x27;s author or a manager can pin or unpin it." in pin.content.decode()
    note.refresh_from_db()
    assert (note.text, note.pinned) == ("Written by Rita", False)
    assert f"/notes/{note.pk}/edit/" not in page  # no Edit offered to someone who may not
    client.force_login(manager)
    done = client.post(f"/customers/{customer_id}/notes/{note.pk}/edit/", {"text": "By Max"})
    assert done.status_code == 302
    note.refresh_from_db()
    assert note.text == "By Max"


def test_a_note_of_another_customer_is_not_found(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    add_note(reception_client, customer_id, "Mine")
    note = Note.objects.get()
    response = reception_client.post(f"/customers/{customer_id + 1}/notes/{note.pk}/pin/", {})
    assert response.status_code == 404


def test_no_note_is_written_for_a_customer_latepoint_does_not_have(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    status, _ = live_sandbox.request("DELETE", f"/wp-json/latepoint-api/v1/customers/{customer_id}")
    assert status == 200
    response = add_note(reception_client, customer_id, "Who is this?", **HTMX)
    assert response.status_code == 404
    assert Note.objects.count() == 0
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.NOTE_ADD).exists()


def test_a_note_is_written_when_latepoint_cannot_be_asked(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    live_sandbox.set_faults(unavailable=True)
    response = add_note(reception_client, customer_id, "Kept here all the same")
    assert response.status_code == 302
    assert Note.objects.get(customer_id=customer_id).text == "Kept here all the same"


def test_notes_need_a_staff_role_and_the_csrf_token(live_sandbox, receptionist, django_user_model):
    customer_id, _ = create_customer(live_sandbox)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(receptionist)
    assert guarded.post(f"/customers/{customer_id}/notes/", {"text": "No token"}).status_code == 403
    norole = Client()
    norole.force_login(django_user_model.objects.create_user("nobody", password="x" * 12))
    assert norole.post(f"/customers/{customer_id}/notes/", {"text": "No role"}).status_code == 403
    anonymous = Client().post(f"/customers/{customer_id}/notes/", {"text": "Anonymous"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Note.objects.count() == 0


def test_a_note_is_shown_escaped(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox)
    add_note(reception_client, customer_id, "<script>alert(1)</script> & <b>bold</b>", pinned=True)
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_latepoint_notes_stay_read_only_and_labelled(live_sandbox, reception_client):
    customer_id, _ = create_customer(live_sandbox, notes="From the website form")
    page = reception_client.get(f"/customers/{customer_id}/").content.decode()
    text = visible_text(page)
    assert "LatePoint's notes" in text and "read-only here" in text
    assert "From the website form" in text
    assert 'name="notes"' not in page and 'name="admin_notes"' not in page


def test_a_posted_name_does_not_replace_the_customer_in_the_audit_trail(
    live_sandbox, reception_client, manager
):
    customer_id, name = create_customer(live_sandbox)
    profile = reception_client.get(f"/customers/{customer_id}/").content.decode()
    shown = re.search(r'name="customer_name" value="([^"]+)"', profile)
    assert shown, profile
    for forged in ("Someone Else", signed_name(customer_id + 1, "Someone Else")):
        response = reception_client.post(
            f"/customers/{customer_id}/notes/", {"text": "Hello", "customer_name": forged}
        )
        assert response.status_code == 302
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.NOTE_ADD, customer_id=customer_id)
    # Never the posted name: the name LatePoint gave the profile (kept as its summary).
    assert [entry.customer_name for entry in entries] == [name, name]
    reception_client.post(
        f"/customers/{customer_id}/notes/", {"text": "Hi", "customer_name": shown.group(1)}
    )
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.NOTE_ADD).latest("id")
    assert entry.customer_name == name
    managers = Client()
    managers.force_login(manager)
    trail = visible_text(managers.get("/audit/").content.decode())
    assert name in trail
    assert "Someone Else" not in trail
