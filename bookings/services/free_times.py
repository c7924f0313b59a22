"""An agent's free times for a service on a day, grouped by part of the day.

LatePoint checks availability again on every booking write: a time shown here can be taken by
the website a second later. Free times are read through `api()`, which keeps them a few seconds
and forgets them at any booking write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from django.utils import timezone

from frontoffice.formatting import format_clock
from latepoint.client import ANY_AGENT
from latepoint.errors import LatePointError
from latepoint.models import Agent
from upstream.failures import describe
from upstream.gateway import api

#: Parts of the day the free times are grouped in: (name, from hour, to hour).
DAY_PARTS = (("Morning", 0, 12), ("Afternoon", 12, 17), ("Evening", 17, 24))


@dataclass(frozen=True)
class TimeChoice:
    value: str  # "14:30", as `start_time` takes it
    label: str  # "2:30 pm"
    end: str = ""  # "3:30 pm", when LatePoint said


@dataclass
class FreeTimes:
    """The free start times of one choice of service, agent and date, by part of the day."""

    asked: bool = False  # service, agent and date were all chosen
    groups: list[tuple[str, list[TimeChoice]]] = field(default_factory=list)
    error: str = ""  # what LatePoint's failure means for the desk, when it failed
    note: str = ""  # why none could be asked for (a past date, say)

    @property
    def values(self) -> set[str]:
        return {choice.value for _, choices in self.groups for choice in choices}

    @property
    def count(self) -> int:
        return sum(len(choices) for _, choices in self.groups)

    @property
    def first(self) -> TimeChoice | None:
        for _, choices in self.groups:
            if choices:
                return choices[0]
        return None


def time_label(value: time) -> str:
    """A free time as every screen writes a time (frontoffice.formatting.format_clock)."""
    return format_clock(value)


def _group(choices: dict[str, TimeChoice]) -> list[tuple[str, list[TimeChoice]]]:
    groups = []
    for name, start, end in DAY_PARTS:
        part = [choices[key] for key in sorted(choices) if start <= int(key.split(":")[0]) < end]
        if part:
            groups.append((name, part))
    return groups


def free_times(
    *,
    service_id: int | None,
    agent_id: int | str | None,
    day: date | None,
    agents: list[Agent],
    keep: time | None = None,
    today: date | None = None,
) -> FreeTimes:
    """The free start times for a service with one agent (one upstream call, kept a few
    seconds) or with any agent (one call an agent), on `day`.

    `keep`: a time that counts as free whatever LatePoint says (a booking's own slot, when it
    is being moved).
    """
    if service_id is None or agent_id in (None, "") or day is None:
        return FreeTimes()
    today = today or timezone.localdate()
    if day < today:
        return FreeTimes(asked=True, note="That day is over: choose today or a later date.")
    ids = [a.id for a in agents] if agent_id == ANY_AGENT else [int(agent_id)]
    choices: dict[str, TimeChoice] = {}
    try:
        for one in ids:
            for slot in api().get_availability(service_id, one, day):
                key = slot.start_time.strftime("%H:%M")
                end = time_label(slot.end_time) if slot.end_time else ""
                choices.setdefault(key, TimeChoice(key, time_label(slot.start_time), end))
    except LatePointError as exc:
        error = describe(exc)
        return FreeTimes(asked=True, error=f"{error.title}: {error.message}")
    if keep is not None:
        key = keep.strftime("%H:%M")
        choices.setdefault(key, TimeChoice(key, time_label(keep) + " (its time now)"))
    return FreeTimes(asked=True, groups=_group(choices))
