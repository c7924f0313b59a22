"""What the day calendar is made of: the day's source data, and the grid's blocks, cells, columns
and rows as `bookings.services.calendar_layout` places them and `bookings/calendar.html` draws
them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bookings.services.arrivals import BoardRow
from latepoint.models import Agent, Booking, Location

SLOT_MINUTES = 15
DAY_MINUTES = 24 * 60


def clock(minute: int) -> str:
    """Minutes since midnight as "HH:MM" (24:00 at the end of the day)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


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
    #: The location the agent is busy at, for a booking of a calendar narrowed to another
    #: location: shown as busy there, never as free time ("" for the location's own bookings).
    elsewhere: str = ""
    #: Lanes it spans side by side: its own, and those to its right that no other booking
    #: takes in any of its rows (a booking alone at its time is as wide as its column).
    width: int = 1

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


#: Words before a name that a short name leaves out.
_TITLES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof."}


@dataclass(frozen=True)
class Column:
    agent_id: int | None
    name: str
    lanes: int
    count: int
    off: bool = False  # the agent's day off (FRONTOFFICE_AGENT_HOURS)

    @property
    def short_name(self) -> str:
        """The name as a narrow column shows it: "Dr. Sarah Johnson" as "Sarah J."."""
        words = [w for w in self.name.split() if w.casefold() not in _TITLES] or self.name.split()
        if len(words) < 2:
            return self.name
        return f"{words[0]} {words[-1][0]}."


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
