"""Request helpers shared by every view: the typed HTMX request and same-site redirects."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through `django_htmx.middleware.HtmxMiddleware` (for type hints)."""

    htmx: HtmxDetails


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
