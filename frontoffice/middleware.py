"""Cross-cutting middleware: Server-Timing, sign-in required, and upstream-error pages."""

from __future__ import annotations

import logging
import time

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django_htmx.http import HttpResponseClientRedirect, reswap

from frontoffice import upstream_metrics
from latepoint.errors import (
    APIConnectionError,
    APITimeoutError,
    BadResponse,
    Forbidden,
    LatePointError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)

logger = logging.getLogger("frontoffice")


class ServerTimingMiddleware:
    """Adds `Server-Timing: upstream;dur=..;desc="N calls", app;dur=..` to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        metrics, token = upstream_metrics.begin()
        try:
            response = self.get_response(request)
        finally:
            upstream_metrics.end(token)
        total_ms = (time.perf_counter() - started) * 1000
        app_ms = max(total_ms - metrics.duration_ms, 0.0)
        calls = "call" if metrics.calls == 1 else "calls"
        response["Server-Timing"] = (
            f'upstream;dur={metrics.duration_ms:.1f};desc="{metrics.calls} {calls}", '
            f"app;dur={app_ms:.1f}"
        )
        return response


#: Paths served to anyone: sign-in, health probes and static files.
PUBLIC_PREFIXES = ("/accounts/login/", "/healthz", "/readyz", "/static/", "/favicon.ico")
#: Paths for any signed-in account, with or without a role.
SIGNED_IN_PREFIXES = ("/accounts/logout/",)


class LoginRequiredMiddleware:
    """Every page needs a signed-in, active staff account (see frontoffice.roles)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from frontoffice.roles import is_staff_member

        path = request.path_info
        if path.startswith(PUBLIC_PREFIXES) or getattr(view_func, "login_not_required", False):
            return None
        user = request.user
        if not user.is_authenticated:
            # Django's admin sign-in too goes through ours, which is throttled.
            if request.htmx:
                # A full-page redirect, not a login form swapped into a fragment; back to the
                # page the user was on, not to the fragment's URL.
                back_to = request.htmx.current_url_abs_path or request.get_full_path()
                return HttpResponseClientRedirect(redirect_to_login(back_to)["Location"])
            return redirect_to_login(request.get_full_path())
        if path.startswith(SIGNED_IN_PREFIXES):
            return None
        if path.startswith("/admin/"):
            if user.is_active and user.is_superuser:
                return None
            raise PermissionDenied("Django's admin is for administrators.")
        if not is_staff_member(user):
            raise PermissionDenied("This account has no front-office role.")
        return None


def describe_upstream_error(exc: LatePointError) -> tuple[int, str, str]:
    """(HTTP status, title, message) for each kind of upstream failure, for staff."""
    if isinstance(exc, NotFound):
        return 404, "Not found", exc.user_message
    if isinstance(exc, RateLimited):
        wait = int(exc.retry_after) if exc.retry_after else None
        hint = f" Try again in {wait} seconds." if wait else " Try again in a moment."
        return 429, "LatePoint is busy", "Too many requests were made to LatePoint." + hint
    if isinstance(exc, APITimeoutError):
        return 504, "LatePoint is slow to answer", exc.user_message
    if isinstance(exc, APIConnectionError):
        return 503, "LatePoint is unreachable", exc.user_message
    if isinstance(exc, ServerError):
        if exc.status == 503:
            return 503, "LatePoint is unavailable", exc.user_message
        return 502, "LatePoint had a problem", exc.user_message
    if isinstance(exc, Unauthorized | Forbidden):
        return 502, "LatePoint refused the front office", exc.user_message
    if isinstance(exc, BadResponse):
        return 502, "LatePoint sent an unreadable answer", exc.user_message
    return 502, "LatePoint refused the request", exc.user_message


class APIErrorMiddleware:
    """Turns an unhandled client error into a friendly page (or an HTMX fragment), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, LatePointError):
            return None
        status, title, message = describe_upstream_error(exception)
        logger.warning(
            "upstream failure on %s %s: %s", request.method, request.path, type(exception).__name__
        )
        retry_after = getattr(exception, "retry_after", None)
        context = {
            "error_title": title,
            "error_message": message,
            "retry_url": request.get_full_path(),
            "retry_after": retry_after,
            "status": status,
        }
        is_htmx = bool(getattr(request, "htmx", False))
        template = "includes/upstream_error.html" if is_htmx else "upstream_error.html"
        response = TemplateResponse(request, template, context, status=status)
        if retry_after:
            response["Retry-After"] = str(int(retry_after))
        if is_htmx:
            # Swap the error into the region the request was aimed at, whatever its status.
            reswap(response, "innerHTML")
        return response.render()
