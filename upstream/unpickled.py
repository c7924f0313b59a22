"""Big cached reads kept unpickled in each process, as long as the shared cache holds them.

A page of 100 bookings is a few hundred objects: reading it back out of the shared cache
(unpickling it) is most of a warm Today board or calendar at a busy day's 600 bookings. Each
such entry is written with a stamp beside it (a small key); a process keeps the entries it
read or wrote, each with its stamp, and serves one again only while the shared cache still
holds that same stamp. A write elsewhere, a new fill by another process, an eviction or a
cleared cache changes or drops the stamp, and the entry is read from the shared cache again.

The entries are frozen dataclasses, never changed once read, so one copy serves every thread.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Any

from django.core.cache import cache

#: The reads whose answers are kept (the pages of bookings the board and calendar walk).
METHODS = frozenset({"list_bookings"})
#: Entries kept per process (a busy day's board and calendar read 6 pages each; a week 30).
MAX_ENTRIES = 64

_held: OrderedDict[str, tuple[str, Any]] = OrderedDict()
_lock = threading.Lock()


def _stamp_key(key: str) -> str:
    return key + ":stamp"


def _keep(key: str, stamp: str, entry: Any) -> None:
    with _lock:
        _held[key] = (stamp, entry)
        _held.move_to_end(key)
        while len(_held) > MAX_ENTRIES:
            _held.popitem(last=False)


def get(key: str) -> Any:
    """The shared cache's entry at `key` (None when it has none), unpickled at most once per
    process while it stays the same.

    The stamp is read before the entry and written after it (`put`): a stamp read here is
    never newer than the entry read after it, so a kept entry is never newer than its stamp
    says, only (in a race) older, and then read again once the stamp moves on."""
    stamp = cache.get(_stamp_key(key))
    with _lock:
        held = _held.get(key)
    if held is not None and stamp is not None and stamp == held[0]:
        return held[1]
    entry = cache.get(key)
    if entry is not None and isinstance(stamp, str):
        _keep(key, stamp, entry)
    return entry


def put(key: str, entry: Any, timeout: int) -> None:
    """Write `entry` at `key` in the shared cache, then its new stamp, and keep it here."""
    stamp = secrets.token_hex(8)
    cache.set(key, entry, timeout)
    cache.set(_stamp_key(key), stamp, timeout)
    _keep(key, stamp, entry)


def forget() -> None:
    """Drop every entry kept in this process (the shared cache is untouched)."""
    with _lock:
        _held.clear()
