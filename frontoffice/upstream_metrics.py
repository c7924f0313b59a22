"""Per-request count and time of upstream (LatePoint) calls, for the Server-Timing header."""

from __future__ import annotations

import contextvars
import threading
import time
from dataclasses import dataclass, field


@dataclass
class UpstreamMetrics:
    """Calls made upstream while serving one request, and the time spent waiting on them.

    The stats page and exports fetch pages in parallel, so the waiting time is the wall-clock
    time covered by at least one call (the union of their intervals), not the sum of durations.
    """

    calls: int = 0
    _intervals: list[tuple[float, float]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, duration_ms: float, *, ended_at: float | None = None) -> None:
        end = time.perf_counter() if ended_at is None else ended_at
        with self._lock:
            self.calls += 1
            self._intervals.append((end - duration_ms / 1000, end))

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


def begin() -> tuple[UpstreamMetrics, contextvars.Token]:
    metrics = UpstreamMetrics()
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
