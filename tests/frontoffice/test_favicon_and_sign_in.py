"""Small things users notice: the browser's icon (linked by every page, and at /favicon.ico for
whatever asks there, signed in or not) and the product's name on the sign-in page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ICO_MAGIC = b"\x00\x00\x01\x00"


def test_favicon_ico_answers_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content).startswith(ICO_MAGIC)
    assert "max-age=86400" in response["Cache-Control"]


def test_every_page_links_the_icon(reception_client):
    client = Client()
    for browser, path in ((client, "/accounts/login/"), (reception_client, "/customers/new/")):
        html = browser.get(path).content.decode()
        icons = re.findall(r'<link rel="icon" href="([^"]+)"[^>]*>', html)
        assert icons == ["/static/img/favicon.ico", "/static/img/favicon.svg"], path
        for href in icons:
            answer = client.get(href)
            assert answer.status_code == 200, href
            body = b"".join(answer.streaming_content)
            assert body.startswith(ICO_MAGIC) if href.endswith(".ico") else b"<svg" in body


def test_the_sign_in_page_names_the_product(client):
    html = client.get("/accounts/login/").content.decode()
    body = html.split("<body", 1)[1]
    assert re.search(r'<p class="sign-in-product">.*LatePoint Front Office</p>', body)
    assert '<h1 id="sign-in-title">Sign in</h1>' in body
