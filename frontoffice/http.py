"""Request helpers shared by every view: the typed HTMX request, partial-or-page, redirects."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
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


def htmx_target(request: HttpRequest) -> str:
    """The id of the element an HTMX request will swap ("" for a page, a history restore
    included)."""
    return (request.htmx.target or "") if wants_fragment(request) else ""


def render(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    partial: str | None = None,
    targets: Iterable[str] = (),
    status: int = 200,
) -> TemplateResponse:
    """The one way a view answers with its page or a part of it.

    An HTMX request (not a history restore) gets `partial` (a partial's name is the id of the
    element it replaces); one aimed (HX-Target) at one of `targets` gets that partial, where
    the page has several. Everything else gets the whole page. The answer varies on every
    header that decided it.
    """
    target = htmx_target(request)
    name = partial if wants_fragment(request) else None
    if target and target in targets:
        name = target
    response = TemplateResponse(
        request, f"{template}#{name}" if name else template, context, status=status
    )
    patch_vary_headers(response, (*HTMX_VARY, "HX-Target") if targets else HTMX_VARY)
    return response


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
