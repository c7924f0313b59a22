"""Asking for an export through the screens, as a manager does, and reading the file."""

from __future__ import annotations

import csv
import io


def start_export(client, kind: str, query: str = ""):
    """POST the list's "Export CSV" form; the answer redirects to the export's page."""
    return client.post("/exports/start/", {"kind": kind, "query": query})


def export_file(client, kind: str, query: str = ""):
    """Ask for an export and download the file (the worker runs at once in the tests)."""
    started = start_export(client, kind, query)
    assert started.status_code == 302, started
    job_url = started["Location"]
    page = client.get(job_url)
    assert page.status_code == 200
    assert "Ready:" in page.content.decode(), page.content.decode()
    return client.get(job_url + "download/")


def read_csv(response, header: tuple[str, ...]) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte-order mark, for spreadsheets"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    assert tuple(reader.fieldnames) == header
    return list(reader)
