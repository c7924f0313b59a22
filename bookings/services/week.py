"""The week calendar (`/calendar/?view=week`): one agent's week as seven day columns, or every
agent's week compacted to a row of seven cells.

A week costs one walk of GET /bookings (`date_from` Monday, `date_to` Sunday; a week that
holds today is read as the days before today and the rest, the gateway's two walks that keep
past pages for hours) and the agents from the cached reference data: at most 3 calls cold
while the week fits a page of 100 bookings a walk, none while cached. Narrowing to an agent is
done here on that listing; an agent's week is walked with `agent_id` (its few pages rather
than the whole week's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from bookings.services.calendar_layout import agent_active
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


def _time(minute: int) -> time:
    return time(min(minute, 24 * 60 - 1) // 60, min(minute, 24 * 60 - 1) % 60)


def _gaps(taken: list[tuple[time, time]], *, from_minute: int = 0) -> list[WeekItem]:
    """The free gaps of a day within business hours (FRONTOFFICE_DAY_START/_END, minutes)
    between the `taken` periods (sorted), none before `from_minute`."""
    opens, closes = settings.FRONTOFFICE_DAY_START, settings.FRONTOFFICE_DAY_END
    cursor = max(opens, from_minute)
    gaps = []
    for start, end in [*((_minute(s), _minute(e)) for s, e in taken), (closes, closes)]:
        start = min(start, closes)
        if start - cursor >= MIN_GAP:
            gaps.append(WeekItem(_time(cursor), _time(start)))
        cursor = max(cursor, min(end, closes))
    return gaps


def _week_day(day: date, placed: list, *, local_now: datetime, detail: bool) -> WeekDay:
    """One agent's day: its count, first start and last end; with `detail`, its bookings and
    free gaps in time order too (the compact week of every agent shows no items)."""
    today = local_now.date()
    result = WeekDay(day=day, is_today=day == today, past=day < today)
    items, taken = [], []
    for booking, start, end in placed:
        item = WeekItem(start.time(), end.time() if end.date() == day else time(23, 59), booking)
        if detail:
            items.append(item)
        if booking.status != BookingStatus.CANCELLED:
            taken.append((item.start, item.end))
            result.count += 1
            result.first = min(result.first or item.start, item.start)
            result.last = max(result.last or item.end, item.end)
    if detail and not result.past:
        # Today's gaps start at the next quarter hour: the time before it is gone.
        now_minute = _minute(local_now.time()) + 14 if result.is_today else 0
        items += _gaps(sorted(taken), from_minute=now_minute // 15 * 15)
    result.items = sorted(items, key=lambda i: (i.start, i.booking is not None))
    return result


def week_calendar(*, day: date, agent_id: int | None = None, now: datetime | None = None) -> Week:
    """The week (Monday to Sunday) that holds `day`: every agent's, or only `agent_id`'s."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    monday = week_start(day)
    bookings = week_bookings(monday=monday, agent_id=agent_id)
    agents = list(api().list_agents())
    known = {a.id for a in agents}
    for booking in bookings:
        if booking.agent is not None and booking.agent.id not in known:
            agents.append(booking.agent)
            known.add(booking.agent.id)
    with_bookings = {b.agent.id for b in bookings if b.agent is not None}
    agents = sorted(
        (a for a in agents if agent_active(a) or a.id in with_bookings),
        key=lambda a: (a.display_name or "").casefold(),
    )
    shown = [a for a in agents if agent_id is None or a.id == agent_id]
    by_day: dict[tuple[int, date], list] = {}
    for booking, start, end in _placed(bookings, zone):
        if booking.agent is not None:
            by_day.setdefault((booking.agent.id, start.date()), []).append((booking, start, end))
    days = [monday + timedelta(days=n) for n in range(7)]
    local_now, detail = now.astimezone(zone), agent_id is not None
    rows = [
        AgentWeek(
            a,
            [
                _week_day(d, by_day.get((a.id, d), []), local_now=local_now, detail=detail)
                for d in days
            ],
        )
        for a in shown
    ]
    return Week(monday=monday, agents=agents, rows=rows, generated_at=now)


def week_bookings(*, monday: date, agent_id: int | None = None) -> list[Booking]:
    """Every booking of the week from `monday` (of `agent_id` only, when given: an agent's
    week is a fraction of the pages): one walk of GET /bookings."""
    filters = {"date_from": monday, "date_to": monday + timedelta(days=6)}
    if agent_id is not None:
        filters["agent_id"] = agent_id
    return api().list_all_bookings(**filters, sort="start_date", order="asc")
