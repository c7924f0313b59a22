"""The customer list's table: one page of LatePoint's results, in LatePoint's order.

The API pages and orders the list itself (newest first), so the table neither paginates nor
sorts: sorting one page would only pretend to sort the whole list.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from customers.filters import STATUS_LABELS
from customers.templatetags.customer_tags import phone, tel_uri
from frontoffice.formatting import DASH, format_money
from frontoffice.tables import cell_classes

SORT_NOTE = (
    "Newest customers first. LatePoint lists customers by the date they were created "
    "and cannot sort them by name."
)


DATE_FORMAT = "M j, Y"


FOLD = cell_classes("fold-tablet")
NUM = cell_classes("num")
NUM_FOLD = cell_classes("num", "fold-tablet")


def _day(value: date | datetime | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value, DATE_FORMAT)


class CustomerTable(tables.Table):
    name = tables.Column(accessor="full_name", verbose_name="Name", empty_values=())
    email = tables.Column(verbose_name="Email", empty_values=())
    phone = tables.Column(verbose_name="Phone", empty_values=())
    status = tables.Column(verbose_name="Status", empty_values=())
    guest = tables.Column(accessor="is_guest", verbose_name="Account", empty_values=(), attrs=FOLD)
    total_bookings = tables.Column(
        accessor="stats__total_bookings", verbose_name="Bookings", attrs=NUM
    )
    completed = tables.Column(
        accessor="stats__completed_bookings", verbose_name="Completed", attrs=NUM_FOLD
    )
    cancelled = tables.Column(
        accessor="stats__cancelled_bookings", verbose_name="Cancelled", attrs=NUM_FOLD
    )
    total_spent = tables.Column(
        accessor="stats__total_spent", verbose_name="Total spent", attrs=NUM, empty_values=()
    )
    last_booking = tables.Column(
        accessor="stats__last_booking_date", verbose_name="Last booking", attrs=FOLD
    )
    next_booking = tables.Column(
        accessor="stats__next_booking_date", verbose_name="Next booking", attrs=FOLD
    )
    created = tables.Column(accessor="created_at", verbose_name="Created", attrs=FOLD)

    class Meta:
        orderable = False
        attrs = {"class": "customer-table", "aria-describedby": "customer-sort-note"}
        default = DASH

    def render_name(self, record) -> str:
        url = reverse("customers:detail", args=[record.id])
        label = record.full_name or record.email or f"Customer #{record.id}"
        return format_html('<a href="{}">{}</a>', url, label)

    def render_email(self, value: str) -> str:
        if not value:
            return DASH
        # Long addresses wrap at the "@" rather than mid-word.
        local, at, domain = value.partition("@")
        if not at:
            return value
        return format_html("{}<wbr>@{}", local, domain)

    def render_phone(self, value: str) -> str:
        if not value:
            return DASH
        uri = tel_uri(value)
        if not uri:
            return value
        return format_html('<a href="{}">{}</a>', uri, phone(value))

    def render_status(self, value: Any) -> str:
        key = str(value)
        if key in STATUS_LABELS:
            return format_html('<span class="chip chip-{}">{}</span>', key, STATUS_LABELS[key])
        # An unknown status is shown as LatePoint sent it, in a neutral chip.
        return format_html('<span class="chip">{}</span>', key or DASH)

    def render_guest(self, value: bool) -> str:
        return "Guest" if value else "Registered"

    def render_total_spent(self, value: Any) -> str:
        return format_money(value)

    def render_last_booking(self, value: date | None) -> str:
        return _day(value)

    def render_next_booking(self, value: date | None) -> str:
        return _day(value)

    def render_created(self, value: datetime | None) -> str:
        return _day(value)
