"""LatePoint's documented rules for customer data (seeds/002, seeds/003), one function each.

`CustomerForm` applies them to what staff type; each returns the cleaned value or raises
ValidationError with a message for staff.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers
from django import forms
from django.conf import settings
from django.utils import timezone
from django_countries import countries

NAME_MIN, NAME_MAX = 2, 50
EMAIL_MAX = 100
PHONE_MAX = 20
DEFAULT_MIN_AGE = 13

#: Postal code formats for the countries whose format is well known. Others are not checked.
POSTAL_CODE_FORMATS: dict[str, tuple[str, str]] = {
    "US": (r"\d{5}(-\d{4})?", "5 digits, or ZIP+4 such as 10001-1234"),
    "CA": (r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "letter-digit-letter digit-letter-digit, e.g. K1A 0B1"),
    "GB": (r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "a UK postcode such as SW1A 1AA"),
    "DE": (r"\d{5}", "5 digits"),
    "FR": (r"\d{5}", "5 digits"),
    "ES": (r"(0[1-9]|[1-4]\d|5[0-2])\d{3}", "5 digits starting 01 to 52"),
    "IT": (r"\d{5}", "5 digits"),
    "UY": (r"\d{5}", "5 digits"),
    "MX": (r"\d{5}", "5 digits"),
    "AU": (r"\d{4}", "4 digits"),
    "NL": (r"\d{4} ?[A-Z]{2}", "4 digits and 2 letters, e.g. 1012 AB"),
    "BR": (r"\d{5}-?\d{3}", "8 digits, e.g. 01310-100"),
    "AR": (r"([A-Z]\d{4}[A-Z]{3}|\d{4})", "4 digits, or a CPA such as C1425DKA"),
    "BE": (r"\d{4}", "4 digits"),
    "CH": (r"\d{4}", "4 digits"),
    "AT": (r"\d{4}", "4 digits"),
    "PT": (r"\d{4}-\d{3}", "4 digits, a hyphen and 3 digits, e.g. 1000-001"),
    "SE": (r"\d{3} ?\d{2}", "5 digits, e.g. 114 55"),
    "JP": (r"\d{3}-?\d{4}", "7 digits, e.g. 100-0001"),
    "IN": (r"\d{6}", "6 digits"),
}

#: Separators allowed inside a name: space, hyphen, apostrophe (straight and typographic).
_NAME_SEPARATORS = frozenset(" -'\u2019")


def collapse_spaces(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _is_name_letter(char: str) -> bool:
    # Letters of any script, plus the combining marks some scripts (and decomposed accents) use.
    return unicodedata.category(char)[0] in {"L", "M"}


def validate_name(value: str, label: str) -> str:
    """The documented name rule; returns the cleaned name or raises ValidationError."""
    name = unicodedata.normalize("NFC", collapse_spaces(value))
    if len(name) < NAME_MIN:
        raise forms.ValidationError(f"{label} must be at least {NAME_MIN} characters.")
    if len(name) > NAME_MAX:
        raise forms.ValidationError(f"{label} must be at most {NAME_MAX} characters.")
    if not all(_is_name_letter(ch) or ch in _NAME_SEPARATORS for ch in name):
        raise forms.ValidationError(
            f"{label} may contain only letters, spaces, hyphens and apostrophes."
        )
    if not _is_name_letter(name[0]) or not _is_name_letter(name[-1]):
        raise forms.ValidationError(f"{label} must start and end with a letter.")
    return name


def normalise_phone(value: str, *, region: str) -> str:
    """The phone number in E.164 (+15551234567), or ValidationError."""
    try:
        number = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        raise forms.ValidationError(
            "Enter a valid phone number, with the country code if it is not local."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            "This is not a valid phone number. Check the digits and the country code."
        )
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(formatted) > PHONE_MAX:
        raise forms.ValidationError(f"A phone number can have at most {PHONE_MAX} characters.")
    return formatted


def postal_code_error(zipcode: str, country: str) -> str | None:
    """Why the postal code does not fit the country's format, or None when it fits or is unknown."""
    known = POSTAL_CODE_FORMATS.get(country)
    if not zipcode or not known:
        return None
    pattern, description = known
    if re.fullmatch(pattern, zipcode.upper()):
        return None
    return f"This is not a valid postal code for {countries.name(country)}: expected {description}."


def default_phone_region() -> str:
    return str(getattr(settings, "FRONTOFFICE_PHONE_REGION", "") or "US").upper()


def minimum_age() -> int:
    return int(getattr(settings, "FRONTOFFICE_MIN_CUSTOMER_AGE", DEFAULT_MIN_AGE))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def validate_date_of_birth(born: date) -> date:
    """Not in the future, not before 1900, and old enough (FRONTOFFICE_MIN_CUSTOMER_AGE)."""
    today = timezone.localdate()
    if born > today:
        raise forms.ValidationError("The date of birth cannot be in the future.")
    if born.year < 1900:
        raise forms.ValidationError("Check the year of birth.")
    age = minimum_age()
    if born > _years_before(today, age):
        raise forms.ValidationError(f"A customer must be at least {age} years old.")
    return born
