"""The request budget of a LatePoint key is one for every process of the front office."""

from __future__ import annotations

import time
import uuid

from tests.scaleout.conftest import upstream_calls

#: LATEPOINT_RATE_LIMIT=10 (budget_pair) less the 10% margin.
USABLE = 9


def test_the_request_budget_is_shared_by_every_process(budget_pair, sandbox):
    """12 uncached pages, one call each, alternating over two processes: with a budget per
    process each would send its 6, 12 in all; with one shared budget at most 9 are sent, and
    the pages it refuses answer within the deadline, never with a server error."""
    pair = budget_pair
    tag = uuid.uuid4().hex[:8]
    pages = []
    for number in range(12):
        front = (pair.a, pair.b)[number % 2]
        began = time.monotonic()
        page = pair.get(front, f"/customers/?q=budget-{tag}-{number}")
        seconds = time.monotonic() - began
        pages.append((front.name, page.status_code, upstream_calls(page), round(seconds, 2)))

    received = sandbox.requests_since(pair.started_at)
    assert all(status in (200, 429, 503) for _, status, _, _ in pages), pages
    assert len(received) <= USABLE, (received, pages)
    assert sum(calls for _, _, calls, _ in pages) == len(received), (received, pages)
    # Both processes sent calls, and some pages were refused: the budget was reached together.
    assert {name for name, _, calls, _ in pages if calls} == {pair.a.name, pair.b.name}, pages
    assert any(calls == 0 for _, _, calls, _ in pages), pages
    # A refused page answers at once (LATEPOINT_DEADLINE=2): it never waits a minute.
    assert max(seconds for _, _, _, seconds in pages) < 5, pages
