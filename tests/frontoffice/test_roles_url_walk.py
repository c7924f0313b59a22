"""Every URL pattern, walked anonymously and as every kind of account.

The table below says who may use each screen. A URL pattern missing from it fails the test:
a new screen needs a rule before it ships.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEntry
from audit.services import audit_record
from exports.models import ExportJob
from notes.models import Note

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # any signed-in account, even one without a role
STAFF = frozenset({"receptionist", "manager", "administrator"})
MANAGERS = frozenset({"manager", "administrator"})
ADMINISTRATORS = frozenset({"administrator"})

#: URL name (or "namespace:*") -> who may use it. Anyone else gets 403, or the sign-in page.
EXPECTATIONS: dict[str, str | frozenset[str]] = {
    # Public
    "login": PUBLIC,
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "favicon": PUBLIC,
    # Accounts
    "logout": SIGNED_IN,
    "password_change": STAFF,
    "password_change_done": STAFF,
    # Today, the day calendar and search
    "today": STAFF,
    "calendar": STAFF,
    "calendar-move": STAFF,
    "bookings:quick-search": STAFF,
    # Customers
    "customers:list": STAFF,
    "customers:export": MANAGERS,
    "customers:new": STAFF,
    "customers:validate-field": STAFF,
    "customers:detail": STAFF,
    "customers:bookings": STAFF,
    "customers:money": STAFF,
    "customers:fees:pay": STAFF,
    # Staff notes (who may edit a note is checked by tests/notes)
    "customers:notes:add": STAFF,
    "customers:notes:edit": STAFF,
    "customers:notes:pin": STAFF,
    "customers:edit": STAFF,
    # Bookings (cancelling a completed booking is a manager's: checked by the bookings tests)
    "bookings:list": STAFF,
    "bookings:export": MANAGERS,
    "bookings:detail": STAFF,
    "bookings:status": STAFF,
    "bookings:check-in": STAFF,
    "bookings:check-in-undo": STAFF,
    "bookings:new": STAFF,
    "bookings:walk-in": STAFF,
    "bookings:reschedule": STAFF,
    "bookings:payments": STAFF,
    "bookings:refunds": MANAGERS,
    # The day's takings (its CSV export is an export: managers)
    "takings:day": STAFF,
    # Managers
    "stats:dashboard": MANAGERS,
    "audit:list": MANAGERS,
    "exports:*": MANAGERS,
    # Django's admin: staff accounts, for administrators only
    "admin:*": ADMINISTRATORS,
}

#: Statuses that mean "served" to an allowed account on a GET. 405: the URL takes POST only.
SERVED = {200, 204, 302, 405}
#: Where an allowed account gets something else on a bare GET, and why.
SERVED_OVERRIDES = {
    # The audit trail is append-only, even for administrators.
    "admin:audit_auditentry_add": {403},
    "admin:audit_auditentry_delete": {403},
    # Staff notes are written on the profile only, where every change is audited.
    "admin:notes_note_add": {403},
    "admin:notes_note_delete": {403},
    # Sign-in records (django-axes) are written by sign-ins only: read or delete (to unlock).
    "admin:axes_accessattempt_add": {403},
    "admin:axes_accesslog_add": {403},
    "admin:axes_accessfailurelog_add": {403},
    # Needs its query parameters; refuses without them.
    "admin:autocomplete": {403},
    # A move names its target (date, time, agent, seen): a bare GET says what is missing.
    "calendar-move": {400},
    # An export is its owner's (the sample is the administrator's): another manager's is not found.
    "exports:detail": {200, 404},
    "exports:download": {302, 404},
    # Staff accounts have no page of their own on the site.
    "admin:view_on_site": {302, 404},
}

ROLES = ("anonymous", "no-role", "inactive", "receptionist", "manager", "administrator")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name with its namespace, or the route text when unnamed
    name: str | None
    params: tuple[str, ...]
    namespace: str


def _walk(patterns, prefix="", namespace="", params=()) -> Iterator[Route]:
    for pattern in patterns:
        names = tuple(_params(pattern))
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), ns, params + names
            )
        elif isinstance(pattern, URLPattern):
            qualified = None
            if pattern.name:
                qualified = f"{namespace}:{pattern.name}" if namespace else pattern.name
            key = qualified or f"{namespace + ':' if namespace else ''}{prefix}{pattern.pattern}"
            yield Route(key, qualified, params + names, namespace)


def _params(pattern) -> list[str]:
    inner = pattern.pattern
    if hasattr(inner, "converters") and inner.converters:
        return list(inner.converters)
    return list(inner.regex.groupindex)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def rule_for(route: Route):
    if route.key in EXPECTATIONS:
        return EXPECTATIONS[route.key]
    if route.namespace and f"{route.namespace.split(':')[0]}:*" in EXPECTATIONS:
        return EXPECTATIONS[f"{route.namespace.split(':')[0]}:*"]
    return None


def test_every_url_pattern_has_a_rule():
    missing = sorted({route.key for route in all_routes() if rule_for(route) is None})
    assert not missing, f"URL patterns with no role rule in EXPECTATIONS: {missing}"


def test_every_rule_names_a_url_pattern():
    keys = {route.key for route in all_routes()}
    namespaces = {route.namespace.split(":")[0] for route in all_routes()}
    stale = [
        key
        for key in EXPECTATIONS
        if key not in keys and not (key.endswith(":*") and key[:-2] in namespaces)
    ]
    assert not stale, f"Rules for URL patterns that no longer exist: {stale}"


# --- the walk ------------------------------------------------------------------------------


@pytest.fixture
def accounts(db, receptionist, manager, administrator) -> dict[str, User | None]:
    nobody = User.objects.create_user(username="norole", password="x-unused-password-1")
    gone = User.objects.create_user(
        username="gone", password="x-unused-password-2", is_active=False
    )
    gone.groups.add(Group.objects.get(name="Manager"))
    return {
        "anonymous": None,
        "no-role": nobody,
        "inactive": gone,
        "receptionist": receptionist,
        "manager": manager,
        "administrator": administrator,
    }


@pytest.fixture
def samples(live_sandbox, administrator, receptionist) -> dict[str, object]:
    """A real value for each URL parameter: seeded ids from the sandbox, local rows."""
    with live_sandbox.db() as conn:
        row = conn.execute(
            "SELECT id, customer_id, order_id FROM sandbox_booking ORDER BY id LIMIT 1"
        ).fetchone()
    entry = audit_record(
        user=administrator, action=AuditEntry.Action.EXPORT, summary="url walk sample"
    )
    job = ExportJob.objects.create(user=administrator, kind="customers")
    note = Note.objects.create(
        customer_id=int(row["customer_id"]), text="url walk", author=receptionist
    )
    return {
        "booking_id": int(row["id"]),
        "customer_id": int(row["customer_id"]),
        "order_id": int(row["order_id"]),
        "field_name": "email",
        "app_label": "auth",
        "user_pk": administrator.pk,
        "group_pk": Group.objects.get(name="Manager").pk,
        "entry_pk": entry.pk,
        "pk": job.pk,
        "note_id": note.pk,
    }


def _kwargs(route: Route, samples) -> dict[str, object] | None:
    kwargs: dict[str, object] = {}
    for param in route.params:
        if param == "object_id":
            model = (route.name or "").split(":")[-1]
            if model.startswith("auth_user"):
                kwargs[param] = samples["user_pk"]
            elif model.startswith("auth_group"):
                kwargs[param] = samples["group_pk"]
            else:
                kwargs[param] = samples["entry_pk"]
        elif param == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            kwargs[param] = ContentType.objects.get_for_model(User).pk
        elif param in samples:
            kwargs[param] = samples[param]
        else:
            return None
    return kwargs


def _url(route: Route, samples) -> str | None:
    if route.name is None:
        return None  # Unnamed (Django admin's catch-all): covered by the admin rule below.
    kwargs = _kwargs(route, samples)
    if kwargs is None:
        return None
    return reverse(route.name, kwargs=kwargs)


def _client(user) -> Client:
    # A view that fails shows up as a 500 in the report rather than stopping the walk.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _allowed(rule, role: str) -> bool:
    if rule == PUBLIC:
        return True
    if rule == SIGNED_IN:
        return role not in {"anonymous", "inactive"}
    return role in rule


def _check(route: Route, url: str, rule, role: str, client: Client) -> list[str]:
    problems = []
    response = client.get(url)
    status = response.status_code
    where = f"{role} GET {url} ({route.key})"
    signed_out = role in {"anonymous", "inactive"}
    if _allowed(rule, role):
        if status not in SERVED_OVERRIDES.get(route.key, SERVED):
            problems.append(f"{where}: expected to be served, got {status}")
    elif signed_out:
        location = response.get("Location", "")
        if status != 302 or not location.startswith("/accounts/login/?next="):
            problems.append(f"{where}: expected the sign-in redirect, got {status} {location}")
        htmx = client.get(url, HTTP_HX_REQUEST="true")
        if not htmx.get("HX-Redirect", "").startswith("/accounts/login/?next="):
            problems.append(
                f"{where} (htmx): expected HX-Redirect to sign-in, got {htmx.status_code}"
            )
    else:
        if status == 405:
            # POST-only: a refused role must be refused on POST too (nothing is written).
            status = client.post(url).status_code
            where = where.replace(" GET ", " POST ")
        if status != 403:
            problems.append(f"{where}: expected 403, got {status}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_url_as(role, accounts, samples):
    client = _client(accounts[role])
    problems: list[str] = []
    walked = 0
    for route in all_routes():
        rule = rule_for(route)
        assert rule is not None, f"no rule for {route.key}"
        url = _url(route, samples)
        if url is None:
            assert route.namespace.startswith("admin"), f"cannot build a URL for {route.key}"
            continue
        if route.key == "logout" and role not in {"anonymous", "inactive"}:
            continue  # Signing out is walked last, below: it ends the session.
        problems += _check(route, url, rule, role, client)
        walked += 1
    assert walked >= len(EXPECTATIONS) - 1
    assert not problems, "\n".join(problems)


def test_admin_catch_all_and_unknown_admin_pages(accounts):
    for role in ("receptionist", "manager", "no-role"):
        assert _client(accounts[role]).get("/admin/nothing-here/").status_code == 403
    anonymous = _client(None).get("/admin/nothing-here/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/admin/nothing-here/")
    assert _client(accounts["administrator"]).get("/admin/nothing-here/").status_code in {
        302,
        404,
    }


def test_signing_out_works_for_every_signed_in_account(accounts):
    for role in ("no-role", "receptionist", "manager", "administrator"):
        client = _client(accounts[role])
        response = client.post("/accounts/logout/")
        assert response.status_code == 302, role
        assert client.get("/").status_code == 302  # signed out now


def test_no_role_account_sees_the_access_page(accounts):
    response = _client(accounts["no-role"]).get("/customers/")
    assert response.status_code == 403
    assert b"You do not have access" in response.content
