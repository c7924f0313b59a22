"""The first 90 days of the booking history at 10,000 customers, on a quiet 60/min key.

Seeds a sandbox with 10,000 customers and starts it as a live key (SANDBOX_RATE_LIMIT=60,
SANDBOX_LATENCY_MS=150); migrates a new front-office database and starts the background worker
(`manage.py run_huey`, LATEPOINT_RATE_LIMIT=60) with no desk at work, so the sync may use the
idle budget. Every 15 s it reads how much of the last 90 days the history holds
(`history.services.history_coverage`), until they are all held or `--timeout-minutes` pass.
Reports the minutes taken, the calls LatePoint received in each minute (and the most in any
60 s) and the 429s it sent; writes bench/results/first_ninety_days.json. Target (issue 24):
within 20 minutes.

    .venv/bin/python bench/first_ninety_days.py [--timeout-minutes 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import at_scale
import five_desks

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_MINUTES = 20
DAYS = 90


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--timeout-minutes", type=float, default=30)
    args = parser.parse_args()
    from tests.conftest import start_sandbox, stop_sandbox

    with tempfile.TemporaryDirectory(prefix="frontoffice-ninety-") as tmp:
        workdir = Path(tmp)
        print(f"Seeding a sandbox with {args.customers} customers...", flush=True)
        template = five_desks.seed_sandbox(workdir, args.customers)
        sandbox = start_sandbox(
            template,
            workdir,
            SANDBOX_LATENCY_MS=str(args.latency_ms),
            SANDBOX_RATE_LIMIT=str(five_desks.RATE_LIMIT),
        )
        worker = None
        try:
            env = at_scale._env(workdir, sandbox)
            at_scale._manage(env, "migrate", "--noinput", "-v0").wait()
            at_scale._setup_django(workdir, sandbox)
            from history.services import history_coverage

            today = datetime.now(five_desks.ZoneInfo(five_desks.TIME_ZONE)).date()
            start = today - timedelta(days=DAYS - 1)
            for method, path in (("DELETE", "/_sandbox/faults"), ("DELETE", "/_sandbox/requests")):
                status, body = sandbox.request(method, path)
                assert status == 200, body
            log = workdir / "worker.log"
            t0 = time.time()
            worker = at_scale._manage(env, "run_huey", log=log)
            print(f"The worker syncs on a quiet key from {datetime.now():%H:%M:%S}...", flush=True)
            progress = []
            done_at = None
            while time.time() - t0 < args.timeout_minutes * 60:
                time.sleep(15)
                coverage = history_coverage(start=start, end=today)
                minute = round((time.time() - t0) / 60, 2)
                progress.append((minute, coverage.percent))
                print(f"  {minute:5.1f} min: the last {DAYS} days {coverage.percent}% held")
                if coverage.complete:
                    done_at = minute
                    break
            upstream = sandbox.requests_since(t0 - 1)
        finally:
            if worker is not None:
                at_scale._stop(worker)
                shutil.copy(log, RESULTS / "first_ninety_days_worker.log")
            stop_sandbox(sandbox)
    traffic = at_scale.traffic(upstream, t0)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "customers": args.customers,
        "latency_ms": args.latency_ms,
        "load_average": os.getloadavg(),
        "minutes_to_90_days": done_at,
        "progress": progress,
        **traffic,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "progress"}, indent=1, default=str))
    met = done_at is not None and done_at <= TARGET_MINUTES
    print(f"{'met' if met else 'MISSED'}: the last {DAYS} days held within {TARGET_MINUTES} min")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "first_ninety_days.json").write_text(json.dumps(result, indent=2, default=str))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
