"""Fixtures of the customer screens' tests."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest


@pytest.fixture
def sent(live_sandbox):
    """Every request the front office's client sent upstream: (method, path, JSON body)."""
    from upstream.gateway import get_client

    calls: list[tuple[str, str, object]] = []

    def hook(response, *args, **kwargs):
        request = response.request
        body = json.loads(request.body) if request.body else None
        calls.append((request.method, urlsplit(request.url).path, body))

    session = get_client().session
    session.hooks["response"].append(hook)
    yield calls
    session.hooks["response"].remove(hook)
