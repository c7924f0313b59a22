"""The process's LatePoint client, built from settings, with the front office's hooks: every
attempt counted for Server-Timing, a place taken in the key's shared budget before it
(upstream.budget), and each attempt cut to the page's deadline."""

from __future__ import annotations

import hashlib
import threading

from django.conf import settings

from latepoint.client import CallRecord, LatePointClient
from upstream import budget
from upstream import metrics as upstream_metrics

# --- the client ------------------------------------------------------------------------------

_clients: dict[tuple[str, str, str, str], LatePointClient] = {}
_clients_lock = threading.Lock()


def _on_call(record: CallRecord) -> None:
    upstream_metrics.record_call(record.duration_ms)
    budget.note_call(record)


def get_client() -> LatePointClient:
    """The process's client for the current settings (a new one when they change)."""
    url = settings.LATEPOINT_API_URL
    api_key = settings.LATEPOINT_API_KEY
    timeout = settings.LATEPOINT_TIMEOUT
    zone = settings.TIME_ZONE
    # The memo key holds a digest of the API key, never the key itself.
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    memo_key = (url, digest, repr(timeout), zone)
    client = _clients.get(memo_key)
    if client is None:
        with _clients_lock:
            client = _clients.get(memo_key)
            if client is None:
                client = LatePointClient(
                    base_url=url,
                    api_key=api_key,
                    timeout=timeout,
                    on_call=_on_call,
                    before_attempt=budget.before_attempt,
                    time_left=upstream_metrics.time_left,
                    site_timezone=zone,
                )
                _clients[memo_key] = client
    return client
