"""Scale-out stacks: two front-office gunicorn processes sharing one database and one cache.

The `stack` fixture is parametrised over the two ways the front office runs as several
processes, each built once per session and torn down when the next one starts:

- "postgres-redis": DATABASE_URL=postgres://... and CACHE_URL=redis://..., on a PostgreSQL and a
  Redis server started here on free ports (`make servers`, part of `make test`, installs them
  from Debian's packages);
- "sqlite-dbcache": the embedded default, what `make run` does: one SQLite file and the database
  cache `migrate` creates in it (no CACHE_URL).

Each stack is migrated once, then served by two processes, A and B, each
`gunicorn -c gunicorn.conf.py config.wsgi:application` with WEB_CONCURRENCY=1, on ports of
their own. The tests talk to each directly, as a load balancer would, through one signed-in
requests.Session (cookies belong to a host, not a port): one desk whose requests land on
either process.

`budget_pair` starts two more processes for one test, with LATEPOINT_RATE_LIMIT=10 and a copy
of the stack's database and a cache (so a request budget) nothing else has used.
`budget_site` starts such processes with settings of the test's own (several workers each, as
`make run` has, a key's size, cache times), and `BudgetSite.forget()` gives them back a budget
and a cache nothing has used, so that a module's tests can share one site.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import redis
import requests

from tests.conftest import PASSWORD, ROOT, Sandbox, _free_port

SETTINGS = "tests.scaleout.settings"
USERNAME = "desk"
MANAGER = "boss"
STACKS = ["postgres-redis", "sqlite-dbcache"]
WSGI_APPLICATION = "config.wsgi:application"
INITDB_OPTIONS = ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
#: A throwaway server: durability off.
POSTGRES_OPTIONS = ["-h", "127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"]
#: Keeps nothing on disk.
REDIS_OPTIONS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
#: Seconds a server or a front-office process gets to answer its readiness probe.
START_SECONDS = 60.0


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scaleout: several front-office processes on PostgreSQL/Redis and SQLite"
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/scaleout/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.scaleout)


def wait_until(ready: Callable[[], bool], what: str, proc: subprocess.Popen | None = None) -> None:
    """Poll `ready` until it says yes; fail at once if `proc` exits, or after START_SECONDS."""
    deadline = time.monotonic() + START_SECONDS
    pause = 0.05
    while not ready():
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready after {START_SECONDS:.0f} s")
        time.sleep(pause)
        pause = min(pause * 1.5, 0.5)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """The directory of the newest installed PostgreSQL server's programs, if any."""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if found and (Path(found) / "postgres").is_file():
            return Path(found)
    servers = glob.glob("/usr/lib/postgresql/*/bin/postgres")
    if not servers:
        return None
    newest = max(servers, key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parts[-3])])
    return Path(newest).parent


@dataclass
class Postgres:
    port: int

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str, template: str | None = None) -> str:
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """A throwaway PostgreSQL server on 127.0.0.1 (trust authentication), stopped at the end.

    PostgreSQL refuses to run as root: as root, it runs as the `postgres` system user, in a
    temporary directory that user owns.
    """
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (`make servers` installs it)")
    workdir = Path(tempfile.mkdtemp(prefix="frontoffice-postgres-"))
    as_user: dict = {}
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(workdir, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    data = workdir / "data"
    proc = None
    try:
        subprocess.run(
            [bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", *INITDB_OPTIONS],
            cwd=workdir,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            **as_user,
        )
        port = _free_port()
        with open(workdir / "postgres.log", "wb") as log:
            server = [bindir / "postgres", "-D", data, "-p", str(port), "-k", workdir]
            proc = subprocess.Popen(
                [*server, *POSTGRES_OPTIONS],
                cwd=workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                **as_user,
            )

        def ready() -> bool:
            probe = [bindir / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]
            return subprocess.run(probe, env=env, check=False).returncode == 0

        wait_until(ready, "PostgreSQL", proc)
        yield Postgres(port=port)
    finally:
        if proc is not None:
            stop(proc, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        shutil.rmtree(workdir, ignore_errors=True)


# --- Redis -----------------------------------------------------------------------------------


@dataclass
class Redis:
    port: int

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[Redis]:
    """A throwaway Redis server on 127.0.0.1 that keeps nothing on disk, stopped at the end."""
    program = shutil.which("redis-server")
    if program is None:
        pytest.skip("redis-server is not installed (`make servers` installs it)")
    workdir = tmp_path_factory.mktemp("redis")
    port = _free_port()
    with open(workdir / "redis.log", "wb") as log:
        proc = subprocess.Popen(
            [program, "--port", str(port), "--dir", str(workdir), *REDIS_OPTIONS],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def ready() -> bool:
        try:
            with redis.Redis(port=port, socket_timeout=1) as client:
                return bool(client.ping())
        except redis.ConnectionError:
            return False

    try:
        wait_until(ready, "Redis", proc)
        yield Redis(port=port)
    finally:
        stop(proc)


# --- front-office processes ------------------------------------------------------------------


def front_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    """The environment of a front-office process: production settings read from it, as a
    deployment would set them, pointed at the session's sandbox."""
    inherited = ("DJANGO_", "LATEPOINT_", "FRONTOFFICE_", "GUNICORN_", "SANDBOX_")
    unset = {"CACHE_URL", "DATABASE_URL", "HOST", "PORT", "WEB_CONCURRENCY"}
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited) and k not in unset}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DJANGO_SECRET_KEY="scale-out-test-secret-key-shared-by-every-process-of-a-stack",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        LATEPOINT_API_URL=sandbox.base_url,
        LATEPOINT_API_KEY=sandbox.api_key,
        LATEPOINT_RATE_LIMIT="100000",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def prepare(env: dict[str, str]) -> None:
    """`migrate` (which also creates the database cache's table), then a receptionist."""
    code = (
        "from django.core.management import call_command\n"
        "from django.contrib.auth.models import Group, User\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        f"user = User.objects.create_user({USERNAME!r}, password={PASSWORD!r})\n"
        "user.groups.add(Group.objects.get(name='Receptionist'))\n"
        f"boss = User.objects.create_user({MANAGER!r}, password={PASSWORD!r})\n"
        "boss.groups.add(Group.objects.get(name='Manager'))\n"
    )
    command = [sys.executable, "manage.py", "shell", "-v", "0", "-c", code]
    subprocess.run(command, env=env, cwd=ROOT, check=True)


@dataclass
class Front:
    """One front-office process (a gunicorn arbiter and its one worker)."""

    name: str
    url: str
    process: subprocess.Popen = field(repr=False)


def start_fronts(
    env: dict[str, str], names: tuple[str, ...] = ("A", "B"), *, workers: int = 1
) -> list[Front]:
    """Start one gunicorn per name (`workers` worker processes each), together, and wait until
    each answers /healthz."""
    fronts = []
    for name in names:
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", WSGI_APPLICATION],
            env={**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)},
            cwd=ROOT,
        )
        fronts.append(Front(name=name, url=f"http://127.0.0.1:{port}", process=proc))
    try:
        for front in fronts:

            def healthy(front: Front = front) -> bool:
                try:
                    return requests.get(front.url + "/healthz", timeout=2).status_code == 200
                except requests.RequestException:  # not listening yet, or still booting
                    return False

            wait_until(healthy, f"front office {front.name}", front.process)
    except BaseException:
        stop_fronts(fronts)
        raise
    return fronts


def stop_fronts(fronts: list[Front]) -> None:
    for front in fronts:
        front.process.send_signal(signal.SIGTERM)
    for front in fronts:
        stop(front.process)


def sign_in(front: Front, username: str = USERNAME) -> requests.Session:
    """A session signed in as `username` (the receptionist) through `front` (valid on every
    process)."""
    http = requests.Session()
    page = http.get(front.url + "/accounts/login/", timeout=30)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    answer = http.post(
        front.url + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    return http


def upstream_calls(response: requests.Response) -> int:
    """How many calls to LatePoint the page made, from its Server-Timing header."""
    timing = response.headers.get("Server-Timing", "")
    match = re.search(r'upstream;[^,]*desc="(\d+) calls?"', timing)
    assert match, f"no upstream calls in Server-Timing: {timing!r}"
    return int(match.group(1))


@dataclass
class Stack:
    """Two front-office processes on one database and one cache, and a desk signed in."""

    kind: str
    a: Front
    b: Front
    http: requests.Session = field(repr=False)
    budget_env: dict[str, str] = field(repr=False)
    #: When its processes had served nothing yet (epoch seconds, the sandbox's clock too).
    started_at: float = 0.0
    #: The environment its processes run with.
    env: dict[str, str] = field(default_factory=dict, repr=False)

    def get(self, front: Front, path: str, **kwargs) -> requests.Response:
        return self.http.get(front.url + path, timeout=30, **kwargs)

    def post(self, front: Front, path: str, data: dict, **kwargs) -> requests.Response:
        return self.http.post(front.url + path, data=data, timeout=30, **kwargs)

    def csrf_token(self) -> str:
        return self.http.cookies["csrftoken"]


@pytest.fixture(scope="session", params=STACKS)
def stack(request, sandbox_session: Sandbox, tmp_path_factory) -> Iterator[Stack]:
    kind = request.param
    workdir = tmp_path_factory.mktemp(kind)
    if kind == "postgres-redis":
        postgres: Postgres = request.getfixturevalue("postgres_server")
        cache: Redis = request.getfixturevalue("redis_server")
        env = front_env(
            sandbox_session,
            DATABASE_URL=postgres.create_database("frontoffice"),
            CACHE_URL=cache.url(1),
        )
        prepare(env)
        budget_site = {
            "DATABASE_URL": postgres.create_database("frontoffice_budget", "frontoffice"),
            "CACHE_URL": cache.url(2),
        }
    else:
        database = workdir / "frontoffice.sqlite3"
        env = front_env(sandbox_session, DATABASE_URL=f"sqlite:///{database}")
        prepare(env)
        copy = workdir / "frontoffice-budget.sqlite3"
        with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        budget_site = {"DATABASE_URL": f"sqlite:///{copy}"}
    budget_env = {**env, **budget_site, "LATEPOINT_RATE_LIMIT": "10", "LATEPOINT_DEADLINE": "2"}

    fronts = start_fronts(env)
    try:
        http = sign_in(fronts[0])
        yield Stack(kind=kind, a=fronts[0], b=fronts[1], http=http, budget_env=budget_env, env=env)
        http.close()
    finally:
        stop_fronts(fronts)


@pytest.fixture
def budget_pair(stack: Stack) -> Iterator[Stack]:
    """Two more processes like the stack's, with LATEPOINT_RATE_LIMIT=10 (9 usable a minute)
    and LATEPOINT_DEADLINE=2, on a copy of its database and a cache of their own: a budget
    nothing else has used."""
    fronts = start_fronts(stack.budget_env, names=("A'", "B'"))
    try:
        started_at = time.time()
        http = sign_in(fronts[0])
        pair = Stack(kind=stack.kind, a=fronts[0], b=fronts[1], http=http, budget_env={})
        pair.started_at = started_at
        yield pair
        http.close()
    finally:
        stop_fronts(fronts)


#: The budget sites' Redis databases: the stack takes 1 and 2, Redis has 16 (0 to 15).
_SITE_REDIS_DBS = range(3, 16)
#: The budget table and the cache tables `migrate` creates (the database cache's, the state's).
_SITE_TABLES = ("frontoffice_upstreambudget", "frontoffice_cache", "frontoffice_state")
_sites_made = 0


@dataclass
class BudgetSite(Stack):
    """Front-office processes on a database and a cache of their own (see `budget_site`)."""

    def forget(self) -> None:
        """A budget and a read cache nothing has used, LatePoint's last 429 forgotten too (what
        the processes share is in the database or Redis, not in them); `started_at` now."""
        _forget(self.env)
        self.started_at = time.time()


def _forget(env: dict[str, str]) -> None:
    """Empty the budget and the caches of the site `env` runs."""
    if "CACHE_URL" in env:
        with redis.Redis.from_url(env["CACHE_URL"]) as client:
            client.flushdb()
        return
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as db, db:
        for table in _SITE_TABLES:
            db.execute(f"DELETE FROM {table}")  # noqa: S608 (our own names)


def _site_database(stack: Stack, request, workdir: Path) -> dict[str, str]:
    """DATABASE_URL (and CACHE_URL) of a copy of the stack's budget database, emptied of every
    budget and cached read, and for Redis a database of its own, emptied."""
    global _sites_made
    _sites_made += 1
    if stack.kind == "postgres-redis":
        postgres: Postgres = request.getfixturevalue("postgres_server")
        cache: Redis = request.getfixturevalue("redis_server")
        name = f"frontoffice_site{_sites_made}"
        number = _SITE_REDIS_DBS[_sites_made % len(_SITE_REDIS_DBS)]
        site = {
            "DATABASE_URL": postgres.create_database(name, "frontoffice_budget"),
            "CACHE_URL": cache.url(number),
        }
    else:
        source = stack.budget_env["DATABASE_URL"].removeprefix("sqlite:///")
        copy = workdir / "frontoffice-site.sqlite3"  # Huey's queue file goes beside it
        with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
            original.backup(target)
        site = {"DATABASE_URL": f"sqlite:///{copy}"}
    _forget(site)
    return site


@contextlib.contextmanager
def budget_site(
    stack: Stack, request, workdir: Path, *, workers: int = 2, **settings: str
) -> Iterator[BudgetSite]:
    """Two front-office processes, A and B, of `workers` workers each (`make run` runs
    several), on a database and a cache nothing else has used, with the budget pair's
    environment (LATEPOINT_RATE_LIMIT=10, LATEPOINT_DEADLINE=2) and `settings` on top; a
    receptionist signed in. Its `env` runs a management command on the same site."""
    env = {**stack.budget_env, **_site_database(stack, request, workdir), **settings}
    fronts = start_fronts(env, names=("A", "B"), workers=workers)
    try:
        http = sign_in(fronts[0])
        site = BudgetSite(
            kind=stack.kind, a=fronts[0], b=fronts[1], http=http, budget_env={}, env=env
        )
        site.forget()  # what signing in left (nothing of LatePoint's): a clean start
        yield site
        http.close()
    finally:
        stop_fronts(fronts)


@pytest.fixture
def huey_consumer(stack: Stack) -> Iterator[subprocess.Popen]:
    """`manage.py run_huey` on the stack's queue, as the README runs it beside gunicorn (the
    periodic booking sync left out: these tests do not wait for it)."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--no-periodic", "--workers", "2"],
        env=stack.env,
        cwd=ROOT,
    )
    try:
        yield proc
    finally:
        stop(proc, signal.SIGINT)
