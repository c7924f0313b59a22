"""Server-Timing's upstream time is wall-clock waiting, so parallel calls are not double-counted."""

import pytest

from upstream.metrics import UpstreamMetrics


def test_sequential_calls_add_up():
    metrics = UpstreamMetrics()
    metrics.record(100, ended_at=1.0)  # 0.9 -> 1.0
    metrics.record(50, ended_at=2.0)  # 1.95 -> 2.0
    assert metrics.calls == 2
    assert metrics.duration_ms == pytest.approx(150)


def test_overlapping_calls_count_once():
    metrics = UpstreamMetrics()
    # Four pages fetched in parallel, each taking 200 ms, started within 50 ms of each other.
    for ended_at in (1.20, 1.21, 1.23, 1.25):
        metrics.record(200, ended_at=ended_at)
    assert metrics.calls == 4
    assert metrics.duration_ms == pytest.approx(250)


def test_no_calls_no_time():
    assert UpstreamMetrics().duration_ms == 0
