"""Template helpers for bookings: money, zones, safe links, status labels and sort headers."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils import timezone

from bookings.services import status_label as _status_label
from frontoffice.formatting import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """Decimal("1234.5") -> "$1,234.50"; "" for no value."""
    return format_money(value, empty="")


@register.filter
def http_url(value) -> str:
    """The URL if it is an absolute http(s) URL, else "" (a javascript: link never renders)."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    return ""


@register.filter
def business_time(value: datetime | None):
    """The datetime in the business's time zone (settings.TIME_ZONE)."""
    if value is None:
        return None
    return timezone.localtime(value)


@register.filter
def differs_from_business(booking) -> bool:
    """True when the booking's own zone shows a different wall-clock time from the business's."""
    start = getattr(booking, "start", None)
    if start is None:
        return False
    return timezone.localtime(start).utcoffset() != start.utcoffset()


@register.filter
def zone_name(value: datetime | None) -> str:
    if value is None or value.tzinfo is None:
        return ""
    key = getattr(value.tzinfo, "key", None)
    return key or value.tzname() or ""


@register.filter
def in_zone(value: datetime | None, name: str):
    if value is None:
        return None
    try:
        return value.astimezone(ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError):
        return value


@register.filter
def status_label(value) -> str:
    return _status_label(value)


@register.filter
def label(value) -> str:
    """A snake_case value as words: "not_paid" -> "Not paid"."""
    return str(value or "").replace("_", " ").capitalize()


@register.inclusion_tag("bookings/includes/sort_header.html", takes_context=True)
def sort_header(context, column):
    table = context.get("table")
    links = getattr(table, "sort_links", None) or context.get("sort_links") or {}
    return {"column": column, "link": links.get(column.name)}
