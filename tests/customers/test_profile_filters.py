"""The display filters the profile (and other screens) use for money, phones, ages and rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template

from customers.templatetags.customer_tags import (
    age,
    country_name,
    dash,
    initials,
    percent,
    phone,
    tel_uri,
)
from frontoffice.templatetags.formatting import money, status_label
from latepoint.models import Customer


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("850"), "$850.00"),
        (Decimal("1234567.891"), "$1,234,567.89"),
        ("70.835", "$70.84"),
        (0, "$0.00"),
        (Decimal("-5"), "-$5.00"),
        (None, "—"),
        ("", "—"),
        ("garbage", "—"),
        ("NaN", "—"),
        (True, "—"),
    ],
)
def test_money(value, shown):
    assert money(value) == shown


def test_money_with_another_symbol(settings):
    assert money(Decimal("3"), "€") == "€3.00"
    settings.FRONTOFFICE_CURRENCY_SYMBOL = "£"
    assert money(Decimal("1000")) == "£1,000.00"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12.345"), "12.3%"),
        (Decimal("10"), "10.0%"),
        (Decimal("100") / 3, "33.3%"),
        (None, "—"),
        ("x", "—"),
    ],
)
def test_percent(value, shown):
    assert percent(value) == shown


def test_percent_places():
    assert percent(Decimal("12.345"), 2) == "12.35%"
    assert percent(Decimal("12.5"), 0) == "13%"


@pytest.mark.parametrize(
    ("raw", "shown", "uri"),
    [
        # The business's region (US) in its national format, any other internationally.
        ("+1 555 123 4567", "(555) 123-4567", "tel:+15551234567"),
        ("+525559876543", "+52 55 5987 6543", "tel:+525559876543"),
        ("+44 20 7946 0958", "+44 20 7946 0958", "tel:+442079460958"),
        ("call me maybe", "call me maybe", ""),
        ("555-0199", "555-0199", "tel:5550199"),
        ("", "", ""),
        (None, "", ""),
    ],
)
def test_phone_and_tel_uri(raw, shown, uri):
    assert phone(raw) == shown
    assert tel_uri(raw) == uri


def test_phone_without_country_code_uses_the_region_given(settings):
    settings.FRONTOFFICE_PHONE_REGION = ""
    assert phone("718-853-5134", "US") == "+1 718-853-5134"
    assert tel_uri("718-853-5134", "us") == "tel:+17188535134"
    assert phone("718-853-5134", "United States") == "718-853-5134"  # not a code: as given
    assert phone("+44 20 7946 0958", "US") == "+44 20 7946 0958"  # +country wins
    settings.FRONTOFFICE_PHONE_REGION = "US"
    assert phone("(303) 624-7241") == "(303) 624-7241"
    assert phone("+13036247241") == "(303) 624-7241"  # one way to write it, however typed
    assert phone("+1 303-624-7241") == "(303) 624-7241"


def test_phones_of_another_region_are_international(settings):
    settings.FRONTOFFICE_PHONE_REGION = "GB"
    assert phone("+44 20 7946 0958") == "020 7946 0958"
    assert phone("+1 303 624 7241") == "+1 303-624-7241"


def test_age():
    today = date(2026, 11, 22)
    assert age(date(1985, 3, 15), today) == 41
    assert age(date(1985, 11, 22), today) == 41  # birthday today
    assert age(date(1985, 11, 23), today) == 40  # birthday tomorrow
    assert age(date(2027, 1, 1), today) == ""  # in the future
    assert age(None, today) == ""
    assert age("1985-03-15", today) == ""


def test_initials():
    assert initials("Ana María López") == "AL"
    assert initials("Prince") == "P"
    assert initials(Customer(id=1, first_name="john", last_name="smith")) == "JS"
    assert initials(Customer(id=1)) == "?"
    assert initials("") == "?"
    assert initials("<b> x") == "X"


def test_country_name_and_dash_and_status():
    assert country_name("US") == "United States of America"
    assert country_name("uy") == "Uruguay"
    assert country_name("United States") == "United States"  # already a name
    assert country_name("ZZ") == "ZZ"
    assert country_name(None) == ""
    assert dash("") == "—"
    assert dash(None) == "—"
    assert dash(0) == 0
    assert status_label("pending_verification") == "Pending verification"
    assert status_label("no_show") == "No-show"
    assert status_label(None) == "—"


def test_filters_output_is_escaped_in_templates():
    html = Template("{% load customer_tags %}{{ v|phone }}|{{ v|initials }}").render(
        Context({"v": "<script>alert(1)</script>"})
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
