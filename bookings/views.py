"""Booking screens: the bookings list, booking detail and its status changes.

Thin views: they read the request, call `bookings.services`, and render one template per page
(narrowed to a partial for HTMX requests). The Today board and check-in are in `today_views`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, reswap, retarget

from bookings.checkins import checkins_for_bookings
from bookings.forms import (
    MORE_FILTERS,
    BookingFilterForm,
    StatusChangeForm,
    corrected_data,
    every_date_query,
    filters_query,
    list_scope,
    more_filters_set,
    narrowed,
)
from bookings.panel import from_panel, panel_booking, panel_response
from bookings.services.arrivals import checkin_refusal, minutes_late, today_row
from bookings.services.booking import book_again_url, booking_start_local, reschedule_refusal
from bookings.services.listing import booking_get
from bookings.services.listing import booking_list as list_bookings
from bookings.services.status import (
    TransitionRefused,
    booking_action,
    booking_actions,
    booking_change_status,
    booking_status_history,
    booking_status_unreadable,
    status_label,
    transition_refusal,
)
from bookings.tables import BookingTable, sort_links
from bookings.today_views import board_row_response
from frontoffice import export_views
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from frontoffice.pagination import page_links
from frontoffice.reference import reference_data
from frontoffice.roles import is_manager, manager_required
from frontoffice.upstream_errors import describe
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Booking

# --- booking detail and status ----------------------------------------------------------------


def _get_booking(booking_id: int) -> Booking:
    try:
        return booking_get(booking_id=booking_id)
    except NotFound:
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
        "late_minutes": minutes_late(booking, check_in, now=timezone.now()),
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
    """One booking with its check-in, status actions and history (one upstream call).

    Aimed at the calendar's side panel (htmx), the panel instead: the booking as the calendar
    of `?day=` just read it when it can (no call).
    """
    if from_panel(request):
        try:
            booking = panel_booking(booking_id=booking_id, day=request.GET.get("day", "")[:10])
        except NotFound:
            raise Http404("No such booking.") from None
        return panel_response(request, booking)
    booking = _get_booking(booking_id)
    return TemplateResponse(request, "bookings/detail.html", detail_context(request, booking))


def _status_failure(
    request: HtmxHttpRequest, context: dict, exc: LatePointError, *, sent: bool
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
    }


def _status_unreadable(
    request: HtmxHttpRequest, booking_id: int, exc: LatePointError
) -> TemplateResponse:
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
            reason=request.POST.get("reason", ""),
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


def _region_refusal(
    request: HtmxHttpRequest, region: str, booking: Booking | None, page: TemplateResponse
) -> HttpResponse:
    """A change posted from a panel or a row that was not made: that region again, saying why
    (what the confirmation page `page` would have said)."""
    context = page.context_data or {}
    form = context.get("form")
    reasons = form.errors.get("reason", []) if form is not None and form.is_bound else []
    error = context.get("error") or " ".join(reasons) or "Confirm the change first."
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
    except LatePointError as exc:
        if request.method != "POST":
            raise
        page = _status_unreadable(request, booking_id, exc)
        return _region_refusal(request, region, None, page) if region else page
    data = request.POST if request.method == "POST" else request.GET
    form = StatusChangeForm(data)
    to_status = data.get("to_status", "")
    context = _confirmation(request, booking, form, to_status, current_status=str(booking.status))

    def refused(status: int, page: TemplateResponse | None = None) -> HttpResponse:
        page = page or TemplateResponse(
            request, "bookings/status_confirm.html", context, status=status
        )
        return _region_refusal(request, region, booking, page) if region else page

    if request.method == "GET" or not form.is_confirmed:
        if request.method == "POST" and set(form.errors) - {"reason"}:
            context["error"] = "The change could not be understood."
        elif request.method == "POST" and form.errors:
            return refused(400)
        if context["action"] is None and to_status:
            context["error"] = transition_refusal(
                booking=booking, to_status=to_status, user=request.user
            )
        status = 400 if context["error"] else 200
        if request.method == "POST":
            return refused(status)
        return TemplateResponse(request, "bookings/status_confirm.html", context, status=status)

    try:
        updated = booking_change_status(
            user=request.user,
            booking_id=booking.id,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data.get("reason", ""),
            seen_status=form.cleaned_data.get("seen_status", ""),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return refused(400)
    except TransitionRefused as exc:
        context.update(error=exc.message, current_status=exc.current, refused=True)
        return refused(409)
    except PermissionDenied as exc:
        context.update(error=str(exc), refused=True)
        return refused(403)
    except NotFound:
        raise Http404("No such booking.") from None
    except LatePointError as exc:
        return refused(0, _status_failure(request, context, exc, sent=True))
    label = status_label(form.cleaned_data["to_status"]).lower()
    done = f"Booking {booking.booking_code or booking.id} is now {label}."
    if region == "panel":
        return panel_response(request, updated, message=done, changed=True)
    if region == "row":
        row = today_row(booking_id=updated.id, booking=updated)
        return board_row_response(request, updated.id, row=row)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("bookings:detail", args=[booking.id]))


# --- the bookings list ----------------------------------------------------------------------


@require_GET
@vary_on_htmx
def booking_list(request: HtmxHttpRequest) -> HttpResponse:
    """The bookings list: LatePoint's filters, sorting and paging (one upstream call).

    It opens on today's bookings and what comes after, in time order; dates or an order in
    the address (even an empty date, for every date) are the user's own and are kept.
    """
    today = timezone.localdate()
    reference = reference_data()
    form = BookingFilterForm(request.GET, reference=reference)
    filters, warnings = form.filters(today=today)
    corrected = filters_query(filters)
    list_url = reverse("bookings:list") + (f"?{corrected}" if corrected else "")
    if warnings and not wants_fragment(request):
        for warning in warnings:
            messages.warning(request, warning)
        return redirect(list_url)
    query = filters_query(filters, page="", per_page="")
    fragment = wants_fragment(request)
    context = {
        "fragment": fragment,
        "filters": filters,
        "warnings": warnings,
        "list_url": list_url,
        "scope": list_scope(filters, today=today),
        "has_filters": narrowed(filters),
        "every_date_url": "?" + every_date_query(filters),
        "dated": filters.date_from is not None or filters.date_to is not None,
        "from_today": filters.date_from == today and filters.date_to is None,
        "can_export": is_manager(request.user),
        "export_query": query,
    }
    error = None
    try:
        page = list_bookings(filters=filters)
    except LatePointError as exc:
        # Said in the list's own region, the filters kept, with the summary saying so too.
        error = describe(exc)
        context.update(error_title=error.title, error_message=error.message)
    else:
        context.update(
            page=page,
            table=BookingTable(list(page.items), sort_links=sort_links(filters)),
            pagination=page_links(page, lambda n: "?" + filters_query(filters, page=n)),
        )
    status = error.status if error else 200
    if fragment:
        response = TemplateResponse(
            request, "bookings/list.html#booking-table", context, status=status
        )
        if warnings:
            push_url(response, list_url)
    else:
        # The form shows the filters as applied: today's date in From when the list opens on
        # it.
        form = BookingFilterForm(corrected_data(filters), reference=reference)
        form.is_valid()
        context.update(
            form=form,
            more_fields=[form[name] for name in MORE_FILTERS],
            more_filters_open=more_filters_set(filters),
        )
        response = TemplateResponse(request, "bookings/list.html", context, status=status)
    if error:
        error.apply_headers(response)
    return response


@require_GET
@manager_required
def booking_export(request: HtmxHttpRequest) -> TemplateResponse:
    """The export of the bookings the list's filters select, asked for by address."""
    return export_views.confirm(request, "bookings")
