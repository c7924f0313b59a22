"""The booking page (`/bookings/<id>/`) and its status changes, also posted from the calendar's
side panel and from a Today board row.

Thin views: they read the request, call `bookings.services`, and render one template per page
(narrowed to a partial for HTMX requests). The bookings list is in `list_views`, the Today board
in `today_views`, check-in in `checkin_views`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from bookings.checkins import checkins_for_bookings
from bookings.forms import StatusChangeForm
from bookings.panel import from_panel, panel_booking, panel_response
from bookings.services.arrivals import checkin_refusal, minutes_late, today_row
from bookings.services.badges import booking_badge
from bookings.services.booking import book_again_url, booking_start_local
from bookings.services.listing import booking_get
from bookings.services.moving import booking_moves, reschedule_refusal
from bookings.services.overdue import overdue_note
from bookings.services.overlaps import booking_doubles
from bookings.services.status import (
    booking_action,
    booking_actions,
    booking_change_status,
    booking_status_history,
    booking_status_unreadable,
    transition_refusal,
)
from bookings.today_views import board_row_response
from checkout.page import money_context
from frontoffice.formatting import status_phrase
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from latepoint.models import Booking
from upstream.failures import Failure, Missing, describe
from upstream.writes import Outcome


def _get_booking(booking_id: int) -> Booking:
    try:
        return booking_get(booking_id=booking_id)
    except Missing:
        raise Http404("No such booking.") from None


def detail_context(request: HtmxHttpRequest, booking: Booking) -> dict:
    """Everything the booking page shows besides the booking itself (local data only)."""
    check_in = checkins_for_bookings([booking.id]).get(booking.id)
    return {
        "booking": booking,
        "check_in": check_in,
        "checkin_refusal": checkin_refusal(booking) if check_in is None else "",
        "actions": booking_actions(booking=booking, user=request.user),
        "history": booking_status_history(booking_id=booking.id),
        "moves": booking_moves(booking_id=booking.id),
        "late_minutes": minutes_late(booking, check_in, now=timezone.now()),
        "overdue": overdue_note(booking),
        # An open booking still to begin: Complete and No-show wait for its time.
        "not_started": str(booking.status) == "approved"
        and booking.start is not None
        and booking.start > timezone.now()
        and check_in is None,
        "next_url": request.get_full_path(),
        "book_again_url": _book_again_url(booking),
        "reschedule_refusal": reschedule_refusal(booking),
    }


def _book_again_url(booking: Booking) -> str:
    start = booking_start_local(booking)
    return book_again_url(
        customer_id=booking.customer.id if booking.customer else None,
        service_id=booking.service.id if booking.service else None,
        agent_id=booking.agent.id if booking.agent else None,
        location_id=booking.location.id if booking.location else None,
        after=start.date() if start else None,
    )


@require_GET
@vary_on_htmx
@vary_on_headers("HX-Target")
def booking_detail(request: HtmxHttpRequest, booking_id: int) -> TemplateResponse:
    """One booking with its check-in, status actions and history, and its customer's badge
    (one upstream call, and the customer's summary, kept for hours).

    Aimed at the calendar's side panel (htmx), the panel instead: the booking as the calendar
    of `?day=` just read it when it can (no call).
    """
    if from_panel(request):
        try:
            booking = panel_booking(booking_id=booking_id, day=request.GET.get("day", "")[:10])
        except Missing:
            raise Http404("No such booking.") from None
        return panel_response(request, booking)
    booking = _get_booking(booking_id)
    context = detail_context(request, booking)
    # The same customer booked at an overlapping time (another agent, say): no call.
    context["doubles"] = booking_doubles(booking)
    if booking.customer and booking.customer.id:
        # Drawn with the page: risk from the booking history, blocked from the customer's read.
        context["badge"] = booking_badge(customer_id=booking.customer.id)
    # Price, payments and the Take payment form: from the booking's own transactions when they
    # carry receipts and notes, else one cached call (the order's payments).
    context.update(money_context(request, booking, checked_in=context["check_in"] is not None))
    return TemplateResponse(request, "bookings/detail.html", context)


def _status_failure(
    request: HtmxHttpRequest, context: dict, exc: Failure, *, sent: bool
) -> TemplateResponse:
    """The confirmation page again after LatePoint failed, with what was typed (the reason).

    `sent`: the change itself was sent (the booking was read). Then a lost or unreadable answer
    means it may have been applied, and no blind retry is offered.
    """
    error = describe(exc, write=sent)
    if error.may_have_been_applied:
        message = (
            "The change was sent, but no readable answer came back. LatePoint may have "
            "applied it; check the booking before trying again."
        )
    else:
        message = f"{error.message} Nothing was changed."
    context.update(
        error=message, error_title=error.title, maybe_applied=error.may_have_been_applied
    )
    response = TemplateResponse(
        request, "bookings/status_confirm.html", context, status=error.status
    )
    return error.apply_headers(response)


def _confirmation(
    request: HtmxHttpRequest,
    booking: Booking,
    form: StatusChangeForm,
    to_status: str,
    *,
    current_status: str,
) -> dict:
    """What the confirmation page of one change shows (its action, if this user may ask)."""
    return {
        "booking": booking,
        "form": form,
        "action": booking_action(booking=booking, user=request.user, to_status=to_status),
        "to_status": to_status,
        "error": "",
        "current_status": current_status,
        "seen_value": form["seen_status"].value() or current_status,
    }


def _status_unreadable(request: HtmxHttpRequest, booking_id: int, exc: Failure) -> TemplateResponse:
    """The booking could not be read to make the change: nothing was changed, and the
    confirmation comes back with what was typed (the reason), ready to be sent again."""
    form = StatusChangeForm(request.POST)
    seen = request.POST.get("seen_status", "")[:20]
    to_status = request.POST.get("to_status", "")
    if request.POST.get("confirmed") == "yes":
        booking_status_unreadable(
            user=request.user,
            booking_id=booking_id,
            to_status=to_status,
            reason=request.POST.get("reason", "")[:80],
            reason_text=request.POST.get("reason_text", ""),
            seen_status=seen,
            error=exc.user_message,
        )
    # What the user saw when they confirmed: enough for the page, without LatePoint.
    booking = Booking(id=booking_id, status=seen)
    context = _confirmation(request, booking, form, to_status, current_status=seen)
    context["refused"] = context["action"] is None
    return _status_failure(request, context, exc, sent=False)


def _status_region(request: HtmxHttpRequest, booking_id: int) -> str:
    """Where an htmx status change was posted from: "panel" (the calendar's side panel),
    "row" (a Today board row), or "" (the booking page and its confirmation page)."""
    if request.method != "POST" or not wants_fragment(request):
        return ""
    if from_panel(request):
        return "panel"
    if request.htmx.target == f"today-row-{booking_id}":
        return "row"
    return ""


def _refusal(
    request: HtmxHttpRequest, region: str, booking: Booking | None, page: TemplateResponse
) -> HttpResponse:
    """A change that was not made: the confirmation page `page`, saying why; or, posted from a
    panel or a row (`region`), that region again, saying what `page` would have said."""
    if not region:
        return page
    context = page.context_data or {}
    form = context.get("form")
    reasons = (
        form.errors.get("reason", []) + form.errors.get("reason_text", [])
        if form is not None and form.is_bound
        else []
    )
    error = (
        context.get("error")
        or context.get("conflict_message")
        or " ".join(reasons)
        or "Confirm the change first."
    )
    booking_id = context["booking"].id
    if region == "panel":
        response = panel_response(
            request, booking, booking_id=booking_id, error=error, status=page.status_code
        )
    elif booking is not None:
        row = today_row(booking_id=booking_id, booking=booking)
        response = board_row_response(request, booking_id, error, row=row)
    else:
        # LatePoint could not give the booking: the row stays as it was, saying why beside it.
        response = TemplateResponse(
            request, "bookings/today.html#row-error", {"row_error": error}, status=page.status_code
        )
        retarget(response, f"#row-error-{booking_id}")
        reswap(response, "innerHTML")
    for header in ("Retry-After", "X-Upstream-Stale"):
        if header in page:
            response[header] = page[header]
    return response


def _status_outcome_page(
    request: HtmxHttpRequest, context: dict, outcome: Outcome
) -> TemplateResponse:
    """The confirmation page again for a change that was not made (what was typed kept):

    - a conflict: the booking changed since it was seen; both versions, and the change
      offered again from the status it now has, if that is allowed;
    - refused: why (a transition not allowed is final; any other failure may be sent again);
    - unknown: what was checked, and no blind retry.
    """
    if outcome.status == 404:
        raise Http404("No such booking.")
    now = outcome.record
    if now is not None:
        context.update(booking=now, current_status=str(now.status))
    if outcome.conflict:
        to_status = context["to_status"]
        context.update(
            conflict=True,
            seen_status=context["form"].cleaned_data.get("seen_status", ""),
            action=booking_action(booking=now, user=request.user, to_status=to_status),
            seen_value=str(now.status),
            conflict_message=(
                f"Changed since you opened it: this booking is now "
                f"{status_phrase(now.status)} in LatePoint. Nothing was changed."
            ),
        )
        context["refused"] = context["action"] is None
    else:
        final = outcome.status in (403, 409) and now is not None
        context.update(
            error=outcome.message,
            error_title=outcome.title,
            maybe_applied=outcome.unknown,
            refused=final,
        )
    response = TemplateResponse(
        request, "bookings/status_confirm.html", context, status=outcome.status
    )
    return outcome.apply_headers(response)


def _confirm_page(request: HtmxHttpRequest, context: dict, status: int) -> TemplateResponse:
    return TemplateResponse(request, "bookings/status_confirm.html", context, status=status)


def _unconfirmed(
    request: HtmxHttpRequest, booking: Booking, form: StatusChangeForm, context: dict
) -> TemplateResponse:
    """The confirmation page of a change not (yet) confirmed, saying why when it was posted
    without a reason it needs, could not be understood, or is not allowed."""
    if request.method == "POST" and set(form.errors) - {"reason", "reason_text"}:
        context["error"] = "The change could not be understood."
    elif request.method == "POST" and form.errors and context["action"] is not None:
        return _confirm_page(request, context, 400)
    to_status = context["to_status"]
    if context["action"] is None and to_status:
        context["error"] = transition_refusal(
            booking=booking, to_status=to_status, user=request.user
        )
    return _confirm_page(request, context, 400 if context["error"] else 200)


def _status_changed(
    request: HtmxHttpRequest, region: str, booking: Booking, outcome: Outcome, to_status: str
) -> HttpResponse:
    """The change was made: the panel or the row again, or the booking page with a message."""
    updated = outcome.record
    done = f"Booking {booking.booking_code or booking.id} is now {status_phrase(to_status)}."
    if outcome.confirmed_after_failure:
        done += " (LatePoint's answer was lost; reading the booking back shows the change.)"
    if outcome.message:  # what came with it: a no-show or late-cancellation fee recorded
        done += f" {outcome.message}"
    if region == "panel":
        return panel_response(request, updated, message=done, changed=True)
    if region == "row":
        row = today_row(booking_id=updated.id, booking=updated)
        return board_row_response(request, updated.id, row=row)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("bookings:detail", args=[booking.id]))


@require_http_methods(["GET", "POST"])
@vary_on_htmx
@vary_on_headers("HX-Target")
def booking_status(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """GET: the confirmation page of one change. POST: make it (once confirmed).

    A change posted by htmx from the calendar's side panel or a Today board row is answered
    with that region again: the booking as it now is, or why nothing changed.
    """
    region = _status_region(request, booking_id)
    try:
        booking = _get_booking(booking_id)
    except Failure as exc:
        if request.method != "POST":
            raise
        return _refusal(request, region, None, _status_unreadable(request, booking_id, exc))
    data = request.POST if request.method == "POST" else request.GET
    form = StatusChangeForm(data)
    to_status = data.get("to_status", "")
    context = _confirmation(request, booking, form, to_status, current_status=str(booking.status))
    if region == "row" and form.reason_missing and context["action"] is not None:
        # A board row's quick action, posted without the reason it asks for: the confirmation
        # page asks, rather than the change being made without one.
        return HttpResponseClientRedirect(
            f"{reverse('bookings:status', args=[booking.id])}?"
            + urlencode({"to_status": to_status})
        )
    if request.method == "GET" or not form.is_confirmed:
        page = _unconfirmed(request, booking, form, context)
        return _refusal(request, region, booking, page) if request.method == "POST" else page

    try:
        outcome = booking_change_status(
            user=request.user,
            booking_id=booking.id,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data.get("reason", ""),
            reason_text=form.cleaned_data.get("reason_text", ""),
            seen_status=form.cleaned_data.get("seen_status", ""),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _refusal(request, region, booking, _confirm_page(request, context, 400))
    except PermissionDenied as exc:
        context.update(error=str(exc), refused=True)
        return _refusal(request, region, booking, _confirm_page(request, context, 403))
    if not outcome.done:
        page = _status_outcome_page(request, context, outcome)
        return _refusal(request, region, booking, page)
    return _status_changed(request, region, booking, outcome, form.cleaned_data["to_status"])
