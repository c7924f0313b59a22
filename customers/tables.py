"""The customer list's table: one page of LatePoint's results, in LatePoint's order.

The API pages and orders the list itself (newest first), so the table neither paginates nor
sorts: sorting one page would only pretend to sort the whole list.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from customers.filters import STATUS_LABELS
from frontoffice.formatting import DASH, format_money, phone_parts, status_label
from frontoffice.tables import TABLE_TEMPLATE, FrontOfficeTable, cell_classes

SORT_NOTE = (
    "Newest customers first. LatePoint lists customers by the date they were created "
    "and cannot sort them by name."
)


#: Dates as the list shows them: with the year only when it is not this one's ("Mar 4",
#: "Nov 28, 2024").
SHORT_DATE = "M j"
LONG_DATE = "M j, Y"


NUM = cell_classes("num")
DAY = cell_classes("day")
DAY_FOLD = cell_classes("day", "fold-tablet")
STATUS = cell_classes("status")


class CustomerTable(FrontOfficeTable):
    """Fits a 1440 px screen and an 820 px portrait tablet without scrolling sideways: the name
    carries the email and phone under it; the least used figures fold on a tablet."""

    name = tables.Column(accessor="full_name", verbose_name="Customer", empty_values=())
    status = tables.Column(verbose_name="Status", empty_values=(), attrs=STATUS)
    total_bookings = tables.Column(
        accessor="stats__total_bookings", verbose_name="Bookings", attrs=NUM
    )
    total_spent = tables.Column(
        accessor="stats__total_spent", verbose_name="Total spent", attrs=NUM, empty_values=()
    )
    last_booking = tables.Column(
        accessor="stats__last_booking_date", verbose_name="Last booking", attrs=DAY
    )
    next_booking = tables.Column(
        accessor="stats__next_booking_date", verbose_name="Next booking", attrs=DAY
    )
    created = tables.Column(accessor="created_at", verbose_name="Created", attrs=DAY_FOLD)

    class Meta:
        orderable = False
        template_name = TABLE_TEMPLATE
        attrs = {"class": "customer-table", "aria-describedby": "customer-sort-note"}
        default = DASH

    def render_name(self, value: str, record) -> str:
        url = self.url("customers:detail", record.id)
        label = value or record.email or f"Customer #{record.id}"
        name = format_html('<a href="{}">{}</a>', url, label)
        contact = [c for c in (self._email(record.email), self._phone(record.phone)) if c]
        if not contact:
            return name
        lines = format_html(
            '<span class="cell-contact">'
            + '<span class="cell-line">{}</span>' * len(contact)
            + "</span>",
            *contact,
        )
        return name + lines

    @staticmethod
    def _email(value: str) -> str:
        if not value:
            return ""
        # Long addresses wrap at the "@" rather than mid-word.
        local, at, domain = value.partition("@")
        if not at:
            return value
        return format_html("{}<wbr>@{}", local, domain)

    @staticmethod
    def _phone(value: str) -> str:
        if not value:
            return ""
        shown, uri = phone_parts(value)
        if not uri:
            return value
        return format_html('<a href="{}">{}</a>', uri, shown)

    def render_status(self, value: Any) -> str:
        key = str(value)
        if key in STATUS_LABELS:
            return format_html('<span class="chip chip-{}">{}</span>', key, STATUS_LABELS[key])
        # An unknown status is shown in words, in a neutral chip.
        return format_html('<span class="chip">{}</span>', status_label(key))

    def render_total_spent(self, value: Any) -> str:
        return format_money(value)

    def render_last_booking(self, value: date | None) -> str:
        return self._day(value)

    def render_next_booking(self, value: date | None) -> str:
        return self._day(value)

    def render_created(self, value: datetime | None) -> str:
        return self._day(value)

    @cached_property
    def _this_year(self) -> int:
        return timezone.localdate().year

    def _day(self, value: date | datetime | None) -> str:
        """A compact date, with the full one in `<time datetime>` for assistive technology."""
        if value is None:
            return DASH
        if isinstance(value, datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        shown = SHORT_DATE if value.year == self._this_year else LONG_DATE
        return format_html(
            '<time datetime="{}">{}</time>', value.isoformat(), self.date_text(value, shown)
        )
