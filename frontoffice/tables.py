"""What every django-tables2 table of the front office shares."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.utils import AttributeDict, signature

#: An id no URL holds: `FrontOfficeTable.url` reverses a URL with it, then puts each id there.
_URL_MARKER = 918273645

#: A `FrontOfficeTable`'s template: the header, then the body the table renders.
TABLE_TEMPLATE = "includes/table.html"


def cell_classes(*classes: str) -> dict[str, dict[str, str]]:
    """Column attrs giving the header and the cells the same classes (e.g. "fold-tablet")."""
    names = " ".join(classes)
    return {"th": {"class": names}, "td": {"class": names}}


def _caller(fn: Callable) -> Callable[[dict[str, Any]], Any]:
    """`fn` called with the arguments it names out of those offered, as django-tables2's
    `call_with_appropriate` does, with its signature read once rather than on every call."""
    names, catch_all = signature(fn)
    if catch_all:
        return lambda offered: fn(**offered)

    def call(offered: dict[str, Any]) -> Any:
        try:
            return fn(**{name: offered[name] for name in names})
        except KeyError:
            return None

    return call


def _cell_caller(fn: Callable) -> Callable[[Any, Any, Callable[[], dict[str, Any]]], Any]:
    """A render method called as `call(value, record, offered)`: the common signatures
    (`value`, `record`, both or neither) directly, others with what `offered()` returns."""
    names, catch_all = signature(fn)
    if not catch_all:
        wanted = set(names)
        if not wanted:
            return lambda value, record, offered: fn()
        if wanted == {"value"}:
            return lambda value, record, offered: fn(value=value)
        if wanted == {"record"}:
            return lambda value, record, offered: fn(record=record)
        if wanted == {"value", "record"}:
            return lambda value, record, offered: fn(value=value, record=record)
    call = _caller(fn)
    return lambda value, record, offered: call(offered())


def _has_callables(*attrs: Any) -> bool:
    return any(
        callable(value) or (isinstance(value, dict) and _has_callables(*value.values()))
        for value in attrs
    )


def _getter(accessor: tables.A) -> Callable[[Any], Any]:
    """The accessor's value in a record (dict keys or attributes, "__" between steps), called
    if callable as django-tables2 does; an error reads as None."""
    bits = tuple(accessor.bits)

    def get(record: Any) -> Any:
        current = record
        try:
            for bit in bits:
                current = current[bit] if isinstance(current, dict) else getattr(current, bit)
                if callable(current) and not getattr(current, "do_not_call_in_templates", False):
                    if getattr(current, "alters_data", False):
                        return None
                    current = current()
        except Exception:  # as django-tables2: a value that cannot be read is an empty cell
            return None
        return current

    return get


def _as_text(value: Any, localize: bool | None) -> str:
    """A cell's content as `{{ cell }}` writes it in django-tables2's template."""
    if isinstance(value, SafeString):
        return value
    value = formats.localize(template_localtime(value), use_l10n=localize)
    return conditional_escape(value if isinstance(value, str) else str(value))


class _Cells:
    """How one column's cells are made: its value, its render method and its `<td>`."""

    def __init__(self, table: tables.Table, bound_column) -> None:
        column = bound_column.column
        self.bound_column = bound_column
        self.name = bound_column.name
        self.get = _getter(bound_column.accessor)
        self.empty_values = column.empty_values
        self.default = bound_column.default
        self.localize = column.localize
        self.render = _cell_caller(bound_column.render)
        self.column = column
        # A link or many-to-many column: its cells are django-tables2's own.
        self.own_way = bool(bound_column.link) or isinstance(column, tables.ManyToManyColumn)
        self.td_per_cell = _has_callables(
            table.attrs.get("td"), table.attrs.get("cell"), column.attrs
        )
        self.td = self._td(bound_column.attrs["td"])

    @staticmethod
    def _td(attrs: AttributeDict) -> str:
        html = attrs.as_html()
        return f"<td {html}>" if html else "<td>"

    def html(self, table: tables.Table, record: Any, row) -> str:
        bound_column = self.bound_column
        if self.own_way:
            content = row.get_cell(self.name)
        else:
            value = self.get(record)
            if value in self.empty_values:
                content = self.default
            else:
                content = self.render(
                    value,
                    record,
                    lambda: {
                        "value": value,
                        "record": record,
                        "column": self.column,
                        "bound_column": bound_column,
                        "bound_row": row,
                        "table": table,
                    },
                )
        text = _as_text(content, self.localize)
        if not self.td_per_cell:
            return f"{self.td}{text}</td>"
        bound_column.current_record, bound_column.current_value = record, content
        return f"{self._td(bound_column.attrs['td'])}{text}</td>"


class FrontOfficeTable(tables.Table):
    """A django-tables2 table whose body is rendered in Python, one row after the other.

    Each cell is what django-tables2 would write: the column's value (its accessor), or its
    default when empty, through the table's `render_<column>` method (or the column's own),
    called with the arguments it names. But each render method's signature and each column's
    `<td>` attributes are read once per table, not once per cell, and no template is rendered
    per row or per cell. Its template, `TABLE_TEMPLATE` (in `Meta.template_name`) or one that
    extends it, writes the header and then `table.body`.
    """

    def url(self, viewname: str, pk: Any) -> str:
        """`reverse(viewname, args=[pk])`, reversed once per table and each id put in place."""
        if viewname not in self._urls:
            head, found, tail = reverse(viewname, args=[_URL_MARKER]).partition(str(_URL_MARKER))
            self._urls[viewname] = (head, tail) if found else None
        parts = self._urls[viewname]
        if parts is not None and type(pk) is int and pk >= 0:
            return f"{parts[0]}{pk}{parts[1]}"
        return reverse(viewname, args=[pk])

    def date_text(self, value: date, fmt: str) -> str:
        """`dateformat.format(value, fmt)`, once per table for each date and format."""
        key = (value, fmt)
        text = self._dates.get(key)
        if text is None:
            text = self._dates[key] = dateformat.format(value, fmt)
        return text

    def _row_attrs(self) -> Callable[[Any], str]:
        """A row's `<tr>` attributes (`Meta.row_attrs`, callables called with the record)."""
        attrs = self.row_attrs or {}
        computed = {key: _caller(value) for key, value in attrs.items() if callable(value)}
        if not computed:
            html = AttributeDict(attrs).as_html()
            return lambda record: html

        def html(record: Any) -> str:
            offered = {"table": self, "record": record}
            return AttributeDict(
                {
                    key: computed[key](offered) if key in computed else value
                    for key, value in attrs.items()
                }
            ).as_html()

        return html

    @cached_property
    def _urls(self) -> dict[str, tuple[str, str] | None]:
        return {}

    @cached_property
    def _dates(self) -> dict[tuple[date, str], str]:
        return {}

    @cached_property
    def body(self) -> SafeString:
        """The rows, `<tr>` after `<tr>`."""
        cells = [_Cells(self, bound_column) for bound_column in self.columns]
        row_attrs = self._row_attrs()
        parts = []
        for row in self.paginated_rows:
            record = row.record
            attrs = row_attrs(record)
            parts.append(f"<tr {attrs}>" if attrs else "<tr>")
            parts.extend(cell.html(self, record, row) for cell in cells)
            parts.append("</tr>")
        return mark_safe("".join(parts))  # noqa: S308 -- every cell is escaped above
