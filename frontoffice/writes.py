"""Writes that never lose or double anything: one writer per record, and each form sent once.

Both live in the shared cache (the database table by default, or Redis), so they hold across
every process of the front office:

- `record_lock("customer", 42)`: the conflict check and the write for one record happen while
  no other request of any process is doing the same for that record. A second save waits for
  the first, then finds the record changed and shows the conflict screen instead of silently
  overwriting. `cache.add` is atomic on every backend the front office supports.
- `claim(request, token)`: every create or edit form carries a one-time token. The first submit
  of a token writes; a second (a double click, a resubmit after a timeout, a parallel request)
  waits for the first to finish and lands on its result instead of writing again.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from frontoffice import upstream_metrics

_POLL_SECONDS = 0.05
#: How long a finished submission is remembered (a resubmit a day later still lands on it).
SUBMISSION_SECONDS = 86400
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class RecordBusy(Exception):
    """Another request kept the record's lock for the whole of this page's deadline."""

    user_message = (
        "Someone else is saving this record right now and LatePoint has not finished with "
        "their change. Nothing was saved: try again in a moment."
    )


def _wait_seconds() -> float:
    left = upstream_metrics.time_left()
    return float(settings.LATEPOINT_DEADLINE) if left is None else max(left - 0.5, 0.0)


@contextmanager
def record_lock(kind: str, record_id: object) -> Iterator[None]:
    """Hold the write lock of one record (shared by every process) while the block runs."""
    key = f"frontoffice:lock:{kind}:{str(record_id).strip()}"
    token = secrets.token_hex(8)
    # Held at most a little longer than a page may wait on LatePoint, in case a worker dies.
    timeout = int(settings.LATEPOINT_DEADLINE) + 10
    give_up = time.monotonic() + _wait_seconds()
    while not cache.add(key, token, timeout):
        if time.monotonic() >= give_up:
            raise RecordBusy(f"{kind} {record_id} is locked")
        time.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)


# --- submit once -------------------------------------------------------------------------------


def new_token() -> str:
    """A one-time token for a form being shown."""
    return secrets.token_urlsafe(18)


@dataclass(frozen=True)
class Claim:
    """What became of a submitted token.

    - `first`: this request is the one that writes (then `finish`, `unknown` or `release`);
      `after_unknown` when an earlier submit of the form may have written (LatePoint's answer
      was lost): look for its result before writing again;
    - else `url` and `message`: where the first submit of this form landed, and what it said;
    - else `pending`: the first submit is still running after this page's deadline.
    """

    first: bool
    url: str = ""
    message: str = ""
    pending: bool = False
    after_unknown: bool = False


def _key(request, token: str) -> str:
    user = getattr(request, "user", None)
    return f"frontoffice:submit:{getattr(user, 'pk', None)}:{token}"


def claim(request, token: str | None) -> Claim | None:
    """Claim a form's one-time token; None when the form carried none (nothing to guard)."""
    if not token or not TOKEN_PATTERN.fullmatch(token):
        return None
    key = _key(request, token)
    give_up = time.monotonic() + _wait_seconds()
    while True:
        if cache.add(key, {"state": "pending"}, SUBMISSION_SECONDS):
            return Claim(first=True)
        found = cache.get(key)
        if found is not None and found.get("state") == "done":
            return Claim(first=False, url=found["url"], message=found.get("message", ""))
        # After an unknown outcome, one of the requests resending the form takes it over; the
        # others wait for it.
        retry = found is not None and found.get("state") == "unknown"
        if retry and cache.add(key + ":retry", 1, 5):
            cache.set(key, {"state": "pending"}, SUBMISSION_SECONDS)
            cache.delete(key + ":retry")
            return Claim(first=True, after_unknown=True)
        if time.monotonic() >= give_up:
            return Claim(first=False, pending=True)
        time.sleep(_POLL_SECONDS)


def finish(request, token: str | None, *, url: str, message: str = "") -> None:
    """The first submit wrote: any later submit of the same form lands on `url`."""
    if token and TOKEN_PATTERN.fullmatch(token):
        cache.set(
            _key(request, token),
            {"state": "done", "url": url, "message": message},
            SUBMISSION_SECONDS,
        )


def unknown(request, token: str | None) -> None:
    """The first submit may have written, and reading LatePoint back could not tell: a resubmit
    of the form writes again only once it has looked for the first one's result."""
    if token and TOKEN_PATTERN.fullmatch(token):
        cache.set(_key(request, token), {"state": "unknown"}, SUBMISSION_SECONDS)


def release(request, token: str | None) -> None:
    """The first submit wrote nothing (refused, or known not to have reached LatePoint): the
    same form may be sent again."""
    if token and TOKEN_PATTERN.fullmatch(token):
        cache.delete(_key(request, token))
