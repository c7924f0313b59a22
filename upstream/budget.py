"""One request budget per LatePoint API key, shared by every process of the front office.

A live key allows LATEPOINT_RATE_LIMIT requests a minute (60 by default) for every desk
together. Every HTTP attempt the client makes first takes a place in the budget
(`before_attempt`, the client's hook); a request the budget cannot take is never sent, so
LatePoint is never asked for what it would refuse.

The count is a sliding minute: at most `usable` sends in any 60 seconds, a safety margin below
the key's limit. Each call counts in one of three classes, said at the call
(`upstream.gateway.api(priority=...)`, `walk(priority=...)`), and each class may bring the
count only up to its own line, so a lower class only ever takes what the ones above leave:

- **Desk** (INTERACTIVE): pages a desk is waiting on, and every write. Reads stop a few places
  short of `usable` (the write reserve), so a write always finds a place while reads hold the
  budget; writes may use all of it, their own reads too (`upstream.metrics.writing()`). A
  refused desk request waits for a place while the page's deadline allows; one with an older
  copy to show waits a few seconds at most (`wait_briefly()`), then shows the copy.
- **Manager**: the bookings list as a manager reads it (MANAGER) counts as a desk page but
  the class takes half of `usable` at most in any minute; an export's page walk (BULK) only
  brings the count up to half of `usable` (the desks always keep the other half) and never
  waits: the export waits and asks again.
- **Background** (BACKGROUND): the booking history sync and the readiness probe: what leaves
  the desks' reserve (LATEPOINT_INTERACTIVE_RESERVE, three quarters by default) free, one call
  at a time spread over the minute, never waiting. On a quiet key (no desk or manager call for
  QUIET_SECONDS) it may take the idle budget, up to all but DESK_FLOOR of it, and it steps back
  to its share the moment a desk asks for anything.

A 429 from LatePoint (`note_call`, the client's on_call hook) stops every process until its
Retry-After.

Where the state lives: Redis when the cache is Redis (one Lua script, atomic), else the
database (`UpstreamBudget`, changed under the row lock or SQLite's write lock).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from latepoint.client import CallRecord
from latepoint.errors import BudgetExhausted
from upstream import metrics as upstream_metrics

logger = logging.getLogger("frontoffice")

WINDOW_SECONDS = 60.0
#: When LatePoint says 429 without saying how long to wait.
DEFAULT_BLOCK_SECONDS = 60.0
#: Longest single sleep while waiting for a place (the loop checks again after it).
MAX_NAP_SECONDS = 1.0

#: The key suffix of the background pacing log.
PACE = ":pace"

INTERACTIVE = "interactive"
BACKGROUND = "background"
MANAGER = "manager"
#: An export's page walk: manager work that only takes what the desks leave.
BULK = "bulk"
#: Seconds without a desk or manager call after which background work may use the idle budget.
QUIET_SECONDS = 20.0
#: The share of `usable` background work leaves free even on a quiet key: what a desk or a
#: manager that starts working finds at once (the window then drains as the sync steps back).
DESK_FLOOR = 0.25
#: The key suffix of the last desk or manager call's time.
BUSY = ":busy"

_priority: contextvars.ContextVar[str] = contextvars.ContextVar(
    "budget_priority", default=INTERACTIVE
)
#: How long a refused desk call may wait for a place (None: while the page's deadline allows).
_may_wait: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "budget_may_wait", default=None
)
#: How long a desk read that has an older copy to show waits for a place before showing it:
#: a place frees up every second or so on a busy key, so a short wait mostly brings the fresh
#: answer, and the desk is never kept long for what it can see already.
COPY_WAIT_SECONDS = 8.0


@contextmanager
def _setting(var: contextvars.ContextVar, value) -> Iterator[None]:
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def background():
    """Calls made inside take only what the desks leave, and never wait for a place."""
    return _setting(_priority, BACKGROUND)


def bulk():
    """Calls made inside (an export's page walk) bring the count up to half the budget at most,
    so desks always keep the other half, unpaced, and never wait: the caller waits and asks
    again."""
    return _setting(_priority, BULK)


def no_wait():
    """Calls made inside are refused at once when the budget is spent."""
    return _setting(_may_wait, 0.0)


def wait_briefly(seconds: float = COPY_WAIT_SECONDS):
    """Calls made inside wait `seconds` at most for a place, then are refused (an older copy
    can be shown instead)."""
    return _setting(_may_wait, max(float(seconds), 0.0))


def priority() -> str:
    return _priority.get()


def work_of(priority: str | None):
    """Calls made inside count as `priority`'s (INTERACTIVE, BACKGROUND or BULK); None keeps
    the class the caller is in."""
    if priority is None:
        return nullcontext()
    if priority not in (INTERACTIVE, BACKGROUND, MANAGER, BULK):
        raise ValueError(f"no budget class {priority!r}")
    return _setting(_priority, priority)


def take_share(name: str, limit: int) -> None:
    """A place among `limit` in any 60 seconds for the work called `name`, else BudgetExhausted.

    On top of the key's budget, which each call still takes: the booking sync caps itself so
    at a third of the key's rate, whatever LATEPOINT_INTERACTIVE_RESERVE says.
    """
    allowed, wait = _take(max(int(limit), 1), suffix=f":share:{name}")
    if not allowed:
        raise _refused(wait)


@dataclass(frozen=True)
class Limits:
    rate: int  # the key's requests a minute
    usable: int  # what the front office sends at most in any minute
    background: int  # what background work may bring the count up to
    bulk: int  # what manager work (an export's page walk) may bring the count up to
    reads: int  # what desk reads may bring the count up to (writes: `usable`)
    idle: int  # what background work may bring the count up to on a quiet key

    @classmethod
    def from_settings(cls) -> Limits:
        rate = max(int(settings.LATEPOINT_RATE_LIMIT), 1)
        margin = max(math.ceil(rate * 0.1), 1) if rate > 2 else 0
        usable = max(rate - margin, 1)
        reserve = math.ceil(usable * settings.LATEPOINT_INTERACTIVE_RESERVE)
        background = max(usable - reserve, 1)
        # The write reserve holds a whole write: its check before sending, then the write.
        writes = min(max(math.ceil(usable * 0.05), 2), usable - 1) if usable > 2 else 0
        return cls(
            rate=rate,
            usable=usable,
            background=background,
            bulk=max(usable // 2, background),
            reads=usable - writes,
            idle=max(usable - math.ceil(usable * DESK_FLOOR), background),
        )

    @property
    def manager(self) -> int:
        return self.bulk


def _budget_key() -> str:
    raw = f"{settings.LATEPOINT_API_URL}\n{settings.LATEPOINT_API_KEY}"
    return "budget:" + hashlib.sha256(raw.encode()).hexdigest()[:24]


# --- storage ---------------------------------------------------------------------------------
#
# The budget lives where the cache lives, so it is shared exactly as widely: Redis for a Redis
# cache, the database for the database cache (the default), this process for a local-memory
# cache (one process only, as in the test suite).


def _backend() -> str:
    module = caches["default"].__class__.__module__
    if module == "django.core.cache.backends.redis":
        return "redis"
    if module == "django.core.cache.backends.locmem":
        return "process"
    return "database"


_REDIS_TAKE = """
local log_key, block_key = KEYS[1], KEYS[2]
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local blocked = tonumber(redis.call('GET', block_key) or '0')
if blocked > now then return {0, tostring(blocked - now)} end
redis.call('ZREMRANGEBYSCORE', log_key, '-inf', now - window)
local count = redis.call('ZCARD', log_key)
if count < limit then
  redis.call('ZADD', log_key, now, ARGV[4])
  redis.call('EXPIRE', log_key, math.ceil(window) + 1)
  return {1, '0'}
end
local oldest = redis.call('ZRANGE', log_key, count - limit, count - limit, 'WITHSCORES')
return {0, tostring(tonumber(oldest[2]) + window - now)}
"""

_REDIS_BLOCK = """
local until_ = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil((until_ - tonumber(ARGV[2])) * 1000) + 1)
end
return 1
"""


def _redis():
    return caches["default"]._cache.get_client(None, write=True)


def _take_redis(key: str, limit: int, now: float, window: float) -> tuple[bool, float]:
    member = f"{now:.6f}:{time.perf_counter_ns()}"
    allowed, wait = _redis().eval(
        _REDIS_TAKE, 2, key + ":log", key + ":blocked", now, window, limit, member
    )
    return bool(int(allowed)), float(wait)


def _block_redis(key: str, until: float, now: float) -> None:
    _redis().eval(_REDIS_BLOCK, 1, key + ":blocked", until, now)


def _decide(sent: list[float], blocked_until: float, limit: int, now: float, window: float):
    """(allowed, seconds to wait, the send log to keep) for one request at `now`."""
    if blocked_until > now:
        return False, blocked_until - now, sent
    sent = [t for t in sent if t > now - window]
    if len(sent) >= limit:
        return False, sent[len(sent) - limit] + window - now, sent
    return True, 0.0, [*sent, now]


def _take_db(key: str, limit: int, now: float, window: float) -> tuple[bool, float]:
    from frontoffice.models import UpstreamBudget

    with transaction.atomic():
        row, _ = UpstreamBudget.objects.select_for_update().get_or_create(key=key)
        sent = [float(t) for t in row.log.split()]
        allowed, wait, sent = _decide(sent, row.blocked_until, limit, now, window)
        if allowed:
            row.log = " ".join(f"{t:.3f}" for t in sent)
            row.save(update_fields=["log"])
        return allowed, wait


def _block_db(key: str, until: float) -> None:
    from frontoffice.models import UpstreamBudget

    with transaction.atomic():
        row, _ = UpstreamBudget.objects.select_for_update().get_or_create(key=key)
        if until > row.blocked_until:
            row.blocked_until = until
            row.save(update_fields=["blocked_until"])


_local_lock = threading.Lock()
_local: dict[str, tuple[list[float], float]] = {}


def _take_process(key: str, limit: int, now: float, window: float) -> tuple[bool, float]:
    with _local_lock:
        sent, blocked_until = _local.get(key, ([], 0.0))
        allowed, wait, sent = _decide(sent, blocked_until, limit, now, window)
        _local[key] = (sent, blocked_until)
        return allowed, wait


def _block_process(key: str, until: float) -> None:
    with _local_lock:
        sent, blocked_until = _local.get(key, ([], 0.0))
        _local[key] = (sent, max(blocked_until, until))


def _take(limit: int, *, suffix: str = "", window: float = WINDOW_SECONDS) -> tuple[bool, float]:
    now = time.time()
    key = _budget_key() + suffix
    backend = _backend()
    if backend == "redis":
        return _take_redis(key, limit, now, window)
    if backend == "process":
        return _take_process(key, limit, now, window)
    return _take_db(key, limit, now, window)


def _block(until: float) -> None:
    backend = _backend()
    if backend == "redis":
        _block_redis(_budget_key(), until, time.time())
    elif backend == "process":
        _block_process(_budget_key(), until)
    else:
        _block_db(_budget_key(), until)


def reset() -> None:
    """Forget this key's budget (tests and the sandbox demo only)."""
    from frontoffice.models import UpstreamBudget

    caches["state"].delete(_budget_key() + BUSY)
    backend = _backend()
    if backend == "redis":
        keys = _redis().keys(_budget_key() + ":*")
        if keys:
            _redis().delete(*keys)
    elif backend == "process":
        with _local_lock:
            _local.clear()
    else:
        UpstreamBudget.objects.filter(key__startswith=_budget_key()).delete()


# --- the client's hooks ----------------------------------------------------------------------


def before_attempt(method: str, path: str) -> None:
    """Take a place for one HTTP attempt, waiting for one if allowed; else BudgetExhausted.

    Background work is also paced: one call every 60/`background` seconds at most (every
    60/`idle` on a quiet key), so its calls trickle in instead of taking the minute's places
    in a burst.
    """
    limits = Limits.from_settings()
    work = _priority.get()
    if work == BACKGROUND:
        limit = limits.idle if desks_quiet() else limits.background
        allowed, wait = _take(1, suffix=PACE, window=WINDOW_SECONDS / limit)
        if not allowed:
            raise _refused(wait)
    else:
        _note_busy()
        if work == MANAGER:
            # A manager's page: as a desk's, but the manager class takes half the key at most.
            take_share(MANAGER, limits.bulk)
        writing = method.upper() not in ("GET", "HEAD") or upstream_metrics.is_writing()
        limit = limits.bulk if work == BULK else limits.usable if writing else limits.reads
    started = time.monotonic()
    while True:
        allowed, wait = _take(limit)
        if allowed:
            return
        wait = max(wait, 0.05)
        left = upstream_metrics.time_left()
        if left is None:
            left = float(settings.LATEPOINT_DEADLINE)
        most = _may_wait.get()
        if most is not None:
            left = min(left, most - (time.monotonic() - started) + 0.5)
        if work in (BACKGROUND, BULK) or wait >= left - 0.5:
            logger.info("budget: %s %s not sent (place free in %.1f s)", method, path, wait)
            raise _refused(wait)
        time.sleep(min(wait, MAX_NAP_SECONDS))


def _refused(wait: float) -> BudgetExhausted:
    """The error for a call not sent: Retry-After in whole seconds, the exact wait beside it
    (the sync's pacing sleeps just that long)."""
    return BudgetExhausted(retry_after=math.ceil(wait), wait_seconds=max(float(wait), 0.0))


def _note_busy() -> None:
    caches["state"].set(_budget_key() + BUSY, time.time(), int(QUIET_SECONDS) + 60)


def desks_quiet() -> bool:
    """No desk or manager call for QUIET_SECONDS: background work may use the idle budget."""
    last = caches["state"].get(_budget_key() + BUSY)
    return last is None or time.time() - float(last) >= QUIET_SECONDS


def note_call(record: CallRecord) -> None:
    """After each attempt: a 429 stops every process until LatePoint's Retry-After."""
    if record.status != 429:
        return
    now = time.time()
    seconds = record.retry_after if record.retry_after is not None else DEFAULT_BLOCK_SECONDS
    until = now + max(float(seconds), 1.0)
    logger.warning("LatePoint answered 429: no request is sent for %.0f s", until - now)
    _block(until)
