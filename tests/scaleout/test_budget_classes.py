"""The key's budget by class, through several front-office processes of several workers each
(as `make run` runs them), against the sandbox, counting what LatePoint received.

- The classes and the reserve: the manager class stops at its share of a small key, and the
  desks keep what it leaves: their pages are served fresh, never refused.
- A write keeps its place: once the desks' reads reach their line, a save and a check-in
  still go through.
- The step-back: on a quiet key the booking history sync (`manage.py sync_bookings`, a
  process of its own) takes the idle budget; the first desk call puts it back to its share.
- The wording: a copy shown because the front office held the call back says so, never
  "LatePoint is not answering"; a 429 from LatePoint itself (the sandbox's `rate_limit` knob,
  below the front office's budget) is said as LatePoint being busy.
"""

from __future__ import annotations

import contextlib
import html
import re
import subprocess
import sys
import time
import uuid
from unittest import mock

import pytest
from django.test import override_settings

from history import calls as sync_calls
from tests.conftest import ROOT
from tests.customers.form_html import form_values
from tests.scaleout.conftest import MANAGER, budget_site, sign_in, stop, upstream_calls
from tests.scaleout.test_shared_state import new_customer
from upstream import budget

#: The small key of most tests: 18 usable a minute, desk reads up to 16 (2 kept for a write),
#: the manager class 9. Customer lists are never fresh (the copy is still kept a day), so a
#: list read twice asks LatePoint again, and can show its copy.
SMALL_KEY = {"LATEPOINT_RATE_LIMIT": "20", "LATEPOINT_CACHE_TTL_CUSTOMER_LIST": "0"}
#: A key whose background share (5 a minute, the sync's 3) is far below its idle budget (202):
#: on a quiet key the sync sends a call every 0.3 s, on a busy one it has a few a minute.
QUIET_KEY = {"LATEPOINT_RATE_LIMIT": "300", "LATEPOINT_INTERACTIVE_RESERVE": "0.98"}
#: How long the desk works while the sync is watched stepping back (about 8 of its quiet
#: calls' time): what it sends meanwhile is counted, whatever the machine's speed.
DESK_WORKS_SECONDS = 2.5

HELD_BACK = (
    "the front office is pacing its calls to stay within the API key's limit. "
    "LatePoint itself is fine."
)
BUSY = "LatePoint is busy (too many requests): showing what it said at"
NOT_ANSWERING = "LatePoint is not answering"


def limits(env: dict[str, str]) -> budget.Limits:
    """The budget the site's processes work with (upstream.budget's own arithmetic)."""
    with override_settings(
        LATEPOINT_RATE_LIMIT=int(env["LATEPOINT_RATE_LIMIT"]),
        LATEPOINT_INTERACTIVE_RESERVE=float(env.get("LATEPOINT_INTERACTIVE_RESERVE", "0.75")),
    ):
        return budget.Limits.from_settings()


def sync_share_when_busy(env: dict[str, str]) -> int:
    """The sync's calls in any minute while the desks work (history.calls.share_limit)."""
    with (
        override_settings(
            LATEPOINT_RATE_LIMIT=int(env["LATEPOINT_RATE_LIMIT"]),
            LATEPOINT_INTERACTIVE_RESERVE=float(env["LATEPOINT_INTERACTIVE_RESERVE"]),
        ),
        mock.patch.object(budget, "desks_quiet", return_value=False),
    ):
        return sync_calls.share_limit()


def text(response) -> str:
    return html.unescape(response.text)


def notice(response) -> str:
    """The page's notice about an older copy ("" when it shows none)."""
    match = re.search(r'<div id="upstream-notice"[^>]*>(.*?)</div>', response.text, re.S)
    assert match, "no notice region on the page"
    return html.unescape(match.group(1)).strip()


def fresh(response) -> bool:
    """Served 200 from LatePoint's answer, not from an older copy."""
    return (
        response.status_code == 200
        and upstream_calls(response) >= 1
        and "X-Upstream-Stale" not in response.headers
        and notice(response) == ""
    )


def customer_ids(sandbox) -> list[int]:
    with contextlib.closing(sandbox.db()) as db:
        return [row["id"] for row in db.execute("SELECT id FROM sandbox_customer ORDER BY id")]


def received(sandbox, since: float) -> list[tuple[float, str, str, int]]:
    return sandbox.requests_since(since)


def spend_reads(site, sandbox, tag: str, line: int) -> list:
    """Desk searches through both processes until the budget holds one back (their line):
    (status, calls) of each page. Nothing else asks LatePoint meanwhile."""
    pages = []
    for number in range(line + 3):
        front = (site.a, site.b)[number % 2]
        page = site.get(front, f"/customers/?q=spend-{tag}-{number}")
        pages.append((page.status_code, upstream_calls(page)))
        if page.status_code != 200:
            assert page.status_code == 429, page.status_code
            assert "Pacing calls to LatePoint" in text(page)
            assert NOT_ANSWERING not in text(page)
            break
    assert pages[-1] == (429, 0), pages
    assert len(received(sandbox, site.started_at)) == line, pages
    return pages


@pytest.fixture(scope="module")
def small_site(stack, request, tmp_path_factory):
    """Two processes of two workers each on a 20-a-minute key, shared by the module's tests
    (each starts with `forget()`: a budget and a cache nothing has used)."""
    with budget_site(stack, request, tmp_path_factory.mktemp("small-key"), **SMALL_KEY) as site:
        yield site


# --- the classes and the reserve -------------------------------------------------------------


def test_the_manager_class_stops_at_its_share_and_the_desks_keep_the_rest(small_site, sandbox):
    site, key = small_site, limits(SMALL_KEY)
    tag = uuid.uuid4().hex[:8]
    customers = customer_ids(sandbox)
    site.forget()
    boss = sign_in(site.b, MANAGER)

    # A manager pages through bookings lists, through both processes, until held back.
    lists = []
    for number in range(key.manager + 3):
        front = (site.a, site.b)[number % 2]
        page = boss.get(front.url + f"/bookings/?search=office-{tag}-{number}", timeout=30)
        lists.append(page)
        if page.status_code != 200:
            break
    held = lists[-1]
    listed = received(sandbox, site.started_at)

    # Meanwhile the desk: its bookings list, a profile and searches, every read the manager
    # class left up to the desks' line.
    desk_pages = [site.get(site.a, f"/bookings/?search=desk-{tag}")]
    desk_pages.append(site.get(site.b, f"/customers/{customers[-1]}/"))
    left = key.reads - len(received(sandbox, site.started_at))
    for number in range(left):
        desk_pages.append(site.get((site.a, site.b)[number % 2], f"/customers/?q=d-{tag}-{number}"))
    sent = received(sandbox, site.started_at)
    boss.close()

    # The manager class took its share, no more, and was then kept back, said as such.
    manager_calls = [row for row in listed if row[2] == "/bookings"]
    assert len(manager_calls) == key.manager, listed
    assert [page.status_code for page in lists[:-1]] == [200] * key.manager
    assert held.status_code == 429
    assert "Pacing calls to LatePoint" in text(held)
    assert NOT_ANSWERING not in text(held)
    # The desk: every page fresh from LatePoint, none refused, none an older copy.
    assert left >= 2, (key, listed)
    assert [fresh(page) for page in desk_pages] == [True] * len(desk_pages), [
        (page.status_code, upstream_calls(page)) for page in desk_pages
    ]
    # LatePoint received no more than the front office's usable budget, and refused nothing.
    assert len(sent) <= key.usable, sent
    assert {row[3] for row in sent} == {200}, sent
    assert sum(upstream_calls(page) for page in [*lists, *desk_pages]) == len(sent)


# --- a write keeps its place -----------------------------------------------------------------


def test_a_save_goes_through_when_desk_reads_have_reached_their_line(small_site, sandbox):
    site, key = small_site, limits(SMALL_KEY)
    customer_id, _ = new_customer(sandbox)
    site.forget()
    form = site.get(site.b, f"/customers/{customer_id}/edit/")
    assert form.status_code == 200
    values = form_values(form.text)

    spend_reads(site, sandbox, uuid.uuid4().hex[:8], line=key.reads)
    before_save = time.time()
    values.update(city="Ashland", csrfmiddlewaretoken=site.csrf_token())
    saved = site.post(site.a, f"/customers/{customer_id}/edit/", values, allow_redirects=False)

    assert saved.status_code == 302, (saved.status_code, notice(saved), text(saved)[-3000:])
    assert saved.headers["Location"] == f"/customers/{customer_id}/"
    sent = received(sandbox, before_save)
    path = f"/customers/{customer_id}"
    # Its check before sending and the write itself, both answered.
    assert [(row[1], row[2], row[3]) for row in sent] == [("GET", path, 200), ("PUT", path, 200)]
    with contextlib.closing(sandbox.db()) as db:
        city = db.execute("SELECT city FROM sandbox_customer WHERE id = ?", (customer_id,))
        assert city.fetchone()["city"] == "Ashland"
    assert len(received(sandbox, site.started_at)) <= key.usable


def test_a_check_in_goes_through_when_desk_reads_have_reached_their_line(
    small_site, sandbox, take_booking
):
    site, key = small_site, limits(SMALL_KEY)
    booking_id = take_booking("approved", "today")
    site.forget()

    spend_reads(site, sandbox, uuid.uuid4().hex[:8], line=key.reads)
    before_check_in = time.time()
    checked_in = site.post(
        site.b,
        f"/bookings/{booking_id}/check-in/",
        {"next": f"/bookings/{booking_id}/", "csrfmiddlewaretoken": site.csrf_token()},
        allow_redirects=False,
    )
    assert checked_in.status_code == 302, (checked_in.status_code, text(checked_in)[-3000:])
    # Its one call, the booking's read, took a write's place.
    sent = [(row[1], row[2], row[3]) for row in received(sandbox, before_check_in)]
    assert sent == [("GET", f"/bookings/{booking_id}", 200)]
    booking = site.get(site.a, f"/bookings/{booking_id}/")  # the booking read is cached now
    assert booking.status_code == 200 and upstream_calls(booking) == 0
    assert "Checked in" in text(booking)
    assert len(received(sandbox, site.started_at)) <= key.usable


# --- the step-back ---------------------------------------------------------------------------


@pytest.fixture
def quiet_site(stack, request, tmp_path):
    with budget_site(stack, request, tmp_path, **QUIET_KEY) as site:
        yield site


def test_the_sync_takes_the_idle_budget_and_steps_back_at_the_first_desk_call(quiet_site, sandbox):
    site, key = quiet_site, limits(QUIET_KEY)
    share = sync_share_when_busy(QUIET_KEY)
    assert share + 2 < key.idle
    customers = customer_ids(sandbox)
    site.forget()
    sync = subprocess.Popen(
        [sys.executable, "manage.py", "sync_bookings"],
        env=site.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        # The key is quiet: the sync sends more than its share while no desk works.
        give_up = time.monotonic() + 60
        while len(received(sandbox, site.started_at)) < share + 2:
            assert sync.poll() is None, "the sync stopped"
            assert time.monotonic() < give_up, received(sandbox, site.started_at)
            time.sleep(0.05)

        # A desk starts working: a profile through one process, then the other, for a while.
        desk = []
        began = time.monotonic()
        while time.monotonic() - began < DESK_WORKS_SECONDS or len(desk) < 4:
            front = (site.a, site.b)[len(desk) % 2]
            desk.append(site.get(front, f"/customers/{customers[len(desk)]}/"))
            time.sleep(0.2)  # a desk's pace
        sent = received(sandbox, site.started_at)
    finally:
        stop(sync)

    profile = re.compile(r"/customers/\d+")
    desk_calls = [row for row in sent if profile.fullmatch(row[2])]
    first_desk_call = desk_calls[0][0]
    sync_calls_before = [row for row in sent if row[0] < first_desk_call]
    sync_calls_after = [
        row for row in sent if row[0] >= first_desk_call and not profile.fullmatch(row[2])
    ]
    # On the quiet key it used the idle budget: more than its share, within it.
    assert share + 2 <= len(sync_calls_before) <= key.idle, sync_calls_before
    # From the desk's first call it kept to its share, spent already: one call at most (the one
    # under way as the desk called), while its quiet pace would have sent several.
    assert len(sync_calls_after) <= 1, (sync_calls_after, len(desk))
    # The desk was served fresh, never kept back, every page one call.
    assert [fresh(page) for page in desk] == [True] * len(desk)
    assert len(desk_calls) >= len(desk)
    assert {row[3] for row in sent} == {200}


# --- the wording -----------------------------------------------------------------------------


def test_a_copy_held_back_by_the_front_office_says_so_never_not_answering(small_site, sandbox):
    site, key = small_site, limits(SMALL_KEY)
    tag = uuid.uuid4().hex[:8]
    site.forget()
    first = site.get(site.a, f"/customers/?q=copy-{tag}")
    assert fresh(first)

    spend_reads(site, sandbox, tag, line=key.reads)
    before = time.time()
    again = site.get(site.b, f"/customers/?q=copy-{tag}")  # through the other process

    said = notice(again)
    assert again.status_code == 200
    assert upstream_calls(again) == 0 and received(sandbox, before) == []
    assert "X-Upstream-Stale" in again.headers
    assert said.startswith("Showing what LatePoint said at ")
    assert said.endswith(HELD_BACK), said
    assert NOT_ANSWERING not in text(again)


def test_a_429_from_latepoint_itself_says_latepoint_is_busy(small_site, sandbox):
    """The sandbox allows 2 requests a minute; the front office's budget allows 18."""
    tag = uuid.uuid4().hex[:8]
    site = small_site
    site.forget()
    sandbox.set_faults(rate_limit=2)
    assert fresh(site.get(site.a, f"/customers/?q=limited-{tag}"))
    assert fresh(site.get(site.b, f"/customers/?q=other-{tag}"))

    # The copy, asked again: LatePoint answers 429, the copy is shown, said as LatePoint busy.
    copy = site.get(site.b, f"/customers/?q=limited-{tag}")
    assert copy.status_code == 200
    assert "X-Upstream-Stale" in copy.headers
    assert notice(copy).startswith(BUSY), notice(copy)
    assert NOT_ANSWERING not in text(copy) and "pacing" not in notice(copy)

    # A page without a copy (LatePoint's 429 forgotten by the front office, not by LatePoint).
    site.forget()
    refused = site.get(site.a, f"/customers/?q=new-{tag}")
    assert refused.status_code == 429
    assert "LatePoint is busy" in text(refused)
    assert "Too many requests were made to LatePoint. Try again in" in text(refused)
    assert NOT_ANSWERING not in text(refused)
    assert int(refused.headers["Retry-After"]) > 0

    # LatePoint said 429 twice; the front office then sends nothing until its Retry-After.
    after = site.get(site.b, f"/customers/?q=after-{tag}")
    assert after.status_code == 429 and upstream_calls(after) == 0
    assert NOT_ANSWERING not in text(after)
    statuses = [row[3] for row in received(sandbox, site.started_at)]
    assert statuses == [429], statuses
