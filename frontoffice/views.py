"""Sign-in, health probes and error pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from latepoint.errors import LatePointError


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and serving."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: LatePoint answers with the configured key (no cache, one call)."""
    from frontoffice.upstream import get_client

    try:
        get_client().status()
    except LatePointError as exc:
        return JsonResponse(
            {"status": "unavailable", "reason": f"{type(exc).__name__}: {exc.user_message}"},
            status=503,
        )
    return JsonResponse({"status": "ok", "latepoint": "reachable"})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
