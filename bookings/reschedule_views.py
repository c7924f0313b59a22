"""/bookings/<id>/reschedule/: another date, time or agent; the booking's own time counts as
free, and a booking changed since the page was opened shows the conflict instead of moving."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from bookings.booking_forms import Picks, PicksForm, picks_errors, read_picks
from bookings.booking_pages import (
    MOVE,
    agent_name,
    answer,
    claim_form,
    free_times_of,
    next_free_context,
    overlap_warning,
    service_minutes,
    time_label_text,
)
from bookings.reasons import MOVE as MOVE_REASONS
from bookings.reasons import REASON_TEXT_MAX, reason_picked, reasons_for
from bookings.services.booking import (
    booking_start_local,
)
from bookings.services.free_times import time_label
from bookings.services.listing import booking_get
from bookings.services.moving import (
    Move,
    booking_version,
    reschedule_booking,
    reschedule_refusal,
    seen_slot,
)
from frontoffice.http import HtmxHttpRequest, htmx_target, vary_on_htmx
from frontoffice.reference import reference_data
from upstream import writes
from upstream.failures import Missing

#: The picks the page's address carries (the rest is the booking's own).
KEYS = ("date", "agent")


def _page_url(booking_id: int, picks: Picks) -> str:
    query = {k: v for k, v in picks.query().items() if k in KEYS}
    return reverse("bookings:reschedule", args=[booking_id]) + (
        "?" + urlencode(query) if query else ""
    )


def _current_slot(booking) -> tuple:
    start = booking_start_local(booking)
    return (start.date(), start.strftime("%H:%M")) if start else (None, "")


def _booking_picks(request, data, booking, reference, current_day) -> Picks:
    """The picks asked for, the rest the booking's own: its agent, its day (or today, when it
    is past), its service and its customer."""
    picks = read_picks(data, reference)
    if picks.agent_id in (None, "any"):
        picks.agent_id = booking.agent.id if booking.agent else None
    if not picks.date_given and current_day is not None:
        picks.day = max(current_day, timezone.localdate())
    picks.service_id = booking.service.id if booking.service else None
    picks.customer_id = booking.customer.id if booking.customer else None
    if request.method == "POST":
        picks.send_confirmation = data.get("notify") in ("on", "true", "1", "yes")
    return picks


@require_http_methods(["GET", "POST"])
@vary_on_htmx
@vary_on_headers("HX-Target")
def booking_reschedule(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """Move a booking to another date, time or agent; its own slot counts as free."""
    try:
        booking = booking_get(booking_id=booking_id)
        reference = reference_data()
    except Missing:
        raise Http404("No such booking.") from None
    data = request.POST if request.method == "POST" else request.GET
    current_day, current_time = _current_slot(booking)
    picks = _booking_picks(request, data, booking, reference, current_day)
    refusal = reschedule_refusal(booking)

    def context(**extra) -> dict:
        own = booking.agent is not None and picks.agent_id == booking.agent.id
        keep = None
        if own and picks.day == current_day and current_time:
            keep = datetime.strptime(current_time, "%H:%M").time()
        times = extra.pop("times", None)
        if times is None:
            times = free_times_of(picks, reference, refused=bool(refusal), keep=keep)
        page_url = _page_url(booking.id, picks)
        found = {} if refusal else next_free_context(request, picks, reference, page_url, keys=KEYS)
        return {
            **found,
            "booking": booking,
            "picks": picks,
            "form": PicksForm(picks, reference, any_agent=False),
            "times": times,
            "refusal": refusal,
            "agent_name": agent_name(picks, reference),
            "current_day": current_day,
            "current_time": current_time,
            "current_label": time_label_text(current_time) if current_time else "",
            "errors": {},
            "error": "",
            "token": request.POST.get("submit_token") or writes.new_token(),
            "page_url": page_url,
            "seen": request.POST.get("seen", "")[:200] or booking_version(booking),
            "move_reasons": reasons_for(MOVE_REASONS),
            "move_reason": request.POST.get("reason", "")[:80],
            "move_reason_text": request.POST.get("reason_text", "")[:REASON_TEXT_MAX],
            **extra,
        }

    if request.method == "GET":
        if htmx_target(request) == "free-times":
            ctx = context()
            response = TemplateResponse(request, "bookings/reschedule.html#free-times", ctx)
            push_url(response, ctx["page_url"])
            return response
        for message in picks.messages:
            messages.warning(request, message)
        return TemplateResponse(request, "bookings/reschedule.html", context())
    return _move(request, booking, picks, reference, refusal, context)


def _move(request, booking, picks: Picks, reference, refusal: str, context) -> HttpResponse:
    def again(status: int, **extra) -> TemplateResponse:
        return TemplateResponse(
            request, "bookings/reschedule.html", context(**extra), status=status
        )

    if refusal:
        return again(409)
    errors = {k: v for k, v in picks_errors(picks).items() if k in ("date", "start_time")}
    if picks.agent_id is None:
        errors["agent"] = "Choose an agent."
    reason_errors = _reason_errors(request)
    if errors or reason_errors:
        return again(400, errors=errors, **reason_errors)
    token, claim, again_sent = claim_form(request, MOVE, again)
    if again_sent is not None:
        return again_sent
    # The customer already booked at the new time (with another agent, say): warn, send
    # nothing, and leave the form's token unused for "Move it anyway".
    minutes = booking.duration or service_minutes(picks, reference)
    warning = overlap_warning(request, picks, minutes, exclude_id=booking.id)
    if warning:
        writes.release(request, token)
        return again(200, **warning)
    agent = next((a for a in reference.agents if a.id == picks.agent_id), None)
    move = Move(
        day=picks.day,
        start_time=picks.time,
        agent=agent,
        notify=picks.send_confirmation,
        seen=request.POST.get("seen", "")[:200],
        reason=request.POST.get("reason", "")[:80],
        reason_text=request.POST.get("reason_text", ""),
    )
    try:
        outcome = reschedule_booking(
            user=request.user,
            booking_id=booking.id,
            move=move,
            after_unknown=bool(claim and claim.after_unknown),
        )
    except ValidationError as exc:  # the reason was retired a moment ago: nothing was sent
        return again(
            400, reason_errors=exc.message_dict.get("reason", []), token=writes.new_token()
        )
    if outcome.conflict:
        writes.settle(request, token, outcome)
        return _conflict(outcome.record, move, picks, reference, again)

    def done(moved) -> str:
        who = moved.agent.display_name if moved.agent else (agent.display_name if agent else "")
        text = f"Moved to {picks.day:%a %-d %b} at {time_label_text(picks.time)}"
        return text + (f" with {who}." if who else ".")

    return answer(request, token, outcome, picks, again, done)


def _reason_errors(request) -> dict[str, list[str]]:
    """The page asks why the booking is moved: a reason from the list is required."""
    try:
        reason_picked(
            kind=MOVE_REASONS,
            slug=request.POST.get("reason", ""),
            text=request.POST.get("reason_text", ""),
        )
    except ValidationError as exc:
        errors = exc.message_dict
        return {
            "reason_errors": errors.get("reason", []),
            "reason_text_errors": errors.get("reason_text", []),
        }
    return {}


def _conflict(now, move: Move, picks: Picks, reference, again) -> HttpResponse:
    """The booking changed since the page was opened: the page again with both versions (the
    one the form was opened on, and LatePoint's now, whose own time counts as free), the
    choice kept, and a new token to move it anyway."""
    start = booking_start_local(now)
    was_day, was_label, was_agent = seen_slot(move.seen, reference.agents)
    same_place = (
        start is not None
        and start.date() == picks.day
        and now.agent is not None
        and now.agent.id == picks.agent_id
    )
    times = free_times_of(
        picks, reference, refused=False, keep=start.time() if same_place else None
    )
    return again(
        409,
        times=times,
        conflict=True,
        was_day=was_day,
        was_label=was_label,
        was_agent=was_agent,
        booking=now,
        current_day=start.date() if start else None,
        current_label=time_label(start.time()) if start else "",
        seen=booking_version(now),
        token=writes.new_token(),
    )
