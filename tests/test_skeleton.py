"""The skeleton: health probes, sign-in required, Server-Timing on every response."""

import pytest


def test_healthz_is_public(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_pages_send_anonymous_users_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


@pytest.mark.django_db
def test_sign_in_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_every_response_carries_server_timing(client):
    response = client.get("/healthz")
    assert 'upstream;dur=0.0;desc="0 calls"' in response["Server-Timing"]
