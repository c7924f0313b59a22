"""Benchmarks (`make bench`): page speed against a slow LatePoint, then five desks on one key.

Page speed: starts a sandbox (500 customers, SANDBOX_LATENCY_MS=150 by default) on a free
port, runs the front office in this process with Django's test client (production settings,
an empty local-memory cache and a throwaway database), signs in as a manager and renders each
page once on a cold cache, then three times from the cache (reporting the median). Prints a
table and writes bench/results/latest.json. Targets: bench/README.md.

    make bench                      # or: .venv/bin/python bench/run.py [--latency-ms 150]

`make bench` also runs the "five desks on one key" scenario (bench/five_desks.py): five
scripted receptionists on one rate-limited key for three minutes. Run just one with
`--scenario page-speed` or `--scenario five-desks [--minutes N] [--desks N]`.

`--scenario takings [--payments N]`: the day's takings for a day of 600 payments
(bench/takings.py): calls cold and warm, and the warm render time.

`--scenario list-speed [--repeat N]`: the 100-row customer list and the bookings list from the
cache, side by side with Django admin's changelist over the same sandbox rows
(bench/list_admin.py), reporting the median of each and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

# Targets in ms (bench/README.md): (first render on a cold cache, render from the cache).
TARGETS = {
    "/customers/": (1000, 150),
    "/customers/{id}/": (1000, 150),
    "/": (1500, 150),
    "/stats/?period=30d": (3000, 150),
    "/stats/?period=90d": (6000, 300),
}


def seed_sandbox(workdir: Path, customers: int) -> Path:
    from tests.conftest import sandbox_env

    template = workdir / "template.sqlite3"
    env = sandbox_env(template)
    for args in (["migrate", "--noinput", "-v0"], ["seed", "--customers", str(customers)]):
        subprocess.run([sys.executable, "-m", "sandbox", *args], env=env, check=True, cwd=ROOT)  # noqa: S603
    return template


def setup_front_office(workdir: Path, sandbox) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'frontoffice.sqlite3'}"
    os.environ["CACHE_URL"] = "locmemcache://bench"
    os.environ["LATEPOINT_API_URL"] = sandbox.base_url
    os.environ["LATEPOINT_API_KEY"] = sandbox.api_key
    os.environ.setdefault("LATEPOINT_LOG_LEVEL", "WARNING")
    # The test client's host. Django's setup_test_environment() is not used: it instruments
    # template rendering, which would slow every page down.
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def upstream_calls(response) -> int | None:
    match = re.search(r'desc="(\d+) calls?"', response.get("Server-Timing", ""))
    return int(match.group(1)) if match else None


def measure(client, path: str) -> dict:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    return {
        "status": response.status_code,
        "ms": round(elapsed, 1),
        "upstream_calls": upstream_calls(response),
    }


SCENARIOS = (
    "page-speed",
    "five-desks",
    "slow-latepoint",
    "list-speed",
    "takings",
    "at-scale",
    "all",
)


def main() -> int:
    import at_scale
    import five_desks
    import slow_latepoint
    import takings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="all",
        help="page-speed, five-desks, slow-latepoint, list-speed, takings, or all of them "
        "(the default)",
    )
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--profile-id", type=int, default=1, help="customer for the profile page")
    five_desks.add_arguments(parser)
    at_scale.add_arguments(parser)
    takings.add_arguments(parser)
    parser.add_argument(
        "--latency-s", type=float, default=12.0, help="slow-latepoint: LatePoint's latency (12)"
    )
    parser.add_argument(
        "--repeat", type=int, default=40, help="list-speed: measured renders of each page (40)"
    )
    args = parser.parse_args()

    runs = []
    if args.scenario in ("page-speed", "all"):
        runs.append(page_speed)
    if args.scenario in ("five-desks", "all"):
        runs.append(five_desks.run)
    if args.scenario in ("slow-latepoint", "all"):
        runs.append(slow_latepoint.run)
    if args.scenario in ("list-speed", "all"):
        runs.append(list_speed)
    if args.scenario in ("takings", "all"):
        runs.append(takings_scenario)
    if args.scenario == "at-scale":  # about 20 minutes: not part of "all"
        runs.append(at_scale.run)
    status = 0
    for number, scenario in enumerate(runs):
        if number:
            print("\n" + "=" * 72 + "\n", flush=True)
        try:
            status = scenario(args) or status
        except Exception:  # one scenario's crash does not hide the other's results
            if len(runs) == 1:
                raise
            traceback.print_exc()
            status = 1
    return status


def page_speed(args) -> int:
    import booking_calls

    from tests.conftest import PASSWORD, start_sandbox, stop_sandbox

    with tempfile.TemporaryDirectory(prefix="frontoffice-bench-") as tmp:
        workdir = Path(tmp)
        print(f"Seeding a sandbox with {args.customers} customers...", flush=True)
        template = seed_sandbox(workdir, args.customers)
        sandbox = start_sandbox(template, workdir, SANDBOX_LATENCY_MS=str(args.latency_ms))
        try:
            setup_front_office(workdir, sandbox)
            from django.contrib.auth.models import Group, User
            from django.core.cache import cache
            from django.test import Client

            user = User.objects.create_user(username="bench-manager", password=PASSWORD)
            user.groups.add(Group.objects.get(name="Manager"))
            client = Client()
            # force_login: the sign-in backend (django-axes) wants the request authenticate()
            # is given, which Client.login() does not pass.
            client.force_login(user)

            pages = [
                ("customer list", "/customers/"),
                ("customer profile", "/customers/{id}/"),
                ("today", "/"),
                ("stats, 30 days", "/stats/?period=30d"),
                ("stats, 90 days", "/stats/?period=90d"),
            ]
            cache.clear()
            rows = []
            for name, target in pages:
                path = target.format(id=args.profile_id)
                first = measure(client, path)
                # The cached render is quick and noisy: keep the median of three.
                repeats = sorted((measure(client, path) for _ in range(3)), key=lambda m: m["ms"])
                cached = repeats[1]
                rows.append(
                    {"page": name, "path": path, "target": target, "first": first, "cached": cached}
                )
            booking_steps = booking_calls.run(client, sandbox)
        finally:
            stop_sandbox(sandbox)

    print()
    print(f"Upstream latency {args.latency_ms} ms per call; {args.customers} customers.")
    header = (
        f"{'page':<18} {'path':<22} {'first ms':>9} {'calls':>6} {'cached ms':>10} {'calls':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        first, cached = row["first"], row["cached"]
        flag = "" if first["status"] == cached["status"] == 200 else f"  (HTTP {first['status']})"
        print(
            f"{row['page']:<18} {row['path']:<22} {first['ms']:>9.0f} "
            f"{first['upstream_calls'] if first['upstream_calls'] is not None else '-':>6} "
            f"{cached['ms']:>10.0f} "
            f"{cached['upstream_calls'] if cached['upstream_calls'] is not None else '-':>6}{flag}"
        )

    checks = []
    for row in rows:
        first_target, cached_target = TARGETS[row["target"]]
        for kind, target in (("first", first_target), ("cached", cached_target)):
            if row[kind]["status"] == 200:
                label = f"{row['page']}, {kind} render < {target} ms"
                checks.append((label, row[kind]["ms"] < target))
            else:
                checks.append((f"{row['page']}, {kind} render: HTTP {row[kind]['status']}", False))
    checks += booking_calls.report(booking_steps)
    print()
    for label, ok in checks:
        print(f"{'met ' if ok else 'MISSED'}  {label}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "latency_ms": args.latency_ms,
        "customers": args.customers,
        "python": platform.python_version(),
        "pages": rows,
        "booking": booking_steps,
        "targets": {path: {"first_ms": f, "cached_ms": c} for path, (f, c) in TARGETS.items()},
        "checks": [{"check": label, "met": ok} for label, ok in checks],
    }
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWrote {RESULTS.relative_to(ROOT) / 'latest.json'}")
    return 0


#: (list, the front office's page, Django admin's changelist of the same rows). Both 100 rows.
LIST_PAGES = [
    ("customers", "/customers/?per_page=100", "/admin/sandbox/customer/"),
    ("bookings", "/bookings/?per_page=100", "/admin/sandbox/booking/"),
]
#: The most the customer list may take, as a multiple of the admin's changelist (the goal: 1.0).
LIST_TARGET = 1.2
LIST_WARMUP = 5


class AdminWorker:
    """bench/list_admin.py in its own process: one render of a path per request, timed there."""

    def __init__(self, sandbox_db: Path, workdir: Path):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANDBOX_"))}
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(ROOT / "bench" / "list_admin.py"),
                "--sandbox-db",
                str(sandbox_db),
                "--workdir",
                str(workdir),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        if not json.loads(self.process.stdout.readline() or "{}").get("ready"):
            raise RuntimeError("the admin worker did not start")

    def get(self, path: str) -> dict:
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def takings_scenario(args) -> int:
    """The day's takings for a day of 600 payments (bench/takings.py), in a process of its
    own: its front office is set up on its own sandbox."""
    command = [sys.executable, str(Path(__file__).resolve().parent / "takings.py")]
    command += ["--payments", str(args.payments)]
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603


def list_speed(args) -> int:
    from django.conf import settings

    if settings.configured:
        # Another scenario set this process's front office up on its own sandbox: start afresh.
        command = [sys.executable, str(Path(__file__).resolve()), "--scenario", "list-speed"]
        command += ["--customers", str(args.customers), "--repeat", str(args.repeat)]
        return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603

    from tests.conftest import PASSWORD, start_sandbox, stop_sandbox

    with tempfile.TemporaryDirectory(prefix="frontoffice-bench-") as tmp:
        workdir = Path(tmp)
        print(f"Seeding a sandbox with {args.customers} customers...", flush=True)
        template = seed_sandbox(workdir, args.customers)
        sandbox = start_sandbox(template, workdir, SANDBOX_LATENCY_MS="0")
        # Nothing goes stale during the run: every measured render is served from the cache.
        os.environ["LATEPOINT_CACHE_TTL_CUSTOMER_LIST"] = "3600"
        os.environ["LATEPOINT_CACHE_TTL_BOOKING_LIST"] = "3600"
        admin = None
        try:
            setup_front_office(workdir, sandbox)
            from django.contrib.auth.models import Group, User
            from django.test import Client

            user = User.objects.create_user(username="bench-manager", password=PASSWORD)
            user.groups.add(Group.objects.get(name="Manager"))
            client = Client()
            client.force_login(user)
            admin = AdminWorker(sandbox.db_path, workdir)

            rows = []
            for name, ours_path, admin_path in LIST_PAGES:
                first = measure(client, ours_path)
                for _ in range(LIST_WARMUP):
                    measure(client, ours_path)
                    admin.get(admin_path)
                ours, theirs = [], []
                for number in range(args.repeat):
                    # Turn and turn about, each going first every other time.
                    if number % 2:
                        theirs.append(admin.get(admin_path))
                        ours.append(measure(client, ours_path))
                    else:
                        ours.append(measure(client, ours_path))
                        theirs.append(admin.get(admin_path))
                ours_ms = _median([m["ms"] for m in ours])
                admin_ms = _median([m["ms"] for m in theirs])
                rows.append(
                    {
                        "list": name,
                        "path": ours_path,
                        "admin_path": admin_path,
                        "first": first,
                        "statuses": sorted({m["status"] for m in ours + theirs}),
                        "upstream_calls": max((m["upstream_calls"] or 0) for m in ours),
                        "ours_ms": round(ours_ms, 1),
                        "admin_ms": round(admin_ms, 1),
                        "ratio": round(ours_ms / admin_ms, 2),
                        "ours_kb": round(len(client.get(ours_path).content) / 1024),
                        "admin_kb": round(theirs[-1]["bytes"] / 1024),
                    }
                )
        finally:
            if admin is not None:
                admin.close()
            stop_sandbox(sandbox)

    print()
    print(
        f"Cached lists against Django admin's changelist on the same rows ({args.customers} "
        f"customers; median of {args.repeat} renders each, taken in turn)."
    )
    header = (
        f"{'list':<10} {'path':<26} {'ours ms':>8} {'admin ms':>9} {'ratio':>6} "
        f"{'ours KB':>8} {'admin KB':>9} {'calls':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        flag = "" if row["statuses"] == [200] else f"  (HTTP {row['statuses']})"
        print(
            f"{row['list']:<10} {row['path']:<26} {row['ours_ms']:>8.1f} {row['admin_ms']:>9.1f} "
            f"{row['ratio']:>5.2f}x {row['ours_kb']:>8} {row['admin_kb']:>9} "
            f"{row['upstream_calls']:>6}{flag}"
        )

    customers = rows[0]
    checks = [
        (
            f"customer list at most {LIST_TARGET}x the admin's changelist",
            customers["ratio"] <= LIST_TARGET,
        ),
        ("every render answered 200", all(row["statuses"] == [200] for row in rows)),
        ("no upstream call from the cache", all(row["upstream_calls"] == 0 for row in rows)),
    ]
    print()
    for label, ok in checks:
        print(f"{'met ' if ok else 'MISSED'}  {label}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "customers": args.customers,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "lists": rows,
        "target_ratio": LIST_TARGET,
        "checks": [{"check": label, "met": ok} for label, ok in checks],
    }
    (RESULTS / "list_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWrote {RESULTS.relative_to(ROOT) / 'list_speed.json'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
