"""The notes section of the customer profile (`notes/customer_notes.html`): what it needs to
draw, for the profile's first paint and for the notes views' answers. Local data only."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from notes.forms import NoteEditForm, NoteForm
from notes.models import Note
from notes.services import customer_notes_list, note_may_edit

#: The id of the notes section: the partial the notes views answer HTMX with.
NOTES_TARGET = "customer-notes"

_NAME_SALT = "notes-customer-name"


def signed_customer_name(customer_id: int, name: str) -> str:
    """The customer's name as the profile showed it, signed for this customer: the notes
    forms post it back for the audit trail, which then cannot be given another name."""
    return signing.dumps([int(customer_id), name], salt=_NAME_SALT) if name else ""


def customer_name_from(value: str | None, customer_id: int) -> str:
    """The name `signed_customer_name` signed for this customer ("" for anything else)."""
    try:
        signed = signing.loads(str(value or "")[:1000], salt=_NAME_SALT)
    except signing.BadSignature:
        return ""
    if not isinstance(signed, list) or len(signed) != 2 or signed[0] != customer_id:
        return ""
    return " ".join(str(signed[1]).split())[:200]


def notes_section_context(
    *,
    user,
    customer_id: int,
    customer_name: str = "",
    form: NoteForm | None = None,
    edit_note_id: int | None = None,
    edit_form: NoteEditForm | None = None,
    message: str = "",
) -> dict:
    """The notes (pinned first, each with its earlier texts and whether `user` may edit it),
    the new-note form, and the one note being edited (its form) when there is one."""
    notes = customer_notes_list(customer_id=customer_id)
    editing = None
    for note in notes:
        note.may_edit = note_may_edit(user, note)
        if note.pk == edit_note_id and note.may_edit:
            editing = note
    if editing is not None and edit_form is None:
        edit_form = NoteEditForm(initial={"text": editing.text})
    return {
        "customer_id": customer_id,
        "notes_customer_name": signed_customer_name(customer_id, customer_name),
        "notes": notes,
        "pinned_alerts": [note for note in notes if note.pinned],
        "note_form": form or NoteForm(),
        "editing_note_id": editing.pk if editing is not None else None,
        "note_edit_form": edit_form if editing is not None else None,
        "notes_message": message,
        "notes_url": reverse("customers:notes:add", args=[customer_id]),
    }


def edit_note_id_from(value: str | None) -> int | None:
    """`?edit_note=` as a note id, or None when it is not a number."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def note_anchor(note: Note) -> str:
    return f"note-{note.pk}"
