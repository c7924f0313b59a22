"""The bookings list (`/bookings/`): LatePoint's filters, sorting and paging, and the export of
the bookings it selects.

A thin view: it reads the filter form, calls `bookings.services.listing`, and renders
`bookings/list.html`, narrowed to its table (`#booking-table`) for HTMX requests.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from bookings.forms import (
    MORE_FILTERS,
    BookingFilterForm,
    corrected_data,
    every_date_query,
    filters_query,
    list_scope,
    more_filters_set,
    narrowed,
)
from bookings.services.listing import BookingFilters
from bookings.services.listing import booking_list as list_bookings
from bookings.tables import BookingTable, sort_links
from exports import views as export_views
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from frontoffice.pagination import page_links
from frontoffice.reference import ReferenceData, reference_data
from frontoffice.roles import is_manager, manager_required
from upstream.failures import Failure, UpstreamError, describe


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
    fragment = wants_fragment(request)
    if warnings and not fragment:
        for warning in warnings:
            messages.warning(request, warning)
        return redirect(list_url)
    context = {
        "fragment": fragment,
        **_list_context(request, filters, today=today, warnings=warnings, list_url=list_url),
    }
    listing, error = _listing(filters, manager=is_manager(request.user))
    context.update(listing)
    status = error.status if error else 200
    if fragment:
        response = TemplateResponse(
            request, "bookings/list.html#booking-table", context, status=status
        )
        if warnings:
            push_url(response, list_url)
    else:
        context.update(_filter_form(filters, reference))
        response = TemplateResponse(request, "bookings/list.html", context, status=status)
    if error:
        error.apply_headers(response)
    return response


def _list_context(
    request: HtmxHttpRequest,
    filters: BookingFilters,
    *,
    today: date,
    warnings: list[str],
    list_url: str,
) -> dict:
    """What the list says about its filters, whether or not LatePoint gave the bookings."""
    return {
        "filters": filters,
        "warnings": warnings,
        "list_url": list_url,
        "scope": list_scope(filters, today=today),
        "has_filters": narrowed(filters),
        "every_date_url": "?" + every_date_query(filters),
        "dated": filters.date_from is not None or filters.date_to is not None,
        "from_today": filters.date_from == today and filters.date_to is None,
        "can_export": is_manager(request.user),
        "export_query": filters_query(filters, page="", per_page=""),
    }


def _listing(filters: BookingFilters, *, manager: bool) -> tuple[dict, UpstreamError | None]:
    """The page of bookings with its table and page links; or, if LatePoint failed, why (said
    in the list's own region, the filters kept, with the summary saying so too)."""
    try:
        page = list_bookings(filters=filters, manager=manager)
    except Failure as exc:
        error = describe(exc)
        return {"error_title": error.title, "error_message": error.message}, error
    listing = {
        "page": page,
        "table": BookingTable(list(page.items), sort_links=sort_links(filters)),
        "pagination": page_links(page, lambda n: "?" + filters_query(filters, page=n)),
    }
    return listing, None


def _filter_form(filters: BookingFilters, reference: ReferenceData) -> dict:
    """The filter form as applied: today's date in From when the list opens on it."""
    form = BookingFilterForm(corrected_data(filters), reference=reference)
    form.is_valid()
    return {
        "form": form,
        "more_fields": [form[name] for name in MORE_FILTERS],
        "more_filters_open": more_filters_set(filters),
    }


@require_GET
@manager_required
def booking_export(request: HtmxHttpRequest) -> TemplateResponse:
    """The export of the bookings the list's filters select, asked for by address."""
    return export_views.confirm(request, "bookings")
