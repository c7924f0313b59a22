"""Check-in and its undo: the buttons of a Today board row, of a Check in slot outside the
board (quick search results, the customer profile), of the booking page and of the calendar's
side panel. Each is answered in the place it was pressed: the row, the slot or the panel again,
or, without JavaScript, a message and a redirect.

Thin views: they call `bookings.services.arrivals`, and render the Today board's row
(`today_views.board_row_response`), `bookings/includes/arrival.html` or the panel.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from bookings import checkins
from bookings.checkins import CheckInError
from bookings.models import CheckIn
from bookings.panel import from_panel, panel_booking, panel_response
from bookings.services import arrivals
from bookings.today_views import BOARD_CHANGED, board_row_response
from checkout.fees import owing_note
from frontoffice.formatting import format_clock
from frontoffice.http import HtmxHttpRequest, same_site_url, vary_on_htmx, wants_fragment
from latepoint.models import Booking
from notes.services import pinned_alert_note
from upstream.failures import Failure, Missing, describe, error_page


def _next_url(request: HtmxHttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    return same_site_url(request, candidate) or fallback


#: A Check in button outside the board (quick search results, the customer profile) sits in
#: an element of this id (bookings/includes/arrival.html); a check-in posted from it gets it back.
ARRIVAL_SLOT = "arrival-action-{}"


def _from_arrival_slot(request: HtmxHttpRequest, booking_id: int) -> bool:
    return wants_fragment(request) and request.htmx.target == ARRIVAL_SLOT.format(booking_id)


def _slot_response(
    request: HtmxHttpRequest,
    booking_id: int,
    *,
    error: str,
    row: arrivals.BoardRow | None,
    owes: str = "",
) -> TemplateResponse:
    """The slot again: "Checked in at …" (or why not), said aloud in the page's messages too,
    with what the customer owes (`owes`)."""
    if row is not None:
        slot = arrivals.arrival_slot(row.booking, row.check_in)
        message = f"{slot.who or 'The customer'} checked in"
        if row.check_in is not None:
            message += f" at {format_clock(row.check_in.checked_in_at)}"
        message += f" for the {slot.time} booking." if slot.time else "."
        message = f"{message} {owes}" if owes else message
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


def _told(response: TemplateResponse, text: str) -> TemplateResponse:
    """The board row's answer, also saying `text` (what the customer owes) in the page's
    messages."""
    context = {"announce": text, "announce_level": "warning"}
    said = render_to_string("bookings/includes/arrival.html#announce", context)

    def add(rendered):
        rendered.content = rendered.content + said.encode()

    response.add_post_render_callback(add)
    return response


def _checkin_answer(
    request: HtmxHttpRequest,
    booking_id: int,
    *,
    error: str,
    done: str,
    row: arrivals.BoardRow | None = None,
    owes: str = "",
) -> HttpResponse:
    """HTMX gets the board row (the Check in slot, the calendar's panel) back; a plain form
    post gets a message and a redirect. `owes`: what the customer owes, said with it."""
    if from_panel(request):
        if row is None:
            booking = panel_booking(booking_id=booking_id)
            return panel_response(request, booking, error=error, status=409)
        said = done if row.check_in is None else checkins.checkin_note(row.check_in) + "."
        return panel_response(
            request,
            row.booking,
            check_in=row.check_in,
            message=f"{said} {owes}" if owes else said,
            changed=True,
        )
    if _from_arrival_slot(request, booking_id):
        return _slot_response(request, booking_id, error=error, row=row, owes=owes)
    if wants_fragment(request):
        response = board_row_response(request, booking_id, error, row=row)
        if not owes:
            return response
        who = row.booking.customer.full_name if row and row.booking.customer else ""
        return _told(response, f"{who or 'The customer'} checked in. {owes}")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
        if owes:
            messages.warning(request, owes)
    return HttpResponseRedirect(_next_url(request, reverse("bookings:detail", args=[booking_id])))


def _checkin_unreadable(
    request: HtmxHttpRequest, booking_id: int, exc: Failure, *, kept: str
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
    tell_owing: bool = False,
) -> HttpResponse:
    """Run a check-in or its undo and answer with the board row, an error, or a redirect.

    `act` returns the booking and its active check-in afterwards; `kept` says what stands when
    LatePoint fails first, `done` is the success message; `tell_owing`: it also says what the
    customer owes in fees (checkout.fees, as last known here: no call).
    """
    row = None
    owes = ""
    try:
        booking, checkin = act()
        row = arrivals.board_row(booking, checkin, now=timezone.now())
        error = ""
        if tell_owing:
            # The customer's pinned alert comes first, then what they owe: said with the
            # check-in wherever it was pressed (notes.services; no call).
            customer_id = booking.customer.id if booking.customer else None
            said = (pinned_alert_note(customer_id), owing_note(customer_id))
            owes = " ".join(part for part in said if part)
    except Missing:
        raise Http404("No such booking.") from None
    except CheckInError as exc:
        error = str(exc)
    except Failure as exc:
        return _checkin_unreadable(request, booking_id, exc, kept=kept)
    return _checkin_answer(request, booking_id, error=error, done=done, row=row, owes=owes)


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
        tell_owing=True,
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
