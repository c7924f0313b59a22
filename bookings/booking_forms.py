"""The choices of a new booking or a move: who, what, with whom, where, when.

The same fields come from the page's address (a GET: `?customer=&service=&agent=&location=&date=
&time=`, every one optional and ignored with a message when it is not usable) and from the
booking form (a POST, where a time is required).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.utils import timezone

from frontoffice.reference import ReferenceData
from latepoint.client import ANY_AGENT

TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
#: How far ahead a booking may be made from the desk.
MAX_DAYS_AHEAD = 730
NOTES_MAX = 1000


@dataclass
class Picks:
    """What is chosen so far; None where nothing (usable) was given."""

    customer_id: int | None = None
    service_id: int | None = None
    agent_id: int | str | None = None  # an agent's id or ANY_AGENT
    location_id: int | None = None
    day: date | None = None
    time: str = ""  # "HH:MM"
    notes: str = ""
    send_confirmation: bool = True
    after: date | None = None  # "book again": the visit the suggested date follows
    date_given: bool = False
    messages: list[str] = field(default_factory=list)  # what was ignored, and why

    def query(self, **overrides) -> dict[str, str]:
        """The address's parameters for these picks (those set), with overrides."""
        values = {
            "customer": self.customer_id,
            "service": self.service_id,
            "agent": self.agent_id,
            "location": self.location_id,
            "date": self.day.isoformat() if self.day else None,
            "time": self.time or None,
        }
        values.update(overrides)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _int(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 12:
        return None
    return int(raw)


def _read_agent(picks: Picks, agent: str, reference: ReferenceData) -> None:
    if agent in (ANY_AGENT, "-1"):
        picks.agent_id = ANY_AGENT
    elif agent:
        value = _int(agent)
        if value in {a.id for a in reference.agents}:
            picks.agent_id = value
        else:
            picks.messages.append("Agent: that choice is not available and was ignored.")


def read_picks(
    data, reference: ReferenceData, *, today: date | None = None, any_agent_first: bool = False
) -> Picks:
    """The picks in a GET or POST's data, each checked against LatePoint's reference data.

    `any_agent_first`: an address that names no agent at all means any available agent (a
    new booking shows free times at once); an agent field sent empty stays "Choose an agent".
    """
    today = today or timezone.localdate()
    picks = Picks()
    raw = {name: (data.get(name) or "").strip() for name in data}

    if raw.get("customer"):
        picks.customer_id = _int(raw["customer"])
        if picks.customer_id is None:
            picks.messages.append("Customer: that is not a customer number, and was ignored.")
    choices = (
        ("service", "Service", {s.id for s in reference.services}, "service_id"),
        ("location", "Location", {loc.id for loc in reference.locations}, "location_id"),
    )
    for name, label, known, attribute in choices:
        if raw.get(name):
            value = _int(raw[name])
            if value in known:
                setattr(picks, attribute, value)
            else:
                picks.messages.append(f"{label}: that choice is not available and was ignored.")
    if "agent" not in data and any_agent_first:
        picks.agent_id = ANY_AGENT
    else:
        _read_agent(picks, raw.get("agent", ""), reference)
    if raw.get("date"):
        try:
            day = date.fromisoformat(raw["date"])
        except ValueError:
            picks.messages.append("Date: use the format YYYY-MM-DD; showing today instead.")
            day = today
        if day > today + timedelta(days=MAX_DAYS_AHEAD):
            picks.messages.append("Date: that is too far ahead; showing today instead.")
            day = today
        picks.day = day
        picks.date_given = True
    else:
        picks.day = today
    if raw.get("after"):
        try:
            picks.after = date.fromisoformat(raw["after"])
        except ValueError:
            picks.messages.append("After: use the format YYYY-MM-DD; it was ignored.")
    start = raw.get("start_time") or raw.get("time") or ""
    if start:
        if TIME_PATTERN.match(start):
            picks.time = start
        else:
            picks.messages.append("Time: use the format HH:MM (24 hours); it was ignored.")
    picks.notes = (data.get("notes") or "").strip()
    if "send_confirmation" in data or "booking_form" in data:
        picks.send_confirmation = data.get("send_confirmation") in ("on", "true", "1", "yes")
    return picks


def picks_errors(picks: Picks, *, today: date | None = None) -> dict[str, str]:
    """What stops a booking being made from these picks, by field."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if picks.customer_id is None:
        errors["customer"] = "Choose the customer."
    if picks.service_id is None:
        errors["service"] = "Choose a service."
    if picks.agent_id is None:
        errors["agent"] = "Choose an agent, or any available agent."
    if picks.day is None:
        errors["date"] = "Choose a date."
    elif picks.day < today:
        errors["date"] = "That day is over: choose today or a later date."
    if not picks.time:
        errors["start_time"] = "Choose a free time."
    if len(picks.notes) > NOTES_MAX:
        errors["notes"] = f"Keep the notes under {NOTES_MAX} characters."
    return errors


class PicksForm(forms.Form):
    """The pickers as the page shows them (values come from `Picks`; never validated here)."""

    service = forms.ChoiceField(label="Service", required=False)
    agent = forms.ChoiceField(label="Agent", required=False)
    location = forms.ChoiceField(label="Location", required=False)
    date = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, picks: Picks, reference: ReferenceData, *, any_agent: bool = True):
        initial = {
            "service": picks.service_id or "",
            "agent": picks.agent_id or "",
            "location": picks.location_id or "",
            "date": picks.day.isoformat() if picks.day else "",
        }
        super().__init__(initial=initial)
        self.fields["service"].choices = [("", "Choose a service")] + [
            (s.id, f"{s.name} ({s.duration} min)" if s.duration else s.name)
            for s in reference.services
        ]
        agents = [(a.id, a.display_name) for a in reference.agents]
        if any_agent:
            agents = [(ANY_AGENT, "Any available agent"), *agents]
        self.fields["agent"].choices = [("", "Choose an agent"), *agents]
        self.fields["location"].choices = [("", "Default location")] + [
            (loc.id, loc.name) for loc in reference.locations
        ]
        self.fields["date"].widget.attrs["min"] = timezone.localdate().isoformat()
