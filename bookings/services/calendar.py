"""The day calendar: one column per agent, a row every 15 minutes, each booking a block.

A day costs one walk of GET /bookings (the Today board's own listing of that day, so each reuses
what the other read) and the agents list from the cached reference data. Narrowing to a location
or an agent is done here, on that listing, so switching costs no call. LatePoint's API gives no
agent's working hours: the grid shows the business hours (FRONTOFFICE_DAY_START/_END), widened
to any booking outside them, and a free gap is a row within them that no booking still standing
covers. Where FRONTOFFICE_AGENT_HOURS gives an agent's working hours (frontoffice/working_hours),
their column is free only within them, and their day off not at all.

The grid's types are in `calendar_types`, and the steps that lay it out in `calendar_layout`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from bookings.services.arrivals import board_rows, day_bookings
from bookings.services.calendar_layout import (
    DaySpan,
    agent_active,
    block_order,
    columns_note,
    day_columns,
    day_counts,
    day_span,
    focus_block_id,
    free_matrix,
    grid_row,
    minute_of,
    place_blocks,
)
from bookings.services.calendar_types import CalendarSource, DayCalendar, clock
from frontoffice.working_hours import day_periods
from latepoint.models import Agent, Location
from upstream.gateway import api

# --- what a day holds ------------------------------------------------------------------------


def calendar_source(*, day: date, location_id: int | None = None) -> CalendarSource:
    """The day's bookings (one walk), the agents (cached reference data), and the locations:
    LatePoint's list if a copy is cached, else those of the day's bookings; the list is read
    only to check a location asked for that the day does not show."""
    bookings = day_bookings(day=day)
    client = api()
    agents = list(client.list_agents())
    known = {a.id for a in agents}
    for booking in bookings:
        if booking.agent is not None and booking.agent.id not in known:
            agents.append(booking.agent)
            known.add(booking.agent.id)
    locations = client.cached_locations()
    every_location = locations is not None
    if locations is None:
        seen: dict[int, Location] = {}
        for booking in bookings:
            if booking.location is not None:
                seen.setdefault(booking.location.id, booking.location)
        locations = list(seen.values())
        if location_id is not None and location_id not in seen:
            locations, every_location = client.list_locations(), True
    return CalendarSource(
        day=day,
        bookings=bookings,
        agents=sorted(agents, key=lambda a: (a.display_name or "").casefold()),
        locations=sorted(locations, key=lambda loc: (loc.name or "").casefold()),
        every_location=every_location,
    )


def calendar_agents(*, source: CalendarSource) -> list[Agent]:
    """The agents the calendar may be narrowed to: the active ones, and any on the day."""
    on_day = {b.agent.id for b in source.bookings if b.agent is not None}
    return [a for a in source.agents if agent_active(a) or a.id in on_day]


# --- the grid --------------------------------------------------------------------------------


def _agent_id(row) -> int | None:
    return row.booking.agent.id if row.booking.agent is not None else None


def _narrowed(
    source: CalendarSource, *, location_id: int | None, agent_id: int | None, now: datetime
) -> tuple[list, list]:
    """The day's rows narrowed to the location and agent asked for, and the rows of bookings
    still standing at the other locations (their agents are busy there: `place_blocks`)."""
    bookings, elsewhere = source.bookings, []
    if location_id is not None:
        elsewhere = [b for b in bookings if b.location is None or b.location.id != location_id]
        bookings = [b for b in bookings if b.location is not None and b.location.id == location_id]
    if agent_id is not None:
        bookings = [b for b in bookings if b.agent is not None and b.agent.id == agent_id]
    away = [r for r in board_rows(elsewhere, now=now) if not r.cancelled] if elsewhere else []
    return board_rows(bookings, now=now), away


def _working_periods(columns: list, day: date) -> list:
    """Each column's working periods that day (FRONTOFFICE_AGENT_HOURS): None where not given,
    () on the agent's day off."""
    hours = settings.FRONTOFFICE_AGENT_HOURS
    return [
        day_periods(hours, col.agent_id, day.weekday()) if col.agent_id is not None else None
        for col in columns
    ]


def _grid_rows(
    *,
    day: date,
    span: DaySpan,
    columns: list,
    lanes: list,
    periods: list,
    now: datetime,
    now_min: int | None,
) -> list:
    """The grid's 15-minute rows, each cell free or not (a past day has no free cell)."""
    bookable = day >= timezone.localtime(now).date()
    free = free_matrix(lanes, span, now_min=now_min, bookable=bookable, periods=periods)
    return [
        grid_row(
            r,
            span=span,
            columns=columns,
            lanes=lanes,
            free=free,
            now=now,
            now_min=now_min,
            periods=periods,
        )
        for r in range(span.count)
    ]


def _filled_columns(columns: list, *, lanes: list, blocks: list, periods: list) -> list:
    """The columns with their lanes, the count of their own blocks, and whether it is a day off."""
    return [
        replace(
            col,
            lanes=len(lanes[i]),
            count=sum(1 for b in blocks if b.column == i and not b.elsewhere),
            off=periods[i] == (),
        )
        for i, col in enumerate(columns)
    ]


def calendar_grid(
    *,
    source: CalendarSource,
    agent_id: int | None = None,
    location_id: int | None = None,
    every_agent: bool = False,
    show_cancelled: bool = False,
    now: datetime | None = None,
) -> DayCalendar:
    """The day as a grid: agents across, 15-minute rows down, each booking a block.

    Columns are the agents with a booking shown that day, or only `agent_id`, or with
    `every_agent` every active agent too. Cancelled bookings are left out unless
    `show_cancelled`; they never take a free gap.
    """
    now = now or timezone.now()
    day = source.day
    is_today = timezone.localtime(now).date() == day
    rows, away = _narrowed(source, location_id=location_id, agent_id=agent_id, now=now)
    shown = [r for r in rows if show_cancelled or not r.cancelled]

    columns, index_of = day_columns(source, shown, agent_id=agent_id, every_agent=every_agent)
    placed = [r for r in shown if r.booking.start is not None]
    away = [r for r in away if r.booking.start is not None and _agent_id(r) in index_of]
    span = day_span([*placed, *away], day)
    lanes, blocks = place_blocks(
        placed, span=span, columns=columns, index_of=index_of, day=day, elsewhere=away
    )
    now_min = minute_of(now, day) if is_today else None
    periods = _working_periods(columns, day)
    grid_rows = _grid_rows(
        day=day, span=span, columns=columns, lanes=lanes, periods=periods, now=now, now_min=now_min
    )
    columns = _filled_columns(columns, lanes=lanes, blocks=blocks, periods=periods)
    return DayCalendar(
        day=day,
        is_today=is_today,
        generated_at=now,
        columns=columns,
        rows=grid_rows,
        blocks=sorted(blocks, key=lambda b: (b.column, *block_order(b))),
        counts=day_counts(rows),
        show_cancelled=show_cancelled,
        columns_note=columns_note(columns, agent_id=agent_id, every_agent=every_agent),
        hours=(clock(span.opens), clock(span.closes)),
        widened=span.widened,
        unplaced=[r for r in shown if r.booking.start is None],
        focus_id=focus_block_id([b for b in blocks if not b.elsewhere], now_min),
    )
