"""The day's takings at /takings/ (`?date=YYYY-MM-DD`, today by default): for receptionists
and managers; the CSV export (a background job, as every export) for managers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bookings.forms import day_from
from bookings.today_views import day_links
from checkout.takings import takings_for_day
from frontoffice.http import HtmxHttpRequest, render, vary_on_htmx
from frontoffice.roles import is_manager, is_staff_member


@require_GET
@vary_on_htmx
def day(request: HtmxHttpRequest) -> TemplateResponse:
    """Every payment and refund of the day, by method and agent, the net and the drawer."""
    if not is_staff_member(request.user):
        raise PermissionDenied("The takings are for the front office's staff.")
    today = timezone.localdate()
    chosen, warning = day_from(request.GET.get("date"), today=today)
    takings = takings_for_day(day=chosen)
    context = {
        "takings": takings,
        "days": day_links(request, reverse("takings:day"), chosen),
        "is_today": chosen == today,
        "future": chosen > today,
        "warning": warning,
        "can_export": is_manager(request.user),
        "export_query": f"date={chosen.isoformat()}",
    }
    return render(request, "checkout/takings.html", context, partial="takings")
