"""`{% customer_alerts customer_id %}`: the customer's pinned notes as an alert (one query),
for pages that show one customer (the new-booking and walk-in pages)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from notes.services import pinned_alerts_for

register = template.Library()


@register.inclusion_tag("notes/includes/pinned_alert.html")
def customer_alerts(customer_id: int | None) -> dict:
    return {"alerts": pinned_alerts_for([customer_id]).get(int(customer_id or 0), ())}


def compact_alert_html(alerts) -> str:
    """The alert on one line, for rows written in Python (a Today row, a calendar block): the
    same include, rendered only for the few customers who have one ("" for none)."""
    if not alerts:
        return ""
    return render_to_string(
        "notes/includes/pinned_alert.html", {"alerts": alerts, "compact": True}
    ).strip()
