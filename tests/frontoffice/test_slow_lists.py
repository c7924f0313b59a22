"""Every list updated in place tells a slow answer apart: its loading indicator carries the
text static/js/slow-requests.js shows after a few seconds (tests/e2e/test_slow_latepoint.py
watches it happen against a hung sandbox)."""

from __future__ import annotations

import re

import pytest

#: (page, its loading indicator's id, what it says once the wait is long)
LISTS = [
    ("/customers/", "customer-list-loading", "Still waiting for LatePoint…"),
    ("/bookings/", "booking-table-loading", "Still waiting for LatePoint…"),
    ("/", "board-loading", "Still waiting for LatePoint…"),
    ("/stats/", "stats-loading", "Still waiting for LatePoint…"),
    ("/customers/{customer}/", "customer-bookings", "Still waiting for LatePoint…"),
    ("/audit/", "audit-loading", "Still loading the audit trail…"),  # no LatePoint there
]


@pytest.mark.parametrize(("path", "indicator", "slow_text"), LISTS)
def test_each_list_says_when_it_is_still_waiting(
    live_sandbox, manager_client, path, indicator, slow_text
):
    with live_sandbox.db() as conn:
        customer = conn.execute("SELECT id FROM sandbox_customer LIMIT 1").fetchone()[0]
    html = manager_client.get(path.format(customer=customer)).content.decode()
    # The indicator itself, or the loading text inside the region htmx marks busy.
    region = re.search(rf'<[a-z]+ id="{indicator}"[^>]*>', html)
    tag = region.group(0)
    if "htmx-indicator" not in tag:
        rest = html[region.end() :]
        tag = re.search(r'<span class="htmx-indicator[^"]*"[^>]*>', rest).group(0)
    assert "htmx-indicator" in tag
    assert f'data-slow-text="{slow_text}"' in tag
    assert '<script src="/static/js/slow-requests.js" defer></script>' in html
