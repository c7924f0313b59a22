"""When a walk-in can be seen today: "now" with each agent free now, else each agent's next
free times today, and the next free days when nobody is free today.

An agent is free "now" when LatePoint offers them a start within `NOW_MINUTES` of the current
time (LatePoint offers no start before the current minute, so a slot under way shows as the
next step of the service's interval). The times are one `GET /availability` a day and agent
(the chosen agent, or every agent for "any"), kept a few seconds by `api()`: the same reads
the booking pages make. The next free days (`next_free.py`) are looked for only when nobody
is free for the rest of today, within that look's cap of calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from bookings.services.free_times import TimeChoice, time_label
from bookings.services.next_free import NextFree, next_free_days
from latepoint.client import ANY_AGENT
from latepoint.errors import LatePointError
from latepoint.models import Agent
from upstream.failures import describe
from upstream.gateway import api

#: A start this many minutes from now (or less) counts as "now".
NOW_MINUTES = 15
#: How many later times each agent shows.
PER_AGENT = 3


def local_now() -> datetime:
    """The business's current time (the walk-in's "now")."""
    return timezone.localtime()


@dataclass(frozen=True)
class Opening:
    """One agent's free start today."""

    agent_id: int
    agent_name: str
    time: TimeChoice
    now: bool = False

    @property
    def value(self) -> str:
        """As the form posts it: `<agent id>@HH:MM`."""
        return f"{self.agent_id}@{self.time.value}"


@dataclass
class WalkInTimes:
    """The walk-in's choices of agent and time today."""

    asked: bool = False  # a service was chosen
    now: list[Opening] = field(default_factory=list)  # agents free now, soonest first
    later: list[tuple[str, list[Opening]]] = field(default_factory=list)  # by agent
    error: str = ""
    next_free: NextFree | None = None  # the next free days, when nobody is free today

    @property
    def openings(self) -> list[Opening]:
        return self.now + [o for _, choices in self.later for o in choices]

    @property
    def first(self) -> Opening | None:
        return next(iter(self.openings), None)

    def find(self, value: str) -> Opening | None:
        return next((o for o in self.openings if o.value == value), None)


def parse_opening(value: str) -> tuple[int, str] | None:
    """`"3@09:45"` -> (3, "09:45"); None when it is not that shape."""
    agent, _, start = (value or "").partition("@")
    if not agent.isdigit() or len(agent) > 12 or len(start) != 5:
        return None
    try:
        time.fromisoformat(start)
    except ValueError:
        return None
    return int(agent), start


def walk_in_agent(agent_id: int | str | None) -> int | str:
    """Who a walk-in is seen by: the agent chosen, else any available agent."""
    return ANY_AGENT if agent_id in (None, "") else agent_id


def walk_in_times(
    *, service_id: int | None, agent_id: int | str | None, agents: list[Agent], now=None
) -> WalkInTimes:
    """Who can see the walk-in today, and when (one call an agent asked, cached a few
    seconds); with nobody free today, the next free days from tomorrow."""
    if service_id is None:
        return WalkInTimes()
    now = now or local_now()
    today = now.date()
    chosen = (
        agents if agent_id in (None, "", ANY_AGENT) else [a for a in agents if a.id == agent_id]
    )
    found = WalkInTimes(asked=True)
    soon = (now + timedelta(minutes=NOW_MINUTES)).time()
    earliest = (now - timedelta(minutes=NOW_MINUTES)).time() if now.hour else time(0)
    try:
        for agent in chosen:
            starts = [
                s
                for s in api().get_availability(service_id, agent.id, today)
                if s.start_time >= earliest
            ]
            choices = [
                Opening(
                    agent.id,
                    agent.display_name,
                    TimeChoice(
                        s.start_time.strftime("%H:%M"),
                        time_label(s.start_time),
                        time_label(s.end_time) if s.end_time else "",
                    ),
                    now=s.start_time <= soon,
                )
                for s in starts
            ]
            if choices and choices[0].now:
                found.now.append(choices.pop(0))
            later = [c for c in choices if c.time.value >= now.strftime("%H:%M")][:PER_AGENT]
            if later:
                found.later.append((agent.display_name, later))
    except LatePointError as exc:
        error = describe(exc)
        return WalkInTimes(asked=True, error=f"{error.title}: {error.message}")
    found.now.sort(key=lambda o: o.time.value)
    if not found.openings:
        found.next_free = next_free_days(
            service_id=service_id,
            agent_id=ANY_AGENT if len(chosen) != 1 else chosen[0].id,
            start=today + timedelta(days=1),
            agents=chosen,
        )
    return found
