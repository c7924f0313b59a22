"""When an agent is free: working hours, bookings that hold time, buffers and the clock.

An agent can take a booking from `start` for `duration` minutes when

- the booking lies inside one of the agent's work periods of that week day (buffers may
  reach outside them: they only keep other bookings away);
- the booking, widened by its service's buffers, overlaps no pending or approved booking of
  the agent widened by that booking's service's buffers;
- it does not start before the current minute (site timezone).

Start times offered by GET /availability are the period's start plus multiples of the
service's `timeblock_interval` (15 minutes when it has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from sandbox import schedule
from sandbox.models import Agent, Booking, Service, WorkPeriod

#: Statuses whose bookings hold their time.
HOLDING = ("pending", "approved")


def site_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at_minute(day: date, minute: int) -> datetime:
    """A site-local moment `minute` minutes after the start of `day` (wall clock)."""
    return datetime.combine(day, time(0), site_tz()) + timedelta(minutes=minute)


def step_of(service: Service) -> int:
    return service.timeblock_interval or schedule.DEFAULT_STEP


@dataclass(frozen=True)
class Busy:
    """Time an existing booking holds, buffers included (UTC)."""

    start: datetime
    end: datetime
    booking_id: int


def periods(agent: Agent, day: date) -> list[tuple[int, int]]:
    """The agent's work periods on that day, as (start minute, end minute), in order."""
    rows = WorkPeriod.objects.filter(agent=agent, week_day=day.isoweekday())
    return sorted((row.start_minute, row.end_minute) for row in rows)


def busy_times(agent: Agent, day: date, *, exclude: int | None = None) -> list[Busy]:
    """The time the agent's holding bookings take around that day (buffers included)."""
    start = at_minute(day, 0).astimezone(UTC) - timedelta(hours=12)
    end = at_minute(day + timedelta(days=1), 0).astimezone(UTC) + timedelta(hours=12)
    qs = Booking.objects.filter(
        agent=agent, status__in=HOLDING, start_at__lt=end, end_at__gt=start
    ).select_related("service")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return [
        Busy(
            b.start_at - timedelta(minutes=b.service.buffer_before),
            b.end_at + timedelta(minutes=b.service.buffer_after),
            b.pk,
        )
        for b in qs
    ]


def _clashes(start: datetime, end: datetime, busy: list[Busy]) -> bool:
    return any(start < other.end and other.start < end for other in busy)


def earliest(now: datetime) -> datetime:
    """The first bookable moment: the current minute."""
    return now.astimezone(site_tz()).replace(second=0, microsecond=0)


def free_slots(
    agent: Agent, service: Service, day: date, duration: int, now: datetime
) -> list[tuple[datetime, datetime]]:
    """Every start time the agent can take on that day, as (start, end) site-local moments."""
    if day < now.astimezone(site_tz()).date():
        return []
    busy = busy_times(agent, day)
    first_start = earliest(now)
    step = step_of(service)
    before = timedelta(minutes=service.buffer_before)
    after = timedelta(minutes=service.buffer_after)
    slots = []
    for first, last in periods(agent, day):
        for minute in range(first, last - duration + 1, step):
            start = at_minute(day, minute)
            end = start + timedelta(minutes=duration)
            if start < first_start or _clashes(start - before, end + after, busy):
                continue
            slots.append((start, end))
    return slots


def why_not(
    agent: Agent, service: Service, start: datetime, duration: int, *, exclude: int | None = None
) -> str | None:
    """None when the agent's hours and bookings leave room for this booking, else why not.

    Whether `start` has passed is the caller's to check (see `earliest`)."""
    local = start.astimezone(site_tz())
    day = local.date()
    first = local.hour * 60 + local.minute
    last = first + duration
    if not any(begin <= first and last <= end for begin, end in periods(agent, day)):
        return f"{agent.display_name} does not work at that time"
    end = start + timedelta(minutes=duration)
    before = timedelta(minutes=service.buffer_before)
    after = timedelta(minutes=service.buffer_after)
    if _clashes(start - before, end + after, busy_times(agent, day, exclude=exclude)):
        return f"{agent.display_name} already has a booking at that time"
    return None


def free_agents(
    service: Service | None, start: datetime, duration: int, now: datetime
) -> list[Agent]:
    """The active agents who can take a booking from `start`, by id; none once it has passed."""
    if start < earliest(now):
        return []
    chosen = service or Service(duration=duration, buffer_before=0, buffer_after=0)
    return [
        agent
        for agent in Agent.objects.filter(status="active").order_by("id")
        if why_not(agent, chosen, start, duration) is None
    ]
