"""Services that belong to no single screen."""

from __future__ import annotations

from frontoffice.upstream import api
from latepoint.models import ApiStatus


def latepoint_status_get() -> ApiStatus:
    """Whether LatePoint answers with the configured key: one call, never cached."""
    return api().status()
