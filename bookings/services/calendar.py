"""The day calendar: one column per agent, a row every 15 minutes, each booking a block.

A day costs one walk of GET /bookings (the Today board's own listing of that day, so each reuses
what the other read) and the agents list from the cached reference data. Narrowing to a location
or an agent is done here, on that listing, so switching costs no call. LatePoint's API gives no
agent's working hours: the grid shows the business hours (FRONTOFFICE_DAY_START/_END), widened
to any booking outside them, and a free gap is a row within them that no booking still standing
covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from bookings.services.arrivals import BoardRow, board_rows, booking_end, day_bookings
from frontoffice.upstream import api
from latepoint.models import Agent, Booking, Location

SLOT_MINUTES = 15
DAY_MINUTES = 24 * 60

# --- what a day holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarSource:
    """What the calendar of a day is drawn from: its bookings, the agents and the locations."""

    day: date
    bookings: list[Booking]
    agents: list[Agent]
    locations: list[Location]
    #: Whether `locations` is LatePoint's whole list, not only those on the day's bookings.
    every_location: bool


def _active(agent: Agent) -> bool:
    return (agent.status or "active").lower() == "active"


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
    return [a for a in source.agents if _active(a) or a.id in on_day]


# --- the grid --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A booking placed on the grid: its column and lane, its first row and how many it spans."""

    row: BoardRow
    column: int
    lane: int
    first: int
    span: int
    start: datetime | None  # business time zone
    end: datetime | None

    @property
    def booking(self) -> Booking:
        return self.row.booking

    @property
    def id(self) -> int:
        return self.row.booking.id

    @property
    def cancelled(self) -> bool:
        return self.row.cancelled


@dataclass(frozen=True)
class Cell:
    """One or more lanes of one column in one row: a block starting there, a free gap, or
    nothing. Rows a block covers below its first have no cell at all (the block spans them).
    """

    column: int
    lanes: int = 1  # lanes side by side this cell spans
    agent_id: int | None = None
    agent_name: str = ""
    block: Block | None = None
    free: bool = False  # within the business hours, and no booking still standing on it
    gap: bool = False  # the cell of a free row that says so (and leads to a new booking)
    free_until: str = ""  # on the first row of a free run: when the run ends, "11:00"
    past: bool = False
    off_hours: bool = False
    last_lane: bool = False  # the column's right edge


@dataclass(frozen=True)
class Column:
    agent_id: int | None
    name: str
    lanes: int
    count: int


@dataclass(frozen=True)
class GridRow:
    index: int
    minute: int  # minutes since midnight, business time zone
    cells: list[Cell]
    now: str = ""  # "10:37" when the now line falls in this row
    now_offset: int = 0  # how far down the row it falls, in percent

    @property
    def label(self) -> str:
        return clock(self.minute)

    @property
    def on_the_hour(self) -> bool:
        return self.minute % 60 == 0


@dataclass(frozen=True)
class DayCalendar:
    day: date
    is_today: bool
    generated_at: datetime
    columns: list[Column]
    rows: list[GridRow]
    blocks: list[Block]
    counts: dict[str, int]
    show_cancelled: bool
    columns_note: str
    hours: tuple[str, str]  # the business hours, "08:00", "20:00"
    widened: bool  # the grid runs past them to show a booking
    #: Bookings LatePoint gave no start time: listed under the grid, never lost.
    unplaced: list[BoardRow] = field(default_factory=list)
    #: The first block at or after now (today), else the first: where the keyboard starts.
    focus_id: int | None = None

    def sheets(self) -> list[tuple[str, list[BoardRow]]]:
        """Each column's bookings in time order, for the printed day sheet per agent."""
        return [
            (column.name, [b.row for b in self.blocks if b.column == i])
            for i, column in enumerate(self.columns)
        ]


def clock(minute: int) -> str:
    """Minutes since midnight as "HH:MM" (24:00 at the end of the day)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _minute(moment: datetime, day: date) -> int:
    """Minutes since the day's midnight (business time zone), clamped to the day."""
    local = timezone.localtime(moment)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def _block_order(block: Block) -> tuple:
    return (block.first, block.span * -1, block.id)


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
    bookings = source.bookings
    if location_id is not None:
        bookings = [b for b in bookings if b.location is not None and b.location.id == location_id]
    if agent_id is not None:
        bookings = [b for b in bookings if b.agent is not None and b.agent.id == agent_id]
    rows = board_rows(bookings, now=now)
    cancelled = sum(1 for r in rows if r.cancelled)
    shown = [r for r in rows if show_cancelled or not r.cancelled]

    columns, index_of = _columns(source, shown, agent_id=agent_id, every_agent=every_agent)
    placed = [r for r in shown if r.booking.start is not None]
    start_min, end_min = settings.FRONTOFFICE_DAY_START, settings.FRONTOFFICE_DAY_END
    first_min, last_min = start_min, end_min
    for row in placed:
        begins = _minute(row.booking.start, day)
        ends = _minute(booking_end(row.booking), day)
        first_min = min(first_min, begins - begins % SLOT_MINUTES)
        rounded_up = -(-max(ends, begins + 1) // SLOT_MINUTES) * SLOT_MINUTES
        last_min = max(last_min, min(rounded_up, DAY_MINUTES))
    count = (last_min - first_min) // SLOT_MINUTES

    # Lanes: bookings still standing first, so they keep the first lane and cancelled ones
    # shown beside them go to the right.
    ordered = sorted(placed, key=lambda r: (r.cancelled, r.booking.start, r.id))
    lanes: list[list[list[Block | None]]] = [[] for _ in columns]
    blocks: list[Block] = []
    for row in ordered:
        column = index_of[_agent_key(row.booking)]
        begins = _minute(row.booking.start, day)
        ends = max(_minute(booking_end(row.booking), day), begins + 1)
        first = (begins - first_min) // SLOT_MINUTES
        span = max(1, min(-(-(ends - first_min) // SLOT_MINUTES), count) - first)
        taken = lanes[column]
        rows_taken = range(first, first + span)
        lane = next(
            (i for i, used in enumerate(taken) if all(used[r] is None for r in rows_taken)), None
        )
        if lane is None:
            taken.append([None] * count)
            lane = len(taken) - 1
        block = Block(
            row=row,
            column=column,
            lane=lane,
            first=first,
            span=span,
            start=timezone.localtime(row.booking.start),
            end=timezone.localtime(booking_end(row.booking)),
        )
        for r in rows_taken:
            taken[lane][r] = block
        blocks.append(block)
    for taken in lanes:
        if not taken:
            taken.append([None] * count)

    now_min = _minute(now, day) if is_today else None
    today = timezone.localtime(now).date()
    free = [
        [
            _is_free(lanes[c], r, minute=first_min + r * SLOT_MINUTES, now_min=now_min)
            and day >= today
            for r in range(count)
        ]
        for c in range(len(columns))
    ]
    grid_rows = []
    for r in range(count):
        minute = first_min + r * SLOT_MINUTES
        past = now_min is not None and minute + SLOT_MINUTES <= now_min
        off_hours = not start_min <= minute < end_min
        cells = []
        for c, taken in enumerate(lanes):
            until = ""
            if free[c][r] and (r == 0 or not free[c][r - 1]):
                end = r
                while end < count and free[c][end]:
                    end += 1
                until = clock(first_min + end * SLOT_MINUTES)
            # Lanes side by side that nothing covers in this row make one cell; in a free row
            # the first such cell carries the gap's label and link.
            run: list[int] = []
            for lane, used in enumerate([*taken, None]):
                block = used[r] if used is not None else None
                if used is not None and block is None:
                    run.append(lane)
                    continue
                if run:
                    gap = free[c][r] and not any(cell.gap for cell in cells if cell.column == c)
                    cells.append(
                        Cell(
                            column=c,
                            lanes=len(run),
                            agent_id=columns[c].agent_id,
                            agent_name=columns[c].name,
                            free=free[c][r],
                            gap=gap,
                            free_until=until if gap else "",
                            past=past,
                            off_hours=off_hours,
                            last_lane=run[-1] == len(taken) - 1,
                        )
                    )
                    run = []
                if block is not None and block.first == r:
                    last_lane = lane == len(taken) - 1
                    cells.append(Cell(column=c, block=block, last_lane=last_lane))
        now_label, now_offset = "", 0
        if now_min is not None and minute <= now_min < minute + SLOT_MINUTES:
            now_label = timezone.localtime(now).strftime("%H:%M")
            now_offset = (now_min - minute) * 100 // SLOT_MINUTES
        grid_rows.append(GridRow(r, minute, cells, now=now_label, now_offset=now_offset))

    counted = [r for r in rows if not r.cancelled]
    counts = {
        "total": len(counted),
        "checked_in": sum(1 for r in counted if r.check_in),
        "late": sum(1 for r in counted if r.late_minutes > 0),
        "cancelled": cancelled,
    }
    columns = [
        replace(col, lanes=len(lanes[i]), count=sum(1 for b in blocks if b.column == i))
        for i, col in enumerate(columns)
    ]
    return DayCalendar(
        day=day,
        is_today=is_today,
        generated_at=now,
        columns=columns,
        rows=grid_rows,
        blocks=sorted(blocks, key=lambda b: (b.column, *_block_order(b))),
        counts=counts,
        show_cancelled=show_cancelled,
        columns_note=_columns_note(columns, agent_id=agent_id, every_agent=every_agent),
        hours=(clock(start_min), clock(end_min)),
        widened=(first_min, last_min) != (start_min, end_min),
        unplaced=[r for r in shown if r.booking.start is None],
        focus_id=_focus(blocks, now_min),
    )


def _is_free(taken: list[list[Block | None]], r: int, *, minute: int, now_min: int | None) -> bool:
    """Within the business hours, not over (today), and no booking still standing on it."""
    if not settings.FRONTOFFICE_DAY_START <= minute < settings.FRONTOFFICE_DAY_END:
        return False
    if now_min is not None and minute + SLOT_MINUTES <= now_min:
        return False
    return all(used[r] is None or used[r].cancelled for used in taken)


def _agent_key(booking: Booking) -> int | None:
    return booking.agent.id if booking.agent is not None else None


def _columns(
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
            if _active(agent):
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


def _columns_note(columns: list[Column], *, agent_id: int | None, every_agent: bool) -> str:
    """Which agents the columns are, said on the page."""
    if agent_id is not None:
        return f"Only {columns[0].name}." if columns else ""
    if every_agent:
        return "Every active agent, with or without bookings on this day."
    if not columns:
        return "No agent has a booking on this day."
    n = len(columns)
    return f"The {n} agent{'s' if n != 1 else ''} with bookings on this day."


def _focus(blocks: list[Block], now_min: int | None) -> int | None:
    """The block the keyboard starts on: the first not yet over (today), else the first."""
    if not blocks:
        return None
    ordered = sorted(blocks, key=lambda b: (b.first, b.column, b.lane))
    if now_min is not None:
        for block in ordered:
            if _minute(block.end, block.start.date()) > now_min:
                return block.id
    return ordered[0].id
