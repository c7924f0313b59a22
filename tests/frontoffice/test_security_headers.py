"""Security headers, CSRF on every write, and pages the Content-Security-Policy can serve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from audit.models import AuditEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)
ROOT = Path(__file__).resolve().parents[2]


def _assert_hardened(response) -> None:
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_sign_in_page_is_hardened(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    _assert_hardened(response)
    # Never cached: it carries a CSRF token.
    assert "no-store" in response["Cache-Control"]


def test_health_probe_is_hardened(client):
    _assert_hardened(client.get("/healthz"))


def test_signed_in_pages_are_never_stored(manager_client):
    response = manager_client.get("/audit/")
    assert response.status_code == 200
    _assert_hardened(response)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_refusals_and_missing_pages_are_hardened_and_not_stored(reception_client):
    for response in (reception_client.get("/audit/"), reception_client.get("/no-such-page/")):
        assert response.status_code in {403, 404}
        _assert_hardened(response)
        assert "no-store" in response["Cache-Control"]


def test_anonymous_redirect_is_hardened(client):
    response = client.get("/customers/")
    assert response.status_code == 302
    _assert_hardened(response)


# --- pages the CSP can serve ---------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style[\s>]", re.I)
HANDLER_ATTR = re.compile(r"<[^>]+\s(on[a-z]+|hx-on[:\-a-z]*)\s*=", re.I)


def assert_csp_clean(html: str, where: str = "") -> None:
    """No inline script, style or event handler: what the CSP would block."""
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTR),
        ("<style> element", STYLE_TAG),
        ("event-handler attribute", HANDLER_ATTR),
    ):
        match = pattern.search(html)
        assert match is None, f"{where}: {name}: {match.group(0)[:120] if match else ''}"


def test_our_pages_need_nothing_the_csp_blocks(client, manager_client, receptionist):
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        changes={"phone": {"before": "1", "after": "2"}},
        result=AuditEntry.Result.FAILED,
        error="x",
    )
    assert_csp_clean(client.get("/accounts/login/").content.decode(), "sign-in")
    for url in ("/audit/", "/accounts/password/", "/no-such-page/"):
        assert_csp_clean(manager_client.get(url).content.decode(), url)
    fragment = manager_client.get("/audit/", HTTP_HX_REQUEST="true")
    assert_csp_clean(fragment.content.decode(), "audit fragment")


def test_htmx_is_ours_and_injects_no_style():
    """htmx comes from our static files, and its config turns off the <style> it would add."""
    base = (ROOT / "templates" / "base.html").read_text()
    meta = base.index('<meta name="htmx-config"')
    assert '"includeIndicatorStyles": false' in base[meta : base.index(">", meta)]
    assert '"allowEval": false' in base[meta : base.index(">", meta)]
    # The config is read when htmx starts, so it must come before the script.
    assert meta < base.index("{% htmx_script")
    import django_htmx

    htmx = Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.min.js"
    assert "includeIndicatorStyles!==false" in htmx.read_text().replace(" ", "")


def test_htmx_script_is_served_from_our_static(client):
    html = client.get("/accounts/login/").content.decode()
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    assert scripts, "no scripts found"
    assert all(src.startswith("/static/") for src in scripts), scripts
    assert any("htmx" in src for src in scripts)


def test_demo_hint_shown_only_in_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert b"reception-demo" not in client.get("/accounts/login/").content
    settings.DEMO_MODE = True
    assert b"reception-demo" in client.get("/accounts/login/").content


# --- CSRF on every write -------------------------------------------------------------------


@pytest.fixture
def csrf_client(receptionist) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(receptionist)
    return client


WRITES = [
    ("/customers/new/", {"first_name": "Csrf", "last_name": "Probe", "email": "c@example.com"}),
    ("/customers/1/edit/", {"phone": "+1 212 555 0100"}),
    ("/bookings/1/status/", {"status": "cancelled"}),
    ("/bookings/1/check-in/", {}),
    ("/bookings/1/check-in/undo/", {}),
    ("/accounts/logout/", {}),
    ("/accounts/password/", {"old_password": "x", "new_password1": "y", "new_password2": "y"}),
]


@pytest.mark.parametrize(("url", "data"), WRITES)
def test_write_without_token_is_refused(csrf_client, url, data):
    response = csrf_client.post(url, data)
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent" in html
    assert "Nothing was changed." in html
    assert_csp_clean(html, url)


@pytest.mark.parametrize(("url", "data"), WRITES)
def test_htmx_write_without_token_is_refused(csrf_client, url, data):
    response = csrf_client.post(
        url, data, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/customers/1/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    # A fragment for the region the request aimed at, with a way back to the page.
    assert html.lstrip().startswith('<div class="alert alert-error" role="alert" id="csrf-failure"')
    assert "Nothing was changed." in html
    assert 'href="/customers/1/"' in html


def test_write_with_a_wrong_token_is_refused(csrf_client):
    csrf_client.get("/accounts/password/")  # sets the CSRF cookie
    response = csrf_client.post(
        "/accounts/logout/", HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN="not-the-token" * 3
    )
    assert response.status_code == 403


def test_htmx_write_with_the_page_token_is_accepted(csrf_client):
    """base.html puts the token in hx-headers; sending it back passes the check."""
    html = csrf_client.get("/accounts/password/").content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    response = csrf_client.post("/accounts/logout/", HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_django_admin_needs_nothing_the_csp_blocks(administrator, receptionist):
    client = Client()
    client.force_login(administrator)
    entry = audit_record(user=receptionist, action=AuditEntry.Action.EXPORT, summary="x")
    for url in (
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{administrator.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/auth/group/add/",
        "/admin/audit/auditentry/",
        f"/admin/audit/auditentry/{entry.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_hardened(response)
        assert_csp_clean(response.content.decode(), url)
