"""LatePoint's envelopes: the JSON body, success or error, the payload, errors and pages.

A success wraps its payload in `data` (S1 to S6, S8) or not at all (S7); an error (E1 to E4)
carries a code, a message and field errors in one of several places; a list carries its paging
in `pagination` or `meta` (P1 to P4), or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from latepoint import convert
from latepoint.errors import APIError, BadResponse, RateLimited, error_class_for
from latepoint.fields import first_present, get_int, soft
from latepoint.models import Page

T = TypeVar("T")


def decode_json(text: str, *, status: int) -> Any:
    """The JSON body, or BadResponse. An empty body is None (for an error status, where the
    status alone decides; a success is read by `decode_success`)."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise BadResponse("the answer is not valid JSON", status=status, body=text) from None


def decode_success(text: str, *, status: int) -> dict | list:
    """The JSON body of a 2xx answer: an object or a list, or BadResponse.

    Every documented success (S1 to S8, a bare list) is one of those. An empty or blank body,
    `null`, or a bare string or number says nothing about what LatePoint did or holds: reading
    it as "no rows" would show a broken site as an empty day.
    """
    if not text.strip():
        raise BadResponse(f"LatePoint answered {status} with an empty body", status=status)
    body = decode_json(text, status=status)
    if not isinstance(body, dict | list):
        raise BadResponse(
            f"expected a JSON object or list, got {type(body).__name__}", status=status, body=text
        )
    if body == {}:  # no flag, no data, no record: as silent as an empty body
        raise BadResponse("the answer is an empty JSON object", status=status, body=text)
    return body


def is_error_body(body: Any) -> bool:
    """S1 to S8 are success; a 2xx body saying `success: false` or `status: "error"` is not."""
    return isinstance(body, Mapping) and (
        body.get("success") is False or convert.to_str(body.get("status")).lower() == "error"
    )


def unwrap(body: Any) -> Any:
    """The payload: `body.data` if present (S1 to S6, S8), else the body itself (S7)."""
    if isinstance(body, Mapping) and "data" in body:
        return body["data"]
    return body


def _field_errors(*sources: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    for source in sources:
        if isinstance(source, Mapping):
            for key, value in source.items():
                if isinstance(value, list | tuple):
                    text = " ".join(convert.to_str(item) for item in value if item)
                elif isinstance(value, Mapping):
                    text = convert.to_str(first_present(value, "message", "error")) or " ".join(
                        convert.to_str(item) for item in value.values() if item
                    )
                else:
                    text = convert.to_str(value)
                errors.setdefault(str(key), text)
        elif isinstance(source, list):
            messages = [convert.to_str(item) for item in source if isinstance(item, str)]
            if messages:
                errors.setdefault("__all__", " ".join(messages))
    return errors


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (a number or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def parse_rate_limit_reset(value: str | None) -> float | None:
    """X-RateLimit-Reset (not documented; an assumption): epoch seconds, or seconds to wait."""
    if not value:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number > 1_000_000_000:  # an epoch timestamp
        number -= datetime.now(UTC).timestamp()
    return max(number, 0.0)


def error_from_body(status: int, body: Any, *, retry_after: float | None = None) -> APIError:
    """E1 to E4 into the error tree. The HTTP status decides the class, never `data.status`."""
    error = body.get("error") if isinstance(body, Mapping) else None
    error_obj = error if isinstance(error, Mapping) else {}
    data = body.get("data") if isinstance(body, Mapping) else None
    data_obj = data if isinstance(data, Mapping) else {}
    body_obj = body if isinstance(body, Mapping) else {}
    message = (
        convert.to_str(error_obj.get("message"))
        or convert.to_str(body_obj.get("message"))
        or (error if isinstance(error, str) else "")
    )
    code = convert.to_str(error_obj.get("code")) or convert.to_str(body_obj.get("code"))
    field_errors = _field_errors(
        error_obj.get("details"),
        body_obj.get("details"),
        data_obj.get("details"),
        data_obj.get("params"),  # WordPress rest_invalid_param
        body_obj.get("errors"),
    )
    if 200 <= status < 300:
        # An error inside a 2xx: take the status it claims if it is one, else call it a 400.
        claimed = soft(convert.to_int, data_obj.get("status"), name="data.status")
        status = claimed if claimed and claimed >= 400 else 400
    cls = error_class_for(status, code)
    kwargs = {"status": status, "code": code, "message": message, "field_errors": field_errors}
    if cls is RateLimited:
        if retry_after is None:
            retry_after = soft(convert.to_int, data_obj.get("retry_after"), name="retry_after")
        return RateLimited(retry_after=retry_after, **kwargs)
    return cls(**kwargs)


def parse_page(body: Any, item: Callable[[Any], T], *, page: int, per_page: int) -> Page[T]:
    """A list payload with P1 to P4 metadata (`pagination`, then `meta`), or none at all.

    No rows only when the answer says so (`[]`, `"data": []`, `"data": null`); a body that is
    not an object or a list (an empty answer read as None) is BadResponse, never an empty page.
    """
    if not isinstance(body, Mapping | list):
        raise BadResponse(f"expected a list or an envelope, got {type(body).__name__}")
    payload = unwrap(body)
    if isinstance(payload, Mapping):
        # Some list endpoints nest the rows again: {"data": {"items"|"bookings"|...: [...]}}.
        for key in ("items", "results", "customers", "bookings", "records"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
    if payload is None:
        payload = []  # "data": null inside a success envelope: no rows
    if isinstance(payload, Mapping) and all(str(key).isdigit() for key in payload):
        payload = list(payload.values())  # a PHP array that lost its order
    if not isinstance(payload, list):
        raise BadResponse(f"expected a list, got {type(payload).__name__}")
    items = tuple(item(row) for row in payload)
    meta: Mapping[str, Any] = {}
    if isinstance(body, Mapping):
        for key in ("pagination", "meta"):
            if isinstance(body.get(key), Mapping):
                meta = body[key]
                break
    current = get_int(meta, "page", "current_page") or page
    size = get_int(meta, "per_page", "limit") or per_page
    total = get_int(meta, "total", "total_records", "total_items", "count")
    total_pages = get_int(meta, "total_pages", "pages", "last_page")
    if total is None:
        total = (current - 1) * size + len(items)
    if total_pages is None:
        total_pages = max(-(-total // size), 1) if size > 0 else 1
    has_next_raw = meta.get("has_next_page", meta.get("has_more"))
    has_next = convert.to_bool(has_next_raw) if has_next_raw is not None else current < total_pages
    has_prev_raw = meta.get("has_previous_page", meta.get("has_prev_page"))
    has_previous = convert.to_bool(has_prev_raw) if has_prev_raw is not None else current > 1
    return Page(
        items=items,
        page=current,
        per_page=size,
        total=total,
        total_pages=total_pages,
        has_next=has_next,
        has_previous=has_previous,
    )
