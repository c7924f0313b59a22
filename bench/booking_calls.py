"""The upstream calls of a whole booking made from the desk, as `make bench` (page speed)
reports them: open the new-booking page for a customer, choose service and agent, change the
date, book. Targets (issue "Book from the desk"): at most 1 call for each choice changed, at
most 4 in all for a typical booking, the reference lists (agents, services, locations) being
cached already, as they are after any page that shows them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "free-times"}


def _calls(response) -> int:
    match = re.search(r'desc="(\d+) calls?"', response.get("Server-Timing", ""))
    return int(match.group(1)) if match else 0


def _working_day(agent_hours: set[int], start: date) -> date:
    day = start
    while day.isoweekday() not in agent_hours:
        day += timedelta(days=1)
    return day


def run(client, sandbox) -> list[dict]:
    """Each step of one booking with its HTTP status and upstream calls."""
    with sandbox.db() as conn:
        customer = conn.execute(
            "SELECT id FROM sandbox_customer WHERE status = 'active' ORDER BY id LIMIT 1"
        ).fetchone()["id"]
        days = {
            row["week_day"]
            for row in conn.execute("SELECT week_day FROM sandbox_workperiod WHERE agent_id = 1")
        }
    first = _working_day(days, date.today() + timedelta(days=90))
    second = _working_day(days, first + timedelta(days=1))
    picks = {"customer": customer, "service": 1, "agent": 1, "location": 1}
    steps = []

    def step(name: str, response) -> None:
        steps.append({"step": name, "status": response.status_code, "calls": _calls(response)})

    client.get("/bookings/")  # any page with the pickers: the reference lists are cached
    step("open for the customer", client.get(f"/bookings/new/?customer={customer}"))
    query = urlencode({**picks, "date": first.isoformat()})
    step("service and agent chosen", client.get(f"/bookings/new/?{query}", **HTMX))
    query = urlencode({**picks, "date": second.isoformat()})
    response = client.get(f"/bookings/new/?{query}", **HTMX)
    step("date changed", response)
    html = response.content.decode()
    start = re.search(r'name="start_time" id="slot-\d+" value="([\d:]+)"', html)
    form = {**picks, "date": second.isoformat(), "start_time": start.group(1) if start else ""}
    form["booking_form"] = "1"
    form["submit_token"] = "bench-booking-calls-" + first.strftime("%Y%m%d")
    step("book", client.post("/bookings/new/", form))
    return steps


def report(steps: list[dict]) -> list[tuple[str, bool]]:
    print("\nA whole booking from the desk (upstream calls per step):")
    for row in steps:
        print(f"  {row['step']:<28} HTTP {row['status']}  {row['calls']} call(s)")
    total = sum(row["calls"] for row in steps)
    print(f"  {'in all':<28}          {total} call(s)")
    changes = [row for row in steps if row["step"] in ("service and agent chosen", "date changed")]
    return [
        ("booking: at most 1 call per choice changed", all(r["calls"] <= 1 for r in changes)),
        ("booking: at most 4 calls in all", total <= 4),
        ("booking: booked (HTTP 302)", steps[-1]["status"] == 302),
    ]
