"""The Today screen: the arrivals board (its rows' customer badges drawn with it), its quick
search, and a board row answered again after a change posted from it (check-in:
`checkin_views`; status: `views`).

Thin views: they read the request, call `bookings.services.arrivals` (and `.search`), and render
`bookings/today.html`, narrowed to a partial for HTMX requests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import replace_url, trigger_client_event

from bookings.forms import TodayFilterForm, day_from
from bookings.services import arrivals, overlaps, search
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from frontoffice.reference import reference_data
from upstream.failures import Failure, describe

#: The board's region: the filters and the refresh after a check-in swap only it.
BOARD_TARGET = "today-board"

# --- Today ------------------------------------------------------------------------------------


@require_GET
@vary_on_htmx
@vary_on_headers("HX-Target")
def today(request: HtmxHttpRequest) -> TemplateResponse:
    """The arrivals board for the current day (business time zone), or `?date=` another,
    filterable by agent/location; `?cancelled=1` shows the cancelled rows."""
    reference = reference_data(services=False)
    form = TodayFilterForm(request.GET, reference=reference)
    agent_id, location_id, warnings = form.filters()
    day, date_warning = day_from(request.GET.get("date"), today=timezone.localdate())
    if date_warning:
        warnings.append(date_warning)
    board = arrivals.today_board(agent_id=agent_id, location_id=location_id, day=day)
    # A customer booked twice at once is flagged on both rows (from the rows: no call).
    board = replace(board, rows=overlaps.flag_rows(board.rows))
    # The board's own address leaves out the search box's `q`.
    board_query = request.GET.copy()
    board_query.pop("q", None)
    query = board_query.urlencode()
    show_cancelled = request.GET.get("cancelled") == "1"
    context = {
        "board": board,
        "form": form,
        "warnings": warnings,
        "now": board.generated_at,
        "board_url": reverse("today") + (f"?{query}" if query else ""),
        "filtered": agent_id is not None or location_id is not None,
        "next_url": request.get_full_path(),
        "days": day_links(request, reverse("today"), day),
        "show_cancelled": show_cancelled,
        "cancelled_url": query_with(request, cancelled="" if show_cancelled else "1", q=""),
        "sheets": _sheets(board.rows),
        "board_now": [("Now", board.now_rows), ("Next up", board.next_rows)],
    }
    template = "bookings/today.html"
    if wants_fragment(request) and request.htmx.target == BOARD_TARGET:
        template += "#today-board"
    else:
        # `/?q=ma` (a reload, Back, a bookmark) shows the box and its results as they were left;
        # after the board, so the results' Check in buttons reuse the listing it just read.
        context.update(_search_context(request.GET.get("q", "")[:100], request.get_full_path()))
    return TemplateResponse(request, template, context)


def query_with(request: HtmxHttpRequest, **changes: str) -> str:
    """The page's own address with some parameters changed ("" removes one)."""
    params = request.GET.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value:
            params[name] = value
    query = params.urlencode()
    return request.path + (f"?{query}" if query else "")


@dataclass(frozen=True)
class DayLinks:
    """The addresses of the day before, the day after and today, other parameters kept."""

    day: date
    is_today: bool
    previous: str
    next: str
    today: str


def day_links(request: HtmxHttpRequest, path: str, day: date) -> DayLinks:
    """Previous/next day and today for a screen of one day (`?date=`; none for today)."""
    today = timezone.localdate()

    def url(when: date) -> str:
        params = request.GET.copy()
        for name in ("date", "q"):
            params.pop(name, None)
        if when != today:
            params["date"] = when.isoformat()
        query = params.urlencode()
        return path + (f"?{query}" if query else "")

    return DayLinks(
        day=day,
        is_today=day == today,
        previous=url(day - timedelta(days=1)),
        next=url(day + timedelta(days=1)),
        today=url(today),
    )


def _sheets(rows: list[arrivals.BoardRow]) -> list[tuple[str, list[arrivals.BoardRow]]]:
    """The day's bookings still standing per agent, for the printed day sheet of each."""
    by_agent: dict[str, list[arrivals.BoardRow]] = {}
    for row in rows:
        if not row.cancelled:
            name = row.booking.agent.display_name if row.booking.agent else "No agent"
            by_agent.setdefault(name or "No agent", []).append(row)
    return sorted(by_agent.items(), key=lambda item: item[0].casefold())


def _search_context(q: str, next_url: str) -> dict:
    """The search box's results for `q`, or a message if LatePoint could not give them."""
    results, error = None, ""
    if q.strip():
        try:
            results = search.quick_search(q=q)
        except Failure as exc:
            failure = describe(exc)
            error = f"{failure.title}. {failure.message}"
    return {
        "q": q,
        "results": results,
        "search_error": error,
        "min_length": search.QUICK_SEARCH_MIN,
        "search_next_url": next_url,
    }


def _today_url_with(request: HtmxHttpRequest, q: str) -> str | None:
    """The Today page's address as the browser shows it, with the search's `q` in it (other
    parameters, such as the board's filters, kept); None when the box is on another page."""
    current = request.htmx.current_url_abs_path if request.htmx else None
    if not current:
        return None
    parts = urlsplit(current)
    if parts.path != reverse("today"):
        return None
    params = QueryDict(parts.query, mutable=True)
    params.pop("q", None)
    if q.strip():
        params["q"] = q.strip()
    query = params.urlencode()
    return parts.path + (f"?{query}" if query else "")


@require_GET
@vary_on_htmx
def quick_search(request: HtmxHttpRequest) -> HttpResponse:
    """The Today search box's results (HTMX); without JavaScript, the customer list search."""
    q = request.GET.get("q", "")[:100]
    if not wants_fragment(request):
        # Without JavaScript the box submits to the customer list instead.
        return redirect(reverse("customers:list") + "?" + urlencode({"q": q}))
    # The query goes into the address (replaced, not pushed: one history entry per search),
    # so Back to Today, a reload or a bookmark show these results again.
    address = _today_url_with(request, q)
    results = search.quick_search(q=q)
    context = {
        "results": results,
        "min_length": search.QUICK_SEARCH_MIN,
        "search_next_url": address or reverse("today"),
        "search_fragment": True,
    }
    response = TemplateResponse(request, "bookings/today.html#search-results", context)
    if address:
        replace_url(response, address)
    return response


# --- a board row, answered after a change posted from it -------------------------------------

#: Sent with a check-in's row so the Today board refreshes its summary (see today.html).
BOARD_CHANGED = "board-changed"


def board_row_response(
    request: HtmxHttpRequest,
    booking_id: int,
    error: str = "",
    *,
    row: arrivals.BoardRow | None = None,
) -> TemplateResponse:
    """A board row again (after a check-in or a status change posted from it), or with why
    not in its error slot; a change tells the board to refresh its counts."""
    if row is None:
        row = arrivals.today_row(booking_id=booking_id)
    if row.badge is None:
        row = arrivals.with_badges([row])[0]
    context = {
        "rows": [row],
        "row_error": error,
        "now": timezone.now(),
        "next_url": reverse("today"),
    }
    response = TemplateResponse(
        request, "bookings/today.html#today-row", context, status=409 if error else 200
    )
    if not error:
        # The board's counts (checked in, late) changed too: it refreshes itself on this event.
        trigger_client_event(response, BOARD_CHANGED)
    return response
