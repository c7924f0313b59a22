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
from django.core.cache import caches

from upstream import metrics as upstream_metrics

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
    while not caches["state"].add(key, token, timeout):
        if time.monotonic() >= give_up:
            raise RecordBusy(f"{kind} {record_id} is locked")
        time.sleep(_POLL_SECONDS)
    try:
        # The check, the write and its read-back are one write: they keep a write's place in
        # the key's budget, however many reads the desks are making.
        with upstream_metrics.writing():
            yield
    finally:
        if caches["state"].get(key) == token:
            caches["state"].delete(key)


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
        if caches["state"].add(key, _pending(), SUBMISSION_SECONDS):
            return Claim(first=True)
        found = caches["state"].get(key)
        if found is not None and found.get("state") == "done":
            return Claim(first=False, url=found["url"], message=found.get("message", ""))
        # After an unknown outcome, one of the requests resending the form takes it over; the
        # others wait for it.
        # So does a send that never said what became of it (its worker died mid-write).
        retry = found is not None and (found.get("state") == "unknown" or _abandoned(found))
        if retry and caches["state"].add(key + ":retry", 1, 5):
            caches["state"].set(key, _pending(), SUBMISSION_SECONDS)
            caches["state"].delete(key + ":retry")
            return Claim(first=True, after_unknown=True)
        if time.monotonic() >= give_up:
            return Claim(first=False, pending=True)
        time.sleep(_POLL_SECONDS)


def _pending() -> dict:
    return {"state": "pending", "at": time.time()}


def _abandoned(found: dict) -> bool:
    """A send still "pending" long after any page could still be waiting on it."""
    if found.get("state") != "pending":
        return False
    return time.time() - float(found.get("at", time.time())) > _wait_seconds_total()


def _wait_seconds_total() -> float:
    return float(settings.LATEPOINT_DEADLINE) + 10


def finish(request, token: str | None, *, url: str, message: str = "") -> None:
    """The first submit wrote: any later submit of the same form lands on `url`."""
    if token and TOKEN_PATTERN.fullmatch(token):
        caches["state"].set(
            _key(request, token),
            {"state": "done", "url": url, "message": message},
            SUBMISSION_SECONDS,
        )


def unknown(request, token: str | None) -> None:
    """The first submit may have written, and reading LatePoint back could not tell: a resubmit
    of the form writes again only once it has looked for the first one's result."""
    if token and TOKEN_PATTERN.fullmatch(token):
        caches["state"].set(_key(request, token), {"state": "unknown"}, SUBMISSION_SECONDS)


def release(request, token: str | None) -> None:
    """The first submit wrote nothing (refused, or known not to have reached LatePoint): the
    same form may be sent again."""
    if token and TOKEN_PATTERN.fullmatch(token):
        caches["state"].delete(_key(request, token))


# --- outcomes ----------------------------------------------------------------------------------


class Outcome:
    """What became of one write, as the screen says it: the only thing a view renders.

    - `done`: LatePoint has it (`record` is the record after the write);
      `confirmed_after_failure` when the answer was lost and reading back found it;
    - `refused`: LatePoint does not have it, and `message` says why (`field_errors` map
      LatePoint's per-field `details` to the form's fields; `taken` for a time given away);
    - `conflict`: someone changed the record since the form was opened; nothing was sent and
      `record` is the record as it is now;
    - `unknown`: the write was sent and its answer lost, and reading back could not tell;
      `message` says what was checked and what to do.

    `status` is the HTTP status of the page that says so, and `retry_after` LatePoint's wait.
    """

    DONE = "done"
    REFUSED = "refused"
    CONFLICT = "conflict"
    UNKNOWN = "unknown"

    __slots__ = (
        "confirmed_after_failure",
        "field_errors",
        "kind",
        "message",
        "record",
        "retry_after",
        "status",
        "taken",
        "title",
    )

    def __init__(
        self,
        kind: str,
        *,
        record=None,
        message: str = "",
        title: str = "",
        status: int = 200,
        field_errors: dict[str, str] | None = None,
        retry_after: int | None = None,
        confirmed_after_failure: bool = False,
        taken: bool = False,
    ) -> None:
        self.kind = kind
        self.record = record
        self.message = message
        self.title = title
        self.status = status
        self.field_errors = dict(field_errors or {})
        self.retry_after = retry_after
        self.confirmed_after_failure = confirmed_after_failure
        self.taken = taken

    def __repr__(self) -> str:
        return f"Outcome({self.kind!r}, status={self.status}, message={self.message!r})"

    @property
    def done(self) -> bool:
        return self.kind == self.DONE

    @property
    def unknown(self) -> bool:
        return self.kind == self.UNKNOWN

    @property
    def conflict(self) -> bool:
        return self.kind == self.CONFLICT

    @property
    def error(self) -> str:
        """The message as one line: "Title: message" when there is a title."""
        return f"{self.title}: {self.message}" if self.title else self.message

    def apply_headers(self, response):
        if self.retry_after is not None:
            response["Retry-After"] = str(self.retry_after)
        return response


def settle(request, token: str | None, outcome: Outcome, *, url: str = "", message: str = ""):
    """Record what became of a form's one-time token: a done write sends any resubmit of the
    form to `url`; an unknown one makes the resubmit look for it before writing; a refused or
    conflicting one lets the form be sent again."""
    if outcome.done:
        finish(request, token, url=url, message=message)
    elif outcome.unknown:
        unknown(request, token)
    else:
        release(request, token)
    return outcome


@dataclass(frozen=True)
class Words:
    """How one screen words what became of its write."""

    what: str  # "booking", "move", "walk-in", "status change"
    nothing: str  # "nothing was booked"
    checked: str  # what reading LatePoint back showed when the write is not there
    check: str  # what staff should look at before trying again: "the customer's bookings"


def _cause(exc: Exception) -> str:
    from latepoint.errors import APITimeoutError, BadResponse

    if isinstance(exc, APITimeoutError):
        return "LatePoint took too long to answer"
    if isinstance(exc, BadResponse):
        return "LatePoint's answer could not be read"
    return "LatePoint failed while answering"


def refusal(exc: Exception, words: Words) -> Outcome:
    """The outcome of a write known not to have been applied (refused, or never sent)."""
    from latepoint.errors import Conflict, InvalidRequest, LatePointError, SlotUnavailable
    from upstream.failures import describe

    if isinstance(exc, RecordBusy):
        return Outcome(Outcome.REFUSED, status=409, message=exc.user_message)
    if isinstance(exc, SlotUnavailable):
        return Outcome(
            Outcome.REFUSED,
            status=409,
            taken=True,
            message=f"That time is not free any more: {words.nothing}.",
        )
    if isinstance(exc, InvalidRequest | Conflict):
        detail = exc.message or exc.user_message
        return Outcome(
            Outcome.REFUSED,
            status=400,
            message=f"LatePoint refused the {words.what}: {detail}",
            field_errors={str(k): str(v) for k, v in exc.field_errors.items()},
        )
    assert isinstance(exc, LatePointError)
    error = describe(exc)
    return Outcome(
        Outcome.REFUSED,
        status=error.status,
        title=error.title,
        retry_after=error.retry_after,
        message=f"{error.message} {words.nothing[:1].upper()}{words.nothing[1:]}.",
    )


def _read_back_seconds() -> float:
    """What a write leaves of the page's deadline for reading LatePoint back if its answer is
    lost: a fifth of it, three seconds at most."""
    return min(3.0, float(settings.LATEPOINT_DEADLINE) * 0.2)


def attempt(write, *, read_back, words: Words) -> Outcome:
    """Send one write (never retried) and say what became of it.

    `write()` returns the record after the write. When its answer is lost (a timeout, a 5xx,
    an unreadable answer), `read_back()` asks LatePoint again: it returns the record if the
    write is there, None if it is known not to be, and raises LatePointError if LatePoint
    cannot tell; only then is the outcome unknown.
    """
    from latepoint.errors import LatePointError
    from upstream.failures import describe, may_have_landed

    try:
        with upstream_metrics.reserving(_read_back_seconds()):
            return Outcome(Outcome.DONE, record=write())
    except (LatePointError, RecordBusy) as exc:
        if not may_have_landed(exc):
            return refusal(exc, words)
        lost = exc
    error = describe(lost, write=True)
    try:
        found = read_back()
    except LatePointError:
        return Outcome(
            Outcome.UNKNOWN,
            status=error.status,
            title=error.title,
            message=(
                f"The {words.what} was sent, but {_cause(lost)} and could not be asked again, "
                "so it may or may not have gone through. "
                f"Check {words.check} before trying again."
            ),
        )
    if found is not None:
        return Outcome(Outcome.DONE, record=found, confirmed_after_failure=True)
    return Outcome(
        Outcome.REFUSED,
        status=error.status,
        title=error.title,
        message=(
            f"{_cause(lost)}. Reading LatePoint back shows {words.checked}: {words.nothing}. "
            "Try again when ready."
        ),
    )
