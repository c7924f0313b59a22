"""The main navigation marks the screen a receptionist is on, by where it is started from:
the walk-in from Today, a booking from Bookings, a customer's pages from Customers."""

from __future__ import annotations

import re

import pytest


def _current(html: str) -> list[str]:
    nav = html.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'aria-current="page">([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("path", "highlighted"),
    [
        ("/", "Today"),
        ("/bookings/walk-in/", "Today"),
        ("/calendar/", "Calendar"),
        ("/customers/", "Customers"),
        ("/customers/new/", "Customers"),
        ("/customers/{customer}/", "Customers"),
        ("/bookings/", "Bookings"),
        ("/bookings/new/", "Bookings"),
        ("/takings/", "Takings"),
        ("/stats/", "Stats"),
        ("/audit/", "Audit"),
    ],
)
def test_the_nav_marks_the_screen_it_is_started_from(
    live_sandbox, manager_client, path, highlighted
):
    with live_sandbox.db() as conn:
        customer = conn.execute("SELECT MIN(id) FROM sandbox_customer").fetchone()[0]

    response = manager_client.get(path.format(customer=customer))

    assert response.status_code == 200
    assert _current(response.content.decode()) == [highlighted]
