"""The bookings list as a django-tables2 table over one page of the API.

Sorting is LatePoint's (`sort`/`order`), so the table's own ordering is off and the headers
link to the API's sort fields (see `bookings/table.html`).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from bookings.forms import filters_query
from bookings.services.listing import BookingFilters
from frontoffice.formatting import DASH, format_clock, format_money, status_label
from frontoffice.tables import FrontOfficeTable, cell_classes

#: Column name -> the API's sort field it orders by.
SORTABLE_COLUMNS = {
    "start": "start_date",
    "code": "id",
    "customer": "customer_name",
    "status": "status",
    "created": "created_at",
}
#: Sort fields whose first click shows the newest first.
_NEWEST_FIRST = ("start_date", "created_at")


def sort_links(filters: BookingFilters) -> dict[str, dict[str, Any]]:
    """Column name -> its header link: the active column toggles its order, others start fresh."""
    links = {}
    for column, field in SORTABLE_COLUMNS.items():
        active = filters.sort == field
        if active:
            order = "desc" if filters.order == "asc" else "asc"
        else:
            order = "desc" if field in _NEWEST_FIRST else "asc"
        links[column] = {
            "url": "?" + filters_query(filters, sort=field, order=order, page=""),
            "active": active,
            "order": filters.order,
        }
    return links


class BookingTable(FrontOfficeTable):
    start = tables.Column(verbose_name="When", empty_values=())
    code = tables.Column(accessor="id", verbose_name="Booking", empty_values=())
    customer = tables.Column(verbose_name="Customer", empty_values=())
    service = tables.Column(accessor="service__name", verbose_name="Service")
    agent = tables.Column(
        accessor="agent__display_name", verbose_name="Agent", attrs=cell_classes("fold-tablet")
    )
    location = tables.Column(
        accessor="location__name", verbose_name="Location", attrs=cell_classes("fold-tablet")
    )
    status = tables.Column(verbose_name="Status", empty_values=())
    payment = tables.Column(
        accessor="payment_status", verbose_name="Payment", attrs=cell_classes("fold-tablet")
    )
    price = tables.Column(
        verbose_name="Price", attrs=cell_classes("num", "fold-phone"), empty_values=()
    )
    created = tables.Column(
        accessor="created_at", verbose_name="Created", attrs=cell_classes("fold-wide")
    )

    def __init__(self, data, *, sort_links: dict[str, dict[str, Any]] | None = None, **kwargs):
        super().__init__(data, **kwargs)
        #: Read by the `sort_header` tag in bookings/table.html.
        self.sort_links = sort_links or {}

    class Meta:
        template_name = "bookings/table.html"
        orderable = False
        default = DASH
        empty_text = "No bookings match these filters."
        attrs = {"class": "bookings-table"}
        row_attrs = {"id": lambda record: f"booking-{record.id}"}

    def render_start(self, value: datetime | None) -> str:
        if value is None:
            return format_html('<span class="muted">No time</span>')
        local = timezone.localtime(value)
        return format_html(
            '<time datetime="{}">{}<br><strong>{}</strong></time>',
            value.isoformat(),
            self.date_text(local.date(), "D M j, Y"),
            format_clock(local.time()),
        )

    def render_code(self, record) -> str:
        url = self.url("bookings:detail", record.id)
        return format_html('<a href="{}">{}</a>', url, record.booking_code or record.id)

    def render_customer(self, value) -> str:
        if not value:
            return DASH
        name = value.full_name or "(no name)"
        if not value.id:
            return name
        return format_html('<a href="{}">{}</a>', self.url("customers:detail", value.id), name)

    def render_status(self, value: Any) -> str:
        return _chip(value, status_label(value, empty="Unknown"))

    def render_payment(self, value: Any) -> str:
        return _chip(value, status_label(value))

    def render_price(self, value: Any) -> str:
        return format_money(value)

    def render_created(self, value: datetime) -> str:
        local = timezone.template_localtime(value)
        return self.date_text(local.date() if isinstance(local, datetime) else local, "M j, Y")


@lru_cache(maxsize=64)
def _chip_class(value: str) -> str:
    return "chip chip-" + slugify(value)


def _chip(value: Any, label: str) -> str:
    return format_html('<span class="{}">{}</span>', _chip_class(str(value)), label)
