"""CSV files a manager downloads: one rule for cells, streaming, the incomplete line and the
audit entry, whatever the file lists (customers, bookings)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.http import StreamingHttpResponse
from django.utils import timezone

from frontoffice.audit import audit_record
from frontoffice.models import AuditEntry
from latepoint.errors import LatePointError

T = TypeVar("T")

#: Cells a spreadsheet would read as a formula start with one of these (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Spreadsheet programs read a file that starts with it as UTF-8 ("José Núñez-García" intact).
BOM = "\ufeff"

#: Rows written per chunk of the streamed response.
ROWS_PER_CHUNK = 100

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
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def header(columns: Columns) -> tuple[str, ...]:
    return tuple(name for name, _ in columns)


def row(columns: Columns, item: Any) -> list[str]:
    return [safe_cell(value(item)) for _, value in columns]


def csv_chunks(columns: Columns, items: Iterable[T]) -> Iterator[str]:
    """The header, then the rows in chunks of ROWS_PER_CHUNK: never the whole file at once."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header(columns))
    pending = 0
    try:
        for item in items:
            writer.writerow(row(columns, item))
            pending += 1
            if pending >= ROWS_PER_CHUNK:
                yield _drain(buffer)
                pending = 0
    except Exception:
        # Hand over the rows already written before the failure is dealt with.
        yield _drain(buffer)
        raise
    yield _drain(buffer)


def audited_csv(
    columns: Columns,
    items: Iterable[T],
    *,
    record: Callable[[int, str], None],
    cleanup: Callable[[], None],
) -> Iterator[str]:
    """The file of `items`, streamed; `record(rows, error)` audits how it ended, once.

    A LatePoint failure part way ends the file with a line saying it is incomplete; a browser
    that goes away is recorded as an interrupted download.
    """
    rows = 0

    def counted() -> Iterator[T]:
        nonlocal rows
        for item in items:
            rows += 1
            yield item

    try:
        yield from csv_chunks(columns, counted())
    except LatePointError as exc:
        yield from csv_incomplete_notice(exc.user_message, rows=rows)
        record(rows, exc.user_message)
        return
    except GeneratorExit:
        record(rows, "The download was interrupted before it was complete.")
        raise
    finally:
        cleanup()
    record(rows, "")


def csv_response(chunks: Iterator[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_incomplete_notice(message: str, *, rows: int) -> Iterator[str]:
    """A last line that makes a file cut short by an upstream failure impossible to miss."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(f"EXPORT INCOMPLETE after {rows} rows: {message}")])
    yield buffer.getvalue()


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text


def export_filename(kind: str, now: datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"{kind}-{now:%Y%m%d-%H%M}.csv"


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
