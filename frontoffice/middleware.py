"""Cross-cutting middleware: Server-Timing, sign-in required, and upstream-error pages."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.http import http_date
from django_htmx.http import HttpResponseClientRedirect, reswap

from frontoffice.http import HTMX_VARY, wants_fragment
from latepoint.errors import LatePointError
from upstream import metrics as upstream_metrics
from upstream.failures import describe, error_page

logger = logging.getLogger("frontoffice")


class ServerTimingMiddleware:
    """Each request's upstream frame: its deadline, and what it cost and showed.

    - Starts the request's upstream deadline (LATEPOINT_DEADLINE), which every call and retry
      it makes must fit in.
    - Adds `Server-Timing: upstream;dur=..;desc="N calls", app;dur=..` to every response.
    - When a read was answered from an older copy because LatePoint did not answer, says so:
      `X-Upstream-Stale` with the copy's time, and for an HTMX request an `upstreamNotice`
      event (HX-Trigger-After-Settle) that shows or clears the page's notice (static/js/app.js).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        metrics, token = upstream_metrics.begin(settings.LATEPOINT_DEADLINE)
        try:
            response = self.get_response(request)
        finally:
            upstream_metrics.end(token)
        total_ms = (time.perf_counter() - started) * 1000
        app_ms = max(total_ms - metrics.duration_ms, 0.0)
        calls = "call" if metrics.calls == 1 else "calls"
        timing = (
            f'upstream;dur={metrics.duration_ms:.1f};desc="{metrics.calls} {calls}", '
            f"app;dur={app_ms:.1f}"
        )
        notice = stale_notice(metrics.stale_since, metrics.stale_cause)
        if metrics.stale_since is not None:
            timing += ', stale;desc="older copy shown"'
            response["X-Upstream-Stale"] = http_date(metrics.stale_since)
        response["Server-Timing"] = timing
        if getattr(request, "htmx", False) and not response.streaming:
            add_client_event(response, "upstreamNotice", {"text": notice}, after_settle=True)
        return response


def stale_notice(stale_since: float | None, cause: str = "") -> str:
    """What a page says when it shows an older copy of LatePoint's data ("" when it does not),
    and why, truly: LatePoint is said not to answer only when it failed."""
    if stale_since is None:
        return ""
    shown = timezone.localtime(datetime.fromtimestamp(stale_since, tz=UTC))
    when = date_format(shown, "H:i")
    if shown.date() != timezone.localdate():
        when = date_format(shown, "j M") + " at " + when
    if cause == upstream_metrics.HELD_BACK:
        return (
            f"Showing what LatePoint said at {when}: the front office is pacing its calls to "
            "stay within the API key's limit. LatePoint itself is fine."
        )
    if cause == upstream_metrics.BUSY:
        return f"LatePoint is busy (too many requests): showing what it said at {when}."
    if cause == upstream_metrics.SLOW:
        return f"LatePoint is slow to answer: showing what it said at {when}."
    return f"LatePoint is not answering: showing what it said at {when}."


def add_client_event(response, name: str, detail: dict, *, after_settle: bool = False) -> None:
    """Add one htmx event (HX-Trigger, or HX-Trigger-After-Settle), keeping any the view set
    (a name list or a JSON object)."""
    header = "HX-Trigger-After-Settle" if after_settle else "HX-Trigger"
    current = response.get(header, "")
    events: dict = {}
    if current:
        try:
            parsed = json.loads(current)
        except ValueError:
            parsed = {item.strip(): None for item in current.split(",") if item.strip()}
        if isinstance(parsed, dict):
            events.update(parsed)
    events[name] = detail
    response[header] = json.dumps(events)


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


class APIErrorMiddleware:
    """Turns an unhandled client error into a friendly page (or an HTMX fragment), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, LatePointError):
            return None
        logger.warning(
            "upstream failure on %s %s: %s", request.method, request.path, type(exception).__name__
        )
        fragment = wants_fragment(request)
        response = error_page(
            request, describe(exception), retry_url=request.get_full_path(), fragment=fragment
        )
        patch_vary_headers(response, HTMX_VARY)
        if fragment:
            # Swap the error into the region the request was aimed at, whatever its status.
            reswap(response, "innerHTML")
        return response.render()
