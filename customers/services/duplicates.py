"""Finding the customer a new one may duplicate, and the customer who has an email address.

Both are one cached `GET /customers` each. LatePoint's `search` matches first name, last name
or email (older sites: also phone), so a possible duplicate is looked for by last name and then
matched here on the whole name and the phone number, both normalised: "Ana  María" typed and
"ana maría" stored are the same name; "(512) 544-2223" and "+15125442223" the same phone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import phonenumbers

from customers.validators import collapse_spaces, default_phone_region
from latepoint.models import Customer
from upstream.gateway import api

__all__ = ["customer_duplicates", "customer_with_email"]

#: The most a list page holds; a last name shared by more customers is checked on these.
SEARCH_PAGE = 100


def _name_key(first_name: str, last_name: str) -> str:
    name = f"{collapse_spaces(first_name or '')} {collapse_spaces(last_name or '')}"
    return unicodedata.normalize("NFC", name).casefold().strip()


def _phone_key(value: str, *, region: str) -> str:
    """The number in E.164 when it can be read, else its digits (never "" for a number)."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in text if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def customer_duplicates(*, values: Mapping[str, str]) -> list[Customer]:
    """Existing customers with the same first and last name and the same phone number as a
    new customer's form values (cleaned). None without a phone: a name alone is too common."""
    last_name = collapse_spaces(values.get("last_name", ""))
    region = values.get("country") or default_phone_region()
    phone = _phone_key(values.get("phone", ""), region=region)
    if not last_name or not phone:
        return []
    name = _name_key(values.get("first_name", ""), last_name)
    page = api().list_customers(search=last_name, per_page=SEARCH_PAGE)
    return [
        customer
        for customer in page.items
        if _name_key(customer.first_name, customer.last_name) == name
        and _phone_key(customer.phone, region=default_phone_region()) == phone
    ]


def customer_with_email(*, email: str, exclude_id: int | None = None) -> Customer | None:
    """The customer (other than `exclude_id`) whose email address this is, if LatePoint says."""
    wanted = (email or "").strip().lower()
    if not wanted:
        return None
    page = api().list_customers(email=wanted, per_page=5)
    for customer in page.items:
        if (customer.email or "").strip().lower() == wanted and customer.id != exclude_id:
            return customer
    return None
