"""The week calendar (`/calendar/?view=week`): one agent's week as seven day columns, or every
agent's week compacted to a row of seven cells.

A week costs one walk of GET /bookings (`date_from` Monday, `date_to` Sunday; a week that
holds today is read as the days before today and the rest, the gateway's two walks that keep
past pages for hours) and the agents from the cached reference data: at most 3 calls cold
while the week fits a page of 100 bookings a walk, none while cached. Narrowing to an agent is
done here on that listing; an agent's week is walked with `agent_id` (its few pages rather
than the whole week's).

Each agent's working days and hours come from FRONTOFFICE_AGENT_HOURS (frontoffice/working_hours:
LatePoint's API gives no schedule): a day off offers no free time, and free gaps fall within the
agent's periods only. An agent whose hours are not set works the business hours every day.

Every agent's week is compact (a count, first start and last end a day): that summary is kept
in the read cache beside the pages it is made of (`api().remember`, refreshed by any booking
write), so a warm render reads a few hundred bytes rather than the week's pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from bookings.services.calendar_layout import agent_active
from frontoffice.formatting import format_clock
from frontoffice.working_hours import day_periods
from latepoint.models import Agent, Booking, BookingStatus
from upstream.gateway import api

#: The smallest free gap a week column offers as a free time, in minutes.
MIN_GAP = 15


def week_start(day: date) -> date:
    """The Monday of the week that holds `day`."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekItem:
    """A booking, or a free gap (booking None) of an agent's day."""

    start: time
    end: time
    booking: Booking | None = None

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass
class WeekDay:
    day: date
    items: list[WeekItem] = field(default_factory=list)
    count: int = 0  # bookings still standing (cancelled left out)
    first: time | None = None
    last: time | None = None  # the end of the last booking
    is_today: bool = False
    past: bool = False
    #: The agent's working periods that day (minutes since midnight); () on their day off.
    #: None when their hours are not set: the business hours apply.
    periods: tuple[tuple[int, int], ...] | None = None

    @property
    def off(self) -> bool:
        """The agent's day off (as FRONTOFFICE_AGENT_HOURS says)."""
        return self.periods == ()

    @property
    def hours_label(self) -> str:
        """The working periods, "08:00-12:00, 13:00-17:00" (en dashes); "" on a day off or
        when the hours are not set."""
        return ", ".join(f"{_clock(s)}\u2013{_clock(e)}" for s, e in self.periods or ())


@dataclass
class AgentWeek:
    agent: Agent
    days: list[WeekDay]

    @property
    def count(self) -> int:
        return sum(d.count for d in self.days)


@dataclass
class Week:
    monday: date
    agents: list[Agent]  # the agents the week may be narrowed to
    rows: list[AgentWeek]  # one per agent shown
    generated_at: datetime

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def _placed(bookings: list[Booking], zone) -> list[tuple[Booking, datetime, datetime]]:
    """(booking, local start, local end) of each booking with a start, the zone read once (a
    busy week localises some 3,000 times)."""
    out = []
    for booking in bookings:
        start = booking.start
        if start is None:
            continue
        start = start.astimezone(zone) if start.tzinfo else start
        end = booking.end
        end = (end.astimezone(zone) if end.tzinfo else end) if end is not None else None
        if end is None or end <= start:
            end = start + timedelta(minutes=booking.duration or 15)
        out.append((booking, start, end))
    return out


def _minute(value: time) -> int:
    return value.hour * 60 + value.minute


def _clock(minute: int) -> str:
    return format_clock(_time(minute))


def _periods(agent_id: int, day: date) -> tuple[tuple[int, int], ...] | None:
    return day_periods(settings.FRONTOFFICE_AGENT_HOURS, agent_id, day.weekday())


def _time(minute: int) -> time:
    return time(min(minute, 24 * 60 - 1) // 60, min(minute, 24 * 60 - 1) % 60)


def _gaps(
    taken: list[tuple[time, time]],
    *,
    from_minute: int = 0,
    periods: tuple[tuple[int, int], ...] | None = None,
) -> list[WeekItem]:
    """The free gaps of a day between the `taken` periods (sorted), none before `from_minute`:
    within each of the agent's working `periods`, or the business hours
    (FRONTOFFICE_DAY_START/_END) when they are not set."""
    if periods is None:
        periods = ((settings.FRONTOFFICE_DAY_START, settings.FRONTOFFICE_DAY_END),)
    busy = [(_minute(s), _minute(e)) for s, e in taken]
    gaps = []
    for opens, closes in periods:
        cursor = max(opens, from_minute)
        for start, end in [*busy, (closes, closes)]:
            start = min(start, closes)
            if start - cursor >= MIN_GAP:
                gaps.append(WeekItem(_time(cursor), _time(start)))
            cursor = max(cursor, min(end, closes))
    return gaps


def _week_day(
    day: date, placed: list, *, local_now: datetime, periods: tuple | None = None
) -> WeekDay:
    """One agent's day: its count, first start and last end, its bookings, and its free gaps
    within the agent's working periods (none on their day off), in time order."""
    today = local_now.date()
    result = WeekDay(day=day, is_today=day == today, past=day < today, periods=periods)
    items, taken = [], []
    for booking, start, end in placed:
        item = WeekItem(start.time(), end.time() if end.date() == day else time(23, 59), booking)
        items.append(item)
        if booking.status != BookingStatus.CANCELLED:
            taken.append((item.start, item.end))
            result.count += 1
            result.first = min(result.first or item.start, item.start)
            result.last = max(result.last or item.end, item.end)
    if not result.past:
        # Today's gaps start at the next quarter hour: the time before it is gone.
        now_minute = _minute(local_now.time()) + 14 if result.is_today else 0
        items += _gaps(sorted(taken), from_minute=now_minute // 15 * 15, periods=periods)
    result.items = sorted(items, key=lambda i: (i.start, i.booking is not None))
    return result


@dataclass(frozen=True)
class WeekSummary:
    """Every agent's week in brief, as kept in the cache: (agent id, day) -> (bookings still
    standing, first start, last end in minutes), and the agents the bookings name."""

    days: dict[tuple[int, date], tuple[int, int, int]]
    agents: tuple[Agent, ...]


def _summarise(bookings: list[Booking], zone) -> WeekSummary:
    days: dict[tuple[int, date], tuple[int, int, int]] = {}
    agents: dict[int, Agent] = {}
    for booking, start, end in _placed(bookings, zone):
        if booking.agent is None:
            continue
        agents.setdefault(booking.agent.id, booking.agent)
        if booking.status == BookingStatus.CANCELLED:
            days.setdefault((booking.agent.id, start.date()), (0, 24 * 60, 0))
            continue
        begins = _minute(start.time())
        ends = _minute(end.time()) if end.date() == start.date() else 24 * 60 - 1
        count, first, last = days.get((booking.agent.id, start.date()), (0, 24 * 60, 0))
        days[(booking.agent.id, start.date())] = (count + 1, min(first, begins), max(last, ends))
    return WeekSummary(days=days, agents=tuple(agents.values()))


def _compact_day(day: date, brief: tuple[int, int, int] | None, *, today: date, periods):
    result = WeekDay(day=day, is_today=day == today, past=day < today, periods=periods)
    if brief is not None and brief[0]:
        result.count = brief[0]
        result.first, result.last = _time(brief[1]), _time(brief[2])
    return result


def _week_agents(agents: list[Agent], named: Iterable[Agent], with_bookings: set[int]):
    """The agents the week may be narrowed to: the active ones and any with a booking, by
    name (an agent the bookings name but the list does not is added)."""
    known = {a.id for a in agents}
    agents = [*agents, *(a for a in named if a.id not in known)]
    return sorted(
        (a for a in agents if agent_active(a) or a.id in with_bookings),
        key=lambda a: (a.display_name or "").casefold(),
    )


def week_calendar(*, day: date, agent_id: int | None = None, now: datetime | None = None) -> Week:
    """The week (Monday to Sunday) that holds `day`: every agent's, or only `agent_id`'s."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    monday = week_start(day)
    days = [monday + timedelta(days=n) for n in range(7)]
    local_now = now.astimezone(zone)
    if agent_id is None:
        summary = api().remember_from_bookings(
            "week_summary",
            lambda: _summarise(week_bookings(monday=monday), zone),
            date_from=monday,
            date_to=days[-1],
        )
        with_bookings = {a for a, _day in summary.days}
        agents = _week_agents(list(api().list_agents()), summary.agents, with_bookings)
        rows = [
            AgentWeek(
                a,
                [
                    _compact_day(
                        d,
                        summary.days.get((a.id, d)),
                        today=local_now.date(),
                        periods=_periods(a.id, d),
                    )
                    for d in days
                ],
            )
            for a in agents
        ]
        return Week(monday=monday, agents=agents, rows=rows, generated_at=now)
    bookings = week_bookings(monday=monday, agent_id=agent_id)
    named = [b.agent for b in bookings if b.agent is not None]
    agents = _week_agents(list(api().list_agents()), named, {a.id for a in named})
    by_day: dict[date, list] = {}
    for booking, start, end in _placed(bookings, zone):
        if booking.agent is not None and booking.agent.id == agent_id:
            by_day.setdefault(start.date(), []).append((booking, start, end))
    rows = [
        AgentWeek(
            a,
            [
                _week_day(d, by_day.get(d, []), local_now=local_now, periods=_periods(a.id, d))
                for d in days
            ],
        )
        for a in agents
        if a.id == agent_id
    ]
    return Week(monday=monday, agents=agents, rows=rows, generated_at=now)


def week_bookings(*, monday: date, agent_id: int | None = None) -> list[Booking]:
    """Every booking of the week from `monday` (of `agent_id` only, when given: an agent's
    week is a fraction of the pages): one walk of GET /bookings."""
    filters = {"date_from": monday, "date_to": monday + timedelta(days=6)}
    if agent_id is not None:
        filters["agent_id"] = agent_id
    return api().list_all_bookings(**filters, sort="start_date", order="asc")
