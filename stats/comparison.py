"""A figure beside its value for the previous period, and how its change reads."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from stats.results import TENTH


@dataclass(frozen=True)
class Comparison:
    """One figure for the period and the previous one, with its change."""

    key: str
    label: str
    kind: str  # "count", "money" or "percent"
    current: Decimal | int | None
    previous: Decimal | int | None
    definition: str = ""
    #: Which way is good news: "up" (revenue, bookings), "down" (no-show and cancellation
    #: rates) or "" (neither: a change is only a change).
    better: str = ""

    @property
    def change(self) -> Decimal | None:
        """Percentage points for rates; percent of the previous value for the rest."""
        if self.current is None or self.previous is None:
            return None
        current, previous = Decimal(self.current), Decimal(self.previous)
        if self.kind == "percent":
            return (current - previous).quantize(TENTH, rounding=ROUND_HALF_UP)
        if not previous:
            return None
        return ((current - previous) * 100 / previous).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def trend(self) -> str:
        change = self.change
        if change is None:
            if self.current and self.previous == 0:
                return "up"
            return "none"
        return "up" if change > 0 else "down" if change < 0 else "flat"

    @property
    def verdict(self) -> str:
        """ "better" or "worse" for a change of a figure that has a good direction, else ""."""
        change = self.change
        if not change or self.better not in ("up", "down"):
            return ""
        return "better" if (change > 0) == (self.better == "up") else "worse"

    @property
    def change_amount(self) -> str:
        """The size of the change without its sign ("3.1 pts", "10.0%"); "" when there is none
        to show (see change_text)."""
        change = self.change
        if not change:
            return ""
        return f"{abs(change)}{' pts' if self.kind == 'percent' else '%'}"

    @property
    def arrow(self) -> str:
        """▲ or ▼ for a change with a size, else "" (the text says "up" or "down" too)."""
        if not self.change_amount:
            return ""
        return (
            "\N{BLACK UP-POINTING TRIANGLE}"
            if self.change > 0
            else "\N{BLACK DOWN-POINTING TRIANGLE}"
        )

    @property
    def change_label(self) -> str:
        """The change as read on the dashboard: "▲ 3.1 pts (worse)", "▼ 10.0% (better)", "▲ 4.0%"
        for a figure with no good direction, and change_text when there is no change to size."""
        if not self.change_amount:
            return "no change" if self.change == 0 else self.change_text
        verdict = f" ({self.verdict})" if self.verdict else ""
        return f"{self.arrow} {self.change_amount}{verdict}"

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            if self.current is None or self.previous is None:
                return "no comparison"
            if self.previous == 0 and self.current:
                return "new (none before)"
            return "no change"
        unit = " pts" if self.kind == "percent" else "%"
        if change == 0:
            return f"0{unit}"
        sign = "+" if change > 0 else "\N{MINUS SIGN}"
        return f"{sign}{abs(change)}{unit}"
