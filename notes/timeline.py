"""One timeline per customer: bookings, notes, status changes with their reasons, check-ins,
edits and payments in one list, newest first, filterable by kind.

Only local data (the front office's own records, the audit trail, the booking history's copy of
bookings and payments) and the bookings the profile already read: no call to LatePoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.urls import reverse

from audit.models import AuditEntry
from bookings.models import CheckIn, StatusChange
from frontoffice.formatting import format_money, status_label
from history.models import BookingRecord, PaymentRecord
from latepoint.models import Booking
from notes.models import Note

#: Kind -> the filter's words, in the filter's order.
KINDS: dict[str, str] = {
    "booking": "Bookings",
    "note": "Notes",
    "status": "Status changes",
    "checkin": "Check-ins",
    "edit": "Edits",
    "payment": "Payments",
}

#: Kind -> the words on one entry.
ONE_OF_KIND: dict[str, str] = {
    "booking": "Booking",
    "note": "Note",
    "status": "Status",
    "checkin": "Check-in",
    "edit": "Edit",
    "payment": "Payment",
}

#: The id of the timeline's section: the filter's HTMX requests swap it alone.
TIMELINE_TARGET = "customer-timeline"

#: The most entries shown, and read from each source.
TIMELINE_LIMIT = 60

#: Audit actions shown as edits (the others have their own, fuller rows: status changes,
#: check-ins, notes and payments).
EDIT_ACTIONS = (
    AuditEntry.Action.CUSTOMER_CREATE,
    AuditEntry.Action.CUSTOMER_UPDATE,
    AuditEntry.Action.CUSTOMER_STATUS,
    AuditEntry.Action.BOOKING_CREATE,
    AuditEntry.Action.BOOKING_RESCHEDULE,
    AuditEntry.Action.FEE_RECORD,
)
PAYMENT_ACTIONS = (AuditEntry.Action.PAYMENT_TAKE, AuditEntry.Action.PAYMENT_REFUND)


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str
    title: str
    detail: str = ""
    who: str = ""
    url: str = ""
    pinned: bool = False
    failed: bool = False

    @property
    def kind_label(self) -> str:
        return ONE_OF_KIND[self.kind]


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    kind: str  # "" for every kind
    notice: str = ""
    more: bool = False

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return list(KINDS.items())


def parse_kind(value: str | None) -> tuple[str, str]:
    """`?kind=` as a known kind ("" for all), and a notice when it was not one."""
    kind = (value or "").strip()
    if kind and kind not in KINDS:
        return "", "That kind of entry does not exist; showing everything."
    return kind, ""


def _booking_url(booking_id: int | None) -> str:
    return reverse("bookings:detail", args=[booking_id]) if booking_id else ""


def _booking_entries(customer_id: int, shown: Iterable[Booking]) -> list[TimelineEntry]:
    """The bookings the profile read (live), then the history's copy of the others."""
    entries: dict[int, TimelineEntry] = {}
    for b in shown:
        if b.start is None:
            continue
        what = b.service.name if b.service and b.service.name else "Booking"
        agent = b.agent.display_name if b.agent else ""
        entries[b.id] = TimelineEntry(
            when=b.start,
            kind="booking",
            title=f"{what}: {status_label(b.status)}",
            detail=" · ".join(p for p in (agent, b.booking_code or "") if p),
            url=_booking_url(b.id),
        )
    records = BookingRecord.objects.filter(customer_id=customer_id, start__isnull=False).order_by(
        "-start"
    )[:TIMELINE_LIMIT]
    for r in records:
        if r.id in entries:
            continue
        entries[r.id] = TimelineEntry(
            when=r.start,
            kind="booking",
            title=f"{r.service_name or 'Booking'}: {status_label(r.status)}",
            url=_booking_url(r.id),
        )
    return list(entries.values())


def _note_entries(customer_id: int) -> list[TimelineEntry]:
    notes = Note.objects.filter(customer_id=customer_id).order_by("-created_at")[:TIMELINE_LIMIT]
    return [
        TimelineEntry(
            when=n.created_at,
            kind="note",
            title=("Pinned note" if n.pinned else "Note") + (" (edited)" if n.edited_at else ""),
            detail=n.text,
            who=n.author_name,
            url=reverse("customers:detail", args=[customer_id]) + f"#note-{n.pk}",
            pinned=n.pinned,
        )
        for n in notes
    ]


def _status_entries(customer_id: int) -> list[TimelineEntry]:
    changes = StatusChange.objects.filter(customer_id=customer_id).order_by("-created_at")
    entries = []
    for c in changes[:TIMELINE_LIMIT]:
        label = getattr(c, "reason_label", "") or ""
        reason = ": ".join(p for p in (label, c.reason or "") if p)
        failed = c.result != StatusChange.Result.OK
        title = f"{status_label(c.from_status)} → {status_label(c.to_status)}"
        if failed:
            title += f" ({c.get_result_display().lower()})"
        entries.append(
            TimelineEntry(
                when=c.created_at,
                kind="status",
                title=title,
                detail=f"Reason: {reason}" if reason else "",
                who=c.username,
                url=_booking_url(c.booking_id),
                failed=failed,
            )
        )
    return entries


def _checkin_entries(customer_id: int) -> list[TimelineEntry]:
    entries = []
    for c in CheckIn.objects.filter(customer_id=customer_id)[:TIMELINE_LIMIT]:
        url = _booking_url(c.booking_id)
        entries.append(
            TimelineEntry(
                c.checked_in_at, "checkin", "Checked in", who=c.checked_in_by_name, url=url
            )
        )
        if c.undone_at is not None:
            who = getattr(c, "undone_by_name", "") or ""
            entries.append(
                TimelineEntry(c.undone_at, "checkin", "Check-in undone", who=who, url=url)
            )
    return entries


def _audit_entries(customer_id: int, actions, kind: str) -> tuple[list[TimelineEntry], set[int]]:
    """Entries of the audit trail, and the LatePoint payment ids they name."""
    rows = AuditEntry.objects.filter(customer_id=customer_id, action__in=actions)
    entries, payment_ids = [], set()
    for e in rows.order_by("-created_at", "-id")[:TIMELINE_LIMIT]:
        failed = e.result != AuditEntry.Result.OK
        title = e.get_action_display() + (f" ({e.get_result_display().lower()})" if failed else "")
        changes = e.changes if isinstance(e.changes, dict) else {}
        if str(changes.get("payment_id", "")).isdigit():
            payment_ids.add(int(changes["payment_id"]))
        url = (
            _booking_url(int(e.object_id))
            if e.object_type == "booking" and e.object_id.isdigit()
            else ""
        )
        entries.append(
            TimelineEntry(e.created_at, kind, title, e.summary, e.username, url, failed=failed)
        )
    return entries, payment_ids


def _payment_entries(customer_id: int) -> list[TimelineEntry]:
    """Payments taken at the desk (the audit trail, with who), then LatePoint's others."""
    entries, known = _audit_entries(customer_id, PAYMENT_ACTIONS, "payment")
    records = PaymentRecord.objects.filter(customer_id=customer_id, created_at__isnull=False)
    for p in records.order_by("-created_at")[:TIMELINE_LIMIT]:
        if p.id in known:
            continue
        amount = format_money(Decimal(p.amount_cents) / 100)
        what = "Refund" if p.kind == "refund" else "Payment"
        method = f" by {p.payment_method}" if p.payment_method else ""
        entries.append(
            TimelineEntry(
                when=p.created_at,
                kind="payment",
                title=f"{what} of {amount}{method}",
                detail="" if p.status == "succeeded" else status_label(p.status),
                who="LatePoint",
                failed=p.status == "failed",
            )
        )
    return entries


def customer_timeline(
    *, customer_id: int, bookings: Iterable[Booking] = (), kind: str = "", notice: str = ""
) -> Timeline:
    """The customer's timeline, newest first (`kind` "" for every kind): one query a kind."""
    sources = {
        "booking": lambda: _booking_entries(customer_id, bookings),
        "note": lambda: _note_entries(customer_id),
        "status": lambda: _status_entries(customer_id),
        "checkin": lambda: _checkin_entries(customer_id),
        "edit": lambda: _audit_entries(customer_id, EDIT_ACTIONS, "edit")[0],
        "payment": lambda: _payment_entries(customer_id),
    }
    entries: list[TimelineEntry] = []
    for name, read in sources.items():
        if not kind or kind == name:
            entries.extend(read())
    entries.sort(key=lambda e: e.when, reverse=True)
    return Timeline(
        entries=entries[:TIMELINE_LIMIT],
        kind=kind,
        notice=notice,
        more=len(entries) > TIMELINE_LIMIT,
    )
