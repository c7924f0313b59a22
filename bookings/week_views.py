"""The week calendar (`/calendar/?view=week&agent=&date=`): one agent's week as seven day
columns, or, without an agent, every agent's week as a row of seven cells.

The day calendar's view hands `?view=week` here. Every choice is in the address (the week is
the one that holds `date`); a value that cannot be used is said and left out, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bookings.forms import day_from
from bookings.services.week import week_calendar, week_start
from frontoffice.http import HtmxHttpRequest, wants_fragment

WEEK_TARGET = "calendar"


@dataclass(frozen=True)
class WeekLinks:
    previous: str
    next: str
    today: str
    is_this_week: bool
    day_view: str  # the day calendar of the date asked for, agent kept


def _url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))
    return reverse("calendar") + ("?" + query if query else "")


def _week_links(monday: date, day: date, agent_id: int | None) -> WeekLinks:
    this_monday = week_start(timezone.localdate())

    def week(when: date) -> str:
        return _url(view="week", agent=agent_id, date=None if when == this_monday else when)

    return WeekLinks(
        previous=week(monday - timedelta(days=7)),
        next=week(monday + timedelta(days=7)),
        today=week(this_monday),
        is_this_week=monday == this_monday,
        day_view=_url(date=day.isoformat(), agent=agent_id),
    )


def _agent_from(raw: str) -> tuple[int | None, str]:
    raw = (raw or "").strip()
    if not raw:
        return None, ""
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw), ""
    return None, "Agent: that is not an agent, so every agent's week is shown."


def _new_booking_url() -> str:
    try:
        return reverse("bookings:new")
    except NoReverseMatch:
        return ""


def week_calendar_view(request: HtmxHttpRequest) -> TemplateResponse:
    """`?view=week`, `?date=` (any day of the week), `?agent=` (one agent's week)."""
    today = timezone.localdate()
    day, date_warning = day_from(request.GET.get("date"), today=today)
    agent_id, agent_warning = _agent_from(request.GET.get("agent", ""))
    week = week_calendar(day=day, agent_id=agent_id)
    warnings = [w for w in (date_warning, agent_warning) if w]
    if agent_id is not None and not week.rows:
        warnings.append("Agent: no such agent, so every agent's week is shown.")
        agent_id = None
        week = week_calendar(day=day)
    context = {
        "week": week,
        "agent": week.rows[0].agent if agent_id is not None else None,
        "day": day,
        "links": _week_links(week.monday, day, agent_id),
        "warnings": warnings,
        "new_booking_url": _new_booking_url(),
        "calendar_url": reverse("calendar"),
    }
    template = "bookings/calendar_week.html"
    if wants_fragment(request) and request.htmx.target == WEEK_TARGET:
        template += "#calendar"
        context["fragment_title"] = True
    return TemplateResponse(request, template, context)
