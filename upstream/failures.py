"""What an upstream failure means for staff, worked out once for every screen.

`describe()` gives the HTTP status, a title and a message for each kind of LatePoint failure,
how long LatePoint asked us to wait, and whether a write may still have been applied. The error
middleware and the views that answer a failure themselves all start from it; a view adds only
what its own screen says about the failed action.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from latepoint.errors import (
    APIConnectionError,
    APITimeoutError,
    BadResponse,
    BudgetExhausted,
    Forbidden,
    LatePointError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)

#: What views catch: any failure to get an answer from LatePoint (a service raises it), and
#: the record LatePoint does not have. Views import these from here, never the client's errors.
Failure = LatePointError
Missing = NotFound
#: The front office held the call back to stay within the API key's budget: nothing was sent.
HeldBack = BudgetExhausted


#: Failures after which a sent write may still have reached LatePoint: its answer was lost (a
#: timeout, a dropped connection), unreadable, or an error from a site that may have saved
#: before failing (a 5xx). A refusal (4xx) or a call never sent left LatePoint unchanged.
MAYBE_APPLIED = (APIConnectionError, ServerError, BadResponse)


def may_have_landed(exc: BaseException) -> bool:
    """Whether a write that ended in `exc` may have been applied by LatePoint: the one
    definition every write uses (then it reads the record back before saying anything)."""
    return isinstance(exc, MAYBE_APPLIED) and bool(getattr(exc, "sent", False))


@dataclass(frozen=True)
class UpstreamError:
    """An upstream failure as staff are told about it."""

    status: int
    title: str
    message: str
    #: Whole seconds LatePoint asked us to wait (a 429), else None.
    retry_after: int | None = None
    #: A write whose answer was lost or unreadable: check before sending it again.
    may_have_been_applied: bool = False

    def apply_headers(self, response: HttpResponse) -> HttpResponse:
        """Add `Retry-After` to an answer about this failure; returns the response."""
        if self.retry_after is not None:
            response["Retry-After"] = str(self.retry_after)
        return response


def _status_title(exc: LatePointError) -> tuple[int, str]:
    if isinstance(exc, NotFound):
        return 404, "Not found"
    if isinstance(exc, BudgetExhausted):
        return 429, "Pacing calls to LatePoint"
    if isinstance(exc, RateLimited):
        return 429, "LatePoint is busy"
    if isinstance(exc, APITimeoutError):
        return 504, "LatePoint is slow to answer"
    if isinstance(exc, APIConnectionError):
        return 503, "LatePoint is unreachable"
    if isinstance(exc, ServerError):
        if exc.status == 503:
            return 503, "LatePoint is unavailable"
        return 502, "LatePoint had a problem"
    if isinstance(exc, Unauthorized | Forbidden):
        return 502, "LatePoint refused the front office"
    if isinstance(exc, BadResponse):
        return 502, "LatePoint sent an unreadable answer"
    return 502, "LatePoint refused the request"


def describe(exc: LatePointError, *, write: bool = False) -> UpstreamError:
    """Status, title, message, wait and "may have been applied" for one failure.

    `write`: the failed request was a write (a status change, a save); only then can it have
    been applied, and only if it was sent at all.
    """
    status, title = _status_title(exc)
    retry_after = None
    message = exc.user_message
    if isinstance(exc, RateLimited):
        retry_after = int(exc.retry_after) if exc.retry_after else None
        hint = f" Try again in {retry_after} seconds." if retry_after else " Try again in a moment."
        message = "Too many requests were made to LatePoint." + hint
        if isinstance(exc, BudgetExhausted):
            message = (
                "The front office has used this minute's share of LatePoint's API key for this "
                "kind of work and kept the request back; LatePoint itself is fine." + hint
            )
    return UpstreamError(
        status=status,
        title=title,
        message=message,
        retry_after=retry_after,
        may_have_been_applied=write and may_have_landed(exc),
    )


def error_page(
    request: HttpRequest,
    error: UpstreamError,
    *,
    retry_url: str,
    message: str | None = None,
    fragment: bool = False,
) -> TemplateResponse:
    """The friendly error page (or, with `fragment`, its alert alone) with a way to retry."""
    context = {
        "error_title": error.title,
        "error_message": error.message if message is None else message,
        "retry_url": retry_url,
        "retry_after": error.retry_after,
        "status": error.status,
    }
    template = "includes/upstream_error.html" if fragment else "upstream_error.html"
    response = TemplateResponse(request, template, context, status=error.status)
    return error.apply_headers(response)
