"""The Today screen: the arrivals board, its quick search and lazy customer badges, and the
check-in and undo buttons of its rows (the booking page has them too).

Thin views: they read the request, call `bookings.services.arrivals` (and `.search`), and render
`bookings/today.html`, narrowed to a partial for HTMX requests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import replace_url, reswap, retarget, trigger_client_event

from bookings import checkins
from bookings.checkins import CheckInError
from bookings.forms import TodayFilterForm, day_from
from bookings.models import CheckIn
from bookings.panel import from_panel, panel_booking, panel_response
from bookings.services import arrivals, search
from frontoffice.http import (
    HtmxHttpRequest,
    keeps_upstream_notice,
    same_site_url,
    vary_on_htmx,
    wants_fragment,
)
from frontoffice.reference import reference_data
from frontoffice.upstream_errors import describe, error_page
from latepoint.errors import BudgetExhausted, LatePointError, NotFound
from latepoint.models import Booking

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
        except LatePointError as exc:
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


#: A badge the budget has no place for yet asks again after this long at the least.
BADGE_RETRY_SECONDS = 10


@require_GET
@keeps_upstream_notice
def customer_badge(request: HtmxHttpRequest, customer_id: int) -> TemplateResponse:
    """The risk badge and blocked warning of one customer, loaded lazily per row.

    Board badges are background work within the request budget: when the budget has no place
    for one now, the answer asks to be loaded again once a place frees up. The booking page's
    badge (`?detail=1`, the blocked warning) is read like any page a desk waits on.
    """
    detail = request.GET.get("detail") == "1"
    badge, failed, retry_in = None, False, 0
    try:
        badge = arrivals.customer_badge(customer_id=customer_id, background=not detail)
    except BudgetExhausted as exc:
        # Spread the retries of a board's waiting badges: the budget frees a place for one
        # every few seconds, so most of them would only be told to wait again.
        retry_in = max(int(exc.retry_after or 0), BADGE_RETRY_SECONDS) + random.randint(
            0, BADGE_RETRY_SECONDS * 2
        )
    except LatePointError:
        failed = True
    response = TemplateResponse(
        request,
        "bookings/includes/badge.html",
        {"badge": badge, "failed": failed, "detail": detail, "retry_in": retry_in},
    )
    if not retry_in:
        response["Cache-Control"] = "private, max-age=60"
    return response


# --- check-in ---------------------------------------------------------------------------------

#: Sent with a check-in's row so the Today board refreshes its summary (see today.html).
BOARD_CHANGED = "board-changed"


def _next_url(request: HtmxHttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    return same_site_url(request, candidate) or fallback


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
    context = {"row": row, "row_error": error, "now": timezone.now(), "next_url": reverse("today")}
    response = TemplateResponse(
        request, "bookings/today.html#today-row", context, status=409 if error else 200
    )
    if not error:
        # The board's counts (checked in, late) changed too: it refreshes itself on this event.
        trigger_client_event(response, BOARD_CHANGED)
    return response


#: A Check in button outside the board (quick search results, the customer profile) sits in
#: an element of this id (bookings/includes/arrival.html); a check-in posted from it gets it back.
ARRIVAL_SLOT = "arrival-action-{}"


def _from_arrival_slot(request: HtmxHttpRequest, booking_id: int) -> bool:
    return wants_fragment(request) and request.htmx.target == ARRIVAL_SLOT.format(booking_id)


def _slot_response(
    request: HtmxHttpRequest, booking_id: int, *, error: str, row: arrivals.BoardRow | None
) -> TemplateResponse:
    """The slot again: "Checked in at …" (or why not), said aloud in the page's messages too."""
    if row is not None:
        slot = arrivals.arrival_slot(row.booking, row.check_in)
        message = f"{slot.who or 'The customer'} checked in"
        if row.check_in is not None:
            message += f" at {timezone.localtime(row.check_in.checked_in_at):%H:%M}"
        message += f" for the {slot.time} booking." if slot.time else "."
    else:
        # Refused (already checked in, not today, not open): no button, and the check-in if any.
        active = checkins.checkins_for_bookings([booking_id]).get(booking_id)
        note = checkins.checkin_note(active) if active is not None else ""
        slot = arrivals.ArrivalSlot(booking_id=booking_id, note=note)
        message = error
    context = {
        "slot": slot,
        "option": request.POST.get("place") == "search",
        "next_url": _next_url(request, ""),
        "error": error,
        "announce": message,
        "announce_level": "error" if error else "success",
    }
    response = TemplateResponse(
        request, "bookings/includes/arrival.html", context, status=409 if error else 200
    )
    if not error:
        trigger_client_event(response, BOARD_CHANGED)
    return response


def _checkin_answer(
    request: HtmxHttpRequest,
    booking_id: int,
    *,
    error: str,
    done: str,
    row: arrivals.BoardRow | None = None,
) -> HttpResponse:
    """HTMX gets the board row (the Check in slot, the calendar's panel) back; a plain form
    post gets a message and a redirect."""
    if from_panel(request):
        if row is None:
            booking = panel_booking(booking_id=booking_id)
            return panel_response(request, booking, error=error, status=409)
        said = done if row.check_in is None else checkins.checkin_note(row.check_in) + "."
        return panel_response(
            request, row.booking, check_in=row.check_in, message=said, changed=True
        )
    if _from_arrival_slot(request, booking_id):
        return _slot_response(request, booking_id, error=error, row=row)
    if wants_fragment(request):
        return board_row_response(request, booking_id, error, row=row)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(_next_url(request, reverse("bookings:detail", args=[booking_id])))


def _checkin_unreadable(
    request: HtmxHttpRequest, booking_id: int, exc: LatePointError, *, kept: str
) -> TemplateResponse:
    """LatePoint failed while the booking was read, before anything was recorded.

    HTMX: the message goes into the row's own error slot, so the row (and its button) stays as
    it was, ready to be pressed again. Without JavaScript: our error page, with the way back.
    """
    error = describe(exc)
    text = f"{error.message} Nothing was changed: {kept}."
    if "try again" not in error.message.lower():
        text += " Try again in a moment."
    if not wants_fragment(request):
        back = _next_url(request, reverse("bookings:detail", args=[booking_id]))
        return error_page(request, error, retry_url=back, message=text)
    if from_panel(request):
        said = f"{error.title}. {text}"
        response = panel_response(
            request, None, booking_id=booking_id, error=said, status=error.status
        )
        return error.apply_headers(response)
    if _from_arrival_slot(request, booking_id):
        # The button stays as it was, ready to be pressed again; the message goes beside it.
        said = f"{error.title}. {text}"
        context = {"error": said, "announce": said, "announce_level": "error"}
        response = TemplateResponse(
            request, "bookings/includes/arrival.html#arrival-error", context, status=error.status
        )
        retarget(response, f"#arrival-error-{booking_id}")
        reswap(response, "innerHTML")
        return error.apply_headers(response)
    context = {"row_error": f"{error.title}. {text}"}
    response = TemplateResponse(
        request, "bookings/today.html#row-error", context, status=error.status
    )
    retarget(response, f"#row-error-{booking_id}")
    reswap(response, "innerHTML")
    return error.apply_headers(response)


def _arrival_action(
    request: HtmxHttpRequest,
    booking_id: int,
    act: Callable[[], tuple[Booking, CheckIn | None]],
    *,
    kept: str,
    done: str,
) -> HttpResponse:
    """Run a check-in or its undo and answer with the board row, an error, or a redirect.

    `act` returns the booking and its active check-in afterwards; `kept` says what stands when
    LatePoint fails first, `done` is the success message.
    """
    row = None
    try:
        booking, checkin = act()
        row = arrivals.board_row(booking, checkin, now=timezone.now())
        error = ""
    except NotFound:
        raise Http404("No such booking.") from None
    except CheckInError as exc:
        error = str(exc)
    except LatePointError as exc:
        return _checkin_unreadable(request, booking_id, exc, kept=kept)
    return _checkin_answer(request, booking_id, error=error, done=done, row=row)


@require_POST
@vary_on_htmx
def booking_check_in(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """Record the customer's arrival (the booking must be open and today)."""
    return _arrival_action(
        request,
        booking_id,
        lambda: arrivals.booking_check_in(user=request.user, booking_id=booking_id),
        kept="the arrival was not recorded",
        done="Checked in.",
    )


@require_POST
@vary_on_htmx
def booking_check_in_undo(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """Undo the booking's check-in (the record stays, marked undone)."""

    def undo() -> tuple[Booking, None]:
        booking, _undone = arrivals.booking_check_in_undo(user=request.user, booking_id=booking_id)
        return booking, None

    return _arrival_action(
        request,
        booking_id,
        undo,
        kept="the check-in still stands",
        done="Check-in undone.",
    )
