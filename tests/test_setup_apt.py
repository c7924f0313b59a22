"""`make test`'s installs from Debian's packages (scripts/apt_install.sh) wait, for a bounded
time and saying so, while another package manager holds the package lock.

Debian's real lock files are held by a helper process, as a running apt-get or unattended
upgrade would hold them; the script runs as `make` runs it (root here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LISTS_LOCK = "/var/lib/apt/lists/lock"

pytestmark = pytest.mark.skipif(
    shutil.which("apt-get") is None or os.geteuid() != 0,
    reason="needs Debian's apt-get, as root",
)

HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o640)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


class HeldLock:
    """Holds an apt lock (as apt does: fcntl) until released."""

    def __init__(self, path: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD, path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


def _install(timeout: int, *packages: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["bash", "scripts/apt_install.sh", *packages],
        cwd=ROOT,
        env={**os.environ, "APT_LOCK_TIMEOUT": str(timeout)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_lock_held_past_the_timeout_stops_with_a_message_naming_its_holder():
    lock = HeldLock(LISTS_LOCK)
    try:
        install = _install(3, "coreutils")
        out, err = install.communicate(timeout=60)
    finally:
        lock.release()
    assert install.returncode == 1
    assert "waiting up to 3 s for it to finish..." in out
    holder = f"held by process {lock.process.pid} (python"
    assert holder in out
    assert "make: Debian's package lock is still held (" + holder in err
    assert "after 3 s: nothing was installed." in err
    assert "APT_LOCK_TIMEOUT=600" in err
    assert "E: Could not get lock" not in err


def test_the_install_goes_on_once_the_lock_is_free():
    lock = HeldLock(LISTS_LOCK)
    try:
        install = _install(120, "coreutils")
        first = install.stdout.readline() + install.stdout.readline()
        assert "Installing coreutils from Debian's packages..." in first
        assert "waiting up to 120 s" in first
    finally:
        lock.release()
    out, err = install.communicate(timeout=300)
    assert install.returncode == 0, first + out + err
    assert "still held" not in err
