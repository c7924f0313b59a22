"""The lists' tables: rows rendered in Python as django-tables2 would write them, and a warm
list rendered without compiling a template or reading a signature for each row or cell."""

from __future__ import annotations

import inspect
import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from unittest import mock

import django_tables2 as tables
from django.template import base as template_base
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import format_html

from frontoffice.tables import TABLE_TEMPLATE, FrontOfficeTable, cell_classes

ROW = re.compile(r"<tr([^>]*)>(.*?)</tr>", re.S)
CELL = re.compile(r"<td([^>]*)>(.*?)</td>", re.S)


def sample_table(base: type[tables.Table]) -> type[tables.Table]:
    """The same columns over `base`: accessors into dicts, defaults, render methods taking
    each kind of argument, attributes computed from a cell and from a row."""
    options = {
        "default": "—",
        "orderable": False,
        "row_attrs": {"id": lambda record: f"row-{record['id']}", "data-kind": "sample"},
    }
    if base is FrontOfficeTable:
        options["template_name"] = TABLE_TEMPLATE

    class Sample(base):
        name = tables.Column()
        city = tables.Column(accessor="address__city", attrs=cell_classes("fold-tablet"))
        total = tables.Column(attrs={"td": {"data-total": lambda value: value}})
        day = tables.Column()
        note = tables.Column(empty_values=())
        code = tables.Column(accessor="id")

        Meta = type("Meta", (), options)

        def render_total(self, value):
            return f"${value}"

        def render_note(self, value, record, bound_column):
            return format_html("<em>{}</em> {}", value or bound_column.name, record["id"])

        def render_code(self, **kwargs):
            return format_html("<b>{}</b>", kwargs["value"])

    return Sample


DATA = [
    {
        "id": 1,
        "name": "Ana <b>López</b>",
        "address": {"city": "Quito & Guayaquil"},
        "total": Decimal("12.50"),
        "day": date(2025, 3, 4),
        "note": "",
    },
    {"id": 2, "name": "", "address": None, "total": None, "day": None, "note": "x & y"},
]


def rows(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    body = html[html.index("<tbody") :]
    found = []
    for attrs, cells in ROW.findall(body):
        attrs = re.sub(r'\s*class="(even|odd)"', "", attrs).strip()
        found.append((attrs, [(a.strip(), c.strip()) for a, c in CELL.findall(cells)]))
    return found


def test_rows_are_what_django_tables2_writes():
    request = RequestFactory().get("/")
    theirs = sample_table(tables.Table)(DATA).as_html(request)
    ours = sample_table(FrontOfficeTable)(DATA).as_html(request)

    assert rows(ours) == rows(theirs)
    assert rows(ours)[0] == (
        'id="row-1" data-kind="sample"',
        [
            ("", "Ana &lt;b&gt;López&lt;/b&gt;"),
            ('class="fold-tablet"', "Quito &amp; Guayaquil"),
            ('data-total="$12.50"', "$12.50"),
            ("", "March 4, 2025"),
            ("", "<em>note</em> 1"),
            ("", "<b>1</b>"),
        ],
    )
    assert [cell for _, cell in rows(ours)[1][1][:4]] == ["—", "—", "—", "—"]


def test_an_empty_table_says_so():
    table = sample_table(FrontOfficeTable)([], empty_text="Nothing here.")
    html = table.as_html(RequestFactory().get("/"))
    assert '<tr><td colspan="6">Nothing here.</td></tr>' in html


def test_urls_are_those_reverse_gives():
    table = sample_table(FrontOfficeTable)(DATA)
    for pk in (1, 42, 123456):
        assert table.url("customers:detail", pk) == reverse("customers:detail", args=[pk])


@contextmanager
def counting(owner, name: str):
    original = getattr(owner, name)
    calls = []

    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    with mock.patch.object(owner, name, counted):
        yield calls


def warm_render_counts(client, path: str) -> tuple[str, int, int]:
    """A page rendered again from the cache: (its HTML, templates compiled, signatures read)."""
    assert client.get(path).status_code == 200
    with (
        counting(template_base.Template, "__init__") as compiled,
        counting(inspect, "signature") as signatures,
    ):
        response = client.get(path)
    assert response.status_code == 200
    assert re.search(r'desc="0 calls"', response["Server-Timing"])
    return response.content.decode(), len(compiled), len(signatures)


def test_warm_customer_list_compiles_nothing_per_row(live_sandbox, reception_client):
    html, compiled, signatures = warm_render_counts(reception_client, "/customers/?per_page=100")

    assert len(re.findall(r'<a href="/customers/\d+/">', html)) == 100
    assert compiled == 0
    assert signatures <= 7  # once per column at most, never per row or cell


def test_warm_bookings_list_compiles_nothing_per_row(live_sandbox, reception_client):
    html, compiled, signatures = warm_render_counts(reception_client, "/bookings/?per_page=100")

    assert len(re.findall(r'<tr id="booking-\d+"', html)) == 100
    assert compiled == 0
    assert signatures <= 11  # once per column and for the row's id, never per row or cell
