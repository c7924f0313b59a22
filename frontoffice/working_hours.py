"""The agents' working hours, as the business sets them in `FRONTOFFICE_AGENT_HOURS`.

LatePoint keeps each agent's schedule, but its API documents no way to read it (GET /agents
gives names and statuses only; GET /availability answers one agent's one day a call, too dear
for a week of every agent). So the front office is told them once, in one line:

    FRONTOFFICE_AGENT_HOURS="1: Mon-Fri 08:00-12:00 13:00-17:00; 2: Mon Tue Thu-Sat 09:00-18:00"

An agent named there works only on the days listed, within the periods listed (a lunch break is
two periods); any other day is their day off. An agent not named is taken to work the business
hours (FRONTOFFICE_DAY_START/_END) every day, as before. Plain Python with no Django import:
settings parse the value at start-up, and a value that cannot be read stops it, named.
"""

from __future__ import annotations

import re

#: agent id -> week day (0 = Monday ... 6 = Sunday) -> that day's periods, minutes since midnight.
AgentHours = dict[int, dict[int, tuple[tuple[int, int], ...]]]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    """A value of FRONTOFFICE_AGENT_HOURS that cannot be read: the message says where."""


def _minute(hours: str, minutes: str, text: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise HoursError(f"{text!r} is not a time of day")
    return value


def _days(token: str) -> list[int]:
    first, _, last = token.lower().partition("-")
    if first[:3] not in DAY_NAMES or (last and last[:3] not in DAY_NAMES):
        raise HoursError(f"{token!r} is neither a day (Mon ... Sun) nor a period (09:00-17:00)")
    start = DAY_NAMES.index(first[:3])
    end = DAY_NAMES.index(last[:3]) if last else start
    if end < start:
        raise HoursError(f"{token!r} runs backwards")
    return list(range(start, end + 1))


def _agent(entry: str) -> tuple[int, dict[int, tuple[tuple[int, int], ...]]]:
    agent, colon, spec = entry.partition(":")
    if not colon or not agent.strip().isdigit():
        raise HoursError(f'{entry.strip()!r} must start with an agent id and a colon ("1: ...")')
    week: dict[int, list[tuple[int, int]]] = {}
    for clause in spec.split(","):
        days: list[int] = []
        periods: list[tuple[int, int]] = []
        for token in clause.split():
            match = _PERIOD.match(token)
            if match:
                start = _minute(match[1], match[2], token)
                end = _minute(match[3], match[4], token)
                if end <= start:
                    raise HoursError(f"{token!r} ends before it starts")
                periods.append((start, end))
            else:
                days += _days(token)
        if not days or not periods:
            raise HoursError(f'{clause.strip()!r} needs days and periods ("Mon-Fri 09:00-17:00")')
        for day in days:
            week.setdefault(day, []).extend(periods)
    return int(agent), {day: tuple(sorted(periods)) for day, periods in week.items()}


def parse_agent_hours(text: str) -> AgentHours:
    """`FRONTOFFICE_AGENT_HOURS` read: "" is nobody's hours (every agent works the business
    hours). Raises HoursError on anything it cannot read."""
    hours: AgentHours = {}
    for entry in text.split(";"):
        if entry.strip():
            agent_id, week = _agent(entry)
            hours[agent_id] = week
    return hours


def day_periods(
    hours: AgentHours, agent_id: int, week_day: int
) -> tuple[tuple[int, int], ...] | None:
    """The agent's working periods on `week_day` (0 = Monday): () on a day off, None when
    their hours are not set (the business hours apply)."""
    week = hours.get(agent_id)
    if week is None:
        return None
    return week.get(week_day, ())
