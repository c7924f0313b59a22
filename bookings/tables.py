"""The bookings list as a django-tables2 table over one page of the API.

Sorting is LatePoint's (`sort`/`order`), so the table's own ordering is off and the headers
link to the API's sort fields (see `bookings/table.html`).
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables

from bookings.forms import filters_query
from bookings.services.listing import BookingFilters
from frontoffice.tables import cell_classes

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


class BookingTable(tables.Table):
    start = tables.TemplateColumn(template_name="bookings/cells/start.html", verbose_name="When")
    code = tables.TemplateColumn(template_name="bookings/cells/code.html", verbose_name="Booking")
    customer = tables.TemplateColumn(
        template_name="bookings/cells/customer.html", verbose_name="Customer"
    )
    service = tables.TemplateColumn("{{ record.service.name|default:'—' }}", verbose_name="Service")
    agent = tables.TemplateColumn(
        "{{ record.agent.display_name|default:'—' }}",
        verbose_name="Agent",
        attrs=cell_classes("fold-tablet"),
    )
    location = tables.TemplateColumn(
        "{{ record.location.name|default:'—' }}",
        verbose_name="Location",
        attrs=cell_classes("fold-tablet"),
    )
    status = tables.TemplateColumn(
        template_name="bookings/cells/status.html", verbose_name="Status"
    )
    payment = tables.TemplateColumn(
        template_name="bookings/cells/payment.html",
        verbose_name="Payment",
        attrs=cell_classes("fold-tablet"),
    )
    price = tables.TemplateColumn(
        "{% load formatting %}{{ record.price|money }}",
        verbose_name="Price",
        attrs=cell_classes("num", "fold-phone"),
    )
    created = tables.TemplateColumn(
        "{% if record.created_at %}{{ record.created_at|date:'M j, Y' }}{% else %}—{% endif %}",
        verbose_name="Created",
        attrs=cell_classes("fold-wide"),
    )

    def __init__(self, data, *, sort_links: dict[str, dict[str, Any]] | None = None, **kwargs):
        super().__init__(data, **kwargs)
        #: Read by the `sort_header` tag in bookings/table.html.
        self.sort_links = sort_links or {}

    class Meta:
        template_name = "bookings/table.html"
        orderable = False
        empty_text = "No bookings match these filters."
        attrs = {"class": "bookings-table"}
        row_attrs = {"id": lambda record: f"booking-{record.id}"}
