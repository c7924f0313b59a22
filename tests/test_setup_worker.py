"""The background worker (`manage.py run_huey`) writes each of its log lines once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTED = "Huey consumer started"
READY = "The following commands are available"


def test_the_worker_logs_each_line_once(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "LATEPOINT_", "FRONTOFFICE_", "HUEY_", "CACHE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        FRONTOFFICE_DEMO="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Stopped in any case, should it never say it is ready.
    guard = threading.Timer(60, worker.kill)
    guard.start()
    lines: list[str] = []
    try:
        for line in worker.stdout:
            lines.append(line)
            if READY in line:
                break
        worker.send_signal(signal.SIGTERM)
        rest, _ = worker.communicate(timeout=30)
    finally:
        guard.cancel()
        if worker.poll() is None:
            worker.kill()
    output = "".join(lines) + rest
    assert sum(STARTED in line for line in output.splitlines()) == 1, output
    assert sum(READY in line for line in output.splitlines()) == 1, output
    # Through the front office's own handler: the request id's place included.
    started = next(line for line in output.splitlines() if STARTED in line)
    assert " INFO huey.consumer [-] " in started
