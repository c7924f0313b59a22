"""Staff notes: adding, editing (the earlier text kept), pinning, and the pinned alerts shown
wherever a customer is acted on. Every write is audited; nothing here calls LatePoint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from frontoffice.roles import is_manager
from latepoint.errors import LatePointError, NotFound
from notes.models import Note, NoteVersion
from upstream.gateway import api

__all__ = [
    "PinnedAlert",
    "customer_notes_list",
    "note_add",
    "note_edit",
    "note_get",
    "note_may_edit",
    "note_pin",
    "pinned_alert_note",
    "pinned_alerts_for",
]


@dataclass(frozen=True)
class PinnedAlert:
    """A pinned note as an alert: its text, who wrote it and when."""

    note_id: int
    customer_id: int
    text: str
    author: str


def _username(user) -> str:
    return user.get_username() if user is not None and user.is_authenticated else ""


def _excerpt(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def note_may_edit(user, note: Note) -> bool:
    """Its author may edit a note, and a manager any note."""
    if user is None or not user.is_authenticated:
        return False
    return is_manager(user) or (note.author_id is not None and note.author_id == user.pk)


def customer_gone(customer_id: int) -> bool:
    """True when LatePoint says it has no such customer, so no note is written for them. The
    summary the profile kept answers without a call; when LatePoint cannot be asked, the
    answer is False: the note is kept here, and the desk has just seen the profile."""
    try:
        api().get_customer_summary(customer_id)
    except NotFound:
        return True
    except LatePointError:
        return False
    return False


def note_get(*, customer_id: int, note_id: int) -> Note | None:
    """The customer's note of that id, or None (a note of another customer is not theirs)."""
    return Note.objects.filter(customer_id=customer_id, pk=note_id).first()


def customer_notes_list(*, customer_id: int) -> list[Note]:
    """The customer's notes, pinned first then newest first, each with its earlier texts
    (`note.earlier`, newest first): two queries."""
    notes = list(
        Note.objects.filter(customer_id=customer_id)
        .order_by("-pinned", "-created_at", "-id")
        .prefetch_related("versions")
    )
    for note in notes:
        note.earlier = list(note.versions.all())
    return notes


@transaction.atomic
def note_add(
    *, user, customer_id: int, customer_name: str, text: str, pinned: bool = False
) -> Note:
    """Write a note (already validated: `notes.forms.NoteForm`) and audit it."""
    note = Note.objects.create(
        customer_id=customer_id, text=text, pinned=pinned, author=user, author_name=_username(user)
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.NOTE_ADD,
        object_type="note",
        object_id=note.pk,
        customer_id=customer_id,
        customer_name=customer_name,
        summary=("Pinned note: " if pinned else "Note: ") + _excerpt(text),
        changes={
            "text": {"before": None, "after": text},
            "pinned": {"before": None, "after": pinned},
        },
    )
    return note


@transaction.atomic
def note_edit(*, user, note: Note, text: str, customer_name: str) -> Note:
    """Replace a note's text, keeping the earlier one; refused unless `note_may_edit`."""
    if not note_may_edit(user, note):
        raise PermissionDenied("Only the note's author or a manager can edit it.")
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.text == text:
        return note
    NoteVersion.objects.create(
        note=note, text=note.text, edited_by=user, edited_by_name=_username(user)
    )
    before = note.text
    note.text = text
    note.edited_at = timezone.now()
    note.save(update_fields=["text", "edited_at"])
    audit_record(
        user=user,
        action=AuditEntry.Action.NOTE_EDIT,
        object_type="note",
        object_id=note.pk,
        customer_id=note.customer_id,
        customer_name=customer_name,
        summary="Note edited: " + _excerpt(text),
        changes={"text": {"before": before, "after": text}},
    )
    return note


@transaction.atomic
def note_pin(*, user, note: Note, pinned: bool, customer_name: str) -> Note:
    """Pin a note as an alert, or unpin it; refused unless `note_may_edit`."""
    if not note_may_edit(user, note):
        raise PermissionDenied("Only the note's author or a manager can pin or unpin it.")
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.pinned == pinned:
        return note
    note.pinned = pinned
    note.save(update_fields=["pinned"])
    audit_record(
        user=user,
        action=AuditEntry.Action.NOTE_PIN,
        object_type="note",
        object_id=note.pk,
        customer_id=note.customer_id,
        customer_name=customer_name,
        summary=("Pinned as an alert: " if pinned else "Unpinned: ") + _excerpt(note.text),
        changes={"pinned": {"before": not pinned, "after": pinned}},
    )
    return note


def pinned_alerts_for(customer_ids: Iterable[int | None]) -> dict[int, tuple[PinnedAlert, ...]]:
    """The pinned notes of many customers (a board's, a calendar's), by customer id, newest
    first: one query, none for no customers. Customers without one are left out."""
    ids = {int(cid) for cid in customer_ids if cid}
    if not ids:
        return {}
    found: dict[int, list[PinnedAlert]] = {}
    rows = (
        Note.objects.filter(customer_id__in=ids, pinned=True)
        .order_by("-created_at", "-id")
        .values_list("pk", "customer_id", "text", "author_name")
    )
    for pk, customer_id, text, author in rows:
        found.setdefault(customer_id, []).append(PinnedAlert(pk, customer_id, text, author))
    return {cid: tuple(alerts) for cid, alerts in found.items()}


def pinned_alert_note(customer_id: int | None) -> str:
    """The customer's pinned alerts as one sentence for a message ("" when none):
    "Alert: Allergic to latex." """
    alerts = pinned_alerts_for([customer_id]).get(int(customer_id or 0), ())
    if not alerts:
        return ""
    texts = " · ".join(" ".join(alert.text.split()) for alert in alerts)
    return f"{'Alert' if len(alerts) == 1 else 'Alerts'}: {texts}"
