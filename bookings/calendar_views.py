"""The day calendar (`/calendar/`): every agent's day side by side, any date.

A thin view: it reads the request, calls `bookings.services.calendar`, and renders
`bookings/calendar.html`, narrowed to a partial for HTMX requests (the day and its filters swap
`#calendar`; the refresh every 45 s and after a change in the side panel swaps `#calendar-grid`).
A booking opens in the side panel (`bookings.panel`); a free gap leads to a new booking.
"""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from bookings.forms import CalendarFilterForm, day_from
from bookings.services import calendar
from bookings.today_views import day_links, query_with
from bookings.week_views import week_calendar_view
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from frontoffice.reference import ReferenceData

#: The regions a request may ask for: the whole day (its heading and filters too), or its grid.
CALENDAR_TARGET = "calendar"
GRID_TARGET = "calendar-grid"


def _new_booking_url() -> str:
    """The new-booking page's address, or "" where there is none (a gap is then no link)."""
    try:
        return reverse("bookings:new")
    except NoReverseMatch:
        return ""


@require_GET
@vary_on_htmx
@vary_on_headers("HX-Target")
def day_calendar(request: HtmxHttpRequest) -> TemplateResponse:
    """One column per agent, a row every 15 minutes: `?date=`, `?location=`, `?agent=`,
    `?cancelled=1` (show cancelled bookings), `?every=1` (agents without bookings too);
    `?view=week` is the week calendar (`bookings.week_views`)."""
    if request.GET.get("view") == "week":
        return week_calendar_view(request)
    today = timezone.localdate()
    day, date_warning = day_from(request.GET.get("date"), today=today)
    location = request.GET.get("location", "")
    asked = int(location) if location.isascii() and location.isdigit() else None
    source = calendar.calendar_source(day=day, location_id=asked)
    # The form shows the day as read: today's date when `date` was missing or unusable.
    data = request.GET.copy()
    data["date"] = day.isoformat()
    reference = ReferenceData(
        agents=calendar.calendar_agents(source=source), services=[], locations=source.locations
    )
    form = CalendarFilterForm(data, reference=reference)
    agent_id, location_id, warnings = form.filters()
    if date_warning:
        warnings.insert(0, date_warning)
    show_cancelled, every_agent = form.options()
    grid = calendar.calendar_grid(
        source=source,
        agent_id=agent_id,
        location_id=location_id,
        every_agent=every_agent,
        show_cancelled=show_cancelled,
    )
    context = {
        "cal": grid,
        "form": form,
        "warnings": warnings,
        "days": day_links(request, reverse("calendar"), day),
        "grid_url": request.get_full_path(),
        "cancelled_url": query_with(request, cancelled="" if show_cancelled else "1"),
        "every_url": query_with(request, every="1", agent=""),
        "week_url": reverse("calendar")
        + f"?view=week&date={day.isoformat()}"
        + (f"&agent={agent_id}" if agent_id is not None else ""),
        "new_booking_url": _new_booking_url(),
        "location_id": location_id,
        "filtered": agent_id is not None or location_id is not None or every_agent,
    }
    template = "bookings/calendar.html"
    if wants_fragment(request) and request.htmx.target == GRID_TARGET:
        template += "#calendar-grid"
    elif wants_fragment(request) and request.htmx.target == CALENDAR_TARGET:
        # Another day: htmx takes the page's title from the fragment too.
        template += "#calendar"
        context["fragment_title"] = True
    return TemplateResponse(request, template, context)
