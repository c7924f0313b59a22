"""Services that belong to no single screen."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection

from upstream.gateway import api

logger = logging.getLogger("frontoffice")


def readiness_problems() -> list[str]:
    """What stops this process from serving pages: the database, the shared cache, LatePoint.

    LatePoint's answer comes from a probe shared by every process (one call per 30 s at most).
    """
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("readiness: the database does not answer: %s", type(exc).__name__)
        problems.append("The database does not answer.")
    try:
        probe_key = "frontoffice:readyz:" + secrets.token_hex(4)
        cache.set(probe_key, 1, 5)
        if cache.get(probe_key) != 1:
            raise RuntimeError("the value written could not be read back")
        cache.delete(probe_key)
    except Exception as exc:  # any cache backend's failure, whatever its library raises
        logger.warning("readiness: the cache does not answer: %s", type(exc).__name__)
        problems.append("The shared cache does not answer.")
        return problems  # the LatePoint probe lives in the cache
    probe = api().probe()
    if probe.ok is False:
        problems.append(probe.reason)
    return problems
