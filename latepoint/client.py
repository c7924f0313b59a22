"""LatePointClient: the only code that talks to the LatePoint API over HTTP.

Every method goes through `_request()`, which owns the session, the timeouts, the retry policy
(idempotent GETs only), the per-attempt hook and the log line. Payloads are turned into the
typed models of `latepoint.models` by `latepoint.parsing`; raw dicts never leave the package.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter

from latepoint import convert, parsing
from latepoint.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadResponse,
    LatePointError,
    NotFound,
    RateLimited,
)
from latepoint.models import Agent, ApiStatus, Booking, Customer, Location, Page, Service

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


@dataclass(frozen=True)
class CallRecord:
    """What the on_call hook receives once per HTTP attempt (retries count separately)."""

    method: str
    path: str
    status: int | None  # None when no answer came (connection error, timeout)
    duration_ms: float
    attempt: int


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


class LatePointClient:
    """LatePoint's REST API as typed methods over one keep-alive session.

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
        site_timezone: str = "UTC",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        if isinstance(timeout, tuple):
            self.timeout: tuple[float, float] = (float(timeout[0]), float(timeout[1]))
        else:
            self.timeout = (min(DEFAULT_CONNECT_TIMEOUT, float(timeout)), float(timeout))
        self.max_retries = max(int(max_retries), 0)
        self.backoff = max(float(backoff), 0.0)
        self.retry_after_cap = max(float(retry_after_cap), 0.0)
        self.on_call = on_call
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
        if attempt > self.max_retries:
            return None
        wait = self.backoff * (2 ** (attempt - 1))
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            if exc.retry_after > self.retry_after_cap:
                return None  # asked to wait longer than we may: give up now
            wait = max(wait, exc.retry_after)
        return wait

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """One logical call: the decoded JSON body of a success, or an exception of the tree.

        Only GET is retried (connection errors, timeouts, 429, 502, 503, 504); a write is
        attempted exactly once, because a lost answer may hide a write that happened.
        """
        method = method.upper()
        url = self.base_url + path
        data = None
        headers = dict(self._headers)
        if body is not None:
            try:
                data = json.dumps(body, default=_json_default).encode()
            except TypeError as exc:
                raise ValueError(str(exc)) from None
            headers["Content-Type"] = "application/json"
        query = _query(params or {})
        retryable = method == "GET"
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            status: int | None = None
            failure: LatePointError | None = None
            try:
                # Redirects are not followed: one would turn a PUT into a GET, and would send
                # X-API-Key to whatever host the Location names.
                response = self.session.request(
                    method,
                    url,
                    params=query,
                    data=data,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
                status = response.status_code
                # JSON is UTF-8 whatever the Content-Type says; WordPress may prepend a BOM.
                text = response.content.decode("utf-8-sig", errors="replace")
            except requests.Timeout:
                failure = APITimeoutError(f"{method} {path} timed out")
            except requests.RequestException as exc:
                failure = APIConnectionError(f"{method} {path} failed: {type(exc).__name__}")
            duration_ms = (time.perf_counter() - started) * 1000
            logger.info(
                "%s %s -> %s in %.0f ms (attempt %d)",
                method,
                path,
                status if status is not None else type(failure).__name__,
                duration_ms,
                attempt,
            )
            self._notify(CallRecord(method, path, status, duration_ms, attempt))
            if failure is None:
                try:
                    return self._handle(status, text, response.headers)
                except (APIError, BadResponse) as exc:
                    if not (isinstance(exc, APIError) and exc.status in RETRY_STATUSES):
                        raise
                    failure = exc
            wait = self._delay(attempt, failure) if retryable else None
            if wait is None:
                raise failure
            time.sleep(wait)

    def _handle(self, status: int, text: str, headers: Mapping[str, str]) -> Any:
        if 300 <= status < 400:
            raise BadResponse(
                f"LatePoint answered {status} (a redirect): check LATEPOINT_API_URL "
                "(http or https, www or not)",
                status=status,
            )
        if 200 <= status < 300:
            body = parsing.decode_json(text, status=status)
            if parsing.is_error_body(body):
                raise parsing.error_from_body(status, body)
            return body
        try:
            body = parsing.decode_json(text, status=status)
        except BadResponse:
            body = None  # an HTML error page: the status alone decides
        retry_after = parsing.parse_retry_after(headers.get("Retry-After"))
        if retry_after is None and status == 429:
            retry_after = parsing.parse_rate_limit_reset(headers.get("X-RateLimit-Reset"))
        raise parsing.error_from_body(status, body, retry_after=retry_after)

    def _parse(self, parser: Callable[..., T], payload: Any, *args: Any, **kwargs: Any) -> T:
        """Run a parser; anything it cannot read becomes BadResponse, never a KeyError."""
        try:
            return parser(payload, *args, **kwargs)
        except BadResponse:
            raise
        except (KeyError, ValueError, TypeError, AttributeError, ArithmeticError) as exc:
            raise BadResponse(f"unreadable payload: {type(exc).__name__}") from None

    def _page(self, body: Any, item: Callable[[Any], T], page: int, per_page: int) -> Page[T]:
        return self._parse(parsing.parse_page, body, item, page=page, per_page=per_page)

    def _all_pages(self, path: str, item: Callable[[Any], T]) -> list[T]:
        items: list[T] = []
        for number in range(1, MAX_REFERENCE_PAGES + 1):
            body = self._request("GET", path, params={"page": number, "per_page": 100})
            result = self._page(body, item, number, 100)
            items.extend(result.items)
            if not result.has_next or not result.items:
                break
        return items

    # --- customers ---------------------------------------------------------------------
    def list_customers(
        self,
        *,
        search: str | None = None,
        status: str | None = None,
        created_after: date | None = None,
        created_before: date | None = None,
        has_bookings: bool | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        is_guest: bool | None = None,
        wordpress_user_id: int | None = None,
        created_at: str | None = None,
        updated_at: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Customer]:
        params = {
            "search": search,
            "status": status,
            "created_after": created_after,
            "created_before": created_before,
            "has_bookings": has_bookings,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
            "is_guest": is_guest,
            "wordpress_user_id": wordpress_user_id,
            "created_at": created_at,
            "updated_at": updated_at,
            "page": page,
            "per_page": per_page,
        }
        body = self._request("GET", "/customers", params=params)
        return self._page(body, lambda row: parsing.parse_customer(row, self.tz), page, per_page)

    def get_customer(
        self,
        customer_id: int,
        *,
        include: Iterable[str] = ("stats",),
        bookings_limit: int | None = None,
        bookings_status: str | None = None,
    ) -> Customer:
        cid = _path_id(customer_id, "customer")
        params = {
            "include": ",".join(include) if not isinstance(include, str) else include,
            "bookings_limit": bookings_limit,
            "bookings_status": bookings_status,
        }
        body = self._request("GET", f"/customers/{cid}", params=params)
        return self._parse(parsing.parse_customer, parsing.unwrap(body), self.tz)

    def create_customer(self, fields: Mapping[str, Any]) -> Customer:
        """POST /customers. Never retried."""
        body = self._request("POST", "/customers", body=dict(fields))
        return self._parse(parsing.parse_customer, parsing.unwrap(body), self.tz)

    def update_customer(self, customer_id: int, changes: Mapping[str, Any]) -> Customer:
        """PUT /customers/{id} with only the given fields. Never retried.

        The answer (S4) holds only some fields (id, names, email, phone, status, updated_at):
        the returned Customer has defaults for the rest. Read the customer again for a full view.
        """
        cid = _path_id(customer_id, "customer")
        body = self._request("PUT", f"/customers/{cid}", body=dict(changes))
        payload = parsing.unwrap(body)
        if isinstance(payload, Mapping) and "id" not in payload:
            payload = {**payload, "id": cid}
        return self._parse(parsing.parse_customer, payload, self.tz)

    def delete_customer(self, customer_id: int) -> None:
        """DELETE /customers/{id}. Never retried. A customer with bookings is refused (400)."""
        cid = _path_id(customer_id, "customer")
        self._request("DELETE", f"/customers/{cid}")

    # --- bookings ----------------------------------------------------------------------
    def list_bookings(
        self,
        *,
        status: str | None = None,
        customer_id: int | None = None,
        agent_id: int | None = None,
        service_id: int | None = None,
        location_id: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        created_date_from: date | None = None,
        created_date_to: date | None = None,
        booking_code: str | None = None,
        payment_status: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Booking]:
        params = {
            "status": status,
            "customer_id": customer_id,
            "agent_id": agent_id,
            "service_id": service_id,
            "location_id": location_id,
            "date_from": date_from,
            "date_to": date_to,
            "created_date_from": created_date_from,
            "created_date_to": created_date_to,
            "booking_code": booking_code,
            "payment_status": payment_status,
            "search": search,
            "sort": sort,
            "order": order.lower() if order else None,
            "page": page,
            "per_page": per_page,
        }
        body = self._request("GET", "/bookings", params=params)
        return self._page(body, lambda row: parsing.parse_booking(row, self.tz), page, per_page)

    def get_booking(self, booking_id: int) -> Booking:
        bid = _path_id(booking_id, "booking")
        body = self._request("GET", f"/bookings/{bid}")
        return self._parse(parsing.parse_booking, parsing.unwrap(body), self.tz)

    def update_booking(self, booking_id: int, changes: Mapping[str, Any]) -> Booking:
        """PUT /bookings/{id}. Never retried."""
        bid = _path_id(booking_id, "booking")
        body = self._request("PUT", f"/bookings/{bid}", body=dict(changes))
        payload = parsing.unwrap(body)
        if isinstance(payload, Mapping) and "id" not in payload:
            payload = {**payload, "id": bid}
        return self._parse(parsing.parse_booking, payload, self.tz)

    # --- reference data (every page fetched, per_page=100) ------------------------------
    def list_agents(self) -> list[Agent]:
        return self._all_pages("/agents", parsing.parse_agent)

    def list_services(self) -> list[Service]:
        return self._all_pages("/services", parsing.parse_service)

    def list_locations(self) -> list[Location]:
        return self._all_pages("/locations", parsing.parse_location)

    def status(self) -> ApiStatus:
        body = self._request("GET", "/status")
        return self._parse(parsing.parse_status, body)
