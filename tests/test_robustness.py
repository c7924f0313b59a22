"""Garbage in the query string never breaks a screen.

Every GET URL pattern of the site is fed hypothesis-made values for the query parameters its
view reads (text, huge and negative numbers, unicode, NUL bytes, very long strings, repeated
keys), as a full page and as an HTMX request, against the real sandbox. Whatever comes in, the
answer is one of our pages or fragments with a status below 500, never a traceback.

The table `QUERY_PARAMETERS` lists what each screen reads; a new URL pattern missing from it
fails `test_every_get_url_pattern_has_its_parameters_listed`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.models import ExportJob
from notes.models import Note

#: URL name -> the query parameters its view reads. Every screen also gets a stray key or two.
QUERY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "today": ("agent", "location", "date", "cancelled"),
    "calendar": ("date", "location", "agent", "cancelled", "every"),
    "bookings:quick-search": ("q",),
    "customers:list": (
        "q",
        "status",
        "guest",
        "has_bookings",
        "created_after",
        "created_before",
        "first_name",
        "last_name",
        "email",
        "phone",
        "per_page",
        "page",
    ),
    "customers:export": ("q", "status", "guest", "has_bookings", "created_after", "email"),
    "customers:new": (),
    "customers:validate-field": (),  # POST only: a GET is refused with 405
    "customers:detail": ("tab", "limit", "money"),
    "customers:bookings": ("tab", "limit"),
    "customers:money": ("money",),  # the profile's money panel (HTMX; else a redirect)
    "customers:fees:pay": (),  # a fee's Take payment page
    "customers:edit": (),
    "customers:notes:add": (),  # POST only
    "customers:notes:edit": (),  # GET: the note's edit form (HTMX; else back to the profile)
    "customers:notes:pin": (),  # POST only
    "takings:day": ("date",),  # the day's takings
    "bookings:list": (
        "date_from",
        "date_to",
        "status",
        "agent",
        "service",
        "location",
        "payment_status",
        "search",
        "sort",
        "order",
        "page",
        "per_page",
    ),
    # Dates are fuzzed on the list (the same form): here they would export every booking.
    "bookings:export": ("status", "search", "sort", "order"),
    "bookings:detail": ("next", "day", "pay", "refund"),
    "bookings:payments": (),  # POST: take a payment; a GET leads to the booking page's form
    "bookings:refunds": (),  # POST (managers): a refund
    "bookings:status": ("to_status", "seen_status", "reason", "confirmed"),
    "bookings:check-in": ("next",),  # POST only
    "bookings:check-in-undo": ("next",),  # POST only
    "bookings:new": ("customer", "service", "agent", "location", "date", "time", "after", "q"),
    "bookings:walk-in": ("customer", "service", "q"),
    "bookings:reschedule": ("date", "agent", "time"),
    "calendar-move": ("date", "time", "agent", "seen"),  # GET: the move's confirmation
    "exports:list": (),
    "exports:start": ("kind", "query"),  # POST only
    "exports:detail": (),
    "exports:download": (),
    "stats:dashboard": ("period", "date_from", "date_to", "agent", "service", "location"),
    "audit:list": (
        "person",
        "action",
        "result",
        "date_from",
        "date_to",
        "customer",
        "page",
        "per_page",
        "sort",
    ),
    "login": ("next",),
    "password_change": (),
    "password_change_done": (),
    "healthz": (),
    "readyz": (),
}
#: Not walked: signing out ends the session; Django's admin is tested by its own project; the
#: favicon is an image that reads no parameters (tests/frontoffice/test_favicon_and_sign_in.py).
NOT_WALKED = {"logout", "favicon"}
STRAY = ("page", "q", "sort", "x")
#: Screens answering JSON rather than a page.
JSON_SCREENS = {"healthz", "readyz"}
#: Screens that answer a fragment even to a plain request (they are only ever loaded by HTMX).
FRAGMENT_SCREENS: set[str] = set()


def _walk(patterns, namespace: str = "") -> Iterator[tuple[str, tuple[str, ...]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if namespace and ns:
                ns = f"{namespace}:{ns}"
            yield from _walk(pattern.url_patterns, ns or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield key, tuple(pattern.pattern.converters)


def site_routes() -> dict[str, tuple[str, ...]]:
    """URL name -> its path parameters, for every named pattern outside Django's admin."""
    return {
        key: params
        for key, params in _walk(get_resolver().url_patterns)
        if not key.startswith("admin:")
    }


def test_every_get_url_pattern_has_its_parameters_listed():
    routes = set(site_routes())
    missing = sorted(routes - set(QUERY_PARAMETERS) - NOT_WALKED)
    stale = sorted(set(QUERY_PARAMETERS) - routes)
    assert not missing, f"screens with no entry in QUERY_PARAMETERS: {missing}"
    assert not stale, f"QUERY_PARAMETERS names screens that no longer exist: {stale}"


# --- garbage ------------------------------------------------------------------------------------

NASTY = (
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1.5",
    "1e309",
    "nan",
    "inf",
    "NaN",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "%00",
    "\x00",
    "a\x00b",
    "1\x00",
    "\t\n",
    "9" * 30,
    "-" + "9" * 30,
    str(2**63),
    str(2**64 + 1),
    "9" * 5000,  # beyond Python's int() digit limit
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "2024-02-30",
    "2024-13-01",
    "1900-01-01",
    "2024-01-01T25:00",
    "x" * 10_000,
    "é" * 500,
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "²",
    "\U0001d7d9\U0001d7da",  # mathematical double-struck digits
    "🙂",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "cancelled",
    "approved",
    "completed",
    "no_show",
    "blocked",
    "custom",
    "asc",
    "desc",
    "past",
    "upcoming",
    "yes",
    "guest",
)

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(min_size=200, max_size=3000),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)


def _query(names: tuple[str, ...]):
    """A query string as (key, value) pairs: some keys repeated, some left out."""
    keys = st.sampled_from(names + STRAY)
    return st.lists(st.tuples(keys, values), max_size=8)


# --- the walk -----------------------------------------------------------------------------------


@pytest.fixture
def seeded(live_sandbox, manager) -> dict[str, object]:
    """Real path parameters: a booking of the sandbox, its customer, a field name, a
    finished export of the manager's, and a note of the manager's on that customer."""
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT id, customer_id, order_id FROM sandbox_booking ORDER BY id LIMIT 1"
        ).fetchone()
    export = ExportJob.objects.create(
        user=manager,
        kind="customers",
        state=ExportJob.State.DONE,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    note = Note.objects.create(
        customer_id=int(row["customer_id"]), text="robustness walk", author=manager
    )
    return {
        "booking_id": row["id"],
        "customer_id": row["customer_id"],
        "order_id": row["order_id"],
        "field_name": "email",
        "pk": export.pk,
        "note_id": note.pk,
    }


def _path(name: str, seeded) -> str:
    params = site_routes()[name]
    return reverse(name, kwargs={param: seeded[param] for param in params})


def assert_ours(name: str, response, *, htmx: bool) -> None:
    """Our page or fragment with a status below 500: no traceback, nothing of Django's own."""
    status = response.status_code
    assert status < 500, f"{name}: {status}"
    if response.streaming:
        body = b"".join(response.streaming_content).decode()
    else:
        body = response.content.decode()
    assert "Traceback" not in body
    assert "lp_test_" not in body  # the API key never leaks
    if status in (301, 302):
        target = urlsplit(response["Location"])
        assert target.scheme in ("", "http") and target.netloc in ("", "testserver"), target
        return
    if status == 405 or name in JSON_SCREENS:
        return
    if response.get("Content-Type", "").startswith("text/csv"):
        return
    if name in FRAGMENT_SCREENS or (htmx and "<html" not in body.lower()):
        return  # a fragment for the region the request aimed at
    # A whole page (screens that are not HTMX regions answer boosted requests with one).
    assert body.lstrip().lower().startswith("<!doctype html>"), f"{name}: not a page"
    assert "LatePoint Front Office</title>" in body, f"{name}: not one of our pages"


def _get(client, path: str, pairs: list[tuple[str, str]], *, htmx: bool):
    query = urlencode(pairs, doseq=False)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(f"{path}?{query}" if query else path, **headers)


HYPOTHESIS = settings(
    # ROBUSTNESS_EXAMPLES=200 explores further, with fresh random examples each run.
    max_examples=int(os.environ.get("ROBUSTNESS_EXAMPLES", "20")),
    deadline=None,
    derandomize="ROBUSTNESS_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", sorted(QUERY_PARAMETERS))
def test_garbage_query_parameters_never_break_a_screen(name, manager_client, seeded):
    path = _path(name, seeded)

    @HYPOTHESIS
    @given(pairs=_query(QUERY_PARAMETERS[name]))
    def check(pairs):
        for htmx in (False, True):
            response = _get(manager_client, path, pairs, htmx=htmx)
            assert_ours(name, response, htmx=htmx)

    check()


#: Values that once broke a screen, or nearly did: checked on every run, whatever hypothesis draws.
KNOWN_BAD = [
    ("audit:list", [("per_page", "-1")]),
    ("audit:list", [("per_page", "0"), ("page", "-3")]),
    ("audit:list", [("page", "9" * 30)]),
    ("audit:list", [("customer", str(2**64 + 1))]),
    ("audit:list", [("date_from", "9999-12-31"), ("date_to", "0001-01-01")]),
    ("customers:list", [("page", "9" * 5000), ("per_page", "-0")]),
    ("customers:list", [("created_after", "0001-01-01"), ("created_before", "9999-12-31")]),
    ("customers:detail", [("tab", "past"), ("limit", str(2**64))]),
    ("customers:bookings", [("tab", "\x00"), ("limit", "-1")]),
    ("bookings:list", [("date_from", "9999-12-31"), ("date_to", "0001-01-01")]),
    ("bookings:list", [("date_from", "0001-01-01")]),
    ("bookings:list", [("agent", str(2**64)), ("page", "100000"), ("per_page", "100")]),
    ("bookings:list", [("search", "a\x00b"), ("sort", "x"), ("order", "sideways")]),
    ("bookings:quick-search", [("q", "\x00")]),
    ("bookings:quick-search", [("q", "%")]),
    ("stats:dashboard", [("period", "custom"), ("date_from", "9999-12-31")]),
    ("stats:dashboard", [("date_from", "2000-01-01"), ("date_to", "2000-01-01")]),
    ("stats:dashboard", [("agent", str(2**64)), ("period", "week"), ("period", "month")]),
    ("today", [("agent", "-1"), ("location", "\x00")]),
    ("login", [("next", "//evil.example/")]),
]


@pytest.mark.parametrize(("name", "pairs"), KNOWN_BAD)
def test_known_bad_values(name, pairs, manager_client, seeded):
    path = _path(name, seeded)
    for htmx in (False, True):
        assert_ours(name, _get(manager_client, path, pairs, htmx=htmx), htmx=htmx)


def test_an_absurd_creation_date_is_ignored_and_said_so(manager_client, live_sandbox):
    response = manager_client.get(
        "/customers/", {"created_after": "0001-01-01", "created_before": "9999-12-31"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "“Created on or after” was ignored: use a date from 1900 to 2999." in text
    assert "“Created on or before” was ignored: use a date from 1900 to 2999." in text
