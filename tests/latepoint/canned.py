"""A canned HTTP transport for client unit tests: it replaces the network, not our code."""

from __future__ import annotations

import json
from typing import Any

import requests
from requests.adapters import BaseAdapter


class CannedAdapter(BaseAdapter):
    """Answers each request with the next canned (status, body, headers) or raises it."""

    def __init__(self, *answers: Any) -> None:
        super().__init__()
        self.answers = list(answers)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, *rest = answer
        headers = rest[0] if rest else {}
        response = requests.Response()
        response.status_code = status
        if isinstance(body, bytes):
            response._content = body
        elif isinstance(body, str):
            response._content = body.encode()
        else:
            response._content = json.dumps(body).encode()
        response.headers.update({"Content-Type": "application/json", **headers})
        response.encoding = "utf-8"
        response.request = request
        response.url = request.url
        return response

    def close(self) -> None:
        pass


def canned_client(*answers: Any, **options: Any):
    """A LatePointClient whose session answers from `answers`; returns (client, adapter, calls)."""
    from latepoint import LatePointClient

    adapter = CannedAdapter(*answers)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    calls = []
    options.setdefault("backoff", 0)
    client = LatePointClient(
        base_url="https://clinic.example/wp-json/latepoint-api/v1",
        api_key="lp_live_secretkey123",
        session=session,
        on_call=calls.append,
        **options,
    )
    return client, adapter, calls
