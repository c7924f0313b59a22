"""A hung LatePoint: every screen answers within the page's deadline, and no worker is killed.

Starts the sandbox and the front office as the five-desks scenario does (gunicorn.conf.py, 3
workers, the default database cache), with short freshness TTLs (5 s) so that what was read
before is soon an older copy. Signs in as the demo manager, opens every screen once while
LatePoint answers normally, then sets the sandbox's latency to 12 s (`--latency-s`) and opens
them all again, together with screens never opened before (no copy to show). Reports each
answer's time and status and whether it showed an older copy, and counts the worker timeouts
in gunicorn's log. Writes bench/results/slow_latepoint.json. Targets: bench/README.md.

    .venv/bin/python bench/run.py --scenario slow-latepoint [--latency-s 12]
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import five_desks

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEADLINE = 15.0  # LATEPOINT_DEADLINE's default
SHORT_TTL = "5"
MANAGER = ("manager", "manager-demo")


def _sign_in(url: str) -> requests.Session:
    import re

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


def _screens(data: five_desks.Data) -> tuple[list[str], list[str]]:
    """(screens opened before LatePoint slows down, screens opened only after)."""
    seen_customer, new_customer = data.customers[0][0], data.customers[-1][0]
    seen_booking, new_booking = data.week_bookings[0], data.week_bookings[-1]
    word = data.customers[1][2][:3]
    warmed = [
        "/",
        "/customers/",
        f"/customers/?q={word}",
        f"/customers/{seen_customer}/",
        "/bookings/",
        f"/bookings/{seen_booking}/",
        "/stats/?period=30d",
        "/audit/",
        "/readyz",
    ]
    cold = [
        f"/customers/{new_customer}/",
        f"/customers/{seen_customer}/edit/",  # always read fresh: no older copy for an edit
        f"/bookings/{new_booking}/",
        "/stats/?period=90d",
    ]
    return warmed, cold


def _open(session: requests.Session, url: str, path: str, out: list, phase: str) -> None:
    started = time.monotonic()
    try:
        response = session.get(url + path, timeout=120)
        status, stale = response.status_code, "X-Upstream-Stale" in response.headers
    except requests.RequestException as exc:
        status, stale = 0, False
        print(f"  {path}: no answer ({type(exc).__name__})", flush=True)
    out.append(
        {
            "phase": phase,
            "path": path,
            "status": status,
            "stale": stale,
            "seconds": round(time.monotonic() - started, 2),
        }
    )


def run(args) -> int:
    from tests.conftest import start_sandbox, stop_sandbox

    latency_ms = int(args.latency_s * 1000)
    with tempfile.TemporaryDirectory(prefix="frontoffice-slow-") as tmp:
        workdir = Path(tmp)
        print("Slow LatePoint: seeding a sandbox...", flush=True)
        template = five_desks.seed_sandbox(workdir, args.customers)
        data = five_desks.read_data(template)
        sandbox = start_sandbox(template, workdir)
        office = None
        results: list[dict] = []
        try:
            ttls = {
                f"LATEPOINT_CACHE_TTL_{kind}": SHORT_TTL
                for kind in (
                    "CUSTOMER_LIST",
                    "CUSTOMER",
                    "BOOKING_LIST",
                    "BOOKING",
                    "REFERENCE",
                    "CUSTOMER_SUMMARY",
                    "BOOKING_HISTORY",
                )
            }
            office = five_desks.start_front_office(workdir, sandbox, 1, **ttls)
            session = _sign_in(office.url)
            warmed, cold = _screens(data)
            for path in warmed:
                _open(session, office.url, path, results, "normal")
            time.sleep(int(SHORT_TTL) + 1)  # every copy is now older than its freshness
            status, body = sandbox.request("PUT", "/_sandbox/faults", {"latency_ms": latency_ms})
            assert status == 200, body
            print(
                f"LatePoint now answers in {args.latency_s:g} s; opening every screen", flush=True
            )
            threads = []
            for path in warmed + cold:
                browser = _sign_in(office.url)
                phase = "copy" if path in warmed else "no copy"
                thread = threading.Thread(
                    target=_open, args=(browser, office.url, path, results, phase)
                )
                thread.start()
                threads.append(thread)
            for thread in threads:
                thread.join()
        finally:
            if office is not None:
                five_desks.stop_front_office(office)
            stop_sandbox(sandbox)
        log = office.log_path.read_text() if office is not None else ""
        timeouts = log.count("WORKER TIMEOUT")
        server_errors = log.count("Internal Server Error")

    slow = [r for r in results if r["phase"] != "normal"]
    worst = max((r["seconds"] for r in slow), default=0.0)
    print(f"\n{'phase':8} {'status':>6} {'older copy':>10} {'seconds':>8}  screen")
    for row in results:
        print(
            f"{row['phase']:8} {row['status']:>6} {'yes' if row['stale'] else '':>10} "
            f"{row['seconds']:>8.2f}  {row['path']}"
        )
    checks = [
        (f"every screen answers within {DEADLINE + 1:g} s", worst <= DEADLINE + 1),
        ("no 500 and no unanswered request", all(r["status"] not in (0, 500) for r in slow)),
        (f"no worker timeout in gunicorn's log (got {timeouts})", timeouts == 0),
        (f"no server error logged (got {server_errors})", server_errors == 0),
    ]
    print(f"\nslowest answer while LatePoint hangs: {worst:.2f} s")
    for label, ok in checks:
        print(f"{'met  ' if ok else 'MISSED'} {label}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "slow_latepoint.json"
    out.write_text(
        json.dumps(
            {
                "latency_s": args.latency_s,
                "deadline_s": DEADLINE,
                "results": results,
                "worker_timeouts": timeouts,
                "checks": {label: ok for label, ok in checks},
            },
            indent=2,
        )
    )
    print(f"Wrote {out.relative_to(ROOT)}")
    return 0 if all(ok for _, ok in checks) else 1
