"""The day's takings as CSV: one row per payment or refund of the day (failed and processing
ones too, with their status), with the screen's words for the method, kind and who it was for.

The file is written by the exports' background job (`exports.jobs`), which walks
`GET /payments` for the day straight from LatePoint as the managers' bulk work
(`checkout.takings.export_page`); cells and the audit entry are `exports.csv_export`'s. The
query is the takings screen's own (`date=YYYY-MM-DD`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from bookings.forms import day_from
from checkout.takings import NO_AGENT, TakingsLine, export_page
from exports import csv_export
from exports.jobs import ExportKind, Reader
from frontoffice.formatting import format_clock

__all__ = ["COLUMNS", "HEADER", "KIND"]


def _time(line: TakingsLine) -> str:
    return format_clock(line.when) if line.when else ""


#: (header, value) for each column, in the order of the on-screen list, with ids added.
#: Amounts are never negative, as in LatePoint: `kind` says which are refunds (a cell that
#: starts with "-" would be read as a formula, and is quoted: csv_export.safe_cell).
COLUMNS: tuple[tuple[str, Callable[[TakingsLine], Any]], ...] = (
    ("date", lambda line: line.when.date() if line.when else None),
    ("time", _time),
    ("payment_id", lambda line: line.id),
    ("kind", lambda line: line.kind),
    ("status", lambda line: line.status),
    ("method", lambda line: line.method),
    ("amount", lambda line: line.amount),
    ("receipt_number", lambda line: line.payment.receipt_number),
    ("customer_id", lambda line: line.customer_id),
    ("customer", lambda line: line.customer),
    ("booking_id", lambda line: line.booking_id),
    ("agent_id", lambda line: line.agent_id),
    ("agent", lambda line: "" if line.agent == NO_AGENT else line.agent),
    ("order_id", lambda line: line.payment.order_id),
)

HEADER = csv_export.header(COLUMNS)


def _read(query: str) -> Reader:
    """The day the screen's query names (today when it names none or a bad one)."""
    day: date = day_from(QueryDict(query).get("date"), today=timezone.localdate())[0]
    return Reader(
        filters={"date": day.isoformat()},
        page=lambda number, _per_page: export_page(day=day, number=number),
    )


#: Every payment and refund of the day, newest first, as LatePoint lists them.
KIND = ExportKind(
    name="takings",
    object_type="payment",
    title="Takings",
    columns=COLUMNS,
    list_url_name="takings:day",
    read=_read,
)
