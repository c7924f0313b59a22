"""Per-request count and time of upstream (LatePoint) calls, for the Server-Timing header."""

from __future__ import annotations

import contextvars
import threading
from dataclasses import dataclass, field


@dataclass
class UpstreamMetrics:
    calls: int = 0
    duration_ms: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, duration_ms: float) -> None:
        # Exports and the stats page fetch pages from worker threads that share this object.
        with self._lock:
            self.calls += 1
            self.duration_ms += duration_ms


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
