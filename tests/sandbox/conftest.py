"""Helpers for the sandbox's contract tests: raw HTTP calls that keep headers and bodies."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

import pytest

from tests.booking_slots import delete_bookings
from tests.conftest import API_PREFIX, Sandbox, start_sandbox, stop_sandbox


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self):
        return json.loads(self.raw)


def call(
    box: Sandbox,
    method: str,
    path: str,
    *,
    params: dict | None = None,
    body=None,
    headers: dict | None = None,
    key: str | None = "default",
    raw_body: bytes | None = None,
) -> Reply:
    """One HTTP request to the sandbox. `path` is relative to the API prefix unless it starts
    with "/_"; key=None sends no key; the default sends the sandbox's key as X-API-Key."""
    url = box.url + (path if path.startswith("/_") else API_PREFIX + path)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    data = (
        raw_body
        if raw_body is not None
        else (json.dumps(body).encode() if body is not None else None)
    )
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if key == "default":
        req.add_header("X-API-Key", box.api_key)
    elif key is not None:
        req.add_header("X-API-Key", key)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return Reply(resp.status, dict(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, dict(err.headers.items()), err.read())


def get(box: Sandbox, path: str, **params) -> dict:
    """GET that must succeed; returns the JSON body."""
    reply = call(box, "GET", path, params=params or None)
    assert reply.status == 200, (reply.status, reply.raw[:500])
    return reply.json


def unique_email(prefix: str = "test") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:12]}@example.org"


def create_customer(box: Sandbox, **fields) -> dict:
    body = {"first_name": "Test", "last_name": "Person", "email": unique_email(), **fields}
    reply = call(box, "POST", "/customers", body=body)
    assert reply.status == 201, (reply.status, reply.raw[:500])
    return reply.json["data"]


@pytest.fixture
def made(sandbox):
    """Ids of the bookings a test creates in the shared sandbox: force-deleted after it."""
    ids: list[str] = []
    yield ids
    delete_bookings(sandbox, ids)


def book(box: Sandbox, made: list, **body) -> Reply:
    """POST /bookings; a created booking's id goes into `made` (deleted after the test)."""
    reply = call(box, "POST", "/bookings", body=body)
    if reply.status == 201:
        made.append(reply.json["data"]["id"])
    return reply


@pytest.fixture(scope="module")
def private_sandbox(sandbox_template_db, tmp_path_factory):
    """A sandbox of this module's own, for tests that change seeded bookings."""
    box = start_sandbox(sandbox_template_db, tmp_path_factory.mktemp("private-sandbox"))
    yield box
    stop_sandbox(box)
