"""Exports as background jobs: progress, a rate-limited minute, the budget, expiry, ownership.

The worker runs at once in the test settings (Huey's immediate mode); the job runner is also
called directly where a test must see what it waits for.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from customers.export import HEADER
from exports import jobs
from exports.models import ExportChunk, ExportJob
from latepoint.errors import BudgetExhausted
from tests.conftest import _make_user
from tests.exports import export_file, read_csv, start_export
from upstream import budget

API_CUSTOMERS = "/wp-json/latepoint-api/v1/customers"


def _customer_count(sandbox) -> int:
    status, body = sandbox.request("GET", f"{API_CUSTOMERS}?per_page=1")
    assert status == 200, body
    return int(body["pagination"]["total"])


def _calls(response) -> int:
    match = re.search(r'upstream;dur=[\d.]+;desc="(\d+) calls?"', response["Server-Timing"])
    assert match, response["Server-Timing"]
    return int(match.group(1))


def test_a_running_export_shows_its_progress_and_polls_for_more(live_sandbox, manager_client):
    job = ExportJob.objects.create(
        user=_manager_of(manager_client),
        kind="customers",
        query="status=active",
        state=ExportJob.State.RUNNING,
        pages_done=3,
        pages_total=10,
        rows=300,
        expected_rows=987,
        note="Waiting for a free place in LatePoint's request budget (desks first).",
    )
    url = f"/exports/{job.pk}/"

    html = manager_client.get(url).content.decode()
    assert "<h1>Customers export</h1>" in html
    assert '<span class="chip">status: Active</span>' in html
    assert '<progress id="export-progress" max="100" value="30">30%</progress>' in html
    assert "3 of 10 pages read from LatePoint…" in html
    assert "300 of about 987 rows so far." in html
    assert "Waiting for a free place in LatePoint&#x27;s request budget" in html
    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in html
    assert '<meta http-equiv="refresh" content="3">' in html  # without JavaScript

    # The poll gets the status region alone; once finished it stops polling.
    job.state, job.rows = ExportJob.State.DONE, 987
    job.expires_at = timezone.now() + timedelta(hours=24)
    job.save()
    fragment = manager_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="export-status"')
    assert "<h1>" not in fragment
    assert "hx-trigger" not in fragment
    assert "Ready:</strong> 987 rows." in fragment
    assert f'href="/exports/{job.pk}/download/"' in fragment


def _manager_of(client: Client):
    from django.contrib.auth.models import User

    return User.objects.get(pk=client.session["_auth_user_id"])


def test_the_download_makes_no_upstream_call_and_says_so(live_sandbox, manager_client):
    started = start_export(manager_client, "customers", "status=blocked")
    job = ExportJob.objects.get()
    assert _calls(started) == job.pages_total + 0  # the worker ran within this request

    live_sandbox.set_faults(unavailable=True)  # the file is ours now
    download = manager_client.get(f"/exports/{job.pk}/download/")

    rows = read_csv(download, HEADER)
    assert len(rows) == job.rows == job.expected_rows
    assert {row["status"] for row in rows} == {"blocked"}
    assert _calls(download) == 0


def test_an_export_survives_a_rate_limited_minute(live_sandbox, manager):
    """LatePoint allows 2 requests a minute: the job waits each minute out and loses no row."""
    total = _customer_count(live_sandbox)
    assert total > 300  # at least 4 pages of 100
    live_sandbox.set_faults(rate_limit=2)
    job = ExportJob.objects.create(user=manager, kind="customers")
    pauses: list[float] = []
    notes: list[str] = []

    def a_minute_passes(seconds: float) -> None:
        pauses.append(seconds)
        notes.append(ExportJob.objects.get(pk=job.pk).note)
        live_sandbox.set_faults(rate_limit=2)  # a new minute at the sandbox
        budget.reset()  # and here: LatePoint's Retry-After has run out

    jobs.run(job.pk, sleep=a_minute_passes)

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.error
    assert job.rows == total
    assert len(pauses) >= 2
    assert all(30 <= pause <= 60 for pause in pauses), pauses  # LatePoint's Retry-After
    assert all(note.startswith("LatePoint asked for a pause") for note in notes), notes
    text = "".join(jobs.file_chunks(job))
    ids = [line.split(",", 1)[0] for line in text.splitlines()[1:]]
    assert len(ids) == len(set(ids)) == total
    refused = [r for r in live_sandbox.requests_since(0) if r[3] == 429]
    assert refused, "the sandbox refused some requests"


def test_a_failing_page_is_asked_again_and_the_export_completes(live_sandbox, manager, settings):
    settings.EXPORT_RETRIES = 3
    live_sandbox.set_faults(unavailable=True)
    job = ExportJob.objects.create(user=manager, kind="customers", query="status=blocked")
    pauses: list[float] = []

    def latepoint_comes_back(seconds: float) -> None:
        pauses.append(seconds)
        live_sandbox.reset_faults()

    jobs.run(job.pk, sleep=latepoint_comes_back)

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert pauses == [2.0]
    assert job.rows == job.expected_rows > 0
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.result == AuditEntry.Result.OK
    assert entry.changes["rows"] == job.rows


def test_exports_take_at_most_half_the_budget_and_never_wait(settings):
    settings.LATEPOINT_RATE_LIMIT = 12  # usable 10: exports stop at 5
    budget.reset()
    try:
        with budget.bulk():
            for _ in range(5):
                budget.before_attempt("GET", "/customers")
            with pytest.raises(BudgetExhausted) as refused:
                budget.before_attempt("GET", "/customers")
        assert refused.value.retry_after >= 1
        budget.before_attempt("GET", "/customers")  # a desk still gets through
    finally:
        budget.reset()
    assert budget.Limits.from_settings().bulk == 5


def test_a_finished_file_expires(live_sandbox, manager_client):
    started = start_export(manager_client, "customers", "status=blocked")
    job = ExportJob.objects.get()
    assert ExportChunk.objects.filter(job=job).exists()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    page = manager_client.get(started["Location"]).content.decode()
    download = manager_client.get(started["Location"] + "download/")

    assert "This file has expired" in page
    assert download.status_code == 410
    assert not ExportChunk.objects.filter(job=job).exists()
    assert ExportJob.objects.get().state == ExportJob.State.EXPIRED
    assert '<input type="hidden" name="query" value="status=blocked">' in page  # export again


def test_another_managers_export_is_not_found(live_sandbox, manager_client):
    started = start_export(manager_client, "customers", "status=blocked")
    other = Client()
    other.force_login(_make_user("mona", "Manager"))

    assert other.get(started["Location"]).status_code == 404
    assert other.get(started["Location"] + "download/").status_code == 404
    assert "No exports yet." in other.get("/exports/").content.decode()


def test_my_exports_are_listed_with_their_files(live_sandbox, manager_client):
    export_file(manager_client, "customers", "status=blocked")
    job = ExportJob.objects.get()

    html = manager_client.get("/exports/").content.decode()

    assert "<h1>Your exports</h1>" in html
    assert '<span class="chip">status: Blocked</span>' in html
    assert f'<a href="/exports/{job.pk}/download/" download>Download</a>' in html


def test_an_export_asked_for_by_address_needs_one_click(live_sandbox, manager_client):
    html = manager_client.get("/bookings/export.csv?status=pending&agent=2").content.decode()

    assert "<h1>Export bookings</h1>" in html
    assert '<span class="chip">status: Pending</span>' in html
    assert '<input type="hidden" name="kind" value="bookings">' in html
    assert '<input type="hidden" name="query" value="status=pending&amp;agent=2">' in html
    assert not ExportJob.objects.exists()


def test_the_chips_name_the_agent_and_service_without_a_call(live_sandbox, manager_client):
    with live_sandbox.db() as conn:
        agent = conn.execute("SELECT id, display_name FROM sandbox_agent LIMIT 1").fetchone()
        service = conn.execute("SELECT id, name FROM sandbox_service LIMIT 1").fetchone()
    manager_client.get("/bookings/")  # the list reads its filters' reference lists

    response = manager_client.get(
        f"/bookings/export.csv?agent={agent['id']}&service={service['id']}"
    )

    html = response.content.decode()
    assert f'<span class="chip">agent: {agent["display_name"]}</span>' in html
    assert f'<span class="chip">service: {service["name"]}</span>' in html
    assert f"agent: {agent['id']}<" not in html
    assert _calls(response) == 0


def test_an_unknown_export_is_refused_clearly(live_sandbox, manager_client):
    response = start_export(manager_client, "invoices")

    assert response.status_code == 400
    assert "There is no such export." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_starting_an_export_needs_the_csrf_token(live_sandbox, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    response = client.post("/exports/start/", {"kind": "customers"})

    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_a_job_runs_once_however_many_workers_pick_it(live_sandbox, manager):
    job = ExportJob.objects.create(user=manager, kind="customers", query="status=blocked")
    assert jobs.run(job.pk) is not None
    before = time.time()

    assert jobs.run(job.pk) is None

    assert ExportJob.objects.get().state == ExportJob.State.DONE
    assert not [r for r in live_sandbox.requests_since(before) if "/customers" in r[2]]
