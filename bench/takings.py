"""The day's takings for a busy day: 600 payments (issue 25).

Seeds a sandbox (`--customers`, 1,000 by default) and tops one past day (yesterday) up to
`--payments` payments (600) in its database: captures by cash, card and other on that day's
bookings' orders, with about one refund in twenty and a few failed card attempts. Starts it
without a rate limit or latency, so only the front office's own time is measured. Then, in this
process with Django's test client (production settings, a new SQLite database, an empty
local-memory cache), the booking history copies that day's week and the reference lists (as
the background sync would have), and a receptionist opens `/takings/?date=<that day>`: once
with an empty read cache (cold: its calls, counted by the sandbox and by Server-Timing), then
`--repeat` times from the cache (warm: the median is the figure; calls must be 0). The page
must list every payment of the day.

Targets (bench/README.md): cold at most 2 calls, warm 0 calls and at most 100 ms.

Prints a table and writes bench/results/takings.json.

    .venv/bin/python bench/takings.py [--customers 2000] [--payments 600] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import busy_day
import five_desks

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
COLD_CALLS = 2
WARM_MS = 100
METHODS = ("cash", "credit_card", "credit_card", "other")


def top_up_payments(db_path: Path, day: date, wanted: int, *, seed: int = 25) -> int:
    """Add payments dated `day` to the sandbox's database until it has `wanted`; returns how
    many the day has then (created_at is naive UTC text there)."""
    zone = ZoneInfo(five_desks.TIME_ZONE)
    start = datetime.combine(day, datetime.min.time(), zone)

    def utc(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

    rng = random.Random(seed)
    conn = sqlite3.connect(db_path)
    try:
        window = (utc(start), utc(start + timedelta(days=1)))
        (have,) = conn.execute(
            "SELECT COUNT(*) FROM sandbox_payment WHERE created_at >= ? AND created_at < ?", window
        ).fetchone()
        orders = conn.execute(
            "SELECT order_id, customer_id FROM sandbox_booking WHERE start_date <= ? "
            "AND order_id IS NOT NULL ORDER BY start_date DESC, id LIMIT 2000",
            (day.isoformat(),),
        ).fetchall()
        rows = []
        for number in range(max(wanted - have, 0)):
            order_id, customer_id = orders[number % len(orders)]
            moment = start + timedelta(hours=8, seconds=rng.randrange(11 * 3600))
            kind = "refund" if rng.random() < 0.05 else "capture"
            status = "failed" if kind == "capture" and rng.random() < 0.02 else "succeeded"
            amount = f"{rng.randrange(15, 160)}.{rng.choice(('00', '50', '25'))}"
            receipt = f"R-BENCH-{number:05d}" if kind == "capture" else ""
            rows.append(
                (
                    "",
                    order_id,
                    customer_id,
                    "manual",
                    rng.choice(METHODS),
                    "full",
                    kind,
                    amount,
                    status,
                    "",
                    receipt,
                    f"bench{number}",
                    utc(moment),
                    utc(moment),
                )
            )
        conn.executemany(
            "INSERT INTO sandbox_payment (token, order_id, customer_id, processor, "
            "payment_method, payment_portion, kind, amount, status, notes, receipt_number, "
            "access_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.commit()
        (total,) = conn.execute(
            "SELECT COUNT(*) FROM sandbox_payment WHERE created_at >= ? AND created_at < ?", window
        ).fetchone()
        return total
    finally:
        conn.close()


def _copy_history(day: date) -> None:
    """What the background sync would hold: the day's week (bookings and payments) and the
    agents, services and locations lists."""
    from history import sync
    from history.walks import refresh_reference

    result = sync.sync_pass(within=(day, day))
    if not result.complete:
        raise RuntimeError(f"the history sync did not finish: {result}")
    refresh_reference(sync.state_get())


def measure(args, workdir: Path, sandbox, day: date) -> dict:
    busy_day._setup_django(workdir, sandbox)
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    _copy_history(day)
    client = Client()
    client.force_login(User.objects.get(username="reception"))
    path = f"/takings/?date={day.isoformat()}"
    cache.clear()
    since = time.time()
    cold = busy_day._render(client, path)
    sent = [r for r in sandbox.requests_since(since)]
    body = client.get(path).content
    warm = [busy_day._render(client, path) for _ in range(args.repeat)]
    return {
        "path": path,
        "cold": cold,
        "cold_calls_seen_by_latepoint": [f"{r[1]} {r[2]}" for r in sent],
        "warm_ms": [r["ms"] for r in warm],
        "warm_median_ms": statistics.median(r["ms"] for r in warm),
        "warm_upstream_calls": max((r["upstream_calls"] or 0) for r in warm),
        "kb": warm[-1]["kb"],
        "html_kb": warm[-1]["html_kb"],
        "rows": body.count(b'<tr id="payment-'),
        "statuses": sorted({r["status"] for r in warm}),
    }


def run(args) -> int:
    from tests.conftest import start_sandbox, stop_sandbox

    day = datetime.now(ZoneInfo(five_desks.TIME_ZONE)).date() - timedelta(days=1)
    with tempfile.TemporaryDirectory(prefix="frontoffice-takings-") as tmp:
        workdir = Path(tmp)
        print(f"Takings: seeding a sandbox with {args.customers} customers...", flush=True)
        template = five_desks.seed_sandbox(workdir, args.customers)
        payments = top_up_payments(template, day, args.payments)
        print(f"{payments} payments dated {day}.", flush=True)
        sandbox = start_sandbox(template, workdir)
        try:
            page = measure(args, workdir, sandbox, day)
        finally:
            stop_sandbox(sandbox)
    cold_calls = page["cold"]["upstream_calls"]
    met = (
        cold_calls is not None
        and cold_calls <= COLD_CALLS
        and len(page["cold_calls_seen_by_latepoint"]) == cold_calls
        and page["warm_upstream_calls"] == 0
        and page["warm_median_ms"] <= WARM_MS
        and page["rows"] == payments
    )
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": "takings",
        "customers": args.customers,
        "day": day.isoformat(),
        "payments": payments,
        "load_average": os.getloadavg(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "page": page,
        "met": met,
    }
    ms = page["warm_ms"]
    print(f"\n{'page':<30} {'cold calls':>10} {'warm calls':>10} {'warm ms':>8} {'rows':>5}")
    print(
        f"{page['path']:<30} {cold_calls!s:>10} {page['warm_upstream_calls']:>10} "
        f"{page['warm_median_ms']:>8.1f} {page['rows']:>5}  (cold {page['cold']['ms']:.0f} ms: "
        f"{', '.join(page['cold_calls_seen_by_latepoint'])}; warm {min(ms):.0f} to "
        f"{max(ms):.0f} ms; {page['kb']} KB sent, {page['html_kb']} KB of HTML)"
    )
    print(
        f"{'met' if met else 'MISSED'}: {payments} payments listed, cold <= {COLD_CALLS} calls, "
        f"warm 0 calls and <= {WARM_MS} ms"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "takings.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if met else 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--payments", type=int, default=600, help="takings: payments in the day")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
