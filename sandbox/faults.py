"""Authentication and fault injection for every API request.

Faults come from three places, the later overriding the earlier: the environment
(SANDBOX_LATENCY_MS, ...) for the whole server, the runtime switch (PUT /_sandbox/faults,
stored in the database so every thread and worker sees it), and per-request headers
(X-Sandbox-Latency-Ms, ...).
"""

from __future__ import annotations

import hmac
import math
import os
import random
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from sandbox.models import FaultConfig, RateBucket
from sandbox.responses import e1, e2, e3

API_PREFIX = "/wp-json/latepoint-api/v1"
FAULTS_PATH = "/_sandbox/faults"
REQUESTS_PATH = "/_sandbox/requests"
DEFAULT_RATE_LIMIT = 60
WINDOW_SECONDS = 60
SERVER_BUCKET = "server"

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    unavailable: bool = False
    rate_limit: int = 0  # requests a minute; 0 = off
    malformed_rate: float = 0.0
    # A write (POST, PUT, PATCH, DELETE) is applied, then answered with this status instead
    # of its real answer (a 503 from a proxy after WordPress saved, say); 0 = off.
    write_then_fail: int = 0
    # A write is answered with this status without being applied; reads are untouched; 0 = off.
    write_error: int = 0
    # The sandbox's "now" (ISO 8601 with an offset), frozen; "" = the real clock. It decides
    # which times are free today and what counts as past.
    clock: str = ""
    # After the next write with write_then_fail is applied and its answer lost, the site
    # goes down (503 to every request) until the faults are reset: "saved, then gone".
    down_after_write: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


FIELDS = tuple(Faults.__dataclass_fields__)


def parse_rate_limit(value) -> int:
    """'on' = 60 a minute, '' / 'off' / 0 = off, else a positive integer."""
    if value is None or value is False:
        return 0
    if value is True:
        return DEFAULT_RATE_LIMIT
    text = str(value).strip().lower()
    if text in ("", "off", "false", "no"):
        return 0
    if text in ("on", "true", "yes"):
        return DEFAULT_RATE_LIMIT
    number = int(text)
    if number < 0:
        raise ValueError("rate_limit must be 0 or more")
    return number


def parse_rate(value) -> float:
    number = float(value)
    if not 0 <= number <= 1 or math.isnan(number):
        raise ValueError("rates are between 0 and 1")
    return number


def parse_ms(value) -> int:
    if isinstance(value, bool):
        raise ValueError("milliseconds must be a number")
    number = int(float(value))
    if number < 0:
        raise ValueError("milliseconds must be 0 or more")
    return number


def parse_status(value) -> int:
    """0 (off) or an HTTP error status, 400 to 599."""
    if isinstance(value, bool):
        raise ValueError("a status must be a number")
    number = int(float(value))
    if number != 0 and not 400 <= number <= 599:
        raise ValueError("a status is 0 (off) or from 400 to 599")
    return number


def parse_clock(value) -> str:
    """The real clock ("") or an ISO 8601 moment with its offset, as given."""
    text = str(value or "").strip()
    if text.lower() in ("", "off", "0"):
        return ""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a clock needs its UTC offset, e.g. 2026-11-27T09:00:00-05:00")
    return moment.isoformat()


def parse_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    return str(value).strip().lower() in _TRUE


PARSERS = {
    "latency_ms": parse_ms,
    "jitter_ms": parse_ms,
    "error_rate": parse_rate,
    "unavailable": parse_flag,
    "rate_limit": parse_rate_limit,
    "malformed_rate": parse_rate,
    "write_then_fail": parse_status,
    "write_error": parse_status,
    "clock": parse_clock,
    "down_after_write": parse_flag,
}


def env_faults() -> Faults:
    values = {}
    for name in FIELDS:
        raw = os.environ.get(f"SANDBOX_{name.upper()}", "")
        if raw.strip() == "":
            continue
        try:
            values[name] = PARSERS[name](raw)
        except (TypeError, ValueError):
            continue  # a malformed knob is simply off
    return Faults(**values)


def runtime_overrides() -> dict:
    row = FaultConfig.objects.filter(pk=1).first()
    if row is None:
        return {}
    return {name: getattr(row, name) for name in FIELDS if getattr(row, name) is not None}


def effective_faults() -> Faults:
    return Faults(**{**env_faults().as_dict(), **runtime_overrides()})


def header_overrides(request) -> dict:
    values = {}
    for name in FIELDS:
        header = "HTTP_X_SANDBOX_" + name.upper()
        if header in request.META:
            try:
                values[name] = PARSERS[name](request.META[header])
            except (TypeError, ValueError):
                continue
    return values


def reset_rate_buckets() -> None:
    RateBucket.objects.all().delete()


def _check_rate(key: str, limit: int) -> tuple[bool, int, int, int]:
    """Count this request in its bucket: (allowed, remaining, reset epoch, retry-after s)."""
    now = time.time()
    with transaction.atomic():
        bucket = RateBucket.objects.filter(key=key).first()
        if bucket is None or now - bucket.window_start >= WINDOW_SECONDS:
            bucket = RateBucket(key=key, window_start=now, count=0)
        allowed = bucket.count < limit
        if allowed:
            bucket.count += 1
        bucket.save()
    ends = bucket.window_start + WINDOW_SECONDS
    retry_after = max(1, math.ceil(ends - now))
    return allowed, max(limit - bucket.count, 0), math.ceil(ends), retry_after


def _key_matches(request) -> bool:
    expected = settings.SANDBOX_API_KEY
    given = request.META.get("HTTP_X_API_KEY", "")
    if not given:
        auth = request.META.get("HTTP_AUTHORIZATION", "")
        if auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def unauthorized(path: str):
    """401 in the shape the documentation shows for that family of endpoints."""
    rest = path[len(API_PREFIX) :]
    if rest.startswith("/customers"):
        return e3(401, "rest_forbidden", "Unauthorized")
    if rest.startswith("/bookings"):
        return e1(401, "unauthorized", "Invalid or missing API Key")
    return e2(401, "unauthorized", "Invalid or missing API key")


def _malformed(response):
    body = response.content
    cut = max(1, len(body) // 2)
    response.content = body[:cut]
    return response


class RequestLog:
    """Every API request this sandbox process received: when, what, and the status it got.

    Read by tests and benchmarks (GET /_sandbox/requests) to count what the front office
    really sent, 429s included. Kept in memory: the sandbox runs as one process.
    """

    LIMIT = 200_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: list[tuple[float, str, str, int]] = []

    def add(self, at: float, method: str, path: str, status: int) -> None:
        with self._lock:
            self._rows.append((at, method, path, status))
            if len(self._rows) > self.LIMIT:
                del self._rows[: len(self._rows) - self.LIMIT]

    def since(self, at: float) -> list[tuple[float, str, str, int]]:
        with self._lock:
            return [row for row in self._rows if row[0] >= at]

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


request_log = RequestLog()


class SandboxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if not path.startswith(API_PREFIX + "/") and path != API_PREFIX:
            return self._serve(request)
        arrived = time.time()
        response = self._serve(request)
        request_log.add(arrived, request.method, path[len(API_PREFIX) :], response.status_code)
        return response

    def _serve(self, request):
        path = request.path
        if path in (FAULTS_PATH, REQUESTS_PATH) or path.startswith(FAULTS_PATH + "/"):
            if not _key_matches(request):
                return e2(401, "unauthorized", "Invalid or missing API key")
            return self.get_response(request)
        if not path.startswith(API_PREFIX + "/") and path != API_PREFIX:
            return self.get_response(request)

        faults = Faults(**{**effective_faults().as_dict(), **header_overrides(request)})

        delay = faults.latency_ms + (random.uniform(0, faults.jitter_ms) if faults.jitter_ms else 0)
        if delay > 0:
            time.sleep(delay / 1000)

        if not _key_matches(request):
            return unauthorized(path)

        rate_headers = {}
        if faults.rate_limit > 0:
            key = SERVER_BUCKET
            if "HTTP_X_SANDBOX_RATE_LIMIT" in request.META:
                scope = request.META.get("HTTP_X_SANDBOX_RATE_KEY", "")
                key = f"header:{faults.rate_limit}:{scope}"[:100]
            allowed, remaining, reset, retry_after = _check_rate(key, faults.rate_limit)
            rate_headers = {
                "X-RateLimit-Limit": str(faults.rate_limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(reset),
            }
            if not allowed:
                response = e1(
                    429,
                    "rate_limit_exceeded",
                    f"Rate limit exceeded: {faults.rate_limit} requests per minute",
                )
                response["Retry-After"] = str(retry_after)
                return _injected(_with_headers(response, rate_headers))

        if faults.unavailable:
            response = e1(503, "latepoint_not_available", "LatePoint plugin is not available")
            return _injected(_with_headers(response, rate_headers))

        if faults.error_rate > 0 and random.random() < faults.error_rate:
            response = e1(500, "server_error", "Internal server error")
            return _injected(_with_headers(response, rate_headers))

        is_write = request.method in ("POST", "PUT", "PATCH", "DELETE")
        if faults.write_error and is_write:
            response = e1(faults.write_error, "server_error", "Internal server error")
            return _injected(_with_headers(response, rate_headers))

        response = self.get_response(request)
        if faults.write_then_fail and is_write and 200 <= response.status_code < 300:
            if faults.down_after_write:
                FaultConfig.objects.update_or_create(pk=1, defaults={"unavailable": True})
            failed = e1(faults.write_then_fail, "server_error", "Internal server error")
            return _injected(_with_headers(failed, rate_headers))
        if (
            faults.malformed_rate > 0
            and 200 <= response.status_code < 300
            and random.random() < faults.malformed_rate
        ):
            response = _malformed(response)
        return _with_headers(response, rate_headers)


def _with_headers(response, headers: dict):
    for name, value in headers.items():
        response[name] = value
    return response


def _injected(response):
    """A fault we answered on purpose: keep it out of Django's error log."""
    response._has_been_logged = True
    return response
