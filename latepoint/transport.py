"""The transport under LatePointClient: one keep-alive session and `_request()`.

`_request()` owns the timeouts (cut to the caller's deadline), the retry policy (idempotent GETs
only), the per-attempt hooks (a budget that may refuse an attempt, a metrics hook) and the log
line. Answers become JSON bodies or an exception of `latepoint.errors`. Its steps: `_attempt()`
(one try with its hooks), `_send()` (the only code that touches the network) and
`_retry_wait()` (whether, and when, to try again).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter

from latepoint import convert, envelope
from latepoint.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadResponse,
    BudgetExhausted,
    DeadlineExceeded,
    LatePointError,
    NotFound,
    RateLimited,
)
from latepoint.models import Page

logger = logging.getLogger("latepoint")

T = TypeVar("T")

#: Statuses worth another try for an idempotent read.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: Connections kept per host: the stats page and exports fetch up to 4 pages at once per
#: request, and several requests may run in one process.
POOL_MAXSIZE = 16
#: Never fetch more pages than this for the reference lists (100 per page).
MAX_REFERENCE_PAGES = 50
DEFAULT_CONNECT_TIMEOUT = 3.05
#: An attempt with less time than this left before the deadline is not started.
MIN_ATTEMPT_SECONDS = 0.25


@dataclass(frozen=True)
class CallRecord:
    """What the on_call hook receives once per HTTP attempt (retries count separately)."""

    method: str
    path: str
    status: int | None  # None when no answer came (connection error, timeout)
    duration_ms: float
    attempt: int
    #: Seconds LatePoint asked us to wait (a 429's Retry-After or X-RateLimit-Reset).
    retry_after: float | None = None


@dataclass
class _Sent:
    """What one attempt brought back: a response (its status and text), or the failure that
    kept one from arriving. A status with a failure means the body could not be read."""

    response: requests.Response | None = None
    status: int | None = None
    text: str = ""
    failure: LatePointError | None = None


def _json_default(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot send a {type(value).__name__} to LatePoint")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat() if not isinstance(value, datetime) else value.date().isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(_query_value(item) for item in value)
    return str(value)


def _query(params: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters without the unset ones, in LatePoint's spelling."""
    return {
        key: _query_value(value)
        for key, value in params.items()
        if value is not None and value != "" and value != ()
    }


def _path_id(value: Any, what: str) -> int:
    """An id for a URL path: a positive integer, or NotFound without asking upstream."""
    try:
        number = convert.to_int(value)
    except (ValueError, TypeError, ArithmeticError):
        number = None
    if number is None or number <= 0:
        raise NotFound(status=404, code=f"{what}_not_found", message=f"No {what} with that id.")
    return number


class Transport:
    """One keep-alive session to one LatePoint site, and the calls made over it.

    Only reads are retried (with backoff and a cap); a write is sent once. The API key travels
    in request headers only: it is never logged and never part of `repr()`.
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float | tuple[float, float] = (3.05, 10.0),
        session: requests.Session | None = None,
        max_retries: int = 2,
        backoff: float = 0.2,
        retry_after_cap: float = 5.0,
        on_call: Callable[[CallRecord], None] | None = None,
        before_attempt: Callable[[str, str], None] | None = None,
        time_left: Callable[[], float | None] | None = None,
        site_timezone: str = "UTC",
    ) -> None:
        """`before_attempt(method, path)` runs before every HTTP attempt and may refuse it by
        raising a LatePointError (a spent request budget, say). `time_left()` gives the
        seconds left for the whole logical call (None: no deadline): each attempt's timeout
        is cut to it, and no attempt or retry starts once it has run out."""
        self.base_url = base_url.rstrip("/")
        if isinstance(timeout, tuple):
            self.timeout: tuple[float, float] = (float(timeout[0]), float(timeout[1]))
        else:
            self.timeout = (min(DEFAULT_CONNECT_TIMEOUT, float(timeout)), float(timeout))
        self.max_retries = max(int(max_retries), 0)
        self.backoff = max(float(backoff), 0.0)
        self.retry_after_cap = max(float(retry_after_cap), 0.0)
        self.on_call = on_call
        self.before_attempt = before_attempt
        self.time_left = time_left
        self.site_timezone = site_timezone
        self.tz: tzinfo = convert.get_zone(site_timezone)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_MAXSIZE, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self.session = session
        self._headers = {
            "X-API-Key": api_key,
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": "latepoint-frontoffice/1.0",
        }

    def __repr__(self) -> str:  # never show the key
        return f"LatePointClient(base_url={self.base_url!r})"

    # --- transport -----------------------------------------------------------------------
    def _notify(self, record: CallRecord) -> None:
        if self.on_call is None:
            return
        try:
            self.on_call(record)
        except Exception:  # a metrics hook must never break a call
            logger.exception("on_call hook failed")

    def _delay(self, attempt: int, exc: LatePointError | None) -> float | None:
        """Seconds to wait before the next attempt, or None when it must not be retried."""
        if attempt > self.max_retries or not exc.sent:
            return None
        wait = self.backoff * (2 ** (attempt - 1))
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            if exc.retry_after > self.retry_after_cap:
                return None  # asked to wait longer than we may: give up now
            wait = max(wait, exc.retry_after)
        left = self._time_left()
        if left is not None and wait + MIN_ATTEMPT_SECONDS > left:
            return None  # no time for another attempt before the deadline
        return wait

    def _time_left(self) -> float | None:
        return None if self.time_left is None else self.time_left()

    def _attempt_timeout(self, method: str, path: str) -> tuple[float, float]:
        """This attempt's (connect, read) timeout, cut to the time left; or DeadlineExceeded."""
        left = self._time_left()
        if left is None:
            return self.timeout
        if left < MIN_ATTEMPT_SECONDS:
            raise DeadlineExceeded(f"{method} {path}: no time left before the page's deadline")
        return (min(self.timeout[0], left), min(self.timeout[1], left))

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """One logical call: the decoded JSON body of a success, or an exception of the tree.

        A success's body is always a JSON object or list: an empty, blank or non-JSON body,
        `null`, `{}`, or a bare string or number is BadResponse (sent=True: a write may have
        landed). The one exception is a DELETE answered 204 No Content, which returns None.

        Only GET is retried (connection errors, timeouts, 429, 502, 503, 504); a write is
        attempted exactly once, because a lost answer may hide a write that happened.
        """
        method = method.upper()
        data, headers = self._encode(body)
        query = _query(params or {})
        attempt, failure = 0, None
        while True:
            attempt += 1
            try:
                result, failure = self._attempt(method, path, query, data, headers, attempt)
            except BudgetExhausted:
                if failure is None:
                    raise
                # No place for a retry: what stands is LatePoint's failure, not the budget.
                raise failure from None
            if failure is None:
                return result
            wait = self._retry_wait(method, attempt, failure)
            if wait is None:
                raise failure
            time.sleep(wait)

    def _encode(self, body: Mapping[str, Any] | None) -> tuple[bytes | None, dict[str, str]]:
        """The request's JSON body (None without one) and the headers to send with it."""
        headers = dict(self._headers)
        if body is None:
            return None, headers
        try:
            data = json.dumps(body, default=_json_default).encode()
        except TypeError as exc:
            raise ValueError(str(exc)) from None
        headers["Content-Type"] = "application/json"
        return data, headers

    def _attempt(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        data: bytes | None,
        headers: Mapping[str, str],
        attempt: int,
    ) -> tuple[Any, LatePointError | None]:
        """One HTTP attempt with its hooks: `(body, None)` for a success, `(None, failure)` for
        a failure another attempt might cure (no answer, or a status in RETRY_STATUSES).

        Anything else is raised: a refusal by the deadline or the `before_attempt` hook (before
        anything is sent), and every other error answer."""
        timeout = self._attempt_timeout(method, path)
        if self.before_attempt is not None:
            self.before_attempt(method, path)
        started = time.perf_counter()
        sent = self._send(method, path, query, data, headers, timeout)
        duration_ms = (time.perf_counter() - started) * 1000
        self._record(method, path, sent, duration_ms, attempt)
        if sent.failure is not None:
            return None, sent.failure
        try:
            return self._handle(sent.status, sent.text, sent.response.headers, method=method), None
        except (APIError, BadResponse) as exc:
            if not (isinstance(exc, APIError) and exc.status in RETRY_STATUSES):
                raise
            return None, exc

    def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        data: bytes | None,
        headers: Mapping[str, str],
        timeout: tuple[float, float],
    ) -> _Sent:
        """Put one request on the wire; no answer (a timeout, a connection error) is kept as
        the failure rather than raised, so that it is still logged and counted."""
        sent = _Sent()
        try:
            # Redirects are not followed: one would turn a PUT into a GET, and would send
            # X-API-Key to whatever host the Location names.
            sent.response = self.session.request(
                method,
                self.base_url + path,
                params=query,
                data=data,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            )
            sent.status = sent.response.status_code
            # JSON is UTF-8 whatever the Content-Type says; WordPress may prepend a BOM.
            sent.text = sent.response.content.decode("utf-8-sig", errors="replace")
        except requests.Timeout:
            sent.failure = APITimeoutError(f"{method} {path} timed out")
        except requests.RequestException as exc:
            sent.failure = APIConnectionError(f"{method} {path} failed: {type(exc).__name__}")
        return sent

    def _record(
        self, method: str, path: str, sent: _Sent, duration_ms: float, attempt: int
    ) -> None:
        """The log line and the on_call hook, once per attempt (the key is never logged)."""
        logger.info(
            "%s %s -> %s in %.0f ms (attempt %d)",
            method,
            path,
            sent.status if sent.status is not None else type(sent.failure).__name__,
            duration_ms,
            attempt,
        )
        retry_after = None
        if sent.status == 429 and sent.response is not None:
            retry_after = envelope.parse_retry_after(sent.response.headers.get("Retry-After"))
            if retry_after is None:
                retry_after = envelope.parse_rate_limit_reset(
                    sent.response.headers.get("X-RateLimit-Reset")
                )
        self._notify(CallRecord(method, path, sent.status, duration_ms, attempt, retry_after))

    def _retry_wait(self, method: str, attempt: int, failure: LatePointError) -> float | None:
        """Seconds to wait before trying again, or None to give up: only a GET is ever
        retried, since a write whose answer was lost may still have happened."""
        return self._delay(attempt, failure) if method == "GET" else None

    def _handle(
        self, status: int, text: str, headers: Mapping[str, str], *, method: str = "GET"
    ) -> Any:
        if 300 <= status < 400:
            raise BadResponse(
                f"LatePoint answered {status} (a redirect): check LATEPOINT_API_URL "
                "(http or https, www or not)",
                status=status,
            )
        if 200 <= status < 300:
            if status == 204 and method == "DELETE":
                return None  # No Content: the delete was done and there is nothing to read
            body = envelope.decode_success(text, status=status)
            if envelope.is_error_body(body):
                raise envelope.error_from_body(status, body)
            return body
        try:
            body = envelope.decode_json(text, status=status)
        except BadResponse:
            body = None  # an HTML error page: the status alone decides
        retry_after = envelope.parse_retry_after(headers.get("Retry-After"))
        if retry_after is None and status == 429:
            retry_after = envelope.parse_rate_limit_reset(headers.get("X-RateLimit-Reset"))
        raise envelope.error_from_body(status, body, retry_after=retry_after)

    def _parse(self, parser: Callable[..., T], payload: Any, *args: Any, **kwargs: Any) -> T:
        """Run a parser; anything it cannot read becomes BadResponse, never a KeyError."""
        try:
            return parser(payload, *args, **kwargs)
        except BadResponse:
            raise
        except (KeyError, ValueError, TypeError, AttributeError, ArithmeticError) as exc:
            raise BadResponse(f"unreadable payload: {type(exc).__name__}") from None

    def _page(self, body: Any, item: Callable[[Any], T], page: int, per_page: int) -> Page[T]:
        return self._parse(envelope.parse_page, body, item, page=page, per_page=per_page)

    def _all_pages(self, path: str, item: Callable[[Any], T]) -> list[T]:
        items: list[T] = []
        for number in range(1, MAX_REFERENCE_PAGES + 1):
            body = self._request("GET", path, params={"page": number, "per_page": 100})
            result = self._page(body, item, number, 100)
            items.extend(result.items)
            if not result.has_next or not result.items:
                break
        return items
