"""Moving a booking to another day, time or agent, under its lock, with the conflict check.

The form carries the booking's version as it showed it (`booking_version()`); the booking is
read again, fresh, under its lock (shared by every process) before the move is sent, so of two
desks moving one booking at once one moves it and the other is shown the conflict.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_outcome, field_changes
from bookings.models import BookingMove
from bookings.reasons import MOVE, Picked, reason_picked
from bookings.services.free_times import time_label
from frontoffice.formatting import status_phrase
from history.sync import booking_record
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Agent, Booking, BookingStatus
from upstream import writes
from upstream.failures import describe
from upstream.gateway import api

#: Statuses a booking may be moved from (a finished or cancelled one stays where it was).
MOVABLE = (BookingStatus.PENDING, BookingStatus.APPROVED)


def reschedule_refusal(booking: Booking, *, today: date | None = None) -> str:
    """Why this booking cannot be moved ("" when it can)."""
    status = str(booking.status)
    if status not in MOVABLE:
        return (
            f"This booking is {status_phrase(status)}: only a pending or approved booking can"
            " be moved."
        )
    start = booking.start
    if start is not None:
        local = timezone.localtime(start) if timezone.is_aware(start) else start
        if local.date() < (today or timezone.localdate()):
            return "This booking is in the past: it cannot be moved."
    return ""


def _slot_of(booking: Booking) -> dict[str, Any]:
    start = booking.start
    local = timezone.localtime(start) if start is not None and timezone.is_aware(start) else start
    return {
        "date": local.date().isoformat() if local else None,
        "time": local.strftime("%H:%M") if local else None,
        "agent": booking.agent.display_name if booking.agent else None,
    }


def booking_version(booking: Booking) -> str:
    """What a form shows of a booking's place, as it carries it (`seen`): its status, day,
    time, agent and service. A move or status change sent from a form whose version is no
    longer LatePoint's shows the conflict screen instead of overwriting."""
    start = booking.start
    local = timezone.localtime(start) if start is not None and timezone.is_aware(start) else start
    return version_at(booking, local)


def version_at(booking: Booking, local: datetime | None) -> str:
    """booking_version() with the booking's start already in the business's time zone."""
    day = local.date().isoformat() if local else None
    at = local.strftime("%H:%M") if local else None
    agent = booking.agent.id if booking.agent else ""
    service = booking.service.id if booking.service else ""
    return f"{booking.status}|{day}|{at}|{agent}|{service}"


def seen_slot(seen: str, agents: list[Agent]) -> tuple[date | None, str, str]:
    """The day, time ("9:00 am") and agent's name of a booking_version() a form carried."""
    parts = (seen.split("|") + [""] * 5)[:5]
    try:
        day = date.fromisoformat(parts[1])
        label = time_label(datetime.strptime(parts[2], "%H:%M").time())
    except ValueError:
        return None, "", ""
    agent = next((a.display_name for a in agents if str(a.id) == parts[3]), "")
    return day, label, agent


MOVE_WORDS = writes.Words(
    what="move",
    nothing="the booking was not moved",
    checked="the booking still where it was",
    check="the booking",
)


def read_for_write(booking_id: int) -> tuple[Booking | None, writes.Outcome | None]:
    """The booking as LatePoint has it now (fresh, under its lock), or why it cannot be
    changed: not there any more, or LatePoint could not give it (nothing was sent)."""
    try:
        return api().get_booking(booking_id, fresh=True), None
    except NotFound:
        refused = writes.Outcome(
            writes.Outcome.REFUSED, status=404, message="This booking is not in LatePoint any more."
        )
        return None, refused
    except LatePointError as exc:
        error = describe(exc)
        return None, writes.Outcome(
            writes.Outcome.REFUSED,
            status=error.status,
            title=error.title,
            retry_after=error.retry_after,
            message=f"{error.message} The booking could not be read first. Nothing was changed.",
        )


@dataclass(frozen=True)
class Move:
    """A move asked for: where to, and the booking's version the form was opened on."""

    day: date
    start_time: str
    agent: Agent | None
    notify: bool
    seen: str = ""  # booking_version() as the form showed it; "" skips the check
    reason: str = ""  # a `Reason`'s slug; "" records "No reason given"
    reason_text: str = ""


def _is_at(booking: Booking, move: Move) -> bool:
    slot = _slot_of(booking)
    same_agent = move.agent is None or (
        booking.agent is not None and booking.agent.id == move.agent.id
    )
    return slot["date"] == move.day.isoformat() and slot["time"] == move.start_time and same_agent


def reschedule_booking(
    *, user, booking_id: int, move: Move, after_unknown: bool = False
) -> writes.Outcome:
    """Move a booking to `move`'s day, time and agent, under its lock (shared by every
    process). The booking is read fresh under the lock: changed since the form was opened
    (`move.seen`), the outcome is a conflict and nothing is sent. A lost answer is read back
    before anything is said. Audited with the fields that changed and the move's reason
    (`move.reason`: unknown, retired or not one for moves, a ValidationError on `reason`
    and nothing is sent)."""
    picked = reason_picked(kind=MOVE, slug=move.reason, text=move.reason_text, required=False)
    with _locked("booking", booking_id) as busy:
        if busy is not None:
            return busy
        booking, unreadable = read_for_write(booking_id)
        if unreadable is not None:
            return unreadable
        if after_unknown and _is_at(booking, move):
            outcome = writes.Outcome(
                writes.Outcome.DONE, record=booking, confirmed_after_failure=True
            )
        else:
            outcome = _move_refusal(booking, move) or _send_move(booking, move)
    if outcome.done or outcome.record is not booking:  # sent: audited whatever became of it
        _audit_move(user, booking, move, outcome, picked)
    return outcome


def _move_refusal(booking: Booking, move: Move) -> writes.Outcome | None:
    """Why the move is not sent: the booking cannot be moved, or it changed since the form
    was opened (a conflict, with the booking as it is now)."""
    refusal = reschedule_refusal(booking)
    if refusal:
        return writes.Outcome(writes.Outcome.REFUSED, status=409, message=refusal, record=booking)
    if move.seen and move.seen != booking_version(booking):
        return writes.Outcome(writes.Outcome.CONFLICT, status=409, record=booking)
    return None


def _send_move(booking: Booking, move: Move) -> writes.Outcome:
    def read_back() -> Booking | None:
        now = api().get_booking(booking.id, fresh=True)
        return now if _is_at(now, move) else None

    return writes.attempt(
        lambda: api().reschedule_booking(
            booking.id,
            start_date=move.day,
            start_time=move.start_time,
            agent_id=move.agent.id if move.agent else None,
            send_notification=move.notify,
        ),
        read_back=read_back,
        words=MOVE_WORDS,
    )


def _audit_move(
    user, booking: Booking, move: Move, outcome: writes.Outcome, picked: Picked
) -> None:
    before = _slot_of(booking)
    after = {
        "date": move.day.isoformat(),
        "time": move.start_time,
        "agent": move.agent.display_name if move.agent else before["agent"],
    }
    code = booking.booking_code or str(booking.id)
    if outcome.done:
        summary = f"Moved {code} to {move.day:%a %d %b %Y} {after['time']} with {after['agent']}"
        booking_record(outcome.record)
        _record_move(user, booking, before, after, outcome.record, picked)
    else:
        summary = f"Move of {code} not made"
    if picked.summary:
        summary += f" · Why: {picked.summary}"
    changes: dict[str, Any] = field_changes(before, after)
    if picked.label:
        changes["reason"] = picked.label
    if picked.text:
        changes["reason_text"] = picked.text
    audit_outcome(
        outcome,
        user=user,
        action=AuditEntry.Action.BOOKING_RESCHEDULE,
        object_type="booking",
        object_id=booking.id,
        customer_id=booking.customer.id if booking.customer else None,
        customer_name=booking.customer.full_name if booking.customer else "",
        summary=summary,
        changes=changes,
    )


def _record_move(user, booking: Booking, before: dict, after: dict, moved, picked: Picked) -> None:
    """Keep a move made, with its reason, for the booking page and the stats."""
    now = moved if isinstance(moved, Booking) else booking

    def place(slot: dict) -> str:
        return " ".join(str(v) for v in (slot["date"], slot["time"], slot["agent"]) if v)[:100]

    BookingMove.objects.create(
        booking_id=booking.id,
        customer_id=booking.customer.id if booking.customer else None,
        agent_id=now.agent.id if now.agent else None,
        service_id=now.service.id if now.service else None,
        moved_from=place(before),
        moved_to=place(after),
        reason=picked.reason,
        reason_label=picked.label,
        reason_text=picked.text,
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None and user.is_authenticated else "",
    )


def booking_moves(*, booking_id: int) -> list[BookingMove]:
    """The latest moves made from the front office, with their reasons."""
    return list(BookingMove.objects.filter(booking_id=booking_id)[:20])


@contextmanager
def _locked(kind: str, record_id: int):
    """The record's write lock; yields None when held, or the refusal when another request
    kept it for the whole of this page's deadline."""
    with ExitStack() as stack:
        try:
            stack.enter_context(writes.record_lock(kind, record_id))
        except writes.RecordBusy as busy:
            yield writes.refusal(busy, MOVE_WORDS)
            return
        yield None
