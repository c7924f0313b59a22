"""The busy day: the Today board and the calendar at 10,000 customers (issue 24, item 6).

Seeds a sandbox with 10,000 customers (about 588 bookings today) and starts it without a rate
limit or latency (only the front office's own time is measured). Then, in this process with
Django's test client (production settings, a new SQLite database, an empty local-memory cache),
signed in as a receptionist: each page once to fill the cache, then `--repeat` renders from the
cache, each timed (the median is the warm figure), as a browser asks (gzip accepted): the bytes
sent, the HTML's size, and upstream calls (Server-Timing).
Optionally profiles one warm render of each (`--profile`).

Prints a table and writes bench/results/busy_day.json. Targets: bench/README.md (warm ≤ 60 ms,
≤ 300 KB). A quick part of the at-scale scenario (bench/at_scale.py), without its sync.

    .venv/bin/python bench/busy_day.py [--customers 10000] [--repeat 15] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import five_desks

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
#: The week calendar (issue 26): every agent's week, and one agent's.
WEEK_PAGES = ("/calendar/?view=week", "/calendar/?view=week&agent=1")
PAGES = ("/", "/calendar/", *WEEK_PAGES)
WARM_MS = 60
#: The week's warm target (its calls, cold and warm, are recorded beside it).
WEEK_WARM_MS = 100
MAX_KB = 300


def _setup_django(workdir: Path, sandbox) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'frontoffice.sqlite3'}"
    os.environ["CACHE_URL"] = "locmemcache://busy-day"
    os.environ["LATEPOINT_API_URL"] = sandbox.base_url
    os.environ["LATEPOINT_API_KEY"] = sandbox.api_key
    os.environ["LATEPOINT_LOG_LEVEL"] = "WARNING"
    os.environ["TIME_ZONE"] = five_desks.TIME_ZONE
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["FRONTOFFICE_DEMO"] = "true"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("demo_users", verbosity=0)


def _render(client, path: str) -> dict:
    """One render as a browser asks for it (gzip accepted): its time, what was sent, the HTML."""
    started = time.perf_counter()
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    ms = (time.perf_counter() - started) * 1000
    sent = response.content
    body = gzip.decompress(sent) if response.get("Content-Encoding") == "gzip" else sent
    return {
        "status": response.status_code,
        "ms": round(ms, 1),
        "kb": round(len(sent) / 1024, 1),
        "html_kb": round(len(body) / 1024, 1),
        "upstream_calls": five_desks._calls(response.get("Server-Timing", "")),
        "rows": body.count(b'id="today-row-')
        + body.count(b'id="cal-booking-')
        + body.count(b'class="week-item week-booking'),
    }


def _profile(client, path: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats("work/main", 40)
    return out.getvalue()


def measure(args, workdir: Path, sandbox) -> dict:
    _setup_django(workdir, sandbox)
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="reception"))
    pages = {}
    for path in PAGES:
        first = _render(client, path)
        warm = [_render(client, path) for _ in range(args.repeat)]
        pages[path] = {
            "first": first,
            "warm_ms": [r["ms"] for r in warm],
            "warm_median_ms": statistics.median(r["ms"] for r in warm),
            "kb": warm[-1]["kb"],
            "html_kb": warm[-1]["html_kb"],
            "rows": warm[-1]["rows"],
            "warm_upstream_calls": max((r["upstream_calls"] or 0) for r in warm),
            "statuses": sorted({r["status"] for r in warm}),
        }
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/?", "-").replace("&", "-").replace("=", "-") or "today"
            (args.dump / f"{name}.html").write_bytes(client.get(path).content)  # not gzipped
        if args.profile:
            print(f"--- {path}\n{_profile(client, path)}")
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--dump", type=Path, help="write each page's HTML into this folder")
    args = parser.parse_args()
    from tests.conftest import start_sandbox, stop_sandbox

    with tempfile.TemporaryDirectory(prefix="frontoffice-busy-day-") as tmp:
        workdir = Path(tmp)
        print(f"Busy day: seeding a sandbox with {args.customers} customers...", flush=True)
        template = five_desks.seed_sandbox(workdir, args.customers)
        data = five_desks.read_data(template)
        sandbox = start_sandbox(template, workdir)
        try:
            pages = measure(args, workdir, sandbox)
        finally:
            stop_sandbox(sandbox)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": "busy-day",
        "customers": args.customers,
        "open_bookings_today": len(data.checkins),
        "load_average": os.getloadavg(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "pages": pages,
    }
    print(f"\n{'page':<32} {'warm ms':>8} {'KB sent':>8} {'HTML KB':>8} {'rows':>5} {'calls':>5}")
    for path, page in pages.items():
        ms = page["warm_ms"]
        print(
            f"{path:<32} {page['warm_median_ms']:>8.1f} {page['kb']:>8.1f} "
            f"{page['html_kb']:>8.1f} {page['rows']:>5} {page['warm_upstream_calls']:>5}  "
            f"(first {page['first']['ms']:.0f} ms and {page['first']['upstream_calls']} calls, "
            f"warm {min(ms):.0f} to {max(ms):.0f})"
        )

    def target(path: str) -> int:
        return WEEK_WARM_MS if path in WEEK_PAGES else WARM_MS

    met = all(
        p["warm_median_ms"] <= target(path) and p["kb"] <= MAX_KB for path, p in pages.items()
    )
    print(
        f"{'met' if met else 'MISSED'}: warm <= {WARM_MS} ms (the week {WEEK_WARM_MS} ms) and "
        f"<= {MAX_KB} KB on every page"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "busy_day.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
