"""At 10,000 customers: the first booking sync, the stats from the local history, an export.

Seeds a sandbox with 10,000 customers (about 160,000 bookings over 20 months) and starts it
with SANDBOX_LATENCY_MS=150 and SANDBOX_RATE_LIMIT=60; starts the front office as `make run`
does (gunicorn.conf.py, 3 workers, demo mode, a new SQLite file with the default database
cache, LATEPOINT_RATE_LIMIT=60). Then, one after the other:

1. Live key: the background worker (`manage.py run_huey`) starts the first sync while scripted
   receptionists (bench/five_desks.py's desks: the board, searches, profiles, bookings,
   check-ins, refreshes) work for `--window-minutes`. The sync's calls come from the worker's
   log, everything LatePoint received from the sandbox's request log.
2. First sync: the rest of the first copy with `manage.py sync_bookings --once`, the key and
   the sandbox raised to `--sync-rate` requests a minute (a 60/min key would take hours), and
   the sync's calls in any 60 s compared with its share (`history.sync.share_limit()`) and a
   third of that rate.
3. Stats: `/stats/?period=90d` rendered in this process with Django's test client (production
   settings, the synced database, an empty local-memory cache): the process's first render,
   `--stats-repeat` more (warm: the median), then three on an emptied cache (cold: the
   median), upstream calls from Server-Timing, and the process's peak memory; then the same
   page through gunicorn, and its workers' memory.
4. Export: back to 60 requests a minute, a manager asks for the CSV of every customer
   (POST /exports/start/), the worker writes it, and the export's page is polled every second
   as a browser does; the file is downloaded and its rows counted.
5. The busy day (bench/busy_day.py, in a process of its own): the Today board and the
   calendar of the day's 588 bookings, warm, their app time and bytes sent.
6. The first 90 days on a quiet key (bench/first_ninety_days.py, in a process of its own): the
   background worker alone on a new history and a 60/min key, until the last 90 days are held.

`--parts` runs some of these: `main` (1 to 4), `busy-day` (5), `ninety` (6); all by default.

Prints a report and writes bench/results/at_scale.json (the logs in bench/results/at_scale_*).
Targets: bench/README.md.

    .venv/bin/python bench/run.py --scenario at-scale [--window-minutes 3] [--window-desks 1]
    .venv/bin/python bench/at_scale.py                 # the same, on its own
    .venv/bin/python bench/at_scale.py --parts busy-day,ninety
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import busy_day
import first_ninety_days
import five_desks

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
KEY_RATE = 60  # a live key's requests a minute (the sandbox's and LATEPOINT_RATE_LIMIT)
MANAGER = ("manager", "manager-demo")

#: Targets (bench/README.md).
STATS_COLD_MS = 500
STATS_WARM_MS = 100
WORKER_MB = 150
STATS_PATH = "/stats/?period=90d"
#: Renders on an emptied cache (the median is the cold figure).
COLD_RENDERS = 3


#: This scenario's own options (add_arguments).
ARGUMENTS = (
    "scale_customers",
    "window_minutes",
    "window_desks",
    "quiet_minutes",
    "sync_rate",
    "stats_repeat",
    "parts",
)
#: What `--parts` may name: steps 1 to 4, the busy day, the first 90 days.
PARTS = ("main", "busy-day", "ninety")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale-customers", type=int, default=10_000, help="at-scale: customers (10000)"
    )
    parser.add_argument(
        "--window-minutes",
        type=int,
        default=3,
        help="at-scale: minutes of desks and sync on a 60/min key (3)",
    )
    parser.add_argument(
        "--window-desks", type=int, default=1, help="at-scale: desks during that window (1)"
    )
    parser.add_argument(
        "--quiet-minutes",
        type=int,
        default=2,
        help="at-scale: minutes of the sync alone after the desks stop (2)",
    )
    parser.add_argument(
        "--sync-rate",
        type=int,
        default=6000,
        help="at-scale: the key's rate while the first sync finishes (6000 a minute)",
    )
    parser.add_argument(
        "--stats-repeat", type=int, default=7, help="at-scale: warm renders of the stats (7)"
    )
    parser.add_argument(
        "--parts",
        type=_parts,
        default=",".join(PARTS),
        help="at-scale: which parts, of main, busy-day and ninety (all)",
    )


def _parts(text: str) -> str:
    named = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in named if part not in PARTS]
    if unknown or not named:
        raise argparse.ArgumentTypeError(f"parts are {', '.join(PARTS)}; got {text!r}")
    return ",".join(named)


# --- processes -------------------------------------------------------------------------------


def _env(workdir: Path, sandbox, **extra: str) -> dict[str, str]:
    return five_desks.front_office_env(workdir, sandbox, 0, **extra)


def _manage(env: dict, *args: str, log: Path | None = None) -> subprocess.Popen:
    out = log.open("a") if log is not None else subprocess.DEVNULL
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def _stop(process: subprocess.Popen, *, timeout: float = 60) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _share_limit(env: dict) -> int:
    """history.sync.share_limit() under these settings, asked of the front office itself."""
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "shell",
        "-c",
        "from history.sync import share_limit; print(share_limit())",
    ]
    out = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)  # noqa: S603
    return int(out.stdout.strip().splitlines()[-1])


def _memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of a process, in kB."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0])
    except OSError:
        pass
    return found


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


# --- what LatePoint received -----------------------------------------------------------------

_LOG_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ latepoint \[[^\]]*\] "
    r"(GET|POST|PUT|PATCH|DELETE) (\S+) -> (\d+)"
)


def calls_in_log(log: Path, since: float) -> list[tuple[float, str, str, int]]:
    """The calls a process logged (latepoint's "GET /bookings -> 200 in 180 ms" lines)."""
    zone = ZoneInfo(five_desks.TIME_ZONE)  # Django sets the process's zone to TIME_ZONE
    rows = []
    for line in log.read_text(errors="replace").splitlines():
        match = _LOG_LINE.match(line)
        if match is None:
            continue
        stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=zone)
        at = stamp.timestamp()
        if at >= since:
            rows.append((at, match.group(2), match.group(3), int(match.group(4))))
    return rows


def per_minute(times: list[float], t0: float, minutes: int | None = None) -> list[int]:
    if not times and not minutes:
        return []
    last = int((max(times) - t0) // 60) + 1 if times else 0
    buckets = [0] * max(last, minutes or 0)
    for t in times:
        if t >= t0:
            buckets[int((t - t0) // 60)] += 1
    return buckets


def traffic(rows: list, t0: float, minutes: int | None = None) -> dict:
    times = [r[0] for r in rows]
    most, _ = five_desks.sliding_max(times)
    return {
        "calls": len(rows),
        "per_minute": per_minute(times, t0, minutes),
        "max_in_any_60s": most,
        "status_429": sum(1 for r in rows if r[3] == 429),
    }


def _minutes(counts: list[int]) -> str:
    return ", ".join(str(n) for n in counts)


# --- 1. the live key: desks and the first sync ------------------------------------------------


def live_key_window(args, workdir: Path, sandbox, office, data) -> dict:
    minutes, desks, quiet = args.window_minutes, args.window_desks, args.quiet_minutes
    env = _env(workdir, sandbox)
    share = _share_limit(env)
    sessions = [five_desks.sign_in(office.url, f"desk{i + 1}") for i in range(desks)]
    pools = [data.checkins[i::desks] for i in range(desks)]
    plans = [five_desks.plan_desk(i + 1, minutes, data, pools[i]) for i in range(desks)]
    for method, path in (("DELETE", "/_sandbox/faults"), ("DELETE", "/_sandbox/requests")):
        status, body = sandbox.request(method, path)
        assert status == 200, body

    worker_log = workdir / "worker-live.log"
    start = time.time()
    worker = _manage(env, "run_huey", log=worker_log)
    print(
        f"Live key: the worker's first sync and {desks} desk(s) for {minutes} min, then the "
        f"sync alone for {quiet} min (sync share {share} a minute)...",
        flush=True,
    )
    results: list = []
    t0 = time.time() + 0.5
    ends_at = t0 + minutes * 60
    try:
        threads = [
            threading.Thread(
                target=five_desks.Desk(
                    i + 1,
                    sessions[i],
                    office.url,
                    plans[i],
                    t0,
                    results,
                ).run,
                name=f"desk{i + 1}",
            )
            for i in range(desks)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(max(ends_at + quiet * 60 - time.time(), 0) + 1)
    finally:
        _stop(worker)
    upstream = sandbox.requests_since(start - 1)
    sync_calls = calls_in_log(worker_log, start - 1)
    shutil.copy(worker_log, RESULTS / "at_scale_worker_live.log")

    ends = t0 + (minutes + quiet) * 60
    summary = five_desks.summarize(results, [r for r in upstream if r[0] < ends_at], t0, minutes)
    pages = summary["pages"]
    sync = traffic([r for r in sync_calls if r[0] < ends], t0, minutes + quiet)
    quiet_calls = [r for r in sync_calls if ends_at <= r[0] < ends]
    return {
        "minutes": minutes,
        "desks": desks,
        "quiet_minutes": quiet,
        "sync_share_limit": share,
        # What the front office sends at most in any minute (upstream.budget.Limits.usable).
        "usable": KEY_RATE - math.ceil(KEY_RATE * 0.1),
        "sync": sync,
        "sync_alone_per_minute": round(len(quiet_calls) / quiet, 1) if quiet else None,
        "all_calls_after_desks": traffic([r for r in upstream if ends_at <= r[0] < ends], ends_at),
        "upstream": {
            "calls": summary["upstream"]["calls"],
            "per_minute": [m["upstream_calls"] for m in summary["upstream"]["per_minute"]],
            "max_in_any_60s": summary["upstream"]["max_in_any_60s"],
            "status_429": summary["upstream"]["status_429"],
        },
        "desk_pages": {
            "requests": pages["requests"],
            "served": pages["served"],
            "stale": pages["stale"],
            "error_pages": pages["error_pages"],
            "status_429": pages["error_pages_by_status"].get("429", 0),
            "statuses": pages["statuses"],
            "median_ms": pages["median_ms"],
            "p95_ms": pages["p95_ms"],
            "max_ms": pages["max_ms"],
        },
        "by_action": {
            action: {k: row[k] for k in ("served", "error_pages", "median_ms", "p95_ms", "max_ms")}
            for action, row in summary["by_action"].items()
        },
        "failures": [r.__dict__ for r in results if not 200 <= r.status < 300][:20],
        "slowest": [
            {k: r.__dict__[k] for k in ("started", "action", "path", "ms", "upstream_calls")}
            for r in sorted(results, key=lambda r: -r.ms)[:5]
        ],
        "load_average": os.getloadavg(),
    }


# --- 2. the rest of the first sync at a raised rate -------------------------------------------


def first_sync(args, workdir: Path, sandbox) -> dict:
    rate = args.sync_rate
    env = _env(workdir, sandbox, LATEPOINT_RATE_LIMIT=str(rate), LATEPOINT_LOG_LEVEL="WARNING")
    share = _share_limit(env)
    status, body = sandbox.request("PUT", "/_sandbox/faults", {"rate_limit": rate})
    assert status == 200, body
    print(
        f"First sync: the rest of the copy at {rate} requests a minute "
        f"(sync share {share} a minute)...",
        flush=True,
    )
    log = workdir / "sync.log"
    t0 = time.time()
    process = _manage(env, "sync_bookings", "--once", log=log)
    peak_kb = 0
    while process.poll() is None:
        peak_kb = max(peak_kb, _memory_kb(process.pid).get("VmHWM", 0))
        time.sleep(1)
    ended = time.time()
    upstream = [r for r in sandbox.requests_since(t0 - 1) if r[0] <= ended + 1]
    shutil.copy(log, RESULTS / "at_scale_sync.log")
    said = log.read_text(errors="replace").strip().splitlines()
    return {
        "rate": rate,
        "sync_share_limit": share,
        "third_of_key": rate // 3,
        "exit_code": process.returncode,
        "minutes": round((ended - t0) / 60, 1),
        "ended_at": ended,
        "said": said[-1] if said else "",
        "sync_peak_mb": _mb(peak_kb),
        **traffic(upstream, t0),
    }


# --- 3. the stats from the history ------------------------------------------------------------


def _setup_django(workdir: Path, sandbox) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'frontoffice.sqlite3'}"
    os.environ["CACHE_URL"] = "locmemcache://at-scale"
    os.environ["LATEPOINT_API_URL"] = sandbox.base_url
    os.environ["LATEPOINT_API_KEY"] = sandbox.api_key
    os.environ["LATEPOINT_LOG_LEVEL"] = "WARNING"
    os.environ["TIME_ZONE"] = five_desks.TIME_ZONE
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

    import django

    django.setup()


def _render(client, path: str) -> dict:
    started = time.perf_counter()
    response = client.get(path)
    ms = (time.perf_counter() - started) * 1000
    body = response.content.decode(errors="replace")
    return {
        "status": response.status_code,
        "ms": round(ms, 1),
        "upstream_calls": five_desks._calls(response.get("Server-Timing", "")),
        "server_timing": response.get("Server-Timing", ""),
        "from_history": "Computed from the local copy" in body,
    }


def stats_in_process(args, workdir: Path, sandbox) -> dict:
    _setup_django(workdir, sandbox)
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    from history.models import BookingRecord, SyncState
    from history.services import history_coverage

    state = SyncState.objects.order_by("pk").first()
    coverage = history_coverage(start=state.earliest, end=state.latest)
    records = BookingRecord.objects.count()
    key_rate = _key_rate_estimates()

    client = Client()
    client.force_login(User.objects.get(username=MANAGER[0]))
    client.get("/healthz")  # the middleware stack is loaded: the stats page is the first page
    cache.clear()
    print(f"Stats: {STATS_PATH} in this process ({records} bookings in the history)...")
    first = _render(client, STATS_PATH)
    warm = [_render(client, STATS_PATH) for _ in range(args.stats_repeat)]
    cold = []
    for _ in range(COLD_RENDERS):
        cache.clear()
        cold.append(_render(client, STATS_PATH))
    me = _memory_kb(os.getpid())
    return {
        "key_rate": key_rate,
        "history_bookings": records,
        "history_complete": coverage.complete,
        "history_percent": coverage.percent,
        "load_average": os.getloadavg(),
        "first": first,
        "cold": cold,
        "cold_median_ms": statistics.median(r["ms"] for r in cold),
        "cold_upstream_calls": max((r["upstream_calls"] or 0) for r in [first, *cold]),
        "warm": warm,
        "warm_median_ms": statistics.median(r["ms"] for r in warm),
        "warm_upstream_calls": max((r["upstream_calls"] or 0) for r in warm),
        "process_rss_mb": _mb(me.get("VmRSS")),
        "process_peak_mb": _mb(me.get("VmHWM")),
    }


def _key_rate_estimates() -> dict:
    """What the sync needs on a live key at this volume, from the weeks it has read: calls for
    a first copy and for one read of the recent window, against its share of a 60/min key."""
    from django.test import override_settings

    from history import sync
    from history.models import CustomerRecord, SyncSegment

    def pages(count: int) -> int:
        return max(-(-count // sync.PER_PAGE), 1)

    with override_settings(LATEPOINT_RATE_LIMIT=KEY_RATE, LATEPOINT_INTERACTIVE_RESERVE=0.75):
        share = sync.share_limit()
    weeks = list(SyncSegment.objects.all())
    recent_from = sync._recent_from()
    first_copy = sum(pages(w.bookings) for w in weeks) + pages(CustomerRecord.objects.count())
    first_copy += 2 + 3  # the bounds and the reference lists
    recent = sum(pages(w.bookings) for w in weeks if w.end >= recent_from)
    return {
        "share_per_minute": share,
        "weeks": len(weeks),
        "first_copy_calls": first_copy,
        "first_copy_hours": round(first_copy / share / 60, 1),
        "recent_window_weeks": sum(1 for w in weeks if w.end >= recent_from),
        "recent_window_calls": recent,
        "recent_window_minutes": round(recent / share, 1),
        "recent_seconds": sync.recent_seconds(),
    }


def _sign_in_manager(url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(url + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        url + "/accounts/login/",
        data={"username": MANAGER[0], "password": MANAGER[1], "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"the demo manager could not sign in (HTTP {answer.status_code})")
    return session


def stats_in_gunicorn(office, session: requests.Session, renders: int) -> dict:
    """The stats page through gunicorn, and the memory of each worker after it."""
    workers = _children(office.process.pid)
    before = {pid: _memory_kb(pid) for pid in workers}
    answers = []
    for _ in range(renders):
        started = time.perf_counter()
        response = session.get(office.url + STATS_PATH, timeout=120)
        answers.append(
            {
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "upstream_calls": five_desks._calls(response.headers.get("Server-Timing", "")),
            }
        )
    after = {pid: _memory_kb(pid) for pid in workers}
    return {
        "renders": answers,
        "workers": [
            {
                "pid": pid,
                "rss_mb_before": _mb(before[pid].get("VmRSS")),
                "rss_mb": _mb(after[pid].get("VmRSS")),
                "peak_mb": _mb(after[pid].get("VmHWM")),
            }
            for pid in workers
        ],
        "worker_peak_mb": max((_mb(m.get("VmHWM")) or 0 for m in after.values()), default=None),
    }


# --- 4. an export of every customer -----------------------------------------------------------

_PAGES = re.compile(r"(\d+) of (\d+) pages read")
_ROWS = re.compile(r"(\d+)(?: of about (\d+))? rows? so far")
_READY = re.compile(r"Ready:</strong> ([\d,]+) row")


def export_all(args, workdir: Path, sandbox, office, session: requests.Session) -> dict:
    env = _env(workdir, sandbox)
    for method, path in (("DELETE", "/_sandbox/faults"), ("DELETE", "/_sandbox/requests")):
        status, body = sandbox.request(method, path)
        assert status == 200, body
    worker_log = workdir / "worker-export.log"
    session.get(office.url + "/exports/", timeout=120)  # the CSRF cookie (no call)
    worker = _manage(env, "run_huey", log=worker_log)
    print("Export: every customer, on a 60/min key, the worker writing it...", flush=True)
    t0 = time.time()
    progress: list[dict] = []
    try:
        answer = session.post(
            office.url + "/exports/start/",
            data={"kind": "customers", "query": ""},
            headers={"X-CSRFToken": session.cookies.get("csrftoken", "")},
            allow_redirects=False,
            timeout=120,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"the export did not start (HTTP {answer.status_code})")
        job_url = office.url + answer.headers["Location"]
        done_at = None
        rows = None
        fragment = {"HX-Request": "true", "HX-Target": "export-status"}
        while time.time() - t0 < 40 * 60:
            time.sleep(1)
            status = session.get(job_url, headers=fragment, timeout=120)
            text = status.text
            pages, counted, ready = _PAGES.search(text), _ROWS.search(text), _READY.search(text)
            sample = {
                "at_s": round(time.time() - t0, 1),
                "pages_done": int(pages.group(1)) if pages else None,
                "pages_total": int(pages.group(2)) if pages else None,
                "rows": int(counted.group(1)) if counted else None,
            }
            if not progress or {**progress[-1], "at_s": 0} != {**sample, "at_s": 0}:
                progress.append(sample)
            if ready:
                rows = int(ready.group(1).replace(",", ""))
                done_at = time.time()
                break
            if "The export stopped" in text:
                raise RuntimeError("the export failed: " + five_desks.describe_page(text)[1])
        if done_at is None:
            raise RuntimeError("the export did not finish within 40 minutes")
        download = session.get(job_url + "download/", timeout=300)
        reader = csv.reader(io.StringIO(download.content.decode("utf-8-sig")))
        file_rows = sum(1 for _ in reader) - 1
        time.sleep(1)
    finally:
        _stop(worker)
    upstream = sandbox.requests_since(t0 - 1)
    shutil.copy(worker_log, RESULTS / "at_scale_worker_export.log")
    customers = [r for r in upstream if r[2].startswith("/customers") and r[0] <= done_at]
    return {
        "minutes": round((done_at - t0) / 60, 1),
        "rows_on_page": rows,
        "rows_in_file": file_rows,
        "progress_samples": len(progress),
        "progress_first": progress[:3],
        "progress_last": progress[-3:],
        "pages_seen": sorted({p["pages_done"] for p in progress if p["pages_done"]}),
        "export_calls": traffic(customers, t0),
        "all_calls": traffic([r for r in upstream if r[0] <= done_at], t0),
    }


# --- the whole scenario -----------------------------------------------------------------------


def run(args) -> int:
    from django.conf import settings

    if settings.configured:
        # Another scenario set this process's front office up: start afresh.
        command = [sys.executable, str(Path(__file__).resolve())]
        for name in ("latency_ms", *ARGUMENTS):
            command += ["--" + name.replace("_", "-"), str(getattr(args, name))]
        return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603

    RESULTS.mkdir(parents=True, exist_ok=True)
    began = time.time()
    result: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": "at-scale",
        "customers": args.scale_customers,
        "latency_ms": args.latency_ms,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "python": platform.python_version(),
    }
    parts = args.parts.split(",")
    if "main" in parts:
        result.update(main_part(args))
    if "busy-day" in parts:
        result["busy_day"] = part_of_its_own(
            "busy_day.py", "busy_day.json", "--customers", str(args.scale_customers)
        )
    if "ninety" in parts:
        result["first_ninety_days"] = part_of_its_own(
            "first_ninety_days.py",
            "first_ninety_days.json",
            "--customers",
            str(args.scale_customers),
            "--latency-ms",
            str(args.latency_ms),
        )
    result["minutes"] = round((time.time() - began) / 60, 1)
    result["checks"] = [{"check": label, "met": ok} for label, ok in checks_for(result)]
    print_report(result)
    (RESULTS / "at_scale.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"\nWrote {(RESULTS / 'at_scale.json').relative_to(ROOT)}")
    return 0 if all(c["met"] for c in result["checks"]) else 1


def part_of_its_own(script: str, written: str, *options: str) -> dict:
    """A bench script run in a process of its own (its Django set up its own way), and the
    result it wrote."""
    print(f"At scale: {script} {' '.join(options)}...", flush=True)
    command = [sys.executable, str(ROOT / "bench" / script), *options]
    code = subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603
    found = json.loads((RESULTS / written).read_text())
    return {**found, "exit_code": code}


def main_part(args) -> dict:
    """Steps 1 to 4 on one sandbox and one front office."""
    from tests.conftest import start_sandbox, stop_sandbox

    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="frontoffice-at-scale-") as tmp:
        workdir = Path(tmp)
        print(f"At scale: seeding a sandbox with {args.scale_customers} customers...", flush=True)
        seeded = time.time()
        template = five_desks.seed_sandbox(workdir, args.scale_customers)
        result["seed_seconds"] = round(time.time() - seeded, 1)
        data = five_desks.read_data(template)
        sandbox = start_sandbox(
            template,
            workdir,
            SANDBOX_LATENCY_MS=str(args.latency_ms),
            SANDBOX_RATE_LIMIT=str(KEY_RATE),
        )
        office = None
        try:
            office = five_desks.start_front_office(
                workdir, sandbox, max(args.window_desks, 1), LATEPOINT_LOG_LEVEL="WARNING"
            )
            result["live_key"] = live_key_window(args, workdir, sandbox, office, data)
            result["first_sync"] = first_sync(args, workdir, sandbox)
            status, body = sandbox.request("DELETE", "/_sandbox/faults")  # 60 a minute again
            assert status == 200, body
            result["stats"] = stats_in_process(args, workdir, sandbox)
            manager = _sign_in_manager(office.url)
            result["stats"]["gunicorn"] = stats_in_gunicorn(office, manager, args.stats_repeat)
            # What the fast sync took is out of the shared budget's minute before the export.
            time.sleep(max(result["first_sync"]["ended_at"] + 61 - time.time(), 0))
            result["export"] = export_all(args, workdir, sandbox, office, manager)
        finally:
            if office is not None:
                five_desks.stop_front_office(office)
                shutil.copy(office.log_path, RESULTS / "at_scale_frontoffice.log")
            stop_sandbox(sandbox)
    return result


def checks_for(result: dict) -> list[tuple[str, bool]]:
    checks = main_checks(result) if "live_key" in result else []
    day = result.get("busy_day")
    if day is not None:
        for path, page in day["pages"].items():
            warm = busy_day.WEEK_WARM_MS if path in busy_day.WEEK_PAGES else busy_day.WARM_MS
            checks.append(
                (
                    f"busy day ({day['open_bookings_today']} open today), {path}: warm <= "
                    f"{warm} ms and <= {busy_day.MAX_KB} KB sent (median "
                    f"{page['warm_median_ms']:.0f} ms, {page['kb']:.0f} KB)",
                    page["warm_median_ms"] <= warm and page["kb"] <= busy_day.MAX_KB,
                )
            )
    ninety = result.get("first_ninety_days")
    if ninety is not None:
        took = ninety["minutes_to_90_days"]
        checks.append(
            (
                f"the last 90 days held on a quiet {KEY_RATE}/min key within "
                f"{first_ninety_days.TARGET_MINUTES} min (took {took} min; most calls in any "
                f"60 s {ninety['max_in_any_60s']}, 429s {ninety['status_429']})",
                took is not None
                and took <= first_ninety_days.TARGET_MINUTES
                and ninety["status_429"] == 0,
            )
        )
    return checks


def main_checks(result: dict) -> list[tuple[str, bool]]:
    live, sync, stats, export = (
        result["live_key"],
        result["first_sync"],
        result["stats"],
        result["export"],
    )
    worker_mb = stats["gunicorn"]["worker_peak_mb"] or 0
    desks = live["desk_pages"]
    customers = result["customers"]
    return [
        (
            f"first sync on a {KEY_RATE}/min key: <= its idle share {live['sync_share_limit']} "
            f"calls in any 60 s (most: {live['sync']['max_in_any_60s']}; a minute: "
            f"{_minutes(live['sync']['per_minute'])}, the desk at work the first "
            f"{live['minutes']})",
            live["sync"]["max_in_any_60s"] <= live["sync_share_limit"],
        ),
        (
            f"every call on the key during it: <= {live['usable']} in any 60 s (most: "
            f"{live['upstream']['max_in_any_60s']} beside the desk, "
            f"{live['all_calls_after_desks']['max_in_any_60s']} after)",
            max(
                live["upstream"]["max_in_any_60s"],
                live["all_calls_after_desks"]["max_in_any_60s"],
            )
            <= live["usable"],
        ),
        (
            f"desks during it: 0 error pages and 0 429s (got {desks['error_pages']}, "
            f"{desks['status_429']}; {live['upstream']['status_429']} from LatePoint)",
            desks["error_pages"] == 0 and live["upstream"]["status_429"] == 0,
        ),
        (
            f"first sync at {sync['rate']}/min: <= {sync['third_of_key']} calls in any 60 s "
            f"(most: {sync['max_in_any_60s']}, share {sync['sync_share_limit']})",
            sync["max_in_any_60s"] <= min(sync["third_of_key"], sync["sync_share_limit"]),
        ),
        (
            f"history complete after the first sync ({stats['history_percent']}%)",
            stats["history_complete"] and sync["exit_code"] == 0,
        ),
        (
            f"90-day stats cold <= {STATS_COLD_MS} ms (median {stats['cold_median_ms']:.0f}; "
            f"the process's first render {stats['first']['ms']:.0f})",
            all(r["status"] == 200 for r in stats["cold"])
            and stats["cold_median_ms"] <= STATS_COLD_MS,
        ),
        (
            f"90-day stats warm <= {STATS_WARM_MS} ms (median {stats['warm_median_ms']:.0f})",
            stats["warm_median_ms"] <= STATS_WARM_MS,
        ),
        (
            "90-day stats: 0 upstream calls, cold and warm "
            f"(got {stats['cold_upstream_calls']}, {stats['warm_upstream_calls']})",
            not stats["cold_upstream_calls"] and not stats["warm_upstream_calls"],
        ),
        (
            "90-day stats computed from the history",
            all(r["from_history"] for r in [stats["first"], *stats["cold"], *stats["warm"]]),
        ),
        (f"worker memory < {WORKER_MB} MB (peak {worker_mb} MB)", worker_mb < WORKER_MB),
        (
            f"export: {customers} rows (page {export['rows_on_page']}, "
            f"file {export['rows_in_file']})",
            export["rows_on_page"] == customers and export["rows_in_file"] == customers,
        ),
        (
            f"export: <= {KEY_RATE} calls in any 60 s (most: "
            f"{export['all_calls']['max_in_any_60s']}) and 0 429s "
            f"(got {export['all_calls']['status_429']})",
            export["all_calls"]["max_in_any_60s"] <= KEY_RATE
            and export["all_calls"]["status_429"] == 0,
        ),
        (
            f"export progress shown ({len(export['pages_seen'])} page counts seen)",
            len(export["pages_seen"]) > 1,
        ),
    ]


def print_report(result: dict) -> None:
    if "live_key" in result:
        print_main(result)
    day = result.get("busy_day")
    if day is not None:
        print()
        print(f"5. The busy day ({day['open_bookings_today']} open bookings today), warm:")
        for path, page in day["pages"].items():
            print(
                f"   {path:<32} median {page['warm_median_ms']:.0f} ms, {page['kb']:.0f} KB sent "
                f"({page['html_kb']:.0f} KB of HTML), {page['rows']} rows, "
                f"{page['warm_upstream_calls']} calls"
            )
    ninety = result.get("first_ninety_days")
    if ninety is not None:
        print()
        print(
            f"6. The first 90 days on a quiet {KEY_RATE}/min key: "
            f"{ninety['minutes_to_90_days']} min, calls a minute {ninety['per_minute']}, most "
            f"in any 60 s {ninety['max_in_any_60s']}, 429s {ninety['status_429']}"
        )
    print()
    for check in result["checks"]:
        print(f"{'met ' if check['met'] else 'MISSED'}  {check['check']}")


def print_main(result: dict) -> None:
    live, sync, stats, export = (
        result["live_key"],
        result["first_sync"],
        result["stats"],
        result["export"],
    )
    print()
    print(
        f"At {result['customers']} customers, {result['latency_ms']} ms a call "
        f"(seeded in {result['seed_seconds']} s; the whole run {result['minutes']} min)."
    )
    print()
    print(
        f"1. Live key ({KEY_RATE}/min), {live['minutes']} min, {live['desks']} desk(s) and the "
        f"worker's first sync (share {live['sync_share_limit']}/min):"
    )
    print(
        f"   sync calls a minute:       {live['sync']['per_minute']} (the last "
        f"{live['quiet_minutes']} without desks: {live['sync_alone_per_minute']} a minute)"
    )
    print(f"   all calls a minute (desks): {live['upstream']['per_minute']}")
    print(
        f"   most in any 60 s: sync {live['sync']['max_in_any_60s']}, all "
        f"{live['upstream']['max_in_any_60s']}; 429s from LatePoint "
        f"{live['upstream']['status_429']}"
    )
    desks = live["desk_pages"]
    print(
        f"   desk pages: {desks['served']} of {desks['requests']} served, {desks['stale']} stale, "
        f"{desks['error_pages']} error pages, median {five_desks._ms(desks['median_ms'])} ms, "
        f"p95 {five_desks._ms(desks['p95_ms'])} ms; statuses {desks['statuses']}"
    )
    for action, row in live["by_action"].items():
        print(
            f"     {action:<9} {row['served']:>3} pages, median {five_desks._ms(row['median_ms'])}"
            f" ms, p95 {five_desks._ms(row['p95_ms'])} ms, max {five_desks._ms(row['max_ms'])} ms"
        )
    for row in live["slowest"][:3]:
        print(
            f"     slow: {row['action']} {row['path']} {row['ms']:.0f} ms "
            f"({row['upstream_calls']} calls, at {row['started']:.0f} s)"
        )
    print(f"   load average at the end: {[round(x, 1) for x in live['load_average']]}")
    print()
    print(
        f"2. First sync at {sync['rate']}/min (share {sync['sync_share_limit']}/min): "
        f"{sync['calls']} calls in {sync['minutes']} min, per minute {sync['per_minute']}, "
        f"most in any 60 s {sync['max_in_any_60s']}, 429s {sync['status_429']}, "
        f"peak memory {sync['sync_peak_mb']} MB"
    )
    print(f"   {sync['said']}")
    rate = stats["key_rate"]
    print(
        f"   on a {KEY_RATE}/min key (share {rate['share_per_minute']}/min): a first copy is "
        f"{rate['first_copy_calls']} calls ({rate['first_copy_hours']} h); the recent window "
        f"({rate['recent_window_weeks']} weeks) {rate['recent_window_calls']} calls "
        f"({rate['recent_window_minutes']} min, due every {rate['recent_seconds'] // 60} min)"
    )
    print()
    g = stats["gunicorn"]
    print(
        f"3. {STATS_PATH} from the history ({stats['history_bookings']} bookings, "
        f"{stats['history_percent']}% synced):"
    )
    print(
        f"   the process's first render {stats['first']['ms']:.0f} ms, cold (empty cache) "
        f"{[round(r['ms']) for r in stats['cold']]} ms ({stats['cold_upstream_calls']} calls), "
        f"warm median {stats['warm_median_ms']:.0f} ms ({stats['warm_upstream_calls']} calls); "
        f"load average {[round(x, 1) for x in stats['load_average']]}"
    )
    print(
        f"   this process: {stats['process_rss_mb']} MB, peak {stats['process_peak_mb']} MB; "
        f"gunicorn workers' peak {g['worker_peak_mb']} MB; through gunicorn "
        f"{[r['ms'] for r in g['renders']]} ms"
    )
    print()
    calls = export["export_calls"]
    print(
        f"4. Export of every customer: {export['rows_in_file']} rows in {export['minutes']} min, "
        f"{calls['calls']} calls, per minute {calls['per_minute']} (all calls "
        f"{export['all_calls']['per_minute']}), most in any 60 s "
        f"{export['all_calls']['max_in_any_60s']}, 429s {export['all_calls']['status_429']}, "
        f"progress seen at {len(export['pages_seen'])} page counts"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=150)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
