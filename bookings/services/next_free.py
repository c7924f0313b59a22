"""Next free time: the first days with a free time for a service, with one agent or any.

LatePoint's GET /availability answers one agent's one day per call (it takes no date range),
so a search walks forward day by day and stops at whichever comes first: `wanted` days found,
`SEARCH_DAYS` days looked at, or `MAX_CALLS` calls made upstream. Answers already cached (kept
a few seconds by `api()`) cost nothing, so a second look at once, or the day's own free times
afterwards, are free. With any agent, a day is settled by the first agent free that day.
When the calls run out, the answer says how far it looked and where a further look starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from bookings.services.free_times import TimeChoice, time_label
from latepoint.client import ANY_AGENT
from latepoint.errors import LatePointError
from latepoint.models import Agent
from upstream import metrics
from upstream.failures import describe
from upstream.gateway import api

#: How many days one look covers, from the day it starts on.
SEARCH_DAYS = 28
#: The most upstream calls (GET /availability) one look may make.
MAX_CALLS = 8
#: How many free days a look shows.
WANTED = 3


@dataclass(frozen=True)
class FreeDay:
    day: date
    first: TimeChoice  # the first free time found that day
    agent_name: str = ""  # with any agent: whose free time it is


@dataclass
class NextFree:
    """What a look for the next free days found."""

    start: date
    days: list[FreeDay] = field(default_factory=list)
    last_day: date | None = None  # the last day looked at in full
    resume: date | None = None  # where a further look starts (None: the look was complete)
    calls: int = 0  # calls made upstream
    error: str = ""

    @property
    def window_end(self) -> date:
        return self.start + timedelta(days=SEARCH_DAYS - 1)


def _spent() -> int | None:
    current = metrics.current()
    return current.calls if current is not None else None


def _probe(service_id: int, agent: Agent | int, day: date) -> TimeChoice | None:
    agent_id = agent.id if isinstance(agent, Agent) else agent
    slots = api().get_availability(service_id, agent_id, day)
    if not slots:
        return None
    first = slots[0]
    end = time_label(first.end_time) if first.end_time else ""
    return TimeChoice(first.start_time.strftime("%H:%M"), time_label(first.start_time), end)


def next_free_days(
    *,
    service_id: int,
    agent_id: int | str,
    start: date,
    agents: list[Agent],
    wanted: int = WANTED,
    max_calls: int = MAX_CALLS,
    today: date | None = None,
) -> NextFree:
    """The first `wanted` days from `start` (never before today) within `SEARCH_DAYS` days on
    which the service has a free time with `agent_id` (or ANY_AGENT), in at most `max_calls`
    upstream calls."""
    today = today or timezone.localdate()
    start = max(start, today)
    found = NextFree(start=start)
    who: list[Agent | int] = list(agents) if agent_id == ANY_AGENT else [int(agent_id)]
    before = _spent()
    probes = 0

    def spent() -> int:
        now = _spent()
        return probes if now is None or before is None else now - before

    for offset in range(SEARCH_DAYS):
        day = start + timedelta(days=offset)
        for agent in who:
            if spent() >= max_calls:
                found.resume, found.calls = day, spent()
                return found
            probes += 1
            try:
                first = _probe(service_id, agent, day)
            except LatePointError as exc:
                error = describe(exc)
                found.error, found.calls = f"{error.title}: {error.message}", spent()
                return found
            if first is not None:
                name = agent.display_name if isinstance(agent, Agent) else ""
                found.days.append(FreeDay(day, first, name))
                break
        found.last_day = day
        if len(found.days) >= wanted:
            break
    found.calls = spent()
    return found


def first_free_day(
    *, service_id: int, agent_id: int | str, start: date, agents: list[Agent]
) -> date | None:
    """The first day on or after `start` with a free time (within the same caps), or None."""
    found = next_free_days(
        service_id=service_id, agent_id=agent_id, start=start, agents=agents, wanted=1
    )
    return found.days[0].day if found.days else None
