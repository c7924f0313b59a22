"""Template helpers for bookings: time zones, safe links and sort headers.

Money and status labels are in the shared `formatting` library.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frontoffice.formatting import safe_url

register = template.Library()


@register.filter
def email_breaks(value) -> SafeString | str:
    """An email address that wraps before its "@" and its dots, never mid-word (escaped)."""
    text = str(value or "")
    local, at, domain = text.partition("@")
    if not at:
        return text
    parts = domain.split(".")
    out = format_html("{}<wbr>@{}", local, parts[0])
    for part in parts[1:]:
        out = format_html("{}<wbr>.{}", out, part)
    return out


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


@register.inclusion_tag("bookings/includes/sort_header.html", takes_context=True)
def sort_header(context, column):
    """A column header that links to LatePoint's sort by that column (see `tables.sort_links`)."""
    table = context.get("table")
    links = getattr(table, "sort_links", None) or {}
    return {"column": column, "link": links.get(column.name)}
