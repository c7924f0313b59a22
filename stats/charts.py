"""Chart geometry for the dashboard's server-drawn SVG.

This module only computes shapes and labels; the templates (stats/charts/*.html) draw them,
so every label, including service names from LatePoint, goes through Django's escaping.
Coordinates are preformatted strings so that no locale setting can turn a dot into a comma.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from frontoffice.formatting import format_money
from stats.results import DayCount, ServiceRevenue

WIDTH = 720
#: Chart labels' size in CSS pixels: at least 12 (readable at arm's length on a tablet). The
#: service chart is drawn at least WIDTH wide where it is read (a tablet and up), so its labels
#: are not shrunk below this either.
LABEL_PX = 13
MAX_SERVICE_BARS = 12
SERVICE_LABEL_CHARS = 26


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times 10^k that is at least value (and at least 1)."""
    if value <= 1:
        return 1
    magnitude = 1.0
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


@dataclass(frozen=True)
class Tick:
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class DayBar:
    x: str
    width: str
    total_y: str
    total_height: str
    completed_y: str
    completed_height: str
    title: str


@dataclass(frozen=True)
class DailyChart:
    """Drawn without a viewBox: across, every position is a percentage of the chart's width
    (so it fills its card at any size); down, pixels. Labels are thus always drawn at their
    own size (LABEL_PX), never shrunk with the chart."""

    height: int
    plot_left: str
    plot_right: str
    plot_bottom: str
    bars: list[DayBar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    peak: int
    total: int
    days: int
    label_px: int = LABEL_PX


#: The daily chart's left gutter (the count labels) and right margin, in percent of its width.
DAILY_LEFT_PCT, DAILY_RIGHT_PCT = 7.0, 1.0


def _pct(value: float) -> str:
    return _n(value) + "%"


def daily_chart(days: list[DayCount], *, height: int = 240) -> DailyChart:
    """Bars per day: all bookings, with the completed ones drawn over their lower part."""
    left, right, top, bottom = DAILY_LEFT_PCT, 100 - DAILY_RIGHT_PCT, 12.0, 30.0
    plot_h = height - top - bottom
    peak = max((d.total for d in days), default=0)
    scale_max = nice_ceiling(peak)
    slot = (right - left) / max(len(days), 1)
    gap = slot * 0.2
    base = top + plot_h

    bars = []
    for index, day in enumerate(days):
        x = left + index * slot + gap / 2
        total_h = plot_h * day.total / scale_max
        done_h = plot_h * day.completed / scale_max
        bookings = "booking" if day.total == 1 else "bookings"
        bars.append(
            DayBar(
                x=_pct(x),
                width=_pct(slot - gap),
                total_y=_n(base - total_h),
                total_height=_n(total_h),
                completed_y=_n(base - done_h),
                completed_height=_n(done_h),
                title=f"{day.day:%a %b} {day.day.day}: {day.total} {bookings}, "
                f"{day.completed} completed",
            )
        )

    y_ticks = []
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        value = scale_max * fraction
        if value != int(value):
            continue
        y_ticks.append(
            Tick(x=_pct(left - 1), y=_n(base - plot_h * fraction), label=str(int(value)))
        )

    step = max(1, -(-len(days) // 7))  # at most about seven date labels
    x_ticks = [
        Tick(
            x=_pct(left + index * slot + slot / 2),
            y=_n(base + 20),
            label=f"{day.day:%b} {day.day.day}",
        )
        for index, day in enumerate(days)
        if index % step == 0
    ]
    return DailyChart(
        height=height,
        plot_left=_pct(left),
        plot_right=_pct(right),
        plot_bottom=_n(base),
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        peak=peak,
        total=sum(d.total for d in days),
        days=len(days),
    )


@dataclass(frozen=True)
class ServiceBar:
    name: str  # shortened for the chart; the full name is in the bar's <title> and the table
    full_name: str
    y: str
    text_y: str
    width: str
    value_x: str
    value: str


@dataclass(frozen=True)
class ServiceChart:
    width: int
    height: int
    bar_left: str
    label_x: str
    bars: list[ServiceBar]
    bar_height: str


def service_chart(rows: list[ServiceRevenue], *, row_height: int = 30) -> ServiceChart:
    """Horizontal bars of revenue per service, largest first; the tail is grouped."""
    shown = list(rows[:MAX_SERVICE_BARS])
    if len(rows) > MAX_SERVICE_BARS:
        tail = rows[MAX_SERVICE_BARS - 1 :]
        others = ServiceRevenue(
            service_id=None,
            name=f"{len(tail)} other services",
            revenue=sum((r.revenue for r in tail), Decimal(0)),
            completed=sum(r.completed for r in tail),
        )
        shown = [*shown[: MAX_SERVICE_BARS - 1], others]
    label_w, value_w, top = 200.0, 96.0, 6.0
    bar_area = WIDTH - label_w - value_w
    peak = max((r.revenue for r in shown), default=Decimal(0))
    bar_h = row_height * 0.62
    bars = []
    for index, row in enumerate(shown):
        y = top + index * row_height
        width = float(row.revenue / peak) * bar_area if peak > 0 else 0.0
        name = row.name
        if len(name) > SERVICE_LABEL_CHARS:
            name = name[: SERVICE_LABEL_CHARS - 1].rstrip() + "…"
        bars.append(
            ServiceBar(
                name=name,
                full_name=row.name,
                y=_n(y),
                text_y=_n(y + bar_h / 2),
                width=_n(max(width, 1.0) if row.revenue > 0 else 0),
                value_x=_n(label_w + width + 6),
                value=format_money(row.revenue),
            )
        )
    return ServiceChart(
        width=WIDTH,
        height=int(top * 2 + row_height * max(len(shown), 1)),
        bar_left=_n(label_w),
        label_x=_n(label_w - 8),
        bars=bars,
        bar_height=_n(bar_h),
    )
