"""The customer profile at /customers/<id>/, its HTMX booking tabs and its money panel."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from checkout.owing import customer_money_get
from customers.services.profile import (
    BOOKING_TABS,
    BookingTab,
    TabRequest,
    customer_bookings_get,
    customer_profile_get,
    parse_tab_request,
)
from frontoffice.http import HtmxHttpRequest, render, vary_on_htmx, wants_fragment
from notes.sections import edit_note_id_from, notes_section_context
from notes.timeline import TIMELINE_TARGET, customer_timeline, parse_kind
from upstream.failures import Failure, Missing, describe


def _tab_links(customer_id: int, open_tab: str) -> list[dict]:
    """The tab bar: a full-page link for each tab (no JS) and its HTMX fragment URL."""
    page = reverse("customers:detail", args=[customer_id])
    fragment = reverse("customers:bookings", args=[customer_id])
    links = []
    for key, spec in BOOKING_TABS.items():
        query = urlencode({"tab": key})
        links.append(
            {
                "key": key,
                "label": spec.label,
                "href": f"{page}?{query}#customer-bookings",
                "hx_get": f"{fragment}?{query}",
                "push_url": f"{page}?{query}",
                "selected": key == open_tab,
            }
        )
    return links


def _more_links(customer_id: int, tab: BookingTab) -> dict:
    query = urlencode({"tab": tab.key, "limit": tab.next_limit})
    page = reverse("customers:detail", args=[customer_id])
    return {
        "href": f"{page}?{query}#customer-bookings",
        "hx_get": f"{reverse('customers:bookings', args=[customer_id])}?{query}",
        "push_url": f"{page}?{query}",
    }


def _tab_context(customer_id: int, tab: BookingTab) -> dict:
    return {
        "customer_id": customer_id,
        "bookings_tab": tab,
        "tab_links": _tab_links(customer_id, tab.key),
        "more_link": _more_links(customer_id, tab) if tab.has_more else None,
    }


def _not_found(request: HtmxHttpRequest, customer_id: int) -> TemplateResponse:
    return render(
        request,
        "customers/detail_not_found.html",
        {"customer_id": customer_id},
        partial="customer-missing",
        status=404,
    )


@require_GET
@vary_on_htmx
def customer_detail(request: HtmxHttpRequest, customer_id: int) -> TemplateResponse:
    """The profile. One upstream call; one more when a tab other than upcoming is open, and one
    when a visit of the customer's began earlier today (its Today strip)."""
    return profile_response(request, customer_id)


def profile_response(
    request: HtmxHttpRequest, customer_id: int, *, extra: dict | None = None, status: int = 200
) -> TemplateResponse:
    """The profile page, with `extra` context (a notes form that failed, without JavaScript);
    an HTMX request aimed at the timeline gets the timeline alone."""
    wanted: TabRequest = parse_tab_request(request.GET)
    try:
        profile = customer_profile_get(
            customer_id=customer_id, user=request.user, today=timezone.localdate()
        )
    except Missing:
        return _not_found(request, customer_id)

    if wanted.is_default:
        tab = profile.upcoming
        if wanted.notice:
            tab = replace(tab, notice=wanted.notice)
    else:
        try:
            tab = customer_bookings_get(
                customer_id=customer_id, tab=wanted.tab, limit=wanted.limit, notice=wanted.notice
            )
        except Missing:
            return _not_found(request, customer_id)

    context = {
        "profile": profile,
        "customer": profile.customer,
        "book_again_url": _book_again_url(profile),
        **_tab_context(customer_id, tab),
    }
    if request.GET.get("money"):
        # Without JavaScript the money panel is asked for with the page (?money=1).
        context.update(_money_context(customer_id))
    context.update(_notes_context(request, profile))
    context.update(extra or {})
    return render(
        request, "customers/detail.html", context, targets=(TIMELINE_TARGET,), status=status
    )


def _notes_context(request: HtmxHttpRequest, profile) -> dict:
    """Staff notes and the customer's timeline: local data and the bookings just read."""
    customer = profile.customer
    kind, notice = parse_kind(request.GET.get("kind"))
    return {
        **notes_section_context(
            user=request.user,
            customer_id=customer.id,
            customer_name=customer.full_name,
            edit_note_id=edit_note_id_from(request.GET.get("edit_note")),
        ),
        "timeline": customer_timeline(
            customer_id=customer.id, bookings=profile.upcoming.bookings, kind=kind, notice=notice
        ),
    }


def _book_again_url(profile) -> str:
    """The new-booking page for this customer with their usual service, agent and location,
    its date suggested from their usual interval after the last visit."""
    stats = profile.stats
    values = {
        "customer": profile.customer.id,
        "service": getattr(stats.favorite_service, "id", None),
        "agent": getattr(stats.favorite_agent, "id", None),
        "location": getattr(stats.favorite_location, "id", None),
        "after": stats.last_booking_date.isoformat() if stats.last_booking_date else None,
    }
    query = urlencode({k: v for k, v in values.items() if v is not None})
    return reverse("bookings:new") + "?" + query


@require_GET
@vary_on_htmx
def customer_bookings(request: HtmxHttpRequest, customer_id: int) -> HttpResponse:
    """One booking tab as a fragment for HTMX; without HTMX, the profile with that tab open."""
    if not wants_fragment(request):
        query = request.GET.urlencode()
        url = reverse("customers:detail", args=[customer_id])
        return HttpResponseRedirect(f"{url}?{query}#customer-bookings" if query else url)
    wanted = parse_tab_request(request.GET)
    try:
        tab = customer_bookings_get(
            customer_id=customer_id, tab=wanted.tab, limit=wanted.limit, notice=wanted.notice
        )
    except Missing:
        return _not_found(request, customer_id)
    return TemplateResponse(
        request, "customers/detail.html#customer-bookings", _tab_context(customer_id, tab)
    )


def _money_context(customer_id: int) -> dict:
    """The money panel's context: what the customer owes and their payments, or why LatePoint
    could not give them."""
    context: dict = {"customer_id": customer_id, "money_loaded": True}
    try:
        context["money"] = customer_money_get(customer_id=customer_id)
    except Failure as exc:
        context["money_error"] = describe(exc)
    return context


@require_GET
@vary_on_htmx
def customer_money(request: HtmxHttpRequest, customer_id: int) -> HttpResponse:
    """The money panel as a fragment for HTMX (loaded after the profile's first paint);
    without HTMX, the profile with the panel open."""
    if not wants_fragment(request):
        url = reverse("customers:detail", args=[customer_id])
        return HttpResponseRedirect(f"{url}?money=1#customer-money")
    context = _money_context(customer_id)
    error = context.get("money_error")
    response = TemplateResponse(
        request,
        "customers/detail.html#customer-money",
        context,
        status=error.status if error is not None else 200,
    )
    return error.apply_headers(response) if error is not None else response
