"""One request budget per LatePoint API key, shared by every process of the front office.

A live key allows LATEPOINT_RATE_LIMIT requests a minute (60 by default) for every desk
together. Every HTTP attempt the client makes first takes a place in the budget
(`before_attempt`, the client's hook); a request the budget cannot take is never sent, so
LatePoint is never asked for what it would refuse.

- The count is a sliding minute: at most `usable` sends in any 60 seconds, a safety margin
  below the key's limit.
- Interactive reads and writes (a desk waiting on a page) may use the whole of it; background
  work (badges, the readiness probe), run inside `background()`, only takes what leaves the
  desks' reserve (LATEPOINT_INTERACTIVE_RESERVE, three quarters by default) free, one call at
  a time spread over the minute, and never waits.
- An export's page walk, run inside `bulk()`, brings the count up to half of `usable` at most
  (the desks always keep the other half) and never waits: the export waits and asks again.
- A 429 from LatePoint (`note_call`, the client's on_call hook) stops every process until its
  Retry-After.
- A refused interactive request waits for a place while the page's deadline allows, unless
  the caller has something to show instead (`no_wait()`); otherwise it raises
  `BudgetExhausted` with the seconds until a place frees up.

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
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from frontoffice import upstream_metrics
from latepoint.client import CallRecord
from latepoint.errors import BudgetExhausted

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
BULK = "bulk"

_priority: contextvars.ContextVar[str] = contextvars.ContextVar(
    "budget_priority", default=INTERACTIVE
)
_may_wait: contextvars.ContextVar[bool] = contextvars.ContextVar("budget_may_wait", default=True)


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
    """Calls made inside are refused at once when the budget is spent (a copy can be shown)."""
    return _setting(_may_wait, False)


def priority() -> str:
    return _priority.get()


def take_share(name: str, limit: int) -> None:
    """A place among `limit` in any 60 seconds for the work called `name`, else BudgetExhausted.

    On top of the key's budget, which each call still takes: the booking sync caps itself so
    at a third of the key's rate, whatever LATEPOINT_INTERACTIVE_RESERVE says.
    """
    allowed, wait = _take(max(int(limit), 1), suffix=f":share:{name}")
    if not allowed:
        raise BudgetExhausted(retry_after=math.ceil(wait))


@dataclass(frozen=True)
class Limits:
    rate: int  # the key's requests a minute
    usable: int  # what the front office sends at most in any minute
    background: int  # what background work may bring the count up to
    bulk: int  # what an export's page walk may bring the count up to

    @classmethod
    def from_settings(cls) -> Limits:
        rate = max(int(settings.LATEPOINT_RATE_LIMIT), 1)
        margin = max(math.ceil(rate * 0.1), 1) if rate > 2 else 0
        usable = max(rate - margin, 1)
        reserve = math.ceil(usable * settings.LATEPOINT_INTERACTIVE_RESERVE)
        background = max(usable - reserve, 1)
        return cls(
            rate=rate, usable=usable, background=background, bulk=max(usable // 2, background)
        )


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

    Background work is also paced: one call every 60/`background` seconds at most, so a cold
    Today board's badges trickle in instead of taking the minute's places in a burst.
    """
    limits = Limits.from_settings()
    background_work = _priority.get() == BACKGROUND
    if background_work:
        allowed, wait = _take(1, suffix=PACE, window=WINDOW_SECONDS / limits.background)
        if not allowed:
            raise BudgetExhausted(retry_after=math.ceil(wait))
    bulk_work = _priority.get() == BULK
    limit = limits.background if background_work else limits.bulk if bulk_work else limits.usable
    while True:
        allowed, wait = _take(limit)
        if allowed:
            return
        wait = max(wait, 0.05)
        left = upstream_metrics.time_left()
        if left is None:
            left = float(settings.LATEPOINT_DEADLINE)
        if background_work or bulk_work or not _may_wait.get() or wait >= left - 0.5:
            logger.info("budget: %s %s not sent (place free in %.1f s)", method, path, wait)
            raise BudgetExhausted(retry_after=math.ceil(wait))
        time.sleep(min(wait, MAX_NAP_SECONDS))


def note_call(record: CallRecord) -> None:
    """After each attempt: a 429 stops every process until LatePoint's Retry-After."""
    if record.status != 429:
        return
    now = time.time()
    seconds = record.retry_after if record.retry_after is not None else DEFAULT_BLOCK_SECONDS
    until = now + max(float(seconds), 1.0)
    logger.warning("LatePoint answered 429: no request is sent for %.0f s", until - now)
    _block(until)
