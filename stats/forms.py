"""The dashboard's period and filter form (GET), and how bad values are corrected.

Query parameters come from bookmarks and hand-edited URLs: a value that cannot be used is
replaced by a sound one and the manager is told what changed, never shown a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms

from latepoint.models import Agent, Location, Service

PERIOD_CHOICES = [
    ("week", "This week"),
    ("month", "This month"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("custom", "Custom dates"),
]
DEFAULT_PERIOD = "30d"
MAX_CUSTOM_DAYS = 366
# Dates outside this range are typing mistakes (a year 20256, a year 0202), not periods.
EARLIEST = date(2000, 1, 1)
LATEST_YEARS_AHEAD = 5


@dataclass(frozen=True)
class Period:
    """A run of whole days, both ends included, in the site's time zone."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The same number of days immediately before this period."""
        return Period(start=self.start - timedelta(days=self.days), end=self.start - timedelta(1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class StatsQuery:
    """What the dashboard shows: a period, its label and the optional filters."""

    period_key: str
    period: Period
    agent_id: int | None = None
    service_id: int | None = None
    location_id: int | None = None

    @property
    def label(self) -> str:
        if self.period_key == "custom":
            return "Custom dates"
        return dict(PERIOD_CHOICES)[self.period_key]


def preset_period(key: str, *, today: date) -> Period:
    """Every preset ends today, so each is compared with the days just before it."""
    if key == "week":
        return Period(start=today - timedelta(days=today.weekday()), end=today)
    if key == "month":
        return Period(start=today.replace(day=1), end=today)
    if key == "90d":
        return Period(start=today - timedelta(days=89), end=today)
    return Period(start=today - timedelta(days=29), end=today)


def _agent_label(agent: Agent) -> str:
    return agent.display_name or f"{agent.first_name} {agent.last_name}".strip() or f"#{agent.id}"


class PeriodForm(forms.Form):
    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False, label="Period")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    agent = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Agent")
    service = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Service")
    location = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Location"
    )

    def __init__(
        self,
        *args,
        agents: list[Agent] = (),
        services: list[Service] = (),
        locations: list[Location] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [("", "All agents")] + [
            (str(a.id), _agent_label(a)) for a in agents
        ]
        self.fields["service"].choices = [("", "All services")] + [
            (str(s.id), s.name or f"#{s.id}") for s in services
        ]
        self.fields["location"].choices = [("", "All locations")] + [
            (str(loc.id), loc.name or f"#{loc.id}") for loc in locations
        ]


_FILTER_NOUNS = {"agent": "agent", "service": "service", "location": "location"}


def stats_query_from_params(
    params,
    *,
    today: date,
    agents: list[Agent],
    services: list[Service],
    locations: list[Location],
) -> tuple[StatsQuery, list[str], PeriodForm]:
    """Read the GET parameters into a query, correcting what cannot be used.

    Returns the query, the corrections to tell the manager about, and an unbound form that
    shows the values actually used.
    """
    reference = {"agents": agents, "services": services, "locations": locations}
    form = PeriodForm(params, **reference)
    form.is_valid()
    corrections: list[str] = []
    period_key, period = _period(params, form, today=today, corrections=corrections)
    filters = _filters(form, corrections=corrections)
    query = StatsQuery(
        period_key=period_key,
        period=period,
        agent_id=filters["agent"],
        service_id=filters["service"],
        location_id=filters["location"],
    )
    shown = PeriodForm(
        initial={
            "period": period_key,
            "date_from": period.start,
            "date_to": period.end,
            "agent": query.agent_id,
            "service": query.service_id,
            "location": query.location_id,
        },
        **reference,
    )
    return query, corrections, shown


def _period(params, form, *, today: date, corrections: list[str]) -> tuple[str, Period]:
    """The period asked for (its key and its days), or the default one."""
    raw_period = (params.get("period") or "").strip()
    period_key = form.cleaned_data.get("period") or ""
    if "period" in form.errors:
        corrections.append("That period is not one of the choices: showing the last 30 days.")
        period_key = DEFAULT_PERIOD
    if not period_key:
        has_dates = bool(params.get("date_from") or params.get("date_to"))
        period_key = "custom" if has_dates and not raw_period else DEFAULT_PERIOD
    if period_key == "custom":
        period = _custom_period(form, today=today, corrections=corrections)
        if period is not None:
            return period_key, period
        period_key = DEFAULT_PERIOD
    return period_key, preset_period(period_key, today=today)


def _filters(form, *, corrections: list[str]) -> dict[str, int | None]:
    """The agent, service and location asked for; None for one not in LatePoint's lists."""
    filters: dict[str, int | None] = {}
    for name, noun in _FILTER_NOUNS.items():
        if name in form.errors:
            corrections.append(f"That {noun} is not in LatePoint's list: showing all {noun}s.")
            filters[name] = None
        else:
            filters[name] = form.cleaned_data.get(name)
    return filters


def _custom_period(form, *, today: date, corrections: list[str]) -> Period | None:
    data = form.cleaned_data
    start, end = data.get("date_from"), data.get("date_to")
    latest = today.replace(year=today.year + LATEST_YEARS_AHEAD, day=min(today.day, 28))
    bad = [
        label
        for label, name, value in (("start", "date_from", start), ("end", "date_to", end))
        if name in form.errors or value is None or not EARLIEST <= value <= latest
    ]
    if bad:
        which = " and ".join(bad)
        corrections.append(
            f"The custom period needs a valid {which} date (YYYY-MM-DD, from "
            f"{EARLIEST.year} to {latest.year}): showing the last 30 days."
        )
        return None
    if start > end:
        start, end = end, start
        corrections.append("The start date was after the end date: the two were swapped.")
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        start = end - timedelta(days=MAX_CUSTOM_DAYS - 1)
        corrections.append(
            f"A custom period is at most {MAX_CUSTOM_DAYS} days: showing the "
            f"{MAX_CUSTOM_DAYS} days up to {end:%Y-%m-%d}."
        )
    return Period(start=start, end=end)
