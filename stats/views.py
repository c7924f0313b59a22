"""The manager's dashboard at /stats/."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils import timezone

from frontoffice.http import HtmxHttpRequest, render, vary_on_htmx
from frontoffice.reference import reference_data
from frontoffice.roles import manager_required
from history.services import reference_copy
from stats.charts import daily_chart, service_chart
from stats.forms import stats_query_from_params
from stats.reasons import reason_figures
from stats.services import RISK_CANDIDATES, dashboard_get


@manager_required
@vary_on_htmx
def dashboard(request: HtmxHttpRequest) -> TemplateResponse:
    today = timezone.localdate()
    # The lists as the history sync last read them (no call), else from LatePoint (cached).
    reference = reference_copy() or reference_data()
    query, corrections, form = stats_query_from_params(
        request.GET,
        today=today,
        agents=reference.agents,
        services=reference.services,
        locations=reference.locations,
    )
    board = dashboard_get(query=query, today=today, reference=reference)
    # Why bookings were lost or moved, over the days the figures are of (no call).
    reasons = None
    if board.current is not None:
        reasons = reason_figures(
            period=board.part or query.period,
            reference=reference,
            agent_id=query.agent_id,
            service_id=query.service_id,
            location_id=query.location_id,
        )
    context = {
        "form": form,
        "corrections": corrections,
        "board": board,
        "today": today,
        "daily_chart": daily_chart(board.daily),
        "service_chart": service_chart(board.revenue_by_service),
        "risk_limit": RISK_CANDIDATES,
        "reasons": reasons,
    }
    return render(request, "stats/dashboard.html", context, partial="stats-dashboard")
