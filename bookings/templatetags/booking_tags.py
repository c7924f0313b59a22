"""Template helpers for bookings: money, zones, safe links, status labels and sort headers."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from frontoffice.formatting import format_money, safe_url
from frontoffice.formatting import status_label as format_status

register = template.Library()


@register.filter
def money(value) -> str:
    """Decimal("1234.5") -> "$1,234.50"; "" for no value."""
    return format_money(value, empty="")


@register.filter
def http_url(value) -> str:
    """The URL if it is an absolute http(s) URL, else "" (a javascript: link never renders)."""
    return safe_url(value)


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
    """The IANA name of a datetime's zone ("Europe/Madrid"), or its abbreviation."""
    if value is None or value.tzinfo is None:
        return ""
    key = getattr(value.tzinfo, "key", None)
    return key or value.tzname() or ""


@register.filter
def status_label(value) -> str:
    """A booking status as words: "no_show" -> "No-show"."""
    return format_status(value, empty="Unknown")


@register.filter
def label(value) -> str:
    """A snake_case value as words: "not_paid" -> "Not paid"; "" for none (use |default)."""
    return format_status(value, empty="")


@register.inclusion_tag("bookings/includes/sort_header.html", takes_context=True)
def sort_header(context, column):
    """A column header that links to LatePoint's sort by that column (see `tables.sort_links`)."""
    table = context.get("table")
    links = getattr(table, "sort_links", None) or {}
    return {"column": column, "link": links.get(column.name)}
