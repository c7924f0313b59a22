"""The seeded agents' working hours and the seeded services' buffers and slot steps.

Plain data (no models), so that both the seed and the migration that added these fields can
use it. Week days are LatePoint's: 1 = Monday ... 7 = Sunday; times are site-local HH:MM.
"""

from __future__ import annotations

MONDAY_TO_FRIDAY = (1, 2, 3, 4, 5)

#: Agent id -> (week days worked, work periods of each of those days). Every agent has a
#: lunch break and at least one week day off besides Sunday.
AGENT_HOURS: dict[int, tuple[tuple[int, ...], tuple[tuple[str, str], ...]]] = {
    1: (MONDAY_TO_FRIDAY, (("08:00", "12:00"), ("13:00", "17:00"))),
    2: ((1, 2, 4, 5, 6), (("09:00", "13:00"), ("14:00", "18:00"))),
    3: ((1, 2, 3, 4), (("08:30", "12:30"), ("13:30", "17:30"))),
    4: ((2, 3, 4, 5, 6), (("10:00", "14:00"), ("14:30", "19:00"))),
    5: ((1, 3, 4, 5, 6), (("09:00", "12:30"), ("13:30", "18:00"))),
    6: ((1, 2, 3, 5), (("08:00", "12:00"), ("12:45", "16:00"))),
}

#: Service id -> (buffer before, buffer after, slot step or None for the default), minutes.
SERVICE_TIMING: dict[int, tuple[int, int, int | None]] = {
    1: (0, 10, None),  # General Consultation
    2: (0, 0, None),  # Follow-up Visit
    3: (15, 15, 30),  # Deep Tissue Massage
    4: (10, 15, 30),  # Swedish Massage
    5: (0, 15, None),  # Physiotherapy Session
    6: (5, 10, None),  # Acupuncture
    7: (0, 0, None),  # Nutrition Coaching
    8: (10, 10, None),  # Skin Care Facial
    9: (0, 15, None),  # Sports Injury Assessment
    10: (0, 0, None),  # Express Check-up
}

#: The slot step of a service that sets none, in minutes.
DEFAULT_STEP = 15


def minutes(text: str) -> int:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def work_periods(agent_id: int) -> list[tuple[int, int, int]]:
    """(week day, start minute, end minute) rows of a seeded agent; [] for any other agent."""
    days, periods = AGENT_HOURS.get(agent_id, ((), ()))
    return [(day, minutes(start), minutes(end)) for day in days for start, end in periods]
