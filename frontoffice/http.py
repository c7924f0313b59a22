"""Request helpers shared by every view: the typed HTMX request, partial-or-page, redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

#: The request headers that decide between a partial and the whole page (see wants_fragment).
HTMX_VARY = ("HX-Request", "HX-History-Restore-Request")


class HtmxHttpRequest(HttpRequest):
    """A request that went through `django_htmx.middleware.HtmxMiddleware` (for type hints)."""

    htmx: HtmxDetails


def wants_fragment(request: HttpRequest) -> bool:
    """True when the answer is the partial an HTMX request swaps in, not the whole page.

    A history restore (back button after htmx's history cache expired) is an HTMX request that
    replaces the whole body, so it gets the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


#: For every view that answers with a partial or the page: no cache may mix the two up.
vary_on_htmx = vary_on_headers(*HTMX_VARY)


def keeps_upstream_notice(view: Callable) -> Callable:
    """For a view answering a small region beside the page's own (a row's badge): its answer
    may show the page's "LatePoint is not answering" notice but never clears it, since the
    page's own region may still show the older copy (see ServerTimingMiddleware)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.keeps_upstream_notice = True
        return response

    return wrapped


def same_site_url(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` if it points back into this site, else "".

    A `next` parameter or a Referer is browser input: redirecting to it unchecked would make the
    front office an open redirect.
    """
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""
