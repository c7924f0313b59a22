"""Sign-in protection with django-axes: what is locked, for whom, and how it is answered.

Axes records every failed sign-in in the database (one row per user name, address and browser,
incremented in a transaction, so every process and server sees the same counts) and refuses a
locked sign-in before the password is checked. This module is its configuration (see the
AXES_* settings, which name these functions; the page a locked sign-in gets is
`signin.views.lockout_response`):

- **User name lock.** `FRONTOFFICE_SIGNIN_FAILURES_PER_USER` (5) failures for a user name, from
  any address, lock that user name for `FRONTOFFICE_SIGNIN_LOCK_MINUTES` (15): even the right
  password is refused, with "This user name is locked…". Colleagues are not affected.
- **Address lock.** `FRONTOFFICE_SIGNIN_FAILURES_PER_ADDRESS` (30) failures from one address
  (whatever the user names) lock that address for user names that are not active accounts.
  A whole clinic often shares one address, so it never refuses the right password of a real
  account: guessing one account's password is stopped by that account's own lock.
- **The same answer for every refusal from a locked address.** Once an address is locked, every
  failed sign-in from it is answered "Too many failed sign-ins from this address…" (429), and a
  refusal takes as long as a password check: whether a user name is an account cannot be read
  from the answer.

Both locks last until `FRONTOFFICE_SIGNIN_LOCK_MINUTES` pass without another failure, or until
an administrator deletes the rows under *Axes > Access attempts* in /admin/. A successful
sign-in clears that user name's failures.

**Sign-ins sent at once count too.** Axes reads the failures before the password is checked and
records one after: twenty wrong passwords sent in parallel would all read "no failures yet" and
all be checked. So a password is only checked on one of the user name's *tries*: the failures
left before the lock, less the sign-ins of that user name still running (in any process; they
are counted in the shared cache, one request at a time). A sign-in that finds none free waits
for those running to end, then is checked or refused on what they left: the fifth failure
locks, whether the five came one by one or at once.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt, AccessBase
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- who is signing in, from where ------------------------------------------------------------


def attempted_username(request: HttpRequest | None, credentials: dict | None = None) -> str | None:
    """The user name typed, as the locks count it: trimmed, without case (AXES_USERNAME_CALLABLE).

    "Rita", "RITA " and "rita" are one user name to the lock, so changing case buys no tries.
    """
    field = get_user_model().USERNAME_FIELD
    source = credentials if credentials else getattr(request, "POST", None) or {}
    name = str(source.get(field) or "").strip().casefold()[:150]
    return name or None


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: IPAddress) -> bool:
    networks = _networks(tuple(settings.FRONTOFFICE_TRUSTED_PROXIES))
    return any(address in network for network in networks if network.version == address.version)


def _parse(text: str | None) -> IPAddress | None:
    text = (text or "").strip()
    if text.count(":") == 1:  # "203.0.113.7:51234": an IPv4 address with its port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_address(request: HttpRequest) -> str | None:
    """The address a sign-in comes from (AXES_CLIENT_IP_CALLABLE).

    The peer's address, unless the peer is one of FRONTOFFICE_TRUSTED_PROXIES: then the
    nearest address in `X-Forwarded-For` that is not a trusted proxy itself, read from the
    right (the end a proxy appends to; the left end is whatever the client sent). A client
    that talks to the app directly cannot choose its address by sending the header.
    """
    peer = _parse(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    if _trusted(peer):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                break
            peer = address
            if not _trusted(address):
                break
    return str(peer)


# --- the two locks, as axes applies them -------------------------------------------------------


def _is_account(request: HttpRequest | AccessBase | None, username: str | None) -> bool:
    """Whether the user name is an active account (asked once per request)."""
    if not username:
        return False
    cache = getattr(request, "_signin_accounts", None)
    if cache is None:
        cache = {}
        if isinstance(request, HttpRequest):
            request._signin_accounts = cache
    if username not in cache:
        model = get_user_model()
        lookup = {f"{model.USERNAME_FIELD}__iexact": username, "is_active": True}
        cache[username] = model._default_manager.filter(**lookup).exists()
    return cache[username]


def _username_of(request_or_attempt, credentials: dict | None) -> str | None:
    if isinstance(request_or_attempt, AccessBase):
        return request_or_attempt.username
    return attempted_username(request_or_attempt, credentials)


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list[str]:
    """What the failures are counted by (AXES_LOCKOUT_PARAMETERS).

    An account's user name is counted on its own, wherever the failures come from; any other
    user name is counted by the address it comes from.
    """
    username = _username_of(request_or_attempt, credentials)
    return ["username"] if _is_account(request_or_attempt, username) else ["ip_address"]


def failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    """How many failures lock (AXES_FAILURE_LIMIT), for the count lockout_parameters chose."""
    if _is_account(request, _username_of(request, credentials)):
        return settings.FRONTOFFICE_SIGNIN_FAILURES_PER_USER
    return settings.FRONTOFFICE_SIGNIN_FAILURES_PER_ADDRESS


class SignInLockBackend(AxesStandaloneBackend):
    """Axes' check before the password, then one of the user name's tries for the check.

    A refusal takes as long as a password check: axes refuses a locked sign-in without hashing
    the password, and a refusal that came back faster than a wrong password would tell an
    account from an unknown user name. Django's own backend hashes once for an unknown user
    name for the same reason.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            super().authenticate(request, username=username, password=password, **kwargs)
            field = get_user_model().USERNAME_FIELD
            credentials = {field: username if username is not None else kwargs.get(field)}
            if not _take_try(request, attempted_username(request, credentials)):
                # Counted as a failure like any refusal, and answered by our lock page.
                request.signin_refused = Lock("username")
                request.axes_locked_out = True
                request.axes_credentials = credentials
                raise AxesBackendPermissionDenied("no sign-in try left for this user name")
        except AxesBackendPermissionDenied:
            get_user_model()().set_password(password)
            raise
        # None: the next backend (Django's) checks the password.


# --- one password check per try, whatever arrives at once ---------------------------------------

#: A try is held until the sign-in that took it has ended; a worker that died holding one
#: gives it back after this long.
TRY_SECONDS = 120
#: How long a sign-in waits for the others of its user name to end before it is refused.
WAIT_SECONDS = 10
_TURN_SECONDS = 5
_POLL_SECONDS = 0.02


def _key(username: str, *parts: object) -> str:
    digest = hashlib.sha256(username.encode()).hexdigest()[:32]
    return ":".join(["frontoffice:signin", digest, *map(str, parts)])


@contextmanager
def _turn(username: str, give_up: float) -> Iterator[bool]:
    """The right to count the user name's tries: one request of any process at a time.

    `cache.add` is atomic on every shared cache the front office supports. The turn lasts a
    few queries; a dead holder's expires after _TURN_SECONDS.
    """
    key = _key(username, "turn")
    token = secrets.token_hex(8)
    while not caches["state"].add(key, token, _TURN_SECONDS):
        if time.monotonic() >= give_up:
            yield False
            return
        time.sleep(_POLL_SECONDS)
    try:
        yield True
    finally:
        if caches["state"].get(key) == token:
            caches["state"].delete(key)


def _take_try(request: HttpRequest, username: str | None) -> bool:
    """Whether this sign-in may check its password: it holds one of the user name's tries.

    A try is free while the recent failures and the tries held (sign-ins still running) are
    fewer than FRONTOFFICE_SIGNIN_FAILURES_PER_USER. A running sign-in's failure is recorded
    before its try is given back (when its request ends), and the tries are read before the
    failures: a sign-in is never missed, at worst counted twice for an instant, and then the
    next waits instead of being refused.
    """
    if not username:
        return True  # nothing to count: Django refuses an empty user name itself
    if getattr(request, "signin_try", None):
        return True  # a second authenticate() of the same request
    limit = settings.FRONTOFFICE_SIGNIN_FAILURES_PER_USER
    places = [_key(username, "try", n) for n in range(limit)]
    give_up = time.monotonic() + WAIT_SECONDS
    while True:
        with _turn(username, give_up) as turn:
            if not turn:
                return False
            held = caches["state"].get_many(places)
            failures = _recent_failures(username=username)
            if failures >= limit:
                return False
            if failures + len(held) < limit:
                place = next(place for place in places if place not in held)
                if caches["state"].add(place, 1, TRY_SECONDS):
                    request.signin_try = place
                    return True
        if time.monotonic() >= give_up:
            return False
        time.sleep(_POLL_SECONDS)


def give_back_tries(get_response):
    """Middleware: a sign-in's try is given back when its request ends (its failure recorded)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            return get_response(request)
        finally:
            place = getattr(request, "signin_try", None)
            if place:
                caches["state"].delete(place)

    return middleware


# --- telling the user ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lock:
    """Why sign-in is refused, and for how long at most."""

    what: Literal["username", "address"]

    @property
    def minutes(self) -> int:
        return settings.FRONTOFFICE_SIGNIN_LOCK_MINUTES

    @property
    def retry_after(self) -> int:
        # A refused attempt is itself a failure, so the lock lasts this long from now at most.
        return self.minutes * 60

    @property
    def message(self) -> str:
        if self.what == "username":
            return (
                "This user name is locked after too many failed sign-ins. Try again in "
                f"{self.minutes} minutes, or ask an administrator to unlock it."
            )
        return (
            "Too many failed sign-ins from this address. Check your user name and password "
            f"carefully; the lock ends {self.minutes} minutes after the last failure, or an "
            "administrator can unlock the address."
        )

    @property
    def log_reason(self) -> str:
        return "user name locked" if self.what == "username" else "address locked"


def _recent_failures(**filters) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(attempt_time__gte=since, **filters)
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lock_for(request: HttpRequest, username: str | None) -> Lock | None:
    """The lock that refuses this failed sign-in, if any, read from axes' records.

    Asked after axes has recorded the failure: it agrees with axes wherever axes refused, and
    also names the address for an account's wrong password from a locked address (so that
    every refusal from there looks alike) and the user name for a non-account's fifth failure.
    """
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    if address and _recent_failures(ip_address=address) >= (
        settings.FRONTOFFICE_SIGNIN_FAILURES_PER_ADDRESS
    ):
        return Lock("address")
    if username and _recent_failures(username=username) >= (
        settings.FRONTOFFICE_SIGNIN_FAILURES_PER_USER
    ):
        return Lock("username")
    # Refused while the user name's other sign-ins, sent at the same time, used its tries.
    return getattr(request, "signin_refused", None)
