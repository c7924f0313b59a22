"""The bookings list as a django-tables2 table over one page of the API.

Sorting is LatePoint's (`sort`/`order`), so the table's own ordering is off and the headers
link to the API's sort fields (see `bookings/table.html`).
"""

from __future__ import annotations

import django_tables2 as tables

#: Column name -> the API's sort field it orders by.
SORTABLE_COLUMNS = {
    "start": "start_date",
    "code": "id",
    "customer": "customer_name",
    "status": "status",
    "created": "created_at",
}


class BookingTable(tables.Table):
    start = tables.TemplateColumn(
        template_name="bookings/cells/start.html", verbose_name="When", orderable=False
    )
    code = tables.TemplateColumn(
        template_name="bookings/cells/code.html", verbose_name="Booking", orderable=False
    )
    customer = tables.TemplateColumn(
        template_name="bookings/cells/customer.html", verbose_name="Customer", orderable=False
    )
    service = tables.TemplateColumn(
        "{{ record.service.name|default:'—' }}", verbose_name="Service", orderable=False
    )
    agent = tables.TemplateColumn(
        "{{ record.agent.display_name|default:'—' }}",
        verbose_name="Agent",
        orderable=False,
        attrs={"th": {"class": "fold-tablet"}, "td": {"class": "fold-tablet"}},
    )
    location = tables.TemplateColumn(
        "{{ record.location.name|default:'—' }}",
        verbose_name="Location",
        orderable=False,
        attrs={"th": {"class": "fold-tablet"}, "td": {"class": "fold-tablet"}},
    )
    status = tables.TemplateColumn(
        template_name="bookings/cells/status.html", verbose_name="Status", orderable=False
    )
    payment = tables.TemplateColumn(
        template_name="bookings/cells/payment.html",
        verbose_name="Payment",
        orderable=False,
        attrs={"th": {"class": "fold-tablet"}, "td": {"class": "fold-tablet"}},
    )
    price = tables.TemplateColumn(
        "{% load booking_tags %}{{ record.price|money|default:'—' }}",
        verbose_name="Price",
        orderable=False,
        attrs={"th": {"class": "num fold-phone"}, "td": {"class": "num fold-phone"}},
    )
    created = tables.TemplateColumn(
        "{% if record.created_at %}{{ record.created_at|date:'M j, Y' }}{% else %}—{% endif %}",
        verbose_name="Created",
        orderable=False,
        attrs={"th": {"class": "fold-wide"}, "td": {"class": "fold-wide"}},
    )

    class Meta:
        template_name = "bookings/table.html"
        orderable = False
        empty_text = "No bookings match these filters."
        attrs = {"class": "bookings-table"}
        row_attrs = {"id": lambda record: f"booking-{record.id}"}
