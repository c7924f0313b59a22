"""The documented validation rules of customer writes and of list query parameters."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import phonenumbers
from django.utils import timezone
from django_countries.data import COUNTRIES as COUNTRY_NAMES

from sandbox.responses import ApiProblem

NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ \-'\u2019]+[^\W\d_]+)*$")
EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
COUNTRIES = frozenset(COUNTRY_NAMES)
GENDERS = ("male", "female", "other", "prefer_not_to_say")
CREATE_STATUSES = {"active": "active", "inactive": "inactive", "pending": "pending_verification"}
UPDATE_STATUSES = {
    "active": "active",
    "inactive": "inactive",
    "pending_verification": "pending_verification",
    "pending": "pending_verification",
    "blocked": "blocked",
}
MIN_AGE_YEARS = 13
TEXT_LIMITS = {"street": 255, "city": 100, "state": 100, "postal_code": 20}


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def clean_name(value: Any, label: str) -> tuple[str | None, str | None]:
    text = _str(value)
    if text is None:
        return None, f"{label} is required and must be at least 2 characters"
    text = " ".join(text.split())
    if len(text) < 2:
        return None, f"{label} is required and must be at least 2 characters"
    if len(text) > 50:
        return None, f"{label} must be at most 50 characters"
    if not NAME_CHARS.match(text):
        return None, f"{label} may contain only letters, spaces, hyphens and apostrophes"
    return text, None


def clean_email(value: Any) -> tuple[str | None, str | None]:
    text = _str(value)
    if text is None or not text.strip():
        return None, "Email is required"
    text = text.strip().lower()
    if len(text) > 100:
        return None, "Email must be at most 100 characters"
    if not EMAIL.match(text):
        return None, "Email format is not valid"
    return text, None


def clean_phone(value: Any) -> tuple[str | None, str | None]:
    text = _str(value)
    if text is None:
        return None, "Phone format is not valid"
    text = text.strip()
    if text == "":
        return "", None
    if len(text) > 20:
        return None, "Phone must be at most 20 characters"
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None, "Phone format is not valid"
    if not phonenumbers.is_possible_number(number):
        return None, "Phone format is not valid"
    return text, None


def clean_dob(value: Any) -> tuple[date | None, str | None]:
    if value in (None, ""):
        return None, None
    text = _str(value)
    try:
        if text is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        born = date.fromisoformat(text)
    except ValueError:
        return None, "Date of birth must be a date in YYYY-MM-DD format"
    today = timezone.localdate()
    if born > today:
        return None, "Date of birth cannot be in the future"
    try:
        limit = today.replace(year=today.year - MIN_AGE_YEARS)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - MIN_AGE_YEARS, day=28)
    if born > limit:
        return None, f"Customer must be at least {MIN_AGE_YEARS} years old"
    return born, None


def clean_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (1, 0):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "0", "true", "false"):
        return value.strip().lower() in ("1", "true")
    return None


def customer_fields(body: dict, *, creating: bool) -> tuple[dict, dict]:
    """Validate a create or update body: (clean values to set, {field: message})."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}

    for field, label in (("first_name", "First name"), ("last_name", "Last name")):
        if creating or field in body:
            value, error = clean_name(body.get(field), label)
            if error:
                errors[field] = error
            else:
                clean[field] = value

    if creating and body.get("email") in (None, ""):
        pass  # optional for the API (the newer create-customer page): a guest may have none
    elif creating or "email" in body:
        value, error = clean_email(body.get("email"))
        if error:
            errors["email"] = error
        else:
            clean["email"] = value

    if body.get("phone") is not None or (not creating and "phone" in body):
        value, error = clean_phone(body.get("phone") if body.get("phone") is not None else "")
        if error:
            errors["phone"] = error
        else:
            clean["phone"] = value

    if "status" in body and (body["status"] is not None or not creating):
        allowed = CREATE_STATUSES if creating else UPDATE_STATUSES
        status = body["status"]
        if isinstance(status, str) and status in allowed:
            clean["status"] = allowed[status]
        else:
            names = ", ".join(dict.fromkeys(allowed))
            errors["status"] = f"Status must be one of: {names}"

    if "date_of_birth" in body:
        value, error = clean_dob(body["date_of_birth"])
        if error:
            errors["date_of_birth"] = error
        else:
            clean["date_of_birth"] = value

    if "gender" in body and body["gender"] not in (None, ""):
        if body["gender"] in GENDERS:
            clean["gender"] = body["gender"]
        else:
            errors["gender"] = "Gender must be one of: " + ", ".join(GENDERS)
    elif "gender" in body:
        clean["gender"] = ""

    _address(body, clean, errors)

    for field in ("notes", "admin_notes"):
        if field in body:
            text = _str(body[field]) if body[field] is not None else ""
            if text is None:
                errors[field] = "Notes must be text"
            elif len(text) > 1000:
                errors[field] = "Notes must be at most 1000 characters"
            else:
                clean[field] = text

    if "is_guest" in body and body["is_guest"] is not None:
        flag = clean_bool(body["is_guest"])
        if flag is None:
            errors["is_guest"] = "is_guest must be true or false"
        else:
            clean["is_guest"] = flag

    wp_key = "wordpress_user_id" if "wordpress_user_id" in body else "wp_user_id"
    if wp_key in body:
        raw = body[wp_key]
        if raw in (None, "", 0, "0"):
            clean["wordpress_user_id"] = None
        elif isinstance(raw, int | str) and not isinstance(raw, bool) and str(raw).isdigit():
            clean["wordpress_user_id"] = int(raw)
        else:
            errors["wordpress_user_id"] = "WordPress user id must be a positive integer"

    if "custom_fields" in body and body["custom_fields"] is not None:
        fields = body["custom_fields"]
        if not isinstance(fields, dict):
            errors["custom_fields"] = "Custom fields must be an object"
        elif any(not isinstance(v, str | int | float | bool | type(None)) for v in fields.values()):
            errors["custom_fields"] = "Custom field values must be text, numbers or booleans"
        else:
            clean["custom_fields"] = fields

    return clean, errors


def _address(body: dict, clean: dict, errors: dict) -> None:
    """Flat fields (address, city, state, zipcode, country) or the nested address{} form."""
    values: dict[str, Any] = {}
    nested = body.get("address")
    if isinstance(nested, dict):
        for key in ("street", "city", "state", "postal_code", "country"):
            if key in nested:
                values[key] = nested[key]
    elif "address" in body:
        values["street"] = nested
    for flat, key in (("city", "city"), ("state", "state"), ("zipcode", "postal_code")):
        if flat in body:
            values[key] = body[flat]
    if "postal_code" in body:
        values["postal_code"] = body["postal_code"]
    if "country" in body:
        values["country"] = body["country"]
    for key, raw in values.items():
        text = _str(raw) if raw is not None else ""
        if text is None:
            errors[_flat_name(key)] = "Must be text"
            continue
        text = text.strip()
        if key == "country":
            text = text.upper()
            if text and text not in COUNTRIES:
                errors["country"] = "Country must be an ISO 3166-1 alpha-2 code (e.g. US)"
                continue
        elif len(text) > TEXT_LIMITS[key]:
            errors[_flat_name(key)] = f"Must be at most {TEXT_LIMITS[key]} characters"
            continue
        clean[key] = text


def _flat_name(key: str) -> str:
    return {"street": "address", "postal_code": "zipcode"}.get(key, key)


# --- query parameters ------------------------------------------------------------------------


def int_param(query, name: str, *, default: int | None = None, minimum: int = 1) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiProblem(
            400,
            "invalid_parameters",
            "Invalid query parameters",
            {name: f"{name} must be an integer"},
        ) from None
    if value < minimum:
        raise ApiProblem(
            400,
            "invalid_parameters",
            "Invalid query parameters",
            {name: f"Minimum allowed value is {minimum}"},
        )
    return value


def paging(query, default_per_page: int) -> tuple[int, int]:
    page = int_param(query, "page", default=1)
    per_page = int_param(query, "per_page", default=default_per_page)
    return page, min(per_page, 100)


def date_param(query, name: str) -> date | None:
    raw = query.get(name)
    if not raw:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiProblem(
            400,
            "invalid_parameters",
            "Invalid query parameters",
            {name: "Use the YYYY-MM-DD format"},
        ) from None


def bool_param(query, name: str) -> bool | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    flag = clean_bool(raw)
    if flag is None:
        raise ApiProblem(
            400, "invalid_parameters", "Invalid query parameters", {name: "Use true or false"}
        )
    return flag


def choice_param(query, name: str, choices: dict[str, Any]) -> Any:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    key = raw.strip().lower()
    if key not in choices:
        raise ApiProblem(
            400,
            "invalid_parameters",
            "Invalid query parameters",
            {name: "Allowed values: " + ", ".join(choices)},
        )
    return choices[key]
