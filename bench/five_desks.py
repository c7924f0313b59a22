"""Five desks on one key: scripted receptionists sharing one LatePoint API key (issue 14).

Seeds a sandbox (500 customers) and starts it with SANDBOX_RATE_LIMIT=60 (a fixed window of 60
requests a minute, as a live key) and SANDBOX_LATENCY_MS=150; starts the front office as
`make run` does (gunicorn.conf.py, WEB_CONCURRENCY=3 gthread workers, demo mode, a new SQLite
file with the default database cache, so a cold cache, LATEPOINT_RATE_LIMIT=60). Then N desks
(threads, one signed-in receptionist each) each do, every minute, at random moments (fixed seed):

    1 Today board            GET  /
    3 searches               GET  /customers/?q=<name fragment>
    3 profiles               GET  /customers/<id>/
    2 booking pages          GET  /bookings/<id>/
    2 check-ins              POST /bookings/<id>/check-in/  (HTMX; today's open bookings, once each)
    2 board refreshes        GET  /  (HX-Request: true, HX-Target: today-board)
    the manager: 4 stats     GET  /stats/?period=30d, 90d and two custom ranges

Reports upstream calls a minute from the sandbox's request log (and the most in any 60 s),
the 429s LatePoint sent, pages served stale (X-Upstream-Stale), error pages by status, and
response times. Writes bench/results/five_desks.json (the failed requests included, with the
title and message of their page) and keeps the front office's log in
bench/results/five_desks.log. With --manager (the default), a manager opens the stats for four
periods the booking history does not hold (its sync is not running) every minute alongside
the desks. Targets: bench/README.md.

    .venv/bin/python bench/run.py --scenario five-desks [--minutes 3] [--desks 5]
    .venv/bin/python bench/five_desks.py [--minutes 1]          # the same, on its own
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

RATE_LIMIT = 60  # the sandbox key's requests a minute, and LATEPOINT_RATE_LIMIT
WORKERS = 3  # WEB_CONCURRENCY, as `make run`
TIME_ZONE = "America/New_York"  # the front office's and the sandbox's default business zone
SEED = 14
DESK_PASSWORD = "desk-bench-password"  # noqa: S105 - a throwaway account in a throwaway database
WSGI_APP = "config.wsgi:application"
REQUEST_TIMEOUT = 90  # seconds; the page's own deadline (LATEPOINT_DEADLINE, 15 s) answers first

#: What one desk does every minute.
PER_MINUTE = (
    ("board", 1),
    ("search", 3),
    ("profile", 3),
    ("booking", 2),
    ("check_in", 2),
    ("refresh", 2),
)
ACTIONS = (*(name for name, _ in PER_MINUTE), "stats")
#: Upstream calls the front office may make in any 60 s (LATEPOINT_RATE_LIMIT less its margin).
BUDGET = 54
MANAGER = ("manager", "manager-demo")  # the demo manager (manage.py demo_users)

#: Environment the front office must not inherit from whoever runs the bench.
_INHERITED_PREFIXES = ("DJANGO_", "LATEPOINT_", "FRONTOFFICE_", "SANDBOX_", "GUNICORN_")
_INHERITED_NAMES = {"CACHE_URL", "DATABASE_URL", "HOST", "PORT", "WEB_CONCURRENCY", "TIME_ZONE"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=int, default=3, help="five desks: minutes to run (3)")
    parser.add_argument("--desks", type=int, default=5, help="five desks: how many desks (5)")
    parser.add_argument(
        "--manager",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="five desks: a manager opens stats for four periods alongside the desks (yes)",
    )


# --- the servers ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_sandbox(workdir: Path, customers: int) -> Path:
    from tests.conftest import sandbox_env

    template = workdir / "template.sqlite3"
    env = sandbox_env(template)
    for args in (["migrate", "--noinput", "-v0"], ["seed", "--customers", str(customers)]):
        subprocess.run([sys.executable, "-m", "sandbox", *args], env=env, check=True, cwd=ROOT)  # noqa: S603
    return template


@dataclass
class FrontOffice:
    url: str
    process: subprocess.Popen
    log_path: Path
    log_file: object


def front_office_env(workdir: Path, sandbox, port: int, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_INHERITED_PREFIXES) and k not in _INHERITED_NAMES
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        FRONTOFFICE_DEMO="true",
        LATEPOINT_API_URL=sandbox.base_url,
        LATEPOINT_API_KEY=sandbox.api_key,
        LATEPOINT_RATE_LIMIT=str(RATE_LIMIT),
        DATABASE_URL=f"sqlite:///{workdir / 'frontoffice.sqlite3'}",
        TIME_ZONE=TIME_ZONE,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def start_front_office(workdir: Path, sandbox, desks: int, **extra_env: str) -> FrontOffice:
    """migrate (the cache table included, empty), demo users and one receptionist a desk, then
    gunicorn with gunicorn.conf.py, as scripts/run.sh starts it."""
    port = _free_port()
    env = front_office_env(workdir, sandbox, port, **extra_env)

    def manage(*args: str) -> None:
        command = [sys.executable, str(ROOT / "manage.py"), *args]
        subprocess.run(command, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603

    manage("migrate", "--noinput", "-v0")
    manage("demo_users")
    create = (
        "from django.contrib.auth.models import Group, User\n"
        "group = Group.objects.get(name='Receptionist')\n"
        f"for i in range(1, {desks} + 1):\n"
        f"    user = User.objects.create_user(f'desk{{i}}', password={DESK_PASSWORD!r},"
        " first_name=f'Desk {i}')\n"
        "    user.groups.add(group)\n"
    )
    manage("shell", "-c", create)
    log_path = workdir / "frontoffice.log"
    log_file = log_path.open("w")
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", WSGI_APP]
    proc = subprocess.Popen(  # noqa: S603
        command,
        env=env,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the front office exited with {proc.returncode}: see {log_path}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return FrontOffice(url=url, process=proc, log_path=log_path, log_file=log_file)
        except requests.RequestException:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the front office did not start in time")


def stop_front_office(office: FrontOffice) -> None:
    office.process.terminate()  # gunicorn's master stops its workers
    try:
        office.process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        office.process.kill()
    office.log_file.close()


# --- what the desks work on ----------------------------------------------------------------


@dataclass
class Data:
    customers: list[tuple[int, str, str]]  # id, first name, last name
    week_bookings: list[int]  # yesterday to a week ahead, any status
    checkins: list[int]  # today's pending and approved bookings, by start time
    today: str


def read_data(db_path: Path) -> Data:
    """Customer ids, search words and bookings from the sandbox's own database (no API call)."""
    today = datetime.now(ZoneInfo(TIME_ZONE)).date()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        customers = conn.execute(
            "SELECT id, first_name, last_name FROM sandbox_customer ORDER BY id"
        ).fetchall()
        week = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM sandbox_booking WHERE start_date BETWEEN date(?, '-1 day') "
                "AND date(?, '+7 day') ORDER BY id",
                (today.isoformat(), today.isoformat()),
            )
        ]
        checkins = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM sandbox_booking WHERE start_date = ? "
                "AND status IN ('pending', 'approved') ORDER BY start_time, id",
                (today.isoformat(),),
            )
        ]
    finally:
        conn.close()
    return Data(customers=customers, week_bookings=week, checkins=checkins, today=str(today))


@dataclass(frozen=True)
class Step:
    at: float  # seconds after the start
    action: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()


def _fragment(rng: random.Random, customer: tuple[int, str, str]) -> str:
    _, first, last = customer
    word = rng.choice([w for w in (last, last, first) if len(w) >= 3] or [last or first or "a"])
    return word[: rng.randint(3, 5)].lower()


def plan_desk(desk: int, minutes: int, data: Data, pool: list[int]) -> list[Step]:
    """One desk's script: every minute the board first, then the other actions shuffled over
    the rest of the minute. `pool`: this desk's bookings to check in, in arrival order."""
    rng = random.Random(SEED * 1000 + desk)
    steps: list[Step] = []
    checkins = iter(pool)
    for minute in range(minutes):
        base = minute * 60.0
        steps.append(Step(base + rng.uniform(0, 4), "board", "GET", "/"))
        rest = [name for name, count in PER_MINUTE if name != "board" for _ in range(count)]
        rng.shuffle(rest)
        moments = sorted(rng.uniform(4, 59) for _ in rest)
        for at, action in zip(moments, rest, strict=True):
            at += base
            if action == "search":
                query = _fragment(rng, rng.choice(data.customers))
                steps.append(Step(at, action, "GET", f"/customers/?q={query}"))
            elif action == "profile":
                customer_id = rng.choice(data.customers)[0]
                steps.append(Step(at, action, "GET", f"/customers/{customer_id}/"))
            elif action == "booking":
                booking_id = rng.choice(data.week_bookings)
                steps.append(Step(at, action, "GET", f"/bookings/{booking_id}/"))
            elif action == "check_in":
                booking_id = next(checkins, None)
                if booking_id is None:
                    continue  # no booking of today left for this desk (reported)
                headers = (("HX-Request", "true"), ("HX-Target", f"today-row-{booking_id}"))
                steps.append(Step(at, action, "POST", f"/bookings/{booking_id}/check-in/", headers))
            else:  # refresh
                headers = (("HX-Request", "true"), ("HX-Target", "today-board"))
                steps.append(Step(at, action, "GET", "/", headers))
    return steps


def plan_manager(minutes: int, data: Data) -> list[Step]:
    """The manager's script: every minute, the stats for four periods the history does not
    hold (nothing syncs it here), at random moments."""
    rng = random.Random(SEED * 1000)
    today = datetime.fromisoformat(data.today).date()
    ranges = ((200, 140), (400, 300))  # days ago
    periods = ["period=30d", "period=90d"] + [
        f"period=custom&date_from={today - timedelta(a)}&date_to={today - timedelta(b)}"
        for a, b in ranges
    ]
    steps = []
    for minute in range(minutes):
        moments = sorted(rng.uniform(1, 59) for _ in periods)
        for at, query in zip(moments, periods, strict=True):
            steps.append(Step(minute * 60 + at, "stats", "GET", f"/stats/?{query}"))
    return steps


# --- the desks -----------------------------------------------------------------------------


@dataclass
class Result:
    desk: int
    action: str
    method: str
    path: str
    planned: float
    started: float  # seconds after the start
    ms: float
    status: int  # 0: no answer (the error says why)
    stale: str = ""
    upstream_calls: int | None = None
    title: str = ""
    message: str = ""
    error: str = ""


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def describe_page(body: str) -> tuple[str, str]:
    """(title, message) of an error page or fragment, for the report."""
    title = ""
    match = re.search(r"<title[^>]*>(.*?)</title>", body, re.S | re.I)
    if match:
        title = _text(match.group(1))
    message = ""
    for pattern in (
        r'<div class="alert alert-error"[^>]*>(.*?)</div>',
        r'<pre class="exception_value">(.*?)</pre>',  # Django's debug page (demo mode)
        r"<main[^>]*>(.*?)</main>",
    ):
        match = re.search(pattern, body, re.S | re.I)
        if match:
            message = _text(match.group(1))
            break
    if not title and not message:
        message = _text(body)
    return title, message[:400]


def _calls(server_timing: str) -> int | None:
    match = re.search(r'desc="(\d+) calls?"', server_timing)
    return int(match.group(1)) if match else None


def sign_in(url: str, username: str, password: str = DESK_PASSWORD) -> requests.Session:
    session = requests.Session()
    page = session.get(url + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"no sign-in form for {username} (HTTP {page.status_code})")
    answer = session.post(
        url + "/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1),
        },
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{username} could not sign in (HTTP {answer.status_code})")
    return session


def fetch(
    session: requests.Session,
    url: str,
    desk: int,
    action: str,
    method: str,
    path: str,
    *,
    t0: float,
    planned: float,
    headers: dict | None = None,
    data: dict | None = None,
) -> tuple[Result, str]:
    """One request, timed: its Result and the body."""
    started = time.time()
    t = time.perf_counter()
    result = Result(
        desk=desk,
        action=action,
        method=method,
        path=path,
        planned=round(planned, 2),
        started=round(started - t0, 2),
        ms=0.0,
        status=0,
    )
    body = ""
    try:
        response = session.request(
            method,
            url + path,
            headers=headers,
            data=data,
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        body = response.text
        result.ms = round((time.perf_counter() - t) * 1000, 1)
        result.status = response.status_code
        result.stale = response.headers.get("X-Upstream-Stale", "")
        result.upstream_calls = _calls(response.headers.get("Server-Timing", ""))
        if 300 <= response.status_code < 400:
            result.message = "redirected to " + response.headers.get("Location", "")
        elif response.status_code >= 400:
            result.title, result.message = describe_page(body)
    except requests.RequestException as exc:
        result.ms = round((time.perf_counter() - t) * 1000, 1)
        result.error = f"{type(exc).__name__}: {exc}"
    return result, body


class Desk:
    """One person's browser following a script (a desk's, or the manager's)."""

    def __init__(self, number, session, url, steps, t0, out) -> None:
        self.number, self.session, self.url, self.steps = number, session, url, steps
        self.t0, self.out = t0, out

    def run(self) -> None:
        for step in self.steps:
            delay = self.t0 + step.at - time.time()
            if delay > 0:
                time.sleep(delay)
            headers = dict(step.headers)
            data = None
            if step.method == "POST":
                # The board's form: the CSRF token (rotated at sign-in) and the way back.
                headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")
                headers["HX-Current-URL"] = self.url + "/"
                data = {"next": "/"}
            result, _ = fetch(
                self.session,
                self.url,
                self.number,
                step.action,
                step.method,
                step.path,
                t0=self.t0,
                planned=step.at,
                headers=headers,
                data=data,
            )
            self.out.append(result)


# --- the report ----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def sliding_max(times: list[float], window: float = 60.0) -> tuple[int, float | None]:
    """The most requests in any `window` seconds, and when that window starts."""
    ordered = sorted(times)
    best, best_at, lo = 0, None, 0
    for hi, t in enumerate(ordered):
        while t - ordered[lo] >= window:
            lo += 1
        if hi - lo + 1 > best:
            best, best_at = hi - lo + 1, ordered[lo]
    return best, best_at


def is_error_page(status: int) -> bool:
    return status >= 500 or status == 429


def summarize(results: list[Result], upstream: list, t0: float, minutes: int) -> dict:
    rows = [(t - t0, method, path, status) for t, method, path, status in upstream]
    buckets = max(minutes, *(int(r[0] // 60) + 1 for r in rows)) if rows else minutes
    per_minute = []
    for i in range(buckets):
        in_minute = [r for r in rows if i * 60 <= r[0] < (i + 1) * 60]
        per_minute.append(
            {
                "minute": i + 1,
                "upstream_calls": len(in_minute),
                "upstream_429": sum(1 for r in in_minute if r[3] == 429),
                "by_path": dict(Counter(_path_kind(r[2]) for r in in_minute).most_common()),
            }
        )
    window_max, window_at = sliding_max([r[0] for r in rows])

    scripted = results
    desk_pages = [r for r in results if r.action != "stats" and r.status]
    answered = [r for r in scripted if r.status]
    statuses = Counter(r.status for r in answered)
    errors = Counter(r.status for r in answered if is_error_page(r.status))
    by_action = {}
    for action in ACTIONS:
        mine = [r for r in results if r.action == action]
        times = [r.ms for r in mine if r.status]
        by_action[action] = {
            "requests": len(mine),
            "served": len(times),
            "stale": sum(1 for r in mine if r.stale),
            "error_pages": sum(1 for r in mine if is_error_page(r.status)),
            "statuses": {str(k): v for k, v in sorted(Counter(r.status for r in mine).items())},
            "median_ms": statistics.median(times) if times else None,
            "p95_ms": percentile(times, 95),
            "max_ms": max(times) if times else None,
        }
    times = [r.ms for r in answered]
    late = [r.started - r.planned for r in scripted]
    return {
        "upstream": {
            "calls": len(rows),
            "per_minute": per_minute,
            "max_in_any_60s": window_max,
            "max_window_starts_at_s": round(window_at, 1) if window_at is not None else None,
            "status_429": sum(1 for r in rows if r[3] == 429),
            "statuses": {str(k): v for k, v in sorted(Counter(r[3] for r in rows).items())},
            "by_path": dict(Counter(_path_kind(r[2]) for r in rows).most_common()),
            "calls_in_server_timing": sum(r.upstream_calls or 0 for r in results if r.status),
        },
        "pages": {
            "requests": len(scripted),
            "served": len(answered),
            "no_answer": len(scripted) - len(answered),
            "stale": sum(1 for r in answered if r.stale),
            "stale_desk_pages": sum(1 for r in desk_pages if r.stale),
            "error_pages": sum(errors.values()),
            "error_pages_by_status": {str(k): v for k, v in sorted(errors.items())},
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "median_ms": statistics.median(times) if times else None,
            "p95_ms": percentile(times, 95),
            "max_ms": max(times) if times else None,
            "desk_behind_schedule_max_s": round(max(late), 1) if late else None,
        },
        "by_action": by_action,
    }


def _path_kind(path: str) -> str:
    """An API path with its ids folded: /customers/123 -> /customers/{id}."""
    return re.sub(r"/\d+", "/{id}", path.split("?")[0])


def checks_for(summary: dict) -> list[tuple[str, bool]]:
    up, pages = summary["upstream"], summary["pages"]
    worst = max((m["upstream_calls"] for m in up["per_minute"]), default=0)
    errors = pages["error_pages"]
    return [
        (f"upstream calls <= {RATE_LIMIT} in every minute (most: {worst})", worst <= RATE_LIMIT),
        (
            f"upstream calls <= {RATE_LIMIT} in any 60 s (most: {up['max_in_any_60s']})",
            up["max_in_any_60s"] <= RATE_LIMIT,
        ),
        (
            f"upstream calls <= {BUDGET} in any 60 s (most: {up['max_in_any_60s']})",
            up["max_in_any_60s"] <= BUDGET,
        ),
        (f"0 upstream 429s (got {up['status_429']})", up["status_429"] == 0),
        (f"0 error pages (got {errors})", errors == 0),
        (
            f"0 older copies on desk pages (got {pages['stale_desk_pages']})",
            pages["stale_desk_pages"] == 0,
        ),
        (f"every request answered (unanswered: {pages['no_answer']})", pages["no_answer"] == 0),
    ]


def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_report(summary: dict, args, data: Data, failures: list[Result]) -> None:
    up, pages = summary["upstream"], summary["pages"]
    print()
    print(
        f"Five desks on one key: {args.desks} desks x {args.minutes} min, sandbox "
        f"{args.latency_ms} ms a call and {RATE_LIMIT} requests a minute, "
        f"{WORKERS} gunicorn workers, database cache (cold at the start)."
    )
    print()
    header = f"{'minute':<8} {'upstream calls':>14} {'429s':>6}"
    print(header)
    print("-" * len(header))
    for minute in up["per_minute"]:
        label = str(minute["minute"])
        if minute["minute"] > args.minutes:
            label += " (+)"
        print(f"{label:<8} {minute['upstream_calls']:>14} {minute['upstream_429']:>6}")
    print(
        f"most in any 60 s: {up['max_in_any_60s']}; total {up['calls']} "
        f"(pages' Server-Timing says {up['calls_in_server_timing']})"
    )
    print()
    header = (
        f"{'action':<10} {'pages':>6} {'stale':>6} {'errors':>7} {'median ms':>10} "
        f"{'p95 ms':>8} {'max ms':>8}  statuses"
    )
    print(header)
    print("-" * len(header))
    rows = dict(summary["by_action"])
    rows["all"] = {**pages, "statuses": pages["statuses"]}
    for action, row in rows.items():
        statuses = ", ".join(f"{k}: {v}" for k, v in row["statuses"].items())
        print(
            f"{action:<10} {row['served']:>6} {row['stale']:>6} {row['error_pages']:>7} "
            f"{_ms(row['median_ms']):>10} {_ms(row['p95_ms']):>8} {_ms(row['max_ms']):>8}  "
            f"{statuses}"
        )
    if pages["error_pages_by_status"]:
        by_status = ", ".join(f"HTTP {k}: {v}" for k, v in pages["error_pages_by_status"].items())
        print(f"error pages by status: {by_status}")
    print(f"desks ran at most {pages['desk_behind_schedule_max_s']} s behind their script")
    short = args.desks * 2 * args.minutes - len(data.checkins)
    if short > 0:
        print(
            f"note: {len(data.checkins)} open bookings today: {short} check-ins fewer than planned"
        )
    if failures:
        print()
        print(f"{len(failures)} requests did not get a 2xx answer (first 15):")
        for r in failures[:15]:
            what = r.error or f"{r.title} | {r.message}"[:160]
            print(f"  {r.started:>6.1f}s desk {r.desk} {r.method} {r.path} -> {r.status}: {what}")
    print()
    for label, ok in checks_for(summary):
        print(f"{'met ' if ok else 'MISSED'}  {label}")


def run(args) -> int:
    from tests.conftest import start_sandbox, stop_sandbox

    minutes, desks = args.minutes, args.desks
    if minutes < 1 or desks < 1:
        print("--minutes and --desks must be 1 or more", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="frontoffice-five-desks-") as tmp:
        workdir = Path(tmp)
        print(f"Five desks: seeding a sandbox with {args.customers} customers...", flush=True)
        template = seed_sandbox(workdir, args.customers)
        data = read_data(template)
        sandbox = start_sandbox(
            template,
            workdir,
            SANDBOX_LATENCY_MS=str(args.latency_ms),
            SANDBOX_RATE_LIMIT=str(RATE_LIMIT),
        )
        office = None
        try:
            print(f"Starting the front office ({WORKERS} workers)...", flush=True)
            office = start_front_office(workdir, sandbox, desks)
            sessions = [sign_in(office.url, f"desk{i + 1}") for i in range(desks)]
            pools = [data.checkins[i::desks] for i in range(desks)]
            plans = [plan_desk(i + 1, minutes, data, pools[i]) for i in range(desks)]
            if args.manager:  # the manager is "desk" 0 in the results
                sessions.insert(0, sign_in(office.url, MANAGER[0], MANAGER[1]))
                plans.insert(0, plan_manager(minutes, data))

            # A clean start: the sandbox's rate window and request log begin now.
            status, body = sandbox.request("DELETE", "/_sandbox/faults")
            assert status == 200, body
            status, body = sandbox.request("DELETE", "/_sandbox/requests")
            assert status == 200, body
            t0 = time.time() + 0.5
            clock = datetime.now(ZoneInfo(TIME_ZONE))  # the log's clock
            print(f"{desks} desks for {minutes} min (from {clock:%H:%M:%S})...", flush=True)
            results: list[Result] = []
            threads = [
                threading.Thread(
                    target=Desk(number, session, office.url, plan, t0, results).run,
                    name=f"desk{number}",
                )
                for number, session, plan in zip(
                    range(0 if args.manager else 1, desks + 1), sessions, plans, strict=True
                )
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(1)  # the last answers' background work, if any, reaches the log
            upstream = sandbox.requests_since(t0 - 1)
        finally:
            if office is not None:
                stop_front_office(office)
            stop_sandbox(sandbox)
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = "five_desks"
        if office is not None:
            shutil.copy(office.log_path, RESULTS / f"{name}.log")

    results.sort(key=lambda r: r.started)
    summary = summarize(results, upstream, t0, minutes)
    failures = [r for r in results if not 200 <= r.status < 300]
    print_report(summary, args, data, failures)

    checks = checks_for(summary)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": "five-desks",
        "desks": desks,
        "minutes": minutes,
        "latency_ms": args.latency_ms,
        "customers": args.customers,
        "sandbox_rate_limit": RATE_LIMIT,
        "latepoint_rate_limit": RATE_LIMIT,
        "workers": WORKERS,
        "seed": SEED,
        "manager": bool(args.manager),
        "today": data.today,
        "open_bookings_today": len(data.checkins),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "python": platform.python_version(),
        "per_desk_minute": dict(PER_MINUTE),
        **summary,
        "checks": [{"check": label, "met": ok} for label, ok in checks],
        "failures": [r.__dict__ for r in failures],
        "stale_pages": [
            {"desk": r.desk, "path": r.path, "at_s": r.started, "copy_of": r.stale}
            for r in results
            if r.stale
        ],
        "upstream_requests": [[round(t - t0, 3), m, p, s] for t, m, p, s in upstream],
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    written = RESULTS.relative_to(ROOT) / f"{name}.json"
    print(f"\nWrote {written} (and the front office's log, {name}.log)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--customers", type=int, default=500)
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
