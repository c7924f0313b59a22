"""Reference data and availability: agents, services, locations, the API's status, free
slots and free agents.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from latepoint import convert
from latepoint.errors import BadResponse
from latepoint.fields import (
    as_object,
    first_present,
    get_date,
    get_int,
    get_money,
    get_text,
    require_id,
    require_mapping,
    soft,
)
from latepoint.models import Agent, ApiStatus, Location, Service, Slot


def parse_agent(data: Any) -> Agent:
    data = require_mapping(data, "agent")
    first, last = get_text(data, "first_name"), get_text(data, "last_name")
    display = get_text(data, "display_name", "full_name", "name") or f"{first} {last}".strip()
    return Agent(
        id=require_id(data, "agent"),
        first_name=first,
        last_name=last,
        display_name=display,
        email=get_text(data, "email"),
        phone=get_text(data, "phone"),
        status=get_text(data, "status"),
    )


def parse_service(data: Any) -> Service:
    data = require_mapping(data, "service")
    return Service(
        id=require_id(data, "service"),
        name=get_text(data, "name", "service_name"),
        duration=get_int(data, "duration"),
        price=get_money(data, "charge_amount", "price_min", "price"),
        status=get_text(data, "status"),
    )


def parse_location(data: Any) -> Location:
    data = require_mapping(data, "location")
    address = data.get("address")
    if isinstance(address, Mapping):
        address = ", ".join(convert.to_str(part) for part in address.values() if part)
    return Location(
        id=require_id(data, "location"),
        name=get_text(data, "name"),
        address=convert.to_str(address) or get_text(data, "full_address"),
        status=get_text(data, "status"),
    )


def parse_status(body: Any) -> ApiStatus:
    """GET /status: ok unless the body says otherwise; a body that is not an object (empty,
    `null`, a bare list or string) is BadResponse, never "ok"."""
    if not isinstance(body, Mapping):
        raise BadResponse(f"expected a status object, got {type(body).__name__}")
    data = as_object(body.get("data"))
    raw = get_text(body, "status") or ("success" if body.get("success") is True else "")
    ok = raw.lower() not in {"error", "fail", "failed"} and body.get("success") is not False
    if "latepoint_active" in data and not convert.to_bool(data.get("latepoint_active")):
        ok = False
    return ApiStatus(
        ok=ok, version=get_text(data, "version") or get_text(body, "version"), raw_status=raw
    )


# --- availability --------------------------------------------------------------------------

#: Where a list of slots or agents may sit inside the payload object.
_SLOT_KEYS = ("available_slots", "slots", "available_times", "time_slots", "times", "availability")
_AGENT_KEYS = ("agents", "available_agents", "items", "results")
_AVAILABLE_FLAGS = ("available", "is_available")


def _offered(item: Mapping[str, Any]) -> bool:
    """False for an entry that says it is not available ({"available": false})."""
    for flag in _AVAILABLE_FLAGS:
        if flag in item:
            return convert.to_bool(item[flag])
    return True


def _slot_moment(value: Any, day: date, zone: tzinfo) -> datetime | None:
    """A slot's start or end: "HH:MM", "4:00 pm", minutes since midnight, or a datetime."""
    if convert.is_empty(value):
        return None
    if isinstance(value, str) and ("T" in value or _date_prefix(value, zone)):
        moment = convert.to_datetime(value, zone)
        return moment.astimezone(zone) if moment else None
    found = convert.to_time(value)
    return datetime.combine(day, found, tzinfo=zone) if found else None


def _date_prefix(text: str, zone: tzinfo) -> bool:
    try:
        return convert.to_date(text[:10], zone) is not None
    except ValueError:
        return False


def _one_slot(
    item: Any, day: date, zone: tzinfo, duration: int | None
) -> tuple[datetime, datetime | None] | None:
    start_raw: Any = item
    end_raw: Any = None
    if isinstance(item, Mapping):
        if not _offered(item):
            return None
        start_raw = first_present(item, "start_time", "start", "time", "start_datetime", "value")
        end_raw = first_present(item, "end_time", "end", "end_datetime")
        duration = get_int(item, "duration") or duration
    elif isinstance(item, str) and not _date_prefix(item, zone) and "-" in item.strip()[1:]:
        start_raw, _, end_raw = item.partition("-")  # "09:00-10:00", "9:00 am - 10:00 am"
    start = _slot_moment(start_raw.strip() if isinstance(start_raw, str) else start_raw, day, zone)
    if start is None:
        return None
    end = _slot_moment(end_raw.strip() if isinstance(end_raw, str) else end_raw, day, zone)
    if end is not None and end <= start:
        end += timedelta(days=1)  # ends at or after midnight
    if end is None and duration:
        end = start + timedelta(minutes=duration)
    return start, end


def parse_slots(
    payload: Any, day: date, tz: tzinfo = UTC, *, duration: int | None = None
) -> list[Slot]:
    """GET /availability: free start times, from a list of "HH:MM" strings or of objects
    ({start_time, end_time}, {start, end}, minutes since midnight), bare or inside
    `available_slots`/`slots`/..., or an object keyed by time ({"09:00": true}) or by date.
    Entries marked unavailable are left out; the result is sorted, each start once."""
    data = payload
    zone = tz
    if isinstance(data, Mapping):
        zone = convert.get_zone(get_text(data, "timezone"), tz)
        day = get_date(data, "date", zone) or day
        duration = get_int(data, "duration") or duration
        for key in _SLOT_KEYS:
            if key in data:
                data = data[key]
                break
    if isinstance(data, Mapping) and day.isoformat() in data:
        data = data[day.isoformat()]  # keyed by date
    if data is None:
        return []  # "data": null inside a success envelope (an empty body never gets here)
    items: list[Any]
    if isinstance(data, Mapping):
        items = []
        for key, value in data.items():
            if isinstance(value, Mapping):
                items.append({"start_time": key, **value})
            elif convert.to_bool(value) or value in (None, ""):
                items.append(str(key))
    elif isinstance(data, list):
        items = data
    else:
        raise BadResponse(f"expected a list of slots, got {type(data).__name__}")
    slots: dict[datetime, Slot] = {}
    for item in items:
        found = soft(_one_slot, item, day, zone, duration, name="slot")
        if found is not None and found[0] not in slots:
            slots[found[0]] = Slot(start=found[0], end=found[1])
    return [slots[start] for start in sorted(slots)]


def parse_available_agents(payload: Any) -> list[Agent]:
    """GET /agents/availability: the free agents, from a list (of agent objects or ids), an
    object keyed by agent id ({"3": {...}} or {"3": true}), bare or inside `agents`/...
    Entries marked unavailable are left out."""
    data = payload
    if isinstance(data, Mapping):
        for key in _AGENT_KEYS:
            if key in data:
                data = data[key]
                break
        else:
            if "id" in data and not all(str(key).isdigit() for key in data):
                data = [data]  # a single agent
    if data is None:
        return []  # "data": null inside a success envelope (an empty body never gets here)
    items: list[Any] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(value, Mapping):
                items.append(value if "id" in value else {"id": key, **value})
            elif convert.to_bool(value):
                items.append(key)
    elif isinstance(data, list):
        items = data
    else:
        raise BadResponse(f"expected a list of agents, got {type(data).__name__}")
    agents: list[Agent] = []
    seen: set[int] = set()
    for item in items:
        if isinstance(item, Mapping) and not _offered(item):
            continue
        try:
            agent = parse_agent(item) if isinstance(item, Mapping) else Agent(convert.to_id(item))
        except (BadResponse, ValueError, TypeError):
            continue  # an entry without a readable id
        if agent.id not in seen:
            seen.add(agent.id)
            agents.append(agent)
    return agents
