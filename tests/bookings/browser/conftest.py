"""Real-browser fixtures for the booking screens: the e2e suite's, shared."""

from __future__ import annotations

from tests.e2e.conftest import (  # noqa: F401 - the e2e suite's fixtures, shared
    app,
    as_manager,
    as_receptionist,
    browser_context_args,
    browser_type_launch_args,
    screenshot,
)
