"""The day calendar's layout, one step at a time: the columns (agents), the day's span of rows,
each booking placed as a block in a lane of its column, which rows are free, and each grid row's
cells. Pure functions of what `bookings.services.calendar` read: no call to LatePoint here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from django.conf import settings
from django.utils import timezone

from bookings.services.arrivals import BoardRow, booking_end
from bookings.services.calendar_types import (
    DAY_MINUTES,
    SLOT_MINUTES,
    Block,
    CalendarSource,
    Cell,
    Column,
    GridRow,
    clock,
)
from frontoffice.formatting import format_clock
from latepoint.models import Agent, Booking

#: One column's lanes side by side; each lane holds, per row, the block on it or None.
Lanes = list[list[Block | None]]


def agent_active(agent: Agent) -> bool:
    return (agent.status or "active").lower() == "active"


def minute_of(moment: datetime, day: date, zone: tzinfo | None = None) -> int:
    """Minutes since the day's midnight (business time zone), clamped to the day. `zone`: the
    business zone when the caller has read it (a busy day places some 1,200 times)."""
    local = moment.astimezone(zone) if zone is not None else timezone.localtime(moment)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def block_order(block: Block) -> tuple:
    return (block.first, block.span * -1, block.id)


# --- the columns ------------------------------------------------------------------------------


def _agent_key(booking: Booking) -> int | None:
    return booking.agent.id if booking.agent is not None else None


def day_columns(
    source: CalendarSource, shown: Iterable[BoardRow], *, agent_id: int | None, every_agent: bool
) -> tuple[list[Column], dict[int | None, int]]:
    """The columns in order (by name, "No agent" last) and each agent's column index."""
    by_id = {a.id: a for a in source.agents}
    wanted: dict[int | None, str] = {}
    for row in shown:
        key = _agent_key(row.booking)
        agent = by_id.get(key) if key is not None else None
        wanted[key] = (agent or row.booking.agent).display_name if key is not None else ""
    if agent_id is not None:
        agent = by_id.get(agent_id)
        wanted.setdefault(agent_id, agent.display_name if agent else f"Agent {agent_id}")
    elif every_agent:
        for agent in source.agents:
            if agent_active(agent):
                wanted.setdefault(agent.id, agent.display_name)
    ordered = sorted(
        wanted.items(),
        key=lambda item: (item[0] is None, (item[1] or "").casefold(), item[0] or 0),
    )
    columns = [
        Column(
            agent_id=key,
            name=(name or f"Agent {key}") if key is not None else "No agent",
            lanes=1,
            count=0,
        )
        for key, name in ordered
    ]
    return columns, {key: i for i, (key, _name) in enumerate(ordered)}


def columns_note(columns: list[Column], *, agent_id: int | None, every_agent: bool) -> str:
    """Which agents the columns are, said on the page."""
    if agent_id is not None:
        return f"Only {columns[0].name}." if columns else ""
    if every_agent:
        return "Every active agent, with or without bookings on this day."
    if not columns:
        return "No agent has a booking on this day."
    n = len(columns)
    return f"The {n} agent{'s' if n != 1 else ''} with bookings on this day."


# --- the rows and the blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class DaySpan:
    """The minutes the grid runs over: the business hours, widened to any booking outside."""

    opens: int  # the business hours, minutes since midnight
    closes: int
    first: int  # the grid's first row starts here
    last: int  # and its last row ends here

    @property
    def count(self) -> int:
        """How many rows the grid has."""
        return (self.last - self.first) // SLOT_MINUTES

    @property
    def widened(self) -> bool:
        return (self.first, self.last) != (self.opens, self.closes)

    def minute(self, row: int) -> int:
        """When row `row` starts, in minutes since midnight."""
        return self.first + row * SLOT_MINUTES


def day_span(placed: Iterable[BoardRow], day: date) -> DaySpan:
    """The business hours (FRONTOFFICE_DAY_START/_END), widened to whole rows around the
    bookings placed on the grid."""
    opens, closes = settings.FRONTOFFICE_DAY_START, settings.FRONTOFFICE_DAY_END
    first, last = opens, closes
    zone = timezone.get_current_timezone()
    for row in placed:
        begins = minute_of(row.booking.start, day, zone)
        ends = minute_of(booking_end(row.booking), day, zone)
        first = min(first, begins - begins % SLOT_MINUTES)
        rounded_up = -(-max(ends, begins + 1) // SLOT_MINUTES) * SLOT_MINUTES
        last = max(last, min(rounded_up, DAY_MINUTES))
    return DaySpan(opens=opens, closes=closes, first=first, last=last)


def place_blocks(
    placed: Iterable[BoardRow],
    *,
    span: DaySpan,
    columns: list[Column],
    index_of: dict[int | None, int],
    day: date,
    elsewhere: Iterable[BoardRow] = (),
) -> tuple[list[Lanes], list[Block]]:
    """Each booking as a block in its agent's column, on the first lane free for all its rows;
    every column has at least one lane.

    Bookings still standing go first, so they keep the first lane and cancelled ones shown
    beside them go to the right. `elsewhere`: the shown agents' bookings at other locations
    (a calendar narrowed to one), placed as "busy at ..." blocks that take their rows.
    """
    count = span.count
    away = {r.id for r in elsewhere}
    rows = [*placed, *(r for r in elsewhere if _agent_key(r.booking) in index_of)]
    ordered = sorted(rows, key=lambda r: (r.cancelled, r.booking.start, r.id))
    lanes: list[Lanes] = [[] for _ in columns]
    blocks: list[Block] = []
    zone = timezone.get_current_timezone()
    for row in ordered:
        column = index_of[_agent_key(row.booking)]
        begins = minute_of(row.booking.start, day, zone)
        ends = max(minute_of(booking_end(row.booking), day, zone), begins + 1)
        first = (begins - span.first) // SLOT_MINUTES
        rows_spanned = max(1, min(-(-(ends - span.first) // SLOT_MINUTES), count) - first)
        taken = lanes[column]
        rows_taken = range(first, first + rows_spanned)
        end = first + rows_spanned
        lane = next(
            (i for i, used in enumerate(taken) if used[first:end].count(None) == rows_spanned), None
        )
        if lane is None:
            taken.append([None] * count)
            lane = len(taken) - 1
        block = Block(
            row=row,
            column=column,
            lane=lane,
            first=first,
            span=rows_spanned,
            start=row.booking.start.astimezone(zone),
            end=booking_end(row.booking).astimezone(zone),
            elsewhere=_location_name(row.booking) if row.id in away else "",
        )
        for r in rows_taken:
            taken[lane][r] = block
        blocks.append(block)
    for taken in lanes:
        if not taken:
            taken.append([None] * count)
    return lanes, [_widened(block, lanes[block.column]) for block in blocks]


def _widened(block: Block, taken: Lanes) -> Block:
    """The block spread over the lanes to its right that are empty in all its rows, which it
    then takes (so no other block spreads there too)."""
    rows = range(block.first, block.first + block.span)
    width = 1
    for lane in taken[block.lane + 1 :]:
        if any(lane[r] is not None for r in rows):
            break
        width += 1
    if width == 1:
        return block
    wide = replace(block, width=width)
    for lane in taken[block.lane : block.lane + width]:
        for r in rows:
            lane[r] = wide
    return wide


def _location_name(booking: Booking) -> str:
    return (booking.location.name if booking.location else "") or "another location"


# --- free rows and the grid's rows --------------------------------------------------------------


#: An agent's working periods of the day (minutes since midnight): () on their day off, None
#: when their hours are not set (FRONTOFFICE_AGENT_HOURS; the business hours apply).
Periods = tuple[tuple[int, int], ...] | None


def _at_work(minute: int, span: DaySpan, periods: Periods) -> bool:
    """Whether a row starting at `minute` is within the agent's hours (or the business
    hours, when theirs are not set)."""
    if not span.opens <= minute < span.closes:
        return False
    return periods is None or any(start <= minute < end for start, end in periods)


def _is_free(
    taken: Lanes, r: int, *, span: DaySpan, now_min: int | None, periods: Periods = None
) -> bool:
    """Within the agent's hours, not over (today), and no booking still standing on it."""
    minute = span.minute(r)
    if not _at_work(minute, span, periods):
        return False
    if now_min is not None and minute + SLOT_MINUTES <= now_min:
        return False
    return all(used[r] is None or used[r].cancelled for used in taken)


def free_matrix(
    lanes: list[Lanes],
    span: DaySpan,
    *,
    now_min: int | None,
    bookable: bool,
    periods: list[Periods] | None = None,
) -> list[list[bool]]:
    """Per column, per row: free for a new booking, within that column's agent's `periods`.
    Nothing is, on a day gone by (not `bookable`)."""
    periods = periods or [None] * len(lanes)
    return [
        [
            _is_free(taken, r, span=span, now_min=now_min, periods=hours) and bookable
            for r in range(span.count)
        ]
        for taken, hours in zip(lanes, periods, strict=True)
    ]


def _free_until(free: list[bool], r: int, span: DaySpan) -> str:
    """On the first row of a free run, when the run ends ("11:00"); else ""."""
    if not free[r] or (r > 0 and free[r - 1]):
        return ""
    end = r
    while end < span.count and free[end]:
        end += 1
    return clock(span.minute(end))


def _column_cells(
    r: int,
    c: int,
    column: Column,
    taken: Lanes,
    *,
    free: bool,
    until: str,
    past: bool,
    off_hours: bool,
) -> list[Cell]:
    """One column's cells in row `r`: a block starting there, and the runs of lanes between.

    Lanes side by side that nothing covers in this row make one cell; in a free row the first
    such cell carries the gap's label and link.
    """
    cells: list[Cell] = []
    run: list[int] = []
    for lane, used in enumerate([*taken, None]):
        block = used[r] if used is not None else None
        if used is not None and block is None:
            run.append(lane)
            continue
        if run:
            gap = free and not any(cell.gap for cell in cells)
            cells.append(
                Cell(
                    column=c,
                    lanes=len(run),
                    agent_id=column.agent_id,
                    agent_name=column.name,
                    free=free,
                    gap=gap,
                    free_until=until if gap else "",
                    past=past,
                    off_hours=off_hours,
                    last_lane=run[-1] == len(taken) - 1,
                )
            )
            run = []
        if block is not None and block.first == r and block.lane == lane:
            last_lane = lane + block.width - 1 == len(taken) - 1
            cells.append(Cell(column=c, block=block, lanes=block.width, last_lane=last_lane))
    return cells


def grid_row(
    r: int,
    *,
    span: DaySpan,
    columns: list[Column],
    lanes: list[Lanes],
    free: list[list[bool]],
    now: datetime,
    now_min: int | None,
    periods: list[Periods] | None = None,
) -> GridRow:
    """Row `r` of the grid: every column's cells in it, and the now line if it falls there.
    A row outside a column's agent's hours (`periods`) is off hours in that column."""
    minute = span.minute(r)
    past = now_min is not None and minute + SLOT_MINUTES <= now_min
    periods = periods or [None] * len(lanes)
    cells: list[Cell] = []
    for c, taken in enumerate(lanes):
        until = _free_until(free[c], r, span)
        off_hours = not _at_work(minute, span, periods[c])
        cells += _column_cells(
            r, c, columns[c], taken, free=free[c][r], until=until, past=past, off_hours=off_hours
        )
    now_label, now_offset = "", 0
    if now_min is not None and minute <= now_min < minute + SLOT_MINUTES:
        now_label = format_clock(timezone.localtime(now).time())
        now_offset = (now_min - minute) * 100 // SLOT_MINUTES
    return GridRow(r, minute, cells, now=now_label, now_offset=now_offset)


# --- what the page says about the day ----------------------------------------------------------


def day_counts(rows: list[BoardRow]) -> dict[str, int]:
    """The day's figures: cancelled bookings are counted apart, never in the others."""
    counted = [r for r in rows if not r.cancelled]
    return {
        "total": len(counted),
        "checked_in": sum(1 for r in counted if r.check_in),
        "late": sum(1 for r in counted if r.late_minutes > 0),
        "cancelled": sum(1 for r in rows if r.cancelled),
    }


def focus_block_id(blocks: list[Block], now_min: int | None) -> int | None:
    """The block the keyboard starts on: the first not yet over (today), else the first."""
    if not blocks:
        return None
    ordered = sorted(blocks, key=lambda b: (b.first, b.column, b.lane))
    if now_min is not None:
        for block in ordered:
            if minute_of(block.end, block.start.date()) > now_min:
                return block.id
    return ordered[0].id
