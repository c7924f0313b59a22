"""Moving a booking on the day calendar, by drag and drop or with the keyboard.

The move itself is the reschedule page's (`bookings.services.moving.reschedule_booking`): the
booking's lock, a fresh read, the conflict check against the version the calendar showed, and
LatePoint's own check that the time is still free. This module reads the target a request
names, says whether it is a free time the new-booking page would offer, and words what became
of a move ("Moved Ana Ruiz from 10:00 with Ben to 11:30 with Cleo").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

from bookings.services.booking import booking_start_local
from bookings.services.free_times import free_times
from bookings.services.moving import reschedule_refusal
from latepoint.models import Agent, Booking
from upstream import writes
from upstream.gateway import api

#: How long a move's Undo button works, in seconds.
UNDO_SECONDS = 30

_TIME = re.compile(r"\d{2}:\d{2}")
_UNDO_SALT = "calendar-move-undo"


@dataclass(frozen=True)
class Target:
    """Where a booking is to go (a day, a start time, an agent) and the booking's version as
    the calendar showed it (`booking_version()`)."""

    day: date
    start_time: str  # "HH:MM"
    agent: Agent
    seen: str

    @property
    def words(self) -> str:
        return place_words(self.start_time, self.agent.display_name)


def place_words(start_time: str, agent_name: str) -> str:
    """ "10:00 with Ana Lopez" (the time alone when there is no agent)."""
    return f"{start_time} with {agent_name}" if agent_name else start_time


def _is_clock(text: str) -> bool:
    if not _TIME.fullmatch(text):
        return False
    try:
        datetime.strptime(text, "%H:%M")
    except ValueError:
        return False
    return True


def move_agents() -> list[Agent]:
    """The agents a booking may be moved to (LatePoint's list, cached long)."""
    return list(api().list_agents())


def read_target(data, *, agents: list[Agent]) -> tuple[Target | None, str]:
    """The target a request names (`date`, `time`, `agent`, `seen`), or what is wrong with it
    in words a receptionist can act on."""
    raw_day = str(data.get("date", "")).strip()
    raw_time = str(data.get("time", "")).strip()
    raw_agent = str(data.get("agent", "")).strip()
    seen = str(data.get("seen", ""))[:200]
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        return None, "The move names no usable date (expected YYYY-MM-DD). Nothing was moved."
    if not _is_clock(raw_time):
        return None, "The move names no usable time (expected HH:MM). Nothing was moved."
    agent = next((a for a in agents if raw_agent.isdigit() and a.id == int(raw_agent)), None)
    if agent is None:
        return None, "The move names no agent LatePoint has. Nothing was moved."
    if not seen:
        return None, (
            "The move does not say where the calendar showed the booking: reload the calendar "
            "and move it again. Nothing was moved."
        )
    return Target(day=day, start_time=raw_time, agent=agent, seen=seen), ""


def seen_place(seen: str, *, agents: list[Agent]) -> Target | None:
    """Where a `booking_version()` says the booking was (None when it says no agent or time)."""
    parts = (seen.split("|") + [""] * 5)[:5]
    agent = next((a for a in agents if str(a.id) == parts[3]), None)
    try:
        day = date.fromisoformat(parts[1])
    except ValueError:
        return None
    if agent is None or not _is_clock(parts[2]):
        return None
    return Target(day=day, start_time=parts[2], agent=agent, seen=seen)


def current_place(booking: Booking) -> str:
    """Where the booking is now, in words: "10:00 with Ana Lopez"."""
    start = booking_start_local(booking)
    agent = booking.agent.display_name if booking.agent else ""
    return place_words(start.strftime("%H:%M") if start else "no time", agent)


def customer_name(booking: Booking) -> str:
    name = booking.customer.full_name if booking.customer else ""
    return name or "The booking"


def _service_name(booking: Booking) -> str:
    return (booking.service.name if booking.service else "") or "this service"


def target_refusal(booking: Booking, target: Target, *, agents: list[Agent]) -> str:
    """Why the booking cannot go to `target` ("" when it can): it cannot be moved, it is there
    already, or the target is not a free time the new-booking page would offer (one
    availability call, kept a few seconds; the booking's own time counts as free)."""
    refusal = reschedule_refusal(booking)
    if refusal:
        return refusal
    start = booking_start_local(booking)
    own_agent = booking.agent is not None and booking.agent.id == target.agent.id
    own_day = start is not None and start.date() == target.day
    if own_agent and own_day and start.strftime("%H:%M") == target.start_time:
        return "The booking is already there: nothing to move."
    if target.day < timezone.localdate():
        return "That day is over: a booking can only be moved to today or a later day."
    if booking.service is None:
        return "LatePoint gives this booking no service, so its free times cannot be checked."
    times = free_times(
        service_id=booking.service.id,
        agent_id=target.agent.id,
        day=target.day,
        agents=agents,
        keep=start.time() if own_agent and own_day else None,
    )
    if times.error:
        return f"{times.error} The free times could not be checked, so nothing was moved."
    if times.note:
        return times.note
    if target.start_time not in times.values:
        first = next(
            (c.value for _, group in times.groups for c in group if c.value > target.start_time),
            "",
        )
        hint = f" The next free time with {target.agent.display_name} is {first}." if first else ""
        return (
            f"{target.words} is not a free time for {_service_name(booking)}: LatePoint does "
            f"not offer it (booked, too short, or outside their hours).{hint}"
        )
    return ""


def outcome_words(
    outcome: writes.Outcome, *, who: str, before: Target | None, target: Target, undone: bool
) -> str:
    """What became of a move (or of its undo), in the words the calendar shows."""
    from_words = before.words if before else "where it was"
    if outcome.done:
        if undone:
            text = f"Move undone: {who} is back at {target.words}."
        else:
            text = f"Moved {who} from {from_words} to {target.words}."
        if outcome.confirmed_after_failure:
            text += " (LatePoint's answer was lost; reading the booking back shows it.)"
        return text
    if outcome.conflict:
        return (
            f"{who}'s booking changed since the calendar showed it: it is now at "
            f"{current_place(outcome.record)} ({outcome.record.status}). Nothing was moved; "
            "the calendar now shows it as LatePoint has it."
        )
    if outcome.taken and undone:
        return (
            f"{target.words} was taken meanwhile (someone else booked it), so the move cannot "
            f"be undone: {who} stays at {from_words}."
        )
    if outcome.taken:
        return (
            f"{target.words} was taken meanwhile: someone else booked it. {who} is still at "
            f"{from_words}; nothing was moved."
        )
    return outcome.error


def undo_token(*, booking_id: int, back_to: Target, user_id: int | None) -> str:
    """A signed ticket for moving the booking back to where it was, valid `UNDO_SECONDS`,
    for the user who made the move only."""
    return signing.dumps(
        [booking_id, back_to.day.isoformat(), back_to.start_time, back_to.agent.id, user_id],
        salt=_UNDO_SALT,
        compress=True,
    )


def undo_refusal(token: str, *, booking_id: int, target: Target, user_id: int | None) -> str:
    """Why an undo ticket cannot be used for this move back ("" when it can)."""
    seconds = getattr(settings, "CALENDAR_UNDO_SECONDS", UNDO_SECONDS)
    try:
        ticket = signing.loads(token, salt=_UNDO_SALT, max_age=seconds)
    except signing.SignatureExpired:
        return (
            f"An undo lasts {seconds} seconds and this one has run out: move the booking back "
            "on the calendar instead. Nothing was moved."
        )
    except signing.BadSignature:
        return "This undo is not one the calendar gave. Nothing was moved."
    expected = [booking_id, target.day.isoformat(), target.start_time, target.agent.id]
    if not isinstance(ticket, list) or ticket[:4] != expected:
        return "This undo is for another move. Nothing was moved."
    if ticket[4:] != [user_id]:
        return "Only the person who made this move can undo it. Nothing was moved."
    return ""
