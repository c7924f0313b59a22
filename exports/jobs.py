"""CSV exports as background jobs.

A manager asks for an export (`services.export_start`); the background worker (`run`, called
by `tasks.py`) pages through LatePoint, one page per call, within the key's budget
(bulk work: at most half of it, so the desks keep the rest), and writes each page's rows
as one `ExportChunk`; the manager watches the progress and downloads the finished file, which
any process can serve. An export is never cut short by the rate limit: a call the budget
refuses, or a 429, is asked again once a place is free. A file expires EXPORT_TTL_HOURS after
it is finished.

What is exported is a kind's business (`ExportKind`): its columns, and how the list's query
string becomes the filters and a page reader. A list screen's export is made by
`list_export()`, from the list's columns, filters and LatePoint call. The kinds are
`KIND_PATHS`.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string

from exports.csv_export import BOM, Columns, header, record_export, row
from exports.models import ExportChunk, ExportJob
from latepoint.errors import (
    APIConnectionError,
    BadResponse,
    BudgetExhausted,
    LatePointError,
    RateLimited,
    ServerError,
)
from latepoint.models import Page
from upstream import budget
from upstream.failures import describe
from upstream.gateway import walk

logger = logging.getLogger("frontoffice")

#: Where each kind is defined, by name (the name is also the URL's and the file's).
KIND_PATHS = {
    "customers": "customers.export.KIND",
    "bookings": "bookings.export.KIND",
    "takings": "checkout.takings_export.KIND",
}

#: Rows per upstream call (the API's maximum page size).
PAGE_SIZE = 100
#: Longest single wait for the budget or a 429's Retry-After (the loop asks again after it).
MAX_PAUSE_SECONDS = 60.0

State = ExportJob.State


@dataclass(frozen=True)
class Reader:
    """The filters of one export, as text for the audit trail, and how to read one page."""

    filters: dict[str, str]
    page: Callable[[int, int], Page]  # (page number, per page) -> Page


@dataclass(frozen=True)
class ExportKind:
    name: str  # "customers"
    object_type: str  # "customer", as the audit trail names it
    title: str  # "Customers"
    columns: Columns
    list_url_name: str  # the list the export is made from
    read: Callable[[str], Reader]  # the list's query string -> the export's reader
    # Filters the list applies unasked to a query string, on a day: [(name, value)].
    implied: Callable[[QueryDict, date], list[tuple[str, str]]] | None = None
    # A filter's value as the list names it, (name, value) -> text: an agent's id -> their name.
    shown: Callable[[str, str], str] | None = None


class ListFilters(Protocol):
    """A list screen's filters, as the list itself reads them from its query string."""

    def as_api_kwargs(self) -> dict[str, Any]: ...

    def describe(self) -> dict[str, str]: ...


def list_export(
    *,
    name: str,
    object_type: str,
    title: str,
    columns: Columns,
    list_url_name: str,
    filters: Callable[[QueryDict], ListFilters],
    list_method: str,
    implied: Callable[[QueryDict, date], list[tuple[str, str]]] | None = None,
    shown: Callable[[str, str], str] | None = None,
) -> ExportKind:
    """The export of a list screen: every page of what the list at `?query` shows, in its order
    (the list's own page and page size do not apply), read straight from LatePoint.

    `filters` reads the query string as the list does; `list_method` names the read that lists
    the rows ("list_bookings"), walked past the read cache as the managers' bulk work
    (`upstream.gateway.walk`), given the filters' API arguments.
    """

    def read(query: str) -> Reader:
        found = filters(QueryDict(query))
        arguments = found.as_api_kwargs()
        return Reader(
            filters=found.describe(),
            page=lambda number, per_page: getattr(walk(priority=budget.BULK), list_method)(
                **arguments, page=number, per_page=per_page
            ),
        )

    return ExportKind(
        name=name,
        object_type=object_type,
        title=title,
        columns=columns,
        list_url_name=list_url_name,
        read=read,
        implied=implied,
        shown=shown,
    )


def kinds() -> dict[str, ExportKind]:
    return {name: import_string(path) for name, path in KIND_PATHS.items()}


def kind_of(job: ExportJob) -> ExportKind:
    return kinds()[job.kind]


def expiry_hours() -> int:
    return max(int(settings.EXPORT_TTL_HOURS), 1)


# --- asking for one --------------------------------------------------------------------------


def new_job(*, user, kind: str, query: str) -> ExportJob:
    """A new queued export job for `user` (expired files are dropped first).

    `exports.services.export_start` hands it to the background worker.
    """
    purge_expired()
    return ExportJob.objects.create(user=user, kind=kind, query=query[:2000])


def purge_expired(now=None) -> int:
    """Drop the files of exports past their expiry; the jobs stay, marked expired."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(state=State.DONE, expires_at__lte=now)
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return 0
    ExportChunk.objects.filter(job_id__in=ids).delete()
    ExportJob.objects.filter(pk__in=ids).update(state=State.EXPIRED)
    return len(ids)


def is_expired(job: ExportJob, now=None) -> bool:
    if job.state == State.EXPIRED:
        return True
    return (
        job.state == State.DONE
        and job.expires_at is not None
        and job.expires_at <= (now or timezone.now())
    )


def file_chunks(job: ExportJob) -> Iterator[str]:
    """The finished file's text, chunk by chunk, straight from the database."""
    chunks = ExportChunk.objects.filter(job=job).order_by("seq").values_list("text", flat=True)
    yield from chunks.iterator(chunk_size=20)


def filename(job: ExportJob) -> str:
    created = timezone.localtime(job.created_at)
    return f"{job.kind}-{created:%Y%m%d-%H%M}.csv"


# --- the worker's side -----------------------------------------------------------------------


def run(job_id, *, sleep: Callable[[float], None] = time.sleep) -> ExportJob | None:
    """Write the file of one queued job, page by page (None when another worker has it)."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=now, note=""
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    kind = kind_of(job)
    reader: Reader | None = None
    try:
        reader = _patiently(job, lambda: kind.read(job.query), sleep)
        _write(job, kind, reader, sleep)
    except LatePointError as exc:
        error = describe(exc)
        _fail(job, kind, reader, f"{error.title}. {error.message}")
    except Exception:
        logger.exception("export %s failed", job.pk)
        _fail(job, kind, reader, "The export failed unexpectedly. Please try again.")
    return job


def _write(job: ExportJob, kind: ExportKind, reader: Reader, sleep) -> None:
    ExportChunk.objects.filter(job=job).delete()
    ExportChunk.objects.create(job=job, seq=0, text=BOM + _csv_lines([header(kind.columns)]))
    previous_ids: set[Any] = set()
    number = 1
    while True:
        page = _patiently(job, lambda n=number: reader.page(n, PAGE_SIZE), sleep)
        # A row added while the export runs shifts the list by one: the first row of a page
        # can repeat the last of the page before it, so it is left out the second time.
        current_ids: set[Any] = set()
        lines = []
        for item in page.items:
            if item.id in previous_ids or item.id in current_ids:
                continue
            current_ids.add(item.id)
            lines.append(row(kind.columns, item))
        previous_ids = current_ids
        with transaction.atomic():
            ExportChunk.objects.create(job=job, seq=number, text=_csv_lines(lines))
            job.pages_done = number
            job.pages_total = max(page.total_pages, number)
            if job.expected_rows is None:
                job.expected_rows = page.total
            job.rows += len(lines)
            job.note = ""
            job.save(update_fields=["pages_done", "pages_total", "expected_rows", "rows", "note"])
        # A page a kind sifts (`customers.export`) may keep no row and still have more after it.
        if (not page.items and not page.has_next) or number >= page.total_pages:
            break
        number += 1
    finished = timezone.now()
    job.state = State.DONE
    job.finished_at = finished
    job.expires_at = finished + timedelta(hours=expiry_hours())
    job.save(update_fields=["state", "finished_at", "expires_at"])
    record_export(
        user=job.user,
        object_type=kind.object_type,
        filters=reader.filters,
        rows=job.rows,
        expected=job.expected_rows,
    )


def _fail(job: ExportJob, kind: ExportKind, reader: Reader | None, message: str) -> None:
    ExportChunk.objects.filter(job=job).delete()
    job.state = State.FAILED
    job.finished_at = timezone.now()
    job.error = message[:500]
    job.note = ""
    job.save(update_fields=["state", "finished_at", "error", "note"])
    record_export(
        user=job.user,
        object_type=kind.object_type,
        filters=reader.filters if reader else {"query": job.query},
        rows=job.rows,
        expected=job.expected_rows,
        error=message,
    )


def _patiently(job: ExportJob, call: Callable[[], Any], sleep) -> Any:
    """`call()` within the export's part of the budget; waits out a full budget or a 429 for
    as long as it takes, and asks again after a failure to answer (reads are safe to repeat)
    up to EXPORT_RETRIES times."""
    failures = 0
    while True:
        try:
            return call()
        except BudgetExhausted as exc:
            pause = _pause(exc.retry_after, default=1.0)
            _note(job, "Waiting for a free place in LatePoint's request budget (desks first).")
        except RateLimited as exc:
            pause = _pause(exc.retry_after, default=30.0)
            _note(job, f"LatePoint asked for a pause: carrying on in {pause:.0f} s.")
        except (APIConnectionError, ServerError, BadResponse) as exc:
            failures += 1
            if failures > int(settings.EXPORT_RETRIES):
                raise
            pause = min(2.0**failures, 30.0)
            _note(job, f"{exc.user_message} Trying again in {pause:.0f} s.")
        sleep(pause)


def _pause(seconds: float | None, *, default: float) -> float:
    if seconds is None:
        return default
    return min(max(float(seconds), 0.2), MAX_PAUSE_SECONDS)


def _note(job: ExportJob, text: str) -> None:
    if job.note != text:
        job.note = text[:300]
        job.save(update_fields=["note"])


def _csv_lines(rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    return buffer.getvalue()
