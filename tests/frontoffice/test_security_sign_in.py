"""Sign-in: throttled after repeated failures, closed to demo passwords outside demo mode,
to inactive accounts and to accounts without a role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from frontoffice import throttle
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client: Client, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = _sign_in(client, username, "wrong-password", address)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()


def test_right_password_signs_in(client, receptionist):
    response = _sign_in(client, "rita", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_five_failures_pause_sign_in_with_a_clear_message(client, receptionist):
    _fail(client, "rita", 5)
    response = _sign_in(client, "rita", "wrong-password")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "try again in 15 minutes" in html
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # The username stays in the box.
    assert 'value="rita"' in html


def test_paused_sign_in_refuses_even_the_right_password(client, receptionist):
    _fail(client, "rita", 5)
    response = _sign_in(client, "rita", PASSWORD)
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # still signed out


def test_usernames_are_counted_without_case(client, receptionist):
    _fail(client, "Rita", 3)
    _fail(client, "RITA ", 2)
    assert _sign_in(client, "rita", PASSWORD).status_code == 429


def test_other_accounts_and_other_desks_are_not_paused(client, receptionist, manager):
    _fail(client, "rita", 5, address="10.0.0.1")
    assert _sign_in(Client(), "max", PASSWORD, address="10.0.0.1").status_code == 302
    assert _sign_in(Client(), "rita", PASSWORD, address="10.0.0.2").status_code == 302


def test_success_clears_earlier_failures(client, receptionist):
    _fail(client, "rita", 4)
    assert _sign_in(client, "rita", PASSWORD).status_code == 302
    fresh = Client()
    _fail(fresh, "rita", 4)
    assert _sign_in(fresh, "rita", PASSWORD).status_code == 302


def test_many_usernames_from_one_address_are_paused(client, receptionist):
    for n in range(throttle.MAX_FAILURES_PER_ADDRESS):
        _sign_in(client, f"guess{n}", "wrong-password", address="10.9.9.9")
    assert _sign_in(client, "rita", PASSWORD, address="10.9.9.9").status_code == 429
    assert _sign_in(client, "rita", PASSWORD, address="10.9.9.8").status_code == 302


def test_the_pause_ends_when_the_window_has_passed(client, receptionist, monkeypatch):
    import time

    # The clock the throttle and the cache both read.
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start)
    _fail(client, "rita", 5)
    assert _sign_in(client, "rita", PASSWORD).status_code == 429
    monkeypatch.setattr(time, "time", lambda: start + throttle.WINDOW_SECONDS - 60)
    assert _sign_in(client, "rita", PASSWORD).status_code == 429
    monkeypatch.setattr(time, "time", lambda: start + throttle.WINDOW_SECONDS + 1)
    assert _sign_in(client, "rita", PASSWORD).status_code == 302


def test_failed_sign_ins_are_logged_without_the_password(client, receptionist, caplog):
    with caplog.at_level("WARNING", logger="frontoffice.security"):
        _fail(client, "rita", 1)
    assert "failed sign-in from 10.0.0.1" in caplog.text
    assert "wrong-password" not in caplog.text


def test_inactive_account_cannot_sign_in(client, receptionist):
    receptionist.is_active = False
    receptionist.save()
    response = _sign_in(client, "rita", PASSWORD)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_account_without_a_role_is_told_so(client):
    User.objects.create_user(username="nobody", password=PASSWORD)
    response = _sign_in(client, "nobody", PASSWORD)
    assert response.status_code == 200
    assert "This account has no front-office role" in response.content.decode()
    assert client.get("/").status_code == 302


def test_demo_password_is_refused_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    user = User.objects.create_user(username="reception", password="reception-demo")
    user.groups.add(Group.objects.get(name="Receptionist"))
    response = _sign_in(client, "reception", "reception-demo")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    settings.DEMO_MODE = True
    assert _sign_in(Client(), "reception", "reception-demo").status_code == 302


def test_signed_out_htmx_request_is_sent_to_sign_in(client):
    response = client.get(
        "/audit/?page=2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/audit/?person=rita",
    )
    # Back to the page the user was on after signing in, not to the fragment's URL.
    assert response["HX-Redirect"] == "/accounts/login/?next=/audit/%3Fperson%3Drita"


def test_sign_in_does_not_redirect_off_site(client, receptionist):
    response = client.post(
        "/accounts/login/",
        {"username": "rita", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
