"""CustomerForm: the documented rules (seeds/002, seeds/003), held once for create and edit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from customers.forms import CustomerForm
from customers.snapshots import load_snapshot, sign_snapshot
from customers.validators import postal_code_error

VALID = {
    "first_name": "Ana",
    "last_name": "García-López",
    "email": "Ana.Garcia@Example.com",
    "phone": "+1 (415) 555-2671",
    "date_of_birth": "1990-05-15",
    "gender": "female",
    "status": "active",
    "address": "123 Main Street",
    "city": "New York",
    "state": "NY",
    "zipcode": "10001",
    "country": "US",
    "notes": "Prefers mornings.",
}


def bound(**changes):
    data = {**VALID, **changes}
    return CustomerForm({k: v for k, v in data.items() if v is not None})


def test_valid_values_are_cleaned_to_what_the_api_expects():
    form = bound(first_name="  Mary   Ann  ", last_name="O'Neil")
    assert form.is_valid(), form.errors
    values = form.all_values()
    assert values["first_name"] == "Mary Ann"  # inner spaces collapsed, ends trimmed
    assert values["last_name"] == "O'Neil"
    assert values["email"] == "ana.garcia@example.com"  # lower-cased
    assert values["phone"] == "+14155552671"  # E.164
    assert values["date_of_birth"] == "1990-05-15"
    assert values["country"] == "US"


@pytest.mark.parametrize(
    "name",
    ["José", "Zoë", "Łukasz", "Nguyễn", "Ölçer", "Σοφία", "Иван", "محمد", "さくら", "D'Arcy"],
)
def test_names_in_any_script_are_accepted(name):
    form = bound(first_name=name)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "J", "at least 2"),
        ("first_name", "", "required"),
        ("first_name", "A" * 51, "at most 50"),
        ("first_name", "R2D2", "only letters"),
        ("first_name", "Ann_Marie", "only letters"),
        ("first_name", "Ann!", "only letters"),
        ("last_name", "-Smith", "start and end with a letter"),
        ("last_name", "S", "at least 2"),
        ("email", "not-an-email", "valid email"),
        ("email", "", "required"),
        ("email", "a" * 95 + "@example.com", "at most 100"),
        ("phone", "12", "valid phone"),
        ("phone", "+1 555 123 4567", "valid phone"),  # 555 is not an area code
        ("phone", "call me", "valid phone"),
        ("date_of_birth", "2999-01-01", "future"),
        ("date_of_birth", "15/05/1990", "YYYY-MM-DD"),
        ("gender", "robot", "valid choice"),
        ("status", "blocked", "valid choice"),  # create offers active|inactive|pending
        ("status", "deleted", "valid choice"),
        ("country", "XX", "valid choice"),
        ("zipcode", "ABCDE", "postal code"),
        ("zipcode", "1" * 21, "at most 20"),
        ("notes", "x" * 1001, "at most 1000"),
        ("city", "c" * 101, "at most 100"),
        ("address", "a" * 256, "at most 255"),
    ],
)
def test_each_rule_rejects_a_bad_value(field, value, message):
    form = bound(**{field: value})
    assert not form.is_valid()
    errors = " ".join(form.errors.get(field, []))
    assert message.lower() in errors.lower(), form.errors
    # Only that field is wrong.
    assert set(form.errors) == {field}


def test_date_of_birth_needs_the_minimum_age():
    today = timezone.localdate()
    too_young = today.replace(year=today.year - 12).isoformat()
    form = bound(date_of_birth=too_young)
    assert not form.is_valid()
    assert "at least 13 years" in form.errors["date_of_birth"][0]
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert "future" in bound(date_of_birth=tomorrow).errors["date_of_birth"][0]


@pytest.mark.parametrize(
    ("country", "good", "bad"),
    [
        ("US", "10001-1234", "1000"),
        ("CA", "K1A 0B1", "12345"),
        ("GB", "SW1A 1AA", "123456"),
        ("DE", "10115", "1011"),
        ("FR", "75001", "7500A"),
        ("ES", "28013", "99999"),
        ("UY", "11000", "1100"),
        ("MX", "06600", "066"),
        ("AU", "2000", "20000"),
        ("NL", "1012 AB", "1012"),
        ("IT", "00184", "0018"),
        ("BR", "01310-100", "0131"),
    ],
)
def test_postal_code_is_checked_against_the_country(country, good, bad):
    assert bound(country=country, zipcode=good, phone="").is_valid()
    form = bound(country=country, zipcode=bad, phone="")
    assert not form.is_valid()
    assert "postal code" in form.errors["zipcode"][0]


def test_postal_code_of_a_country_without_a_known_format_is_accepted():
    assert postal_code_error("whatever 1", "KE") is None
    assert bound(country="KE", zipcode="00100", phone="").is_valid()


def test_phone_is_read_in_the_customers_country():
    form = bound(country="GB", zipcode="SW1A 1AA", phone="020 7946 0958")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+442079460958"


def test_edit_offers_blocked_only_to_managers():
    original = {**VALID, "status": "active"}
    receptionist = CustomerForm(original=original, can_manage_status=False)
    manager = CustomerForm(original=original, can_manage_status=True)
    assert "blocked" not in [value for value, _ in receptionist.fields["status"].widget.choices]
    assert "blocked" in [value for value, _ in manager.fields["status"].widget.choices]
    assert "confirm_block" not in receptionist.fields

    refused = CustomerForm({**original, "status": "blocked"}, original=original)
    assert not refused.is_valid()
    assert "Only a manager" in refused.errors["status"][0]


def test_blocking_needs_the_confirmation_box():
    original = {**VALID, "status": "active"}
    form = CustomerForm(
        {**original, "status": "blocked"}, original=original, can_manage_status=True
    )
    assert not form.is_valid()
    assert "confirm" in form.errors["confirm_block"][0]
    confirmed = CustomerForm(
        {**original, "status": "blocked", "confirm_block": "on"},
        original=original,
        can_manage_status=True,
    )
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.changed_values() == {"status": "blocked"}


def test_receptionist_cannot_unblock():
    original = {**VALID, "status": "blocked"}
    form = CustomerForm({**original, "status": "active"}, original=original)
    assert form.fields["status"].disabled
    assert form.is_valid()
    assert "status" not in form.changed_values()  # the disabled field keeps its value


def test_edit_reports_only_changed_fields_and_tolerates_old_untouched_values():
    # An old upstream value that breaks today's rules (a 555 phone, a one-letter name)
    # does not block a save that leaves it alone.
    original = {**VALID, "first_name": "J", "phone": "+1 555 123 4567", "email": "ana@example.com"}
    form = CustomerForm({**original, "city": "Boston", "zipcode": "02108"}, original=original)
    assert form.is_valid(), form.errors
    assert form.changed_values() == {"city": "Boston", "zipcode": "02108"}


def test_edit_sees_a_cleared_custom_field():
    original = {**VALID, "email": "ana@example.com", "custom_referral_source": "Google"}
    form = CustomerForm({**original, "custom_referral_source": ""}, original=original)
    assert form.is_valid(), form.errors
    assert form.changed_values() == {"custom_referral_source": ""}


def test_sensitive_custom_fields_only_for_those_allowed(settings):
    settings.SENSITIVE_CUSTOM_FIELDS = ["medical_notes"]
    assert "custom_medical_notes" not in CustomerForm().fields
    assert "custom_referral_source" in CustomerForm().fields
    assert "custom_medical_notes" in CustomerForm(show_sensitive=True).fields


def test_snapshot_round_trip_and_forgery():
    token = sign_snapshot(customer_id=7, values={"email": "a@b.co"}, updated_at="x")
    assert load_snapshot(token, customer_id=7) == {"values": {"email": "a@b.co"}, "updated_at": "x"}
    assert load_snapshot(token, customer_id=8) is None
    assert load_snapshot(token[:-2] + "zz", customer_id=7) is None
    assert load_snapshot("", customer_id=7) is None


_text = st.text(max_size=120)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            name: _text
            for name in (
                *CustomerForm.VALIDATED_FIELDS,
                "custom_referral_source",
                "confirm_block",
            )
        },
    ),
    st.booleans(),
)
def test_bad_strings_never_raise(data, editing):
    original = {**VALID, "email": "ana@example.com"} if editing else None
    form = CustomerForm(data, original=original, can_manage_status=editing)
    if form.is_valid():
        values = form.changed_values() if editing else form.all_values()
        assert all(isinstance(v, str) for v in values.values())
        if "email" in values:
            assert values["email"] == values["email"].lower()
            assert len(values["email"]) <= 100
        if values.get("phone"):
            assert values["phone"].startswith("+")
            assert len(values["phone"]) <= 20
    else:
        assert form.errors
