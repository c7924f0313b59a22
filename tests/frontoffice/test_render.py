"""The one way a view answers with its page or a part of it: `frontoffice.http.render`."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from frontoffice.http import htmx_target, render

TEMPLATE = "stats/dashboard.html"


def _request(**headers):
    request = RequestFactory().get("/stats/", headers=headers)
    HtmxMiddleware(lambda r: None)(request)
    return request


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, TEMPLATE),
        ({"HX-Request": "true"}, TEMPLATE + "#stats-dashboard"),
        # Back after htmx's history cache expired: the whole page, never a fragment.
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, TEMPLATE),
    ],
)
def test_a_page_or_its_partial_by_the_request(headers, expected):
    response = render(_request(**headers), TEMPLATE, {}, partial="stats-dashboard")
    assert response.template_name == expected
    assert set(response["Vary"].replace(" ", "").split(",")) >= {
        "HX-Request",
        "HX-History-Restore-Request",
    }


def test_the_target_picks_the_partial_and_the_answer_varies_on_it():
    request = _request(**{"HX-Request": "true", "HX-Target": "free-times"})
    assert htmx_target(request) == "free-times"
    response = render(request, "bookings/new.html", {}, targets=("free-times",), status=409)
    assert response.template_name == "bookings/new.html#free-times"
    assert response.status_code == 409
    assert "HX-Target" in response["Vary"]
    other = render(
        _request(**{"HX-Request": "true", "HX-Target": "elsewhere"}),
        "bookings/new.html",
        {},
        targets=("free-times",),
    )
    assert other.template_name == "bookings/new.html"


def test_a_history_restore_has_no_target():
    request = _request(
        **{"HX-Request": "true", "HX-Target": "free-times", "HX-History-Restore-Request": "true"}
    )
    assert htmx_target(request) == ""
