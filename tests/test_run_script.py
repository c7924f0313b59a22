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


def _group(pgid: int) -> list[int]:
    """The processes still in a process group (read from /proc)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


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


def test_a_sigterm_to_make_stops_the_sandbox_the_front_office_and_the_worker(demo_env):
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
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        started = time.monotonic()
        while not (_answers(int(demo_env["PORT"])) and len(_group(run.pid)) >= 5):
            assert run.poll() is None, run.stdout.read().decode()
            assert time.monotonic() - started < 120, "make run did not start"
            time.sleep(0.5)

        run.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        while _group(run.pid) and time.monotonic() - stopped < 20:
            time.sleep(0.2)

        assert _group(run.pid) == [], "still running after SIGTERM to make"
        assert not _answers(int(demo_env["PORT"]))
        output = run.stdout.read().decode()
        assert "Stopped." in output
    finally:
        if _group(run.pid):
            os.killpg(run.pid, signal.SIGKILL)


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
