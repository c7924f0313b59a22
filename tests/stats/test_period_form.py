"""Reading the dashboard's GET parameters: presets, custom dates and their corrections."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import QueryDict

from latepoint.models import Agent, Location, Service
from stats.forms import Period, stats_query_from_params

TODAY = date(2026, 11, 22)  # a Sunday
AGENTS = [Agent(id=3, display_name="Priya Patel")]
SERVICES = [Service(id=7, name="Acupuncture")]
LOCATIONS = [Location(id=2, name="Brooklyn Studio")]


def read(query: str):
    return stats_query_from_params(
        QueryDict(query), today=TODAY, agents=AGENTS, services=SERVICES, locations=LOCATIONS
    )


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("", date(2026, 10, 24), TODAY),
        ("period=30d", date(2026, 10, 24), TODAY),
        ("period=90d", date(2026, 8, 25), TODAY),
        ("period=week", date(2026, 11, 16), TODAY),
        ("period=month", date(2026, 11, 1), TODAY),
        (
            "period=custom&date_from=2026-01-01&date_to=2026-01-31",
            date(2026, 1, 1),
            date(2026, 1, 31),
        ),
        # Dates without a period mean a custom period.
        ("date_from=2026-02-01&date_to=2026-02-10", date(2026, 2, 1), date(2026, 2, 10)),
    ],
)
def test_periods(query, start, end):
    parsed, corrections, _ = read(query)
    assert (parsed.period.start, parsed.period.end) == (start, end)
    assert corrections == []


def test_previous_period_is_the_same_length_just_before():
    period = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))
    previous = period.previous()
    assert (previous.start, previous.end) == (date(2026, 1, 29), date(2026, 2, 28))
    assert previous.days == period.days == 31


def test_filters_are_read_and_unknown_ones_dropped():
    parsed, corrections, form = read("agent=3&service=7&location=2")
    assert (parsed.agent_id, parsed.service_id, parsed.location_id) == (3, 7, 2)
    assert corrections == []
    assert form.initial["agent"] == 3

    parsed, corrections, _ = read("agent=4&service=x&location=")
    assert (parsed.agent_id, parsed.service_id, parsed.location_id) == (None, None, None)
    assert corrections == [
        "That agent is not in LatePoint's list: showing all agents.",
        "That service is not in LatePoint's list: showing all services.",
    ]


def test_custom_corrections():
    parsed, corrections, _ = read("period=custom&date_from=2026-03-10&date_to=2026-03-01")
    assert (parsed.period.start, parsed.period.end) == (date(2026, 3, 1), date(2026, 3, 10))
    assert corrections == ["The start date was after the end date: the two were swapped."]

    parsed, corrections, form = read("period=custom&date_from=2024-01-01&date_to=2026-06-30")
    assert parsed.period.days == 366 and parsed.period.end == date(2026, 6, 30)
    assert "at most 366 days" in corrections[0]
    assert form.initial["date_from"] == parsed.period.start

    parsed, corrections, _ = read("period=custom&date_from=2026-03-01&date_to=99999-01-01")
    assert parsed.period_key == "30d"
    assert "valid end date" in corrections[0]

    parsed, corrections, _ = read("period=custom&date_from=1999-12-31&date_to=2026-01-01")
    assert parsed.period_key == "30d"
    assert "valid start date" in corrections[0]
