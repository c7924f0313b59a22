"""Exports: ask for one (/exports/ POST), watch it (/exports/<id>/), download it, list mine."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from exports import jobs
from exports.models import ExportJob
from exports.services import export_start
from frontoffice.formatting import status_label
from frontoffice.http import HtmxHttpRequest, render, vary_on_htmx
from frontoffice.roles import manager_required

#: Exports listed on /exports/.
RECENT = 20


def _job(request: HtmxHttpRequest, pk) -> ExportJob:
    """The signed-in manager's own export (another's is not found)."""
    job = ExportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404("No such export.")
    if jobs.is_expired(job) and job.state != ExportJob.State.EXPIRED:
        jobs.purge_expired()
        job.refresh_from_db()
    return job


def _filters_text(
    query: str, kind: jobs.ExportKind | None = None, *, on: date | None = None
) -> list[tuple[str, str]]:
    """The list's filters: (name, value) for each one the list applied by itself on the day
    `on` (the bookings list's "from today"), then each one the address set, named as the list
    names it (an agent by name, not id)."""
    pairs = []
    if kind is not None and kind.implied is not None:
        pairs.extend(kind.implied(QueryDict(query), on or timezone.localdate()))
    named = kind.shown if kind is not None and kind.shown is not None else (lambda _n, v: v)
    for name, values in QueryDict(query).lists():
        if name in ("page", "per_page"):
            continue
        shown = [
            status_label(v) if name.endswith("status") else named(name, v) for v in values if v
        ]
        value = ", ".join(shown)
        if value:
            pairs.append((name.replace("_", " "), value))
    return pairs


def _context(job: ExportJob) -> dict:
    kind = jobs.kinds().get(job.kind)
    list_url = reverse(kind.list_url_name) if kind else ""
    return {
        "job": job,
        "title": kind.title if kind else job.kind,
        "filters": _filters_text(job.query, kind, on=timezone.localdate(job.created_at)),
        "list_url": list_url + (f"?{job.query}" if job.query else ""),
        "filename": jobs.filename(job),
        "expiry_hours": jobs.expiry_hours(),
    }


@require_POST
@manager_required
def start(request: HtmxHttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in jobs.kinds():
        return TemplateResponse(
            request,
            "exports/export_unknown.html",
            {"kinds": jobs.kinds().values()},
            status=400,
        )
    query = request.POST.get("query", "").lstrip("?")
    job = export_start(user=request.user, kind=kind, query=query)
    return redirect("exports:detail", pk=job.pk)


@require_GET
@manager_required
def confirm(request: HtmxHttpRequest, kind: str) -> TemplateResponse:
    """An export asked for by address (a bookmark of the old download link): one button."""
    found = jobs.kinds()[kind]
    query = request.GET.urlencode()
    return TemplateResponse(
        request,
        "exports/export_confirm.html",
        {
            "kind": found,
            "query": query,
            "filters": _filters_text(query, found),
            "list_url": reverse(found.list_url_name) + (f"?{query}" if query else ""),
        },
    )


@require_GET
@manager_required
@vary_on_htmx
def detail(request: HtmxHttpRequest, pk) -> TemplateResponse:
    job = _job(request, pk)
    return render(request, "exports/export.html", _context(job), partial="export-status")


@require_GET
@manager_required
def download(request: HtmxHttpRequest, pk) -> HttpResponse:
    job = _job(request, pk)
    if job.state == ExportJob.State.EXPIRED:
        return TemplateResponse(request, "exports/export.html", _context(job), status=410)
    if job.state != ExportJob.State.DONE:
        return redirect("exports:detail", pk=job.pk)
    response = StreamingHttpResponse(jobs.file_chunks(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{jobs.filename(job)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@manager_required
def index(request: HtmxHttpRequest) -> TemplateResponse:
    recent = list(ExportJob.objects.filter(user=request.user)[:RECENT])
    return TemplateResponse(
        request,
        "exports/exports.html",
        {"rows": [_context(job) for job in recent], "expiry_hours": jobs.expiry_hours()},
    )
