"""The formatting every screen shares: money, status words and untrusted URLs."""

from decimal import Decimal

import pytest

from frontoffice.formatting import format_money, safe_url, status_label, to_decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "$1,234.50"),
        ("23.0000", "$23.00"),
        (75, "$75.00"),
        ("-5", "-$5.00"),
        ("0.005", "$0.01"),  # half up, as a till rounds
        (None, "—"),
        ("", "—"),
        ("n/a", "—"),
        (True, "—"),
        ("NaN", "—"),
    ],
)
def test_money(value, shown):
    assert format_money(value) == shown


def test_money_symbol_and_empty(settings):
    assert format_money("9.5", empty="") == "$9.50"
    assert format_money(None, empty="") == ""
    settings.FRONTOFFICE_CURRENCY_SYMBOL = "€"
    assert format_money("1000") == "€1,000.00"


def test_to_decimal_refuses_what_is_not_a_finite_number():
    assert to_decimal(" 12.50 ") == Decimal("12.50")
    assert to_decimal("Infinity") is None
    assert to_decimal("$12") is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("no_show", "No-show"),
        ("pending_verification", "Pending verification"),
        ("not_paid", "Not paid"),
        ("approved", "Approved"),
        ("on_hold_by_plugin", "On hold by plugin"),  # unknown: shown as sent, in words
        (None, "—"),
        ("", "—"),
    ],
)
def test_status_label(value, shown):
    assert status_label(value) == shown


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://site.example/avatar.png", True),
        ("http://site.example/manage?key=1", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>", False),
        ("/relative/path", False),
        ("//site.example/no-scheme", False),
        ("http://[::1", False),  # unparsable
        ("", False),
        (None, False),
    ],
)
def test_safe_url_lets_through_only_absolute_http_links(value, kept):
    assert safe_url(value) == (value.strip() if kept else "")


def test_safe_url_can_demand_https():
    assert safe_url("http://site.example/a.png", schemes=("https",)) == ""
    assert safe_url("https://site.example/a.png", schemes=("https",)) == (
        "https://site.example/a.png"
    )
