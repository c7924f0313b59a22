"""Booking writes through several processes: of two moves (or two status changes) of one
booking sent at once through two processes, one lands and the other shows the conflict
screen with the booking as it now is; LatePoint keeps the one that was told "done"."""

from __future__ import annotations

import html
import re

from tests.booking_slots import backdate, delete_bookings, free_day, new_booking
from tests.scaleout.conftest import sign_in
from tests.scaleout.test_write_safety import _at_once

PAIRS = 5


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} in the page"
    return html.unescape(match.group(1))


def _stored(sandbox, booking_id: int) -> dict:
    with sandbox.db() as conn:
        return dict(
            conn.execute(
                "SELECT start_time, status FROM sandbox_booking WHERE id = ?", (booking_id,)
            ).fetchone()
        )


def test_two_moves_of_one_booking_at_once_one_lands_the_other_sees_the_conflict(stack, sandbox):
    other_desk = sign_in(stack.b)
    made: list[int] = []
    outcomes = []
    sandbox.set_faults(latency_ms=150)  # each move's check and write take a moment upstream
    try:
        for _ in range(PAIRS):
            day = free_day(sandbox, 1)
            booking_id = new_booking(sandbox, day, "09:00", tag="scaleout")
            made.append(booking_id)
            path = f"/bookings/{booking_id}/reschedule/"
            forms = []
            for session, front, target in (
                (stack.http, stack.a, "14:00"),
                (other_desk, stack.b, "15:00"),
            ):
                page = session.get(front.url + path, timeout=30).text
                forms.append(
                    {
                        "csrfmiddlewaretoken": session.cookies["csrftoken"],
                        "submit_token": _hidden(page, "submit_token"),
                        "seen": _hidden(page, "seen"),
                        "date": day.isoformat(),
                        "agent": "1",
                        "start_time": target,
                        "reason": "customer-asked-to-move",
                    }
                )
            first, second = _at_once(
                lambda p=path, d=forms[0]: stack.post(stack.a, p, d, allow_redirects=False),
                lambda p=path, d=forms[1]: other_desk.post(
                    stack.b.url + p, data=d, allow_redirects=False, timeout=30
                ),
            )
            codes = sorted([first.status_code, second.status_code])
            told_moved = forms[0] if first.status_code == 302 else forms[1]
            conflict = first if first.status_code == 409 else second
            outcomes.append(
                (
                    codes,
                    _stored(sandbox, booking_id)["start_time"] == told_moved["start_time"],
                    "Changed since you opened it" in conflict.text
                    and "Move it anyway" in conflict.text,
                )
            )
    finally:
        sandbox.reset_faults()
        other_desk.close()
        delete_bookings(sandbox, made)

    assert [codes for codes, _, _ in outcomes] == [[302, 409]] * PAIRS, outcomes
    assert all(kept for _, kept, _ in outcomes), outcomes
    assert all(shown for _, _, shown in outcomes), outcomes


def test_two_status_changes_of_one_booking_at_once_one_lands(stack, sandbox):
    """One desk marks a no-show while another cancels: both saw it approved, and no_show ->
    cancelled is allowed, so without the check both would be told "done"."""
    other_desk = sign_in(stack.b)
    made: list[int] = []
    outcomes = []
    sandbox.set_faults(latency_ms=150)
    try:
        for _ in range(PAIRS):
            day = free_day(sandbox, 1)
            booking_id = new_booking(sandbox, day, "10:00", tag="scaleout")
            made.append(booking_id)
            backdate(sandbox, booking_id)  # a no-show is for a visit that has begun
            path = f"/bookings/{booking_id}/status/"
            changes = [
                {
                    "to_status": "no_show",
                    "seen_status": "approved",
                    "confirmed": "yes",
                    "reason": "did-not-show",
                },
                {
                    "to_status": "cancelled",
                    "seen_status": "approved",
                    "confirmed": "yes",
                    "reason": "customer-cancelled",
                    "reason_text": "Customer phoned",
                },
            ]
            changes[0]["csrfmiddlewaretoken"] = stack.csrf_token()
            changes[1]["csrfmiddlewaretoken"] = other_desk.cookies["csrftoken"]
            first, second = _at_once(
                lambda p=path, d=changes[0]: stack.post(stack.a, p, d, allow_redirects=False),
                lambda p=path, d=changes[1]: other_desk.post(
                    stack.b.url + p, data=d, allow_redirects=False, timeout=30
                ),
            )
            codes = sorted([first.status_code, second.status_code])
            told_done = changes[0] if first.status_code == 302 else changes[1]
            conflict = first if first.status_code == 409 else second
            outcomes.append(
                (
                    codes,
                    _stored(sandbox, booking_id)["status"] == told_done["to_status"],
                    "Changed since you opened it" in conflict.text,
                )
            )
    finally:
        sandbox.reset_faults()
        other_desk.close()
        delete_bookings(sandbox, made)

    assert [codes for codes, _, _ in outcomes] == [[302, 409]] * PAIRS, outcomes
    assert all(kept for _, kept, _ in outcomes), outcomes
    assert all(shown for _, _, shown in outcomes), outcomes
