"""Real-browser fixtures for the booking screens: the e2e suite's, plus the role groups.

A live server needs committed data, so its database is flushed after each test, which also
removes the groups the roles migration created. They are put back after each browser test, for
the tests that run next.
"""

from __future__ import annotations

import pytest

from frontoffice.roles import ROLES
from tests.e2e.conftest import (  # noqa: F401 - the e2e suite's fixtures, shared
    app,
    as_manager,
    as_receptionist,
    browser_context_args,
    browser_type_launch_args,
    screenshot,
)


def _ensure_role_groups() -> None:
    from django.contrib.auth.models import Group

    for name in ROLES:
        Group.objects.get_or_create(name=name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    """After the live server's flush (the last fixture teardown), put the role groups back."""
    yield
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _ensure_role_groups()
