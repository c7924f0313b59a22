"""Request ids and quiet logs.

Every request gets an id: a sane incoming `X-Request-ID` (set by a proxy in front) or a new one.
It goes back in the response's `X-Request-ID` header, onto every log line written while the
request is served, and onto the 500 page, so a member of staff can quote it and the log line
with the traceback can be found.

A refused request (403, 404, ...) is the user's or the configuration's doing, not a fault of
the code: it is logged as one line, never with a traceback. A server error keeps its traceback.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest

HEADER = "X-Request-ID"
#: What an incoming id may look like: a UUID, a hex digest, a proxy's token. Anything else
#: (too long, spaces, line breaks that could forge a log line) is replaced by a new id.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

_current: ContextVar[str | None] = ContextVar("frontoffice_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_of(request: HttpRequest | None) -> str | None:
    """The id of the request being served (or of the given one), None outside a request."""
    return getattr(request, "request_id", None) or _current.get()


class RequestIdMiddleware:
    """Gives each request an id, in `request.request_id`, the log lines and the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else new_request_id()
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record ("-" outside a request), for the log format.

    Django logs a response's status after the middleware has returned; those records carry
    the request itself, so its id is read from there.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_of(getattr(record, "request", None)) or "-"
        return True


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drops the traceback from records about responses below 500.

    Django logs a raised PermissionDenied (403) or SuspiciousOperation (400) with the exception
    attached; a manager opening /admin/ is not a fault, and a page-long traceback for it hides
    the real ones. The one line (status, path) stays.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
