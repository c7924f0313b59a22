"""/calendar/move/<id>/: a booking moved on the day calendar, by drag and drop or the keyboard.

GET (`date`, `time`, `agent`, `seen`: where to, and the booking's version as the block showed
it) answers the confirmation, from → to with the choice to tell the customer, or why that
target is not allowed. POST makes the move with the reschedule page's own service (the
booking's lock, a fresh read, the conflict check against `seen`, LatePoint's check that the
time is still free) and answers what became of it, with an Undo for a short time (itself a
move back under the same rules). Either way the calendar refreshes its grid. Without
JavaScript the reschedule page stays the way to move; these answers still work as pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from bookings.panel import BOARD_CHANGED, panel_booking
from bookings.services.arrivals import listed_booking
from bookings.services.calendar_move import (
    UNDO_SECONDS,
    Target,
    current_place,
    customer_name,
    move_agents,
    outcome_words,
    read_target,
    seen_place,
    target_refusal,
    undo_refusal,
    undo_token,
)
from bookings.services.moving import Move, booking_version, reschedule_booking
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from frontoffice.roles import is_staff_member
from upstream import writes
from upstream.failures import Missing

TEMPLATE = "bookings/calendar_move.html"


def _calendar_url(target: Target | None) -> str:
    url = reverse("calendar")
    return url + f"?date={target.day.isoformat()}" if target else url


def _answer(request: HtmxHttpRequest, context: dict, *, status: int = 200, refresh=False):
    """The move's box (the whole page without HTMX); `refresh` tells the calendar to redraw
    its grid (the booking where LatePoint has it now)."""
    context.setdefault("calendar_url", _calendar_url(context.get("target")))
    context.setdefault("undo_seconds", UNDO_SECONDS)
    name = TEMPLATE + "#calendar-move" if wants_fragment(request) else TEMPLATE
    response = TemplateResponse(request, name, context, status=status)
    if refresh:
        trigger_client_event(response, BOARD_CHANGED)
    return response


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def calendar_move(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """The confirmation of a move (GET), or the move itself (POST)."""
    if not is_staff_member(request.user):
        raise PermissionDenied("Moving a booking is for the front office's staff.")
    data = request.POST if request.method == "POST" else request.GET
    agents = move_agents()
    target, problem = read_target(data, agents=agents)
    if target is None:
        return _answer(request, {"error": problem, "booking_id": booking_id}, status=400)
    if request.method == "POST":
        return _move(request, booking_id, target, agents)
    try:
        booking = panel_booking(booking_id=booking_id, day=target.day.isoformat())
    except Missing:
        raise Http404("This booking is not in LatePoint any more.") from None
    refusal = target_refusal(booking, target, agents=agents)
    context = {
        "booking": booking,
        "booking_id": booking.id,
        "customer": customer_name(booking),
        "target": target,
        "from_words": current_place(booking),
        "refusal": refusal,
        "token": writes.new_token(),
        "move_url": reverse("calendar-move", args=[booking.id]),
    }
    return _answer(request, context, status=409 if refusal else 200)


def _move(request: HtmxHttpRequest, booking_id: int, target: Target, agents) -> HttpResponse:
    undo = request.POST.get("undo", "")
    context: dict = {"booking_id": booking_id, "target": target, "undone": bool(undo)}
    if undo:
        problem = undo_refusal(undo, booking_id=booking_id, target=target, user_id=request.user.pk)
        if problem:
            return _answer(request, {**context, "error": problem}, status=400)
    token = request.POST.get("submit_token")
    claim = writes.claim(request, token)
    if claim is not None and not claim.first:
        error = _already_sent(claim)
        return _answer(request, {**context, "error": error}, status=409, refresh=True)
    shown = listed_booking(booking_id=booking_id, day=target.day)
    before = seen_place(target.seen, agents=agents)
    notify = request.POST.get("notify") in ("on", "true", "1", "yes")
    outcome = reschedule_booking(
        user=request.user,
        booking_id=booking_id,
        move=Move(
            day=target.day,
            start_time=target.start_time,
            agent=target.agent,
            notify=notify,
            seen=target.seen,
        ),
        after_unknown=bool(claim and claim.after_unknown),
    )
    record = outcome.record or shown
    who = customer_name(record) if record is not None else "The booking"
    text = outcome_words(outcome, who=who, before=before, target=target, undone=bool(undo))
    url = _calendar_url(target)
    writes.settle(request, token, outcome, url=url, message=text)
    if not wants_fragment(request):
        (messages.success if outcome.done else messages.error)(request, text)
        return HttpResponseRedirect(url)
    if not outcome.done:
        response = _answer(request, {**context, "error": text}, status=outcome.status, refresh=True)
        return outcome.apply_headers(response)
    moved = outcome.record
    context.update(message=text, moved_id=moved.id, notify=notify)
    if not undo and before is not None:
        context.update(
            undo=undo_token(booking_id=moved.id, back_to=before, user_id=request.user.pk),
            back=before,
            seen_now=booking_version(moved),
            undo_submit=writes.new_token(),
            move_url=reverse("calendar-move", args=[moved.id]),
        )
    return _answer(request, context, refresh=True)


def _already_sent(claim: writes.Claim) -> str:
    """A second send of a move's form: what became of the first (never a second move)."""
    if claim.pending:
        return "This move is still being sent from an earlier click. Wait a moment."
    said = claim.message or "Look at the calendar before moving it again."
    return f"This move was already sent. {said}"
