"""Health probes and error pages (sign-in is signin.views')."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from frontoffice.http import same_site_url
from frontoffice.request_log import request_id_of
from frontoffice.services import readiness_problems


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and serving."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the shared cache answer, and so does LatePoint.

    LatePoint is asked at most once every 30 s whatever the traffic (the answer is shared by
    every process), so probes never eat into the desks' request budget.
    """
    problems = readiness_problems()
    if problems:
        return JsonResponse({"status": "unavailable", "reason": "; ".join(problems)}, status=503)
    return JsonResponse({"status": "ok", "latepoint": "reachable"})


def csrf_failure(request, reason=""):
    """A refused write (missing or stale CSRF token): say what to do, keep the page usable."""
    template = "frontoffice/csrf_failure.html"
    htmx = getattr(request, "htmx", None)
    back_url = htmx.current_url_abs_path if htmx else None
    if not back_url:
        back_url = same_site_url(request, request.META.get("HTTP_REFERER"))
    if htmx:
        template += "#csrf-failure"
    context = {"back_url": back_url or "/"}
    return TemplateResponse(request, template, context, status=403).render()


def permission_denied(request, exception=None):
    """The 403 page (a role the screen needs is missing)."""
    return render(request, "403.html", status=403)


#: The icon a browser asks for at /favicon.ico when a page names none (a bookmark, a PDF, an
#: error page from elsewhere); the pages themselves link static/img/favicon.svg and this file.
FAVICON = "img/favicon.ico"


@require_GET
def favicon(request: HttpRequest) -> FileResponse:
    found = finders.find(FAVICON)
    if not found:
        raise Http404("No favicon.")
    response = FileResponse(open(found, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response


def page_not_found(request, exception=None):
    """The 404 page."""
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page, with the request id its log line carries.

    Rendered without the context processors and the request: the failure may be in them.
    """
    html = loader.render_to_string("500.html", {"request_id": request_id_of(request)})
    return HttpResponseServerError(html)
