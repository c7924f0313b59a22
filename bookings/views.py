"""Booking screens: Today (arrivals board), the bookings list, booking detail and its actions.

Thin views: they read the request, call `bookings.services`, and render one template per page
(narrowed to a partial for HTMX requests).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget, trigger_client_event

from bookings import services
from bookings.checkins import CheckInError, checkins_for_bookings
from bookings.forms import (
    BookingFilterForm,
    StatusChangeForm,
    TodayFilterForm,
    corrected_data,
    filters_query,
)
from bookings.models import CheckIn
from bookings.tables import BookingTable, sort_links
from frontoffice.http import HtmxHttpRequest, same_site_url
from frontoffice.middleware import describe_upstream_error
from frontoffice.pagination import page_links
from latepoint.errors import APITimeoutError, BadResponse, LatePointError, NotFound, RateLimited
from latepoint.models import Booking

# --- Today ------------------------------------------------------------------------------------


@require_GET
def today(request: HtmxHttpRequest) -> TemplateResponse:
    """The arrivals board for the current day (business time zone), filterable by agent/location."""
    reference = services.reference_data(services=False)
    form = TodayFilterForm(request.GET, reference=reference)
    agent_id, location_id, warnings = form.filters()
    board = services.today_board(agent_id=agent_id, location_id=location_id)
    query = request.GET.urlencode()
    context = {
        "board": board,
        "form": form,
        "warnings": warnings,
        "now": board.generated_at,
        "board_url": reverse("today") + (f"?{query}" if query else ""),
        "filtered": agent_id is not None or location_id is not None,
        "next_url": request.get_full_path(),
    }
    template = "bookings/today.html"
    if request.htmx and request.htmx.target == "today-board":
        template += "#today-board"
    return TemplateResponse(request, template, context)


@require_GET
def quick_search(request: HtmxHttpRequest) -> HttpResponse:
    """The Today search box's results (HTMX); without JavaScript, the customer list search."""
    q = request.GET.get("q", "")[:100]
    if not request.htmx:
        # Without JavaScript the box submits to the customer list instead.
        return redirect(reverse("customers:list") + "?" + urlencode({"q": q}))
    results = services.quick_search(q=q)
    return TemplateResponse(
        request,
        "bookings/today.html#search-results",
        {"results": results, "min_length": services.QUICK_SEARCH_MIN},
    )


@require_GET
def customer_badge(request: HtmxHttpRequest, customer_id: int) -> TemplateResponse:
    """The risk badge and blocked warning of one customer, loaded lazily per row."""
    try:
        badge = services.customer_badge(customer_id=customer_id)
        failed = False
    except LatePointError:
        badge, failed = None, True
    response = TemplateResponse(
        request,
        "bookings/includes/badge.html",
        {"badge": badge, "failed": failed, "detail": request.GET.get("detail") == "1"},
    )
    response["Cache-Control"] = "private, max-age=60"
    return response


# --- check-in ---------------------------------------------------------------------------------

#: Sent with a check-in's row so the Today board refreshes its summary (see today.html).
BOARD_CHANGED = "board-changed"


def _next_url(request: HtmxHttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    return same_site_url(request, candidate) or fallback


def _row_response(
    request: HtmxHttpRequest,
    booking_id: int,
    error: str = "",
    *,
    row: services.BoardRow | None = None,
) -> TemplateResponse:
    if row is None:
        row = services.today_row(booking_id=booking_id)
    context = {"row": row, "row_error": error, "now": timezone.now(), "next_url": reverse("today")}
    response = TemplateResponse(
        request, "bookings/today.html#today-row", context, status=409 if error else 200
    )
    if not error:
        # The board's counts (checked in, late) changed too: it refreshes itself on this event.
        trigger_client_event(response, BOARD_CHANGED)
    return response


def _checkin_answer(
    request: HtmxHttpRequest,
    booking_id: int,
    *,
    error: str,
    done: str,
    row: services.BoardRow | None = None,
) -> HttpResponse:
    """HTMX gets the board row back; a plain form post gets a message and a redirect."""
    if request.htmx:
        return _row_response(request, booking_id, error, row=row)
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
    status, title, message = describe_upstream_error(exc)
    text = f"{message} Nothing was changed: {kept}."
    if "try again" not in message.lower():
        text += " Try again in a moment."
    if request.htmx:
        context = {"row_error": f"{title}. {text}"}
        response = TemplateResponse(
            request, "bookings/today.html#row-error", context, status=status
        )
        retarget(response, f"#row-error-{booking_id}")
        reswap(response, "innerHTML")
    else:
        context = {
            "error_title": title,
            "error_message": text,
            "retry_url": _next_url(request, reverse("bookings:detail", args=[booking_id])),
            "status": status,
        }
        response = TemplateResponse(request, "upstream_error.html", context, status=status)
    if isinstance(exc, RateLimited) and exc.retry_after:
        response["Retry-After"] = str(int(exc.retry_after))
    return response


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
        row = services.board_row(booking, checkin, now=timezone.now())
        error = ""
    except NotFound:
        raise Http404("No such booking.") from None
    except CheckInError as exc:
        error = str(exc)
    except LatePointError as exc:
        return _checkin_unreadable(request, booking_id, exc, kept=kept)
    return _checkin_answer(request, booking_id, error=error, done=done, row=row)


@require_POST
def booking_check_in(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """Record the customer's arrival (the booking must be open and today)."""
    return _arrival_action(
        request,
        booking_id,
        lambda: services.booking_check_in(user=request.user, booking_id=booking_id),
        kept="the arrival was not recorded",
        done="Checked in.",
    )


@require_POST
def booking_check_in_undo(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """Undo the booking's check-in (the record stays, marked undone)."""

    def undo() -> tuple[Booking, None]:
        booking, _undone = services.booking_check_in_undo(user=request.user, booking_id=booking_id)
        return booking, None

    return _arrival_action(
        request,
        booking_id,
        undo,
        kept="the check-in still stands",
        done="Check-in undone.",
    )


# --- booking detail and status ----------------------------------------------------------------


def _get_booking(booking_id: int) -> Booking:
    try:
        return services.booking_get(booking_id=booking_id)
    except NotFound:
        raise Http404("No such booking.") from None


def detail_context(request: HtmxHttpRequest, booking: Booking) -> dict:
    """Everything the booking page shows besides the booking itself (local data only)."""
    check_in = checkins_for_bookings([booking.id]).get(booking.id)
    return {
        "booking": booking,
        "check_in": check_in,
        "checkin_refusal": services.checkin_refusal(booking) if check_in is None else "",
        "actions": services.booking_actions(booking=booking, user=request.user),
        "history": services.booking_status_history(booking_id=booking.id),
        "late_minutes": services.minutes_late(booking, check_in, now=timezone.now()),
        "next_url": request.get_full_path(),
    }


@require_GET
def booking_detail(request: HtmxHttpRequest, booking_id: int) -> TemplateResponse:
    """One booking with its check-in, status actions and history (one upstream call)."""
    booking = _get_booking(booking_id)
    return TemplateResponse(request, "bookings/detail.html", detail_context(request, booking))


#: Failures after which a sent change may still have reached LatePoint (its answer was lost or
#: unreadable, not a refusal): staff must check the booking rather than send it again.
MAYBE_APPLIED = (APITimeoutError, BadResponse)


def _status_failure(
    request: HtmxHttpRequest, context: dict, exc: LatePointError, *, sent: bool
) -> TemplateResponse:
    """The confirmation page again after LatePoint failed, with what was typed (the reason).

    `sent`: the change itself was sent (the booking was read). Then a lost or unreadable answer
    means it may have been applied, and no blind retry is offered.
    """
    status, title, message = describe_upstream_error(exc)
    maybe_applied = sent and isinstance(exc, MAYBE_APPLIED)
    if maybe_applied:
        message = (
            "The change was sent, but no readable answer came back. LatePoint may have "
            "applied it; check the booking before trying again."
        )
    else:
        message = f"{message} Nothing was changed."
    context.update(error=message, error_title=title, maybe_applied=maybe_applied)
    response = TemplateResponse(request, "bookings/status_confirm.html", context, status=status)
    if isinstance(exc, RateLimited) and exc.retry_after:
        response["Retry-After"] = str(int(exc.retry_after))
    return response


def _status_unreadable(
    request: HtmxHttpRequest, booking_id: int, exc: LatePointError
) -> TemplateResponse:
    """The booking could not be read to make the change: nothing was changed, and the
    confirmation comes back with what was typed (the reason), ready to be sent again."""
    form = StatusChangeForm(request.POST)
    seen = request.POST.get("seen_status", "")[:20]
    to_status = request.POST.get("to_status", "")
    if request.POST.get("confirmed") == "yes":
        services.booking_status_unreadable(
            user=request.user,
            booking_id=booking_id,
            to_status=to_status,
            reason=request.POST.get("reason", ""),
            seen_status=seen,
            error=exc.user_message,
        )
    # What the user saw when they confirmed: enough for the page, without LatePoint.
    booking = Booking(id=booking_id, status=seen)
    action = next(
        (
            a
            for a in services.booking_actions(booking=booking, user=request.user)
            if a.target == to_status
        ),
        None,
    )
    context = {
        "booking": booking,
        "form": form,
        "action": action,
        "to_status": to_status,
        "current_status": seen,
        "refused": action is None,
    }
    return _status_failure(request, context, exc, sent=False)


@require_http_methods(["GET", "POST"])
def booking_status(request: HtmxHttpRequest, booking_id: int) -> HttpResponse:
    """GET: the confirmation page of one change. POST: make it (once confirmed)."""
    try:
        booking = _get_booking(booking_id)
    except LatePointError as exc:
        if request.method != "POST":
            raise
        return _status_unreadable(request, booking_id, exc)
    data = request.POST if request.method == "POST" else request.GET
    form = StatusChangeForm(data)
    to_status = data.get("to_status", "")
    action = next(
        (
            a
            for a in services.booking_actions(booking=booking, user=request.user)
            if a.target == to_status
        ),
        None,
    )
    context = {
        "booking": booking,
        "form": form,
        "action": action,
        "to_status": to_status,
        "error": "",
        "current_status": str(booking.status),
    }
    if request.method == "GET" or not form.is_confirmed:
        if request.method == "POST" and set(form.errors) - {"reason"}:
            context["error"] = "The change could not be understood."
        elif request.method == "POST" and form.errors:
            return TemplateResponse(request, "bookings/status_confirm.html", context, status=400)
        if action is None and to_status:
            context["error"] = services.transition_refusal(
                booking=booking, to_status=to_status, user=request.user
            )
        status = 400 if context["error"] else 200
        return TemplateResponse(request, "bookings/status_confirm.html", context, status=status)

    try:
        services.booking_change_status(
            user=request.user,
            booking_id=booking.id,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data.get("reason", ""),
            seen_status=form.cleaned_data.get("seen_status", ""),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return TemplateResponse(request, "bookings/status_confirm.html", context, status=400)
    except services.TransitionRefused as exc:
        context.update(error=exc.message, current_status=exc.current, refused=True)
        return TemplateResponse(request, "bookings/status_confirm.html", context, status=409)
    except PermissionDenied as exc:
        context.update(error=str(exc), refused=True)
        return TemplateResponse(request, "bookings/status_confirm.html", context, status=403)
    except NotFound:
        raise Http404("No such booking.") from None
    except LatePointError as exc:
        return _status_failure(request, context, exc, sent=True)
    label = services.status_label(form.cleaned_data["to_status"]).lower()
    messages.success(request, f"Booking {booking.booking_code or booking.id} is now {label}.")
    return HttpResponseRedirect(reverse("bookings:detail", args=[booking.id]))


# --- the bookings list ----------------------------------------------------------------------


@require_GET
def booking_list(request: HtmxHttpRequest) -> HttpResponse:
    """The bookings list: LatePoint's filters, sorting and paging (one upstream call)."""
    reference = services.reference_data()
    form = BookingFilterForm(request.GET, reference=reference)
    filters, warnings = form.filters()
    corrected = filters_query(filters)
    if warnings and not request.htmx:
        for warning in warnings:
            messages.warning(request, warning)
        return redirect(reverse("bookings:list") + (f"?{corrected}" if corrected else ""))
    if warnings:
        form = BookingFilterForm(corrected_data(filters), reference=reference)
        form.is_valid()
    page = services.booking_list(filters=filters)
    table = BookingTable(list(page.items), sort_links=sort_links(filters))
    context = {
        "form": form,
        "filters": filters,
        "table": table,
        "page": page,
        "warnings": warnings,
        "has_filters": bool(filters_query(filters, sort="", order="", page="", per_page="")),
        "pagination": page_links(page, lambda n: "?" + filters_query(filters, page=n)),
    }
    if request.htmx:
        response = TemplateResponse(request, "bookings/list.html#booking-table", context)
        if warnings:
            push_url(response, reverse("bookings:list") + (f"?{corrected}" if corrected else ""))
        return response
    return TemplateResponse(request, "bookings/list.html", context)
