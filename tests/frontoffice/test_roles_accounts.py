"""Staff accounts: the roles, the demo accounts, and Django's admin for administrators only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import AuditEntry
from audit.services import audit_record
from frontoffice.roles import is_manager, is_staff_member, role_name

pytestmark = pytest.mark.django_db


def test_the_two_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Receptionist", "Manager"}


def test_role_checks(receptionist, manager, administrator):
    nobody = User.objects.create_user(username="nobody")
    assert [role_name(u) for u in (receptionist, manager, administrator, nobody)] == [
        "Receptionist",
        "Manager",
        "Administrator",
        "",
    ]
    assert is_staff_member(receptionist) and not is_manager(receptionist)
    assert is_manager(manager) and is_manager(administrator)
    assert not is_staff_member(nobody)
    manager.is_active = False
    assert not is_manager(manager)


def test_nav_shows_manager_screens_to_managers_only(reception_client, manager):
    html = reception_client.get("/no-such-page/").content.decode()
    assert 'href="/audit/"' not in html and 'href="/stats/"' not in html
    manager_client = Client()
    manager_client.force_login(manager)
    html = manager_client.get("/no-such-page/").content.decode()
    assert 'href="/audit/"' in html and 'href="/stats/"' in html


# --- demo accounts -------------------------------------------------------------------------


def test_demo_users_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("demo_users")
    assert not User.objects.filter(username__in=["reception", "manager", "admin"]).exists()


def test_demo_users_in_demo_mode_sign_in_with_their_roles(settings):
    settings.DEMO_MODE = True
    call_command("demo_users")
    call_command("demo_users")  # twice is harmless
    users = {
        u.username: u for u in User.objects.filter(username__in=["reception", "manager", "admin"])
    }
    assert role_name(users["reception"]) == "Receptionist"
    assert role_name(users["manager"]) == "Manager"
    assert role_name(users["admin"]) == "Administrator"
    client = Client()
    response = client.post("/accounts/login/", {"username": "manager", "password": "manager-demo"})
    assert response.status_code == 302
    assert client.get("/audit/").status_code == 200


# --- Django's admin ------------------------------------------------------------------------


@pytest.fixture
def admin_client_(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def test_admin_lists_staff_accounts_roles_and_the_trail_only(admin_client_):
    html = admin_client_.get("/admin/").content.decode()
    assert "/admin/auth/user/" in html
    assert "/admin/auth/group/" in html
    assert "/admin/audit/auditentry/" in html
    users = admin_client_.get("/admin/auth/user/").content.decode()
    assert "ada" in users


def test_administrator_creates_a_receptionist(admin_client_):
    response = admin_client_.post(
        "/admin/auth/user/add/",
        {
            "username": "newdesk",
            "password1": "a-long-unusual-password-42",
            "password2": "a-long-unusual-password-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newdesk")
    change = admin_client_.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "user_permissions" not in change  # roles are groups, not per-account permissions
    receptionist_group = Group.objects.get(name="Receptionist")
    response = admin_client_.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "newdesk",
            "first_name": "New",
            "last_name": "Desk",
            "email": "",
            "is_active": "on",
            "groups": [receptionist_group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert role_name(User.objects.get(pk=user.pk)) == "Receptionist"


def test_audit_entries_are_read_only_in_the_admin(admin_client_, receptionist):
    entry = audit_record(
        user=receptionist, action=AuditEntry.Action.EXPORT, summary="exported the list"
    )
    page = admin_client_.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert "exported the list" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert (
        admin_client_.post(
            f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "rewritten"}
        ).status_code
        == 403
    )
    assert (
        admin_client_.post(
            f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert admin_client_.get("/admin/audit/auditentry/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "exported the list"


def test_staff_flag_alone_does_not_open_the_admin(manager):
    manager.is_staff = True
    manager.save()
    client = Client()
    client.force_login(manager)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_admin_sign_in_page_goes_through_ours(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post("/admin/login/", {"username": "ada", "password": "guess"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
