"""Sign-in: user names and addresses locked after repeated failures (django-axes), closed to demo
passwords outside demo mode, to inactive accounts and to accounts without a role."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import F
from django.http import HttpResponse
from django.test import Client, RequestFactory

from signin.protection import client_address
from signin.views import lockout_response
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Please enter a correct username and password"
USER_LOCKED = "This user name is locked"
ADDRESS_LOCKED = "Too many failed sign-ins from this address"


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1", **headers):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _fail(client: Client, username: str, times: int, address: str = "10.0.0.1") -> None:
    """Wrong passwords that are each answered as such (none of them locks yet)."""
    for _ in range(times):
        response = _sign_in(client, username, "wrong-password", address)
        assert response.status_code == 200
        assert WRONG in response.content.decode()


def _lock_user(client: Client, username: str, address: str = "10.0.0.1"):
    _fail(client, username, 4, address)
    return _sign_in(client, username, "wrong-password", address)


def _lock_address(address: str, times: int = 30) -> None:
    """Failures with user names nobody has, from one address."""
    client = Client()
    for n in range(times):
        _sign_in(client, f"guess{n}", "wrong-password", address)


def _forward_in_time(minutes: int) -> None:
    """As if the failures recorded so far had happened `minutes` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_right_password_signs_in(client, receptionist):
    response = _sign_in(client, "rita", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- the user name lock ------------------------------------------------------------------


def test_the_fifth_failure_locks_the_user_name_with_a_clear_message(client, receptionist):
    response = _lock_user(client, "rita")
    assert response.status_code == 429
    html = response.content.decode()
    assert USER_LOCKED in html
    assert "Try again in 15 minutes, or ask an administrator to unlock it" in html
    assert WRONG not in html
    assert response["Retry-After"] == str(15 * 60)
    # The user name stays in the box.
    assert 'value="rita"' in html


def test_a_locked_user_name_refuses_even_the_right_password_from_anywhere(client, receptionist):
    _lock_user(client, "rita", address="10.0.0.1")
    for address in ("10.0.0.1", "10.0.0.2"):
        fresh = Client()
        response = _sign_in(fresh, "rita", PASSWORD, address)
        assert response.status_code == 429
        assert USER_LOCKED in response.content.decode()
        assert fresh.get("/").status_code == 302  # still signed out


def test_a_user_name_nobody_has_is_locked_alike(client, receptionist):
    """The lock's answer must not tell an account from a user name nobody has."""
    account = _lock_user(Client(), "rita", address="10.0.0.1")
    unknown = _lock_user(Client(), "nobody-here", address="10.0.0.2")
    for response in (account, unknown):
        assert response.status_code == 429
        assert USER_LOCKED in response.content.decode()


def test_another_staff_member_at_the_same_desk_still_signs_in(client, receptionist, manager):
    _lock_user(client, "rita", address="10.0.0.1")
    assert _sign_in(Client(), "max", PASSWORD, address="10.0.0.1").status_code == 302


def test_user_names_are_counted_without_case(client, receptionist):
    _fail(client, "Rita", 3)
    _fail(client, "RITA ", 1)
    assert _sign_in(client, "rita", "wrong-password").status_code == 429
    assert _sign_in(client, "rita", PASSWORD).status_code == 429


def test_success_clears_earlier_failures(client, receptionist):
    _fail(client, "rita", 4)
    assert _sign_in(client, "rita", PASSWORD).status_code == 302
    fresh = Client()
    _fail(fresh, "rita", 4)
    assert _sign_in(fresh, "rita", PASSWORD).status_code == 302


def test_the_lock_ends_when_the_lock_period_has_passed(client, receptionist):
    _lock_user(client, "rita")
    _forward_in_time(14)
    assert _sign_in(client, "rita", PASSWORD).status_code == 429
    # That refused attempt counts too: the period starts again from it.
    _forward_in_time(14)
    assert _sign_in(client, "rita", PASSWORD).status_code == 429
    _forward_in_time(16)
    assert _sign_in(client, "rita", PASSWORD).status_code == 302


def test_locks_are_kept_in_the_database_every_process_shares(client, receptionist):
    _lock_user(client, "rita")
    cache.clear()  # the old throttle's counters lived here, per process by default
    assert _sign_in(Client(), "rita", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get(username="rita").failures_since_start == 6


@pytest.fixture
def writers_queue(monkeypatch):
    """Connections opened from here take SQLite's write lock up front, as production's do.

    The suite's database options leave out production's IMMEDIATE transactions: two parallel
    read-then-write transactions (axes' record of a failure) would fail instead of queueing.
    """
    database = connections.settings["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        monkeypatch.setitem(database.setdefault("OPTIONS", {}), "transaction_mode", "IMMEDIATE")


@pytest.fixture(params=["local memory", "database"])
def shared_cache(request, settings):
    """The suite's cache, and the production default: a table in the database."""
    if request.param == "database":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "frontoffice_signin_test_cache",
            },
            "state": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "frontoffice_signin_test_state",
            },
        }
        call_command("createcachetable", verbosity=0)
    return request.param


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_wrong_passwords_gets_five_password_checks(
    receptionist, monkeypatch, writers_queue, shared_cache
):
    """Twenty wrong passwords sent at once for one user name: five are checked, every other is
    refused as locked, and so is the right password, sent inside the burst and after it."""
    checks = []
    five_checking = threading.Event()
    real_check = User.check_password

    def slow_check(user, raw_password):
        checks.append(raw_password)
        if len(checks) >= 5:
            five_checking.set()
        time.sleep(0.3)  # still checking when the rest of the burst arrives
        return real_check(user, raw_password)

    monkeypatch.setattr(User, "check_password", slow_check)
    together = threading.Barrier(20)
    wrong, right = [], []

    def send(password: str, answers: list) -> None:
        try:
            if password == PASSWORD:
                five_checking.wait(timeout=10)  # the burst is being checked right now
            else:
                together.wait(timeout=10)
            answers.append(_sign_in(Client(), "rita", password))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=("wrong-password", wrong)) for _ in range(20)]
    threads.append(threading.Thread(target=send, args=(PASSWORD, right)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(checks) == 5
    assert PASSWORD not in checks
    assert len(wrong) == 20
    answered_wrong = [r for r in wrong if r.status_code == 200]
    refused = [r for r in wrong if r.status_code == 429]
    assert len(answered_wrong) <= 4
    assert len(answered_wrong) + len(refused) == 20
    assert all(WRONG in r.content.decode() for r in answered_wrong)
    assert all(USER_LOCKED in r.content.decode() for r in refused)
    # The right password inside the burst, and after it, is refused: the user name is locked.
    [inside] = right
    assert inside.status_code == 429
    assert USER_LOCKED in inside.content.decode()
    after = Client()
    response = _sign_in(after, "rita", PASSWORD)
    assert response.status_code == 429
    assert USER_LOCKED in response.content.decode()
    assert after.get("/").status_code == 302  # still signed out
    assert len(checks) == 5


# --- the address lock ----------------------------------------------------------------------


def test_many_user_names_from_one_address_lock_that_address(client):
    _lock_address("10.9.9.9", 29)
    response = _sign_in(client, "guess-last", "wrong-password", "10.9.9.9")
    assert response.status_code == 429
    assert ADDRESS_LOCKED in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    # Another address is not affected.
    response = _sign_in(client, "guess-elsewhere", "wrong-password", "10.9.9.8")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_a_locked_address_never_refuses_a_real_staff_members_right_password(receptionist, manager):
    _lock_address("10.9.9.9", 30)
    rita = Client()
    assert _sign_in(rita, "rita", PASSWORD, "10.9.9.9").status_code == 302
    assert rita.get("/accounts/password/").status_code == 200  # signed in
    assert _sign_in(Client(), "max", PASSWORD, "10.9.9.9").status_code == 302


def test_every_failure_from_a_locked_address_gets_the_same_answer(receptionist):
    """An account's wrong password and a user name nobody has look alike from there."""
    _lock_address("10.9.9.9", 30)
    unknown = _sign_in(Client(), "nobody-here", "wrong-password", "10.9.9.9")
    account = _sign_in(Client(), "rita", "wrong-password", "10.9.9.9")
    for response in (unknown, account):
        assert response.status_code == 429
        assert ADDRESS_LOCKED in response.content.decode()


def test_a_refusal_costs_one_password_hash_like_a_wrong_password(receptionist, monkeypatch):
    """How long an answer takes must not tell an account from a user name nobody has."""
    hashes = []
    real_encode = MD5PasswordHasher.encode

    def counting_encode(self, password, salt):
        hashes.append(password)
        return real_encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)

    def hashes_for(username: str, address: str) -> int:
        hashes.clear()
        _sign_in(Client(), username, "wrong-password", address)
        return len(hashes)

    assert hashes_for("rita", "10.0.0.1") == 1  # a wrong password
    assert hashes_for("nobody-here", "10.0.0.1") == 1  # a user name nobody has
    _fail(Client(), "rita", 3)
    assert hashes_for("rita", "10.0.0.1") == 1  # the fifth, which locks
    assert hashes_for("rita", "10.0.0.3") == 1  # refused by the user name lock
    _lock_address("10.9.9.9", 30)
    assert hashes_for("nobody-here", "10.9.9.9") == 1  # refused by the address lock


def test_a_lock_axes_reports_outside_the_sign_in_page_gets_the_same_answer(receptionist):
    """Axes' middleware answers any sign-in it refused; ours says what is locked."""
    _lock_user(Client(), "rita")
    request = RequestFactory().post("/elsewhere/", {"username": "rita"}, REMOTE_ADDR="10.0.0.1")
    request.user = AnonymousUser()
    response = lockout_response(request, HttpResponse("not ours"), {"username": "rita"})
    assert response.status_code == 429
    assert USER_LOCKED in response.content.decode()


# --- the client's address ------------------------------------------------------------------


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(client, settings):
    settings.FRONTOFFICE_TRUSTED_PROXIES = []
    # A client that names a new address in each request is still one address.
    for n in range(30):
        _sign_in(
            client, f"guess{n}", "wrong-password", "203.0.113.9", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}"
        )
    response = _sign_in(
        client, "guess", "wrong-password", "203.0.113.9", HTTP_X_FORWARDED_FOR="6.6.6.200"
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_a_trusted_proxy_each_client_address_is_locked_on_its_own(settings, receptionist):
    settings.FRONTOFFICE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.0.0.5"
    client = Client()
    for n in range(30):
        _sign_in(client, f"guess{n}", "x", proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = _sign_in(client, "guess", "x", proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    other_clinic = _sign_in(client, "guess", "x", proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other_clinic.status_code == 200
    # What the client itself puts on the left of the header changes nothing.
    spoofed = _sign_in(client, "guess", "x", proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert spoofed.status_code == 429


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "6.6.6.6", "203.0.113.9"),
        (["10.0.0.5"], "203.0.113.9", "6.6.6.6, 10.0.0.5", "203.0.113.9"),
        (["10.0.0.5"], "10.0.0.5", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.5"], "10.0.0.5", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.7, 10.1.2.3", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.7:51234", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.5", "", "10.0.0.5"),
        (["10.0.0.0/8"], "10.0.0.5", "not-an-address", "10.0.0.5"),
        (["2001:db8::/32"], "2001:db8::1", "2001:db9::7", "2001:db9::7"),
    ],
)
def test_client_address(settings, trusted, peer, forwarded, expected):
    settings.FRONTOFFICE_TRUSTED_PROXIES = trusted
    request = RequestFactory().post("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# --- unlocking from /admin/ ------------------------------------------------------------------


def test_an_administrator_unlocks_a_user_name_from_the_admin(client, receptionist, administrator):
    _lock_user(Client(), "rita")
    admin = Client()
    admin.force_login(administrator)
    index = admin.get("/admin/")
    assert index.status_code == 200
    assert "Access attempts" in index.content.decode()
    listing = admin.get("/admin/axes/accessattempt/", {"q": "rita"})
    assert listing.status_code == 200
    attempt = AccessAttempt.objects.get(username="rita")
    assert f"/admin/axes/accessattempt/{attempt.pk}/change/" in listing.content.decode()
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _sign_in(client, "rita", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_address_from_the_admin(administrator, receptionist):
    _lock_address("10.9.9.9", 30)
    assert _sign_in(Client(), "guess", "x", "10.9.9.9").status_code == 429
    admin = Client()
    admin.force_login(administrator)
    rows = list(AccessAttempt.objects.filter(ip_address="10.9.9.9").values_list("pk", flat=True))
    response = admin.post(
        "/admin/axes/accessattempt/?q=10.9.9.9",
        {"action": "delete_selected", "_selected_action": rows, "post": "yes"},
    )
    assert response.status_code == 302
    response = _sign_in(Client(), "guess", "x", "10.9.9.9")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_sign_in_records_are_for_administrators_only(manager):
    client = Client()
    client.force_login(manager)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_sign_in_records_cannot_be_added_or_edited(administrator, receptionist):
    _lock_user(Client(), "rita")
    attempt = AccessAttempt.objects.get(username="rita")
    admin = Client()
    admin.force_login(administrator)
    assert admin.get("/admin/axes/accessattempt/add/").status_code == 403
    change = admin.get(f"/admin/axes/accessattempt/{attempt.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()  # read-only


# --- the log ---------------------------------------------------------------------------------


def test_refused_sign_ins_are_logged_as_one_line_without_the_password(client, receptionist, caplog):
    with caplog.at_level(logging.INFO):
        _fail(client, "rita", 1)
    assert [r.getMessage() for r in caplog.records] == [
        "refused sign-in from 10.0.0.1: wrong user name or password"
    ]
    _fail(client, "rita", 3)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert _sign_in(client, "rita", "wrong-password").status_code == 429
    # One line: ours, not also Django's "Too Many Requests" nor axes' own.
    assert [r.getMessage() for r in caplog.records] == [
        "refused sign-in from 10.0.0.1: user name locked"
    ]
    assert "wrong-password" not in caplog.text
    assert not any(record.exc_info for record in caplog.records)


# --- who may sign in at all ------------------------------------------------------------------


def test_inactive_account_cannot_sign_in(client, receptionist):
    receptionist.is_active = False
    receptionist.save()
    response = _sign_in(client, "rita", PASSWORD)
    assert response.status_code == 200
    assert WRONG in response.content.decode()


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
    assert WRONG in response.content.decode()
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
