"""Per-request upstream state: calls and time (for Server-Timing), the deadline, stale copies.

- Every HTTP attempt is counted (`record_call`), including those of page walks run in worker
  threads (they copy the request's context).
- `time_left()` is what remains of the request's total upstream deadline (LATEPOINT_DEADLINE):
  the client cuts each attempt's timeout to it and starts no retry past it.
- `note_stale()` remembers that a read was answered from an older copy because LatePoint did
  not answer; the page says so, with the time of the oldest copy it showed.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

#: Why an older copy was shown, from the least to the most worrying (BUSY: LatePoint itself
#: answered 429, too many requests for the key).
HELD_BACK, BUSY, SLOW, DOWN = "held back", "busy", "slow", "down"
CAUSES = (HELD_BACK, BUSY, SLOW, DOWN)


@dataclass
class UpstreamMetrics:
    """Calls made upstream while serving one request, and the time spent waiting on them.

    The stats page and exports fetch pages in parallel, so the waiting time is the wall-clock
    time covered by at least one call (the union of their intervals), not the sum of durations.
    """

    calls: int = 0
    #: time.monotonic() after which no upstream attempt starts (None: no deadline).
    deadline: float | None = None
    #: Epoch seconds of the oldest stale copy shown (None: everything shown is fresh).
    stale_since: float | None = None
    #: Why a copy was shown, the worst of them: HELD_BACK < BUSY < SLOW < DOWN.
    stale_cause: str = ""
    _intervals: list[tuple[float, float]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, duration_ms: float, *, ended_at: float | None = None) -> None:
        end = time.perf_counter() if ended_at is None else ended_at
        with self._lock:
            self.calls += 1
            self._intervals.append((end - duration_ms / 1000, end))

    def note_stale(self, fetched_at: float, cause: str = "") -> None:
        with self._lock:
            if self.stale_since is None or fetched_at < self.stale_since:
                self.stale_since = fetched_at
            cause = cause or DOWN
            if not self.stale_cause or CAUSES.index(cause) > CAUSES.index(self.stale_cause):
                self.stale_cause = cause

    @property
    def duration_ms(self) -> float:
        with self._lock:
            intervals = sorted(self._intervals)
        total = 0.0
        covered_until = float("-inf")
        for start, end in intervals:
            if end <= covered_until:
                continue
            total += end - max(start, covered_until)
            covered_until = end
        return total * 1000


_current: contextvars.ContextVar[UpstreamMetrics | None] = contextvars.ContextVar(
    "upstream_metrics", default=None
)


def begin(deadline_seconds: float | None = None) -> tuple[UpstreamMetrics, contextvars.Token]:
    deadline = None if deadline_seconds is None else time.monotonic() + deadline_seconds
    metrics = UpstreamMetrics(deadline=deadline)
    return metrics, _current.set(metrics)


def end(token: contextvars.Token) -> None:
    _current.reset(token)


def current() -> UpstreamMetrics | None:
    """The metrics of the request being served; worker threads get it via copy_context()."""
    return _current.get()


def record_call(duration_ms: float) -> None:
    """Called by the client hook once per HTTP attempt made upstream."""
    metrics = _current.get()
    if metrics is not None:
        metrics.record(duration_ms)


_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("upstream_writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Calls made inside are a write's own (the check before sending, the write, the
    read-back): the key's budget gives its reads a write's place, not a read's
    (`upstream.budget`), so a form sent is never refused for the reads the desks made."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def is_writing() -> bool:
    return _writing.get()


@contextmanager
def reserving(seconds: float) -> Iterator[None]:
    """Calls made inside leave `seconds` of the request's deadline for what comes after them
    (a write's read-back, should its answer be lost)."""
    metrics = _current.get()
    if metrics is None or metrics.deadline is None:
        yield
        return
    saved = metrics.deadline
    metrics.deadline = saved - seconds
    try:
        yield
    finally:
        metrics.deadline = saved


def time_left() -> float | None:
    """Seconds left before the current request's upstream deadline (None: no deadline)."""
    metrics = _current.get()
    if metrics is None or metrics.deadline is None:
        return None
    return metrics.deadline - time.monotonic()


def note_stale(fetched_at: float, cause: str = "") -> None:
    """A read was answered from an older copy, because of `cause` (HELD_BACK: the front office
    kept the call back to stay within the key's budget; BUSY: LatePoint answered 429; SLOW:
    LatePoint did not answer in the page's time; DOWN: it failed)."""
    metrics = _current.get()
    if metrics is not None:
        metrics.note_stale(fetched_at, cause)
