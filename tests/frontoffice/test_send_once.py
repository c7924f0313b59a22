"""One-time form tokens (`upstream.writes.claim`): a send that never said what became of it
(its worker died mid-write) does not leave the form stuck as "still being sent"."""

from __future__ import annotations

import time
from types import SimpleNamespace

from django.core.cache import caches

from upstream import writes

TOKEN = "abandoned-send-token-1234"


def _request():
    return SimpleNamespace(user=SimpleNamespace(pk=4242))


def test_a_send_still_pending_long_after_any_page_waits_is_looked_for_again(settings):
    settings.LATEPOINT_DEADLINE = 1
    request = _request()
    first = writes.claim(request, TOKEN)
    assert first.first and not first.after_unknown
    key = writes._key(request, TOKEN)
    # The worker died before it settled the token; its page's time is long over.
    caches["state"].set(key, {"state": "pending", "at": time.time() - 60}, 600)

    again = writes.claim(request, TOKEN)

    assert again.first and again.after_unknown  # it looks for the first send's result first


def test_a_send_still_running_is_waited_for_not_taken_over(settings):
    settings.LATEPOINT_DEADLINE = 1
    request = _request()
    writes.claim(request, TOKEN + "x")

    again = writes.claim(request, TOKEN + "x")

    assert not again.first and again.pending
