"""The suite uses no fixture that pytest 10 removes (PytestRemovedIn10Warning as an error)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_base_url_probe(base_url):
    """Takes pytest-playwright's `base_url`, as every browser test's page does."""
    assert base_url is None


def test_no_session_fixture_is_an_instance_method():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"{Path(__file__).relative_to(ROOT)}::test_base_url_probe",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::pytest.PytestRemovedIn10Warning",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout
