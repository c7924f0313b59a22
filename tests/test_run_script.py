"""`make run` starts the sandbox, the front office and the worker, and stops every one of them
however it is stopped; a port still held says what to do instead of a gunicorn traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(sid: int) -> list[int]:
    """The processes still in a session (read from /proc): `make run` and everything it started,
    each of scripts/run.sh's processes in a process group of its own."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def _run_script(sid: int) -> int:
    """scripts/run.sh's own process (its pid is what `$$` is in it)."""
    for pid in _session(sid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command[:2] == [b"bash", b"./scripts/run.sh"]:
            return pid
    raise AssertionError("scripts/run.sh is not running")


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


@pytest.fixture
def demo_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FRONTOFFICE_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SANDBOX_DB=str(tmp_path / "sandbox.sqlite3"),
        CUSTOMERS="20",
        PORT=str(_free_port()),
        SANDBOX_PORT=str(_free_port()),
        CACHE_URL="",
    )
    env.pop("CACHE_URL")
    return env


def _as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _signal(run: subprocess.Popen, how: str) -> None:
    if how == "Ctrl-C":  # a terminal's Ctrl-C: SIGINT to its foreground process group, make's
        os.killpg(run.pid, signal.SIGINT)
    elif how == "SIGTERM to make":
        run.send_signal(signal.SIGTERM)
    elif how == "SIGTERM to scripts/run.sh":
        os.kill(_run_script(run.pid), signal.SIGTERM)
    elif how == "make killed outright":
        run.send_signal(signal.SIGKILL)


@pytest.mark.parametrize(
    "how",
    ["SIGTERM to make", "Ctrl-C", "SIGTERM to scripts/run.sh", "make killed outright"],
)
def test_make_run_stops_the_sandbox_the_front_office_and_the_worker(demo_env, how, tmp_path):
    # Written to a file, not a pipe nobody reads while it runs: a full pipe would block the
    # processes writing to it, and so their stop.
    log = tmp_path / "make-run.log"
    run = subprocess.Popen(
        [
            "make",
            "-s",
            "run",
            f"PORT={demo_env['PORT']}",
            f"SANDBOX_PORT={demo_env['SANDBOX_PORT']}",
        ],
        cwd=ROOT,
        env=demo_env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As from a terminal, where Ctrl-C has its default action: pytest's process may have
        # been left ignoring SIGINT by an earlier test, and a shell cannot trap a signal that
        # was ignored when it started.
        preexec_fn=_as_from_a_terminal,
    )
    try:
        started = time.monotonic()
        while not (_answers(int(demo_env["PORT"])) and len(_session(run.pid)) >= 5):
            assert run.poll() is None, log.read_text()
            assert time.monotonic() - started < 120, "make run did not start"
            time.sleep(0.5)

        _signal(run, how)
        stopped = time.monotonic()
        while _session(run.pid) and time.monotonic() - stopped < 20:
            time.sleep(0.2)
        took = time.monotonic() - stopped

        assert _session(run.pid) == [], f"still running after {how}:\n{log.read_text()[-3000:]}"
        assert took < 10, f"{how}: everything stopped only after {took:.1f} s"
        assert not _answers(int(demo_env["PORT"]))
        for port in (demo_env["PORT"], demo_env["SANDBOX_PORT"]):
            with socket.socket() as again:
                again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                again.bind(("127.0.0.1", int(port)))  # free for the next `make run`
        run.wait(timeout=10)
        output = log.read_text()
        assert "Stopped." in output
        assert "SIGKILL" not in output
        assert "Traceback" not in output
    finally:
        for pid in _session(run.pid):
            os.kill(pid, signal.SIGKILL)


def test_a_port_still_held_says_what_to_stop(demo_env):
    with socket.socket() as held:
        held.bind(("127.0.0.1", int(demo_env["SANDBOX_PORT"])))
        held.listen()
        result = subprocess.run(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env=demo_env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"Port {demo_env['SANDBOX_PORT']} is in use" in result.stderr
    assert "make run PORT=" in result.stderr
    assert "Preparing" not in result.stdout  # nothing was started
