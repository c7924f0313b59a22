"""Quiet, useful logs: a refusal is one line, a server error is one traceback with a request id
that the 500 page shows too."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.test import Client
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401 (used by Django)
from config.urls import urlpatterns as app_urlpatterns
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug in a view")


# This module is also the URL configuration of the server-error tests: the app's own URLs and
# error handlers, plus a view that fails.
urlpatterns = [path("test-only/boom/", boom), *app_urlpatterns]


@pytest.fixture
def console():
    """What the app's own log handler (settings.LOGGING) writes during the test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_refusals_are_logged_as_one_line_each_without_a_traceback(
    caplog, console, receptionist, manager
):
    with caplog.at_level(logging.INFO):
        # A manager opening Django's admin, a receptionist the manager's stats: 403.
        assert _signed_in(manager).get("/admin/").status_code == 403
        assert _signed_in(manager).get("/admin/auth/user/").status_code == 403
        assert _signed_in(receptionist).get("/audit/").status_code == 403
        # A page nobody has: 404.
        assert _signed_in(receptionist).get("/no-such-page/").status_code == 404
        # Wrong passwords, then a locked user name.
        anonymous = Client()
        for _ in range(5):
            anonymous.post("/accounts/login/", {"username": "rita", "password": "wrong"})
        locked = anonymous.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
        assert locked.status_code == 429

    messages = [record.getMessage() for record in caplog.records]
    assert messages.count("Forbidden (Permission denied): /admin/") == 1
    assert messages.count("Forbidden (Permission denied): /admin/auth/user/") == 1
    assert messages.count("Forbidden (Permission denied): /audit/") == 1
    assert messages.count("Not Found: /no-such-page/") == 1
    assert messages.count("refused sign-in from 127.0.0.1: wrong user name or password") == 4
    assert messages.count("refused sign-in from 127.0.0.1: user name locked") == 2
    assert len(messages) == 3 + 1 + 4 + 2, messages
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert "Traceback" not in caplog.text
    # As written to the console: one line each, every one with its request id.
    lines = console.getvalue().splitlines()
    assert len(lines) == len(messages), lines
    assert "Traceback" not in console.getvalue()
    assert all(re.search(r" \[[0-9a-f]{32}\] ", line) for line in lines), lines


def test_a_server_error_is_logged_once_with_its_traceback_and_the_pages_request_id(
    caplog, console, settings, receptionist
):
    settings.ROOT_URLCONF = __name__
    with caplog.at_level(logging.INFO):
        response = _signed_in(receptionist).get("/test-only/boom/")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    html = response.content.decode()
    assert "Something went wrong" in html
    assert request_id in html

    with_traceback = [record for record in caplog.records if record.exc_info]
    assert len(with_traceback) == 1
    assert len(caplog.records) == 1
    record = with_traceback[0]
    assert record.getMessage() == "Internal Server Error: /test-only/boom/"
    assert isinstance(record.exc_info[1], RuntimeError)
    # The console line carries the same id, and the traceback follows it, once.
    written = console.getvalue()
    assert f"[{request_id}] Internal Server Error: /test-only/boom/" in written
    assert written.count("Traceback") == 1
    assert "RuntimeError: a bug in a view" in written


def test_a_sane_incoming_request_id_is_kept_and_shown(settings, receptionist, console):
    settings.ROOT_URLCONF = __name__
    incoming = "edge-7f3a9c2e-41b0"
    response = _signed_in(receptionist).get("/test-only/boom/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming
    assert incoming in response.content.decode()
    assert f"[{incoming}] Internal Server Error" in console.getvalue()


@pytest.mark.parametrize(
    "incoming",
    ["", "short", "x" * 65, "has space in it", "line\nbreak-forged-log", "<script>alert(1)"],
)
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_every_response_has_its_own_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second
