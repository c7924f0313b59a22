"""CSV files a manager downloads: one rule for cells and the audit entry, whatever the file
lists (customers, bookings). The files are written by background jobs (`exports.py`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from frontoffice.formatting import format_clock

#: Cells a spreadsheet would read as a formula start with one of these (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Spreadsheet programs read a file that starts with it as UTF-8 ("José Núñez-García" intact).
BOM = "\ufeff"

#: (header, value) for each column of a file.
Columns = Sequence[tuple[str, Callable[[Any], Any]]]


def safe_cell(value: Any) -> str:
    """Text for one cell; text a spreadsheet would run as a formula is prefixed with a quote."""
    text = _text(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        # The date, then the time of day as every screen writes it.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d} {format_clock(value)}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def header(columns: Columns) -> tuple[str, ...]:
    return tuple(name for name, _ in columns)


def row(columns: Columns, item: Any) -> list[str]:
    return [safe_cell(value(item)) for _, value in columns]


def record_export(
    *,
    user,
    object_type: str,
    filters: Any,
    rows: int,
    expected: int | None,
    error: str = "",
) -> None:
    """The audit entry of one export: what was asked for, how many rows, how it ended."""
    changes: dict[str, Any] = {"format": "csv", "filters": filters, "rows": rows}
    if expected is not None:
        changes["expected_rows"] = expected
    if error:
        summary = f"{object_type.title()} export (CSV) stopped after {rows} rows"
    else:
        summary = f"Exported {rows} {object_type}{'s' if rows != 1 else ''} (CSV)"
    audit_record(
        user=user,
        action=AuditEntry.Action.EXPORT,
        object_type=object_type,
        summary=summary,
        changes=changes,
        result=AuditEntry.Result.FAILED if error else AuditEntry.Result.OK,
        error=error,
    )
